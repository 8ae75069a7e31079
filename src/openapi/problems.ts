import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FieldError } from '../common/errors/domain-error';

export const PROBLEM_JSON = 'application/problem+json';

export class FieldErrorView implements FieldError {
  @ApiProperty({ example: 'applicant.idNumber', description: 'the field (or header) at fault' })
  field!: string;

  @ApiProperty({ example: 'resident ID check digit is 5, expected 3' })
  message!: string;
}

/** RFC 9457 problem document: every 4xx and 5xx of the service (ProblemDetailsFilter). */
export class ProblemDetails {
  @ApiProperty({
    format: 'uri',
    example: 'https://yibao-flow.example/problems/validation-failed',
    description:
      'ends in the problem: validation-failed, version-conflict, idempotency-mismatch, …',
  })
  type!: string;

  @ApiProperty({ example: 'Invalid request' }) title!: string;
  @ApiProperty({ type: 'integer', example: 400 }) status!: number;
  @ApiProperty({ example: 'The request has invalid fields.' }) detail!: string;

  @ApiPropertyOptional({ example: '/api/v1/relief-applications', description: 'the request path' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorView], description: 'every bad field, header or rule' })
  errors?: FieldErrorView[];

  @ApiPropertyOptional({
    type: [String],
    example: ['ACCEPT', 'REQUEST_SUPPLEMENT'],
    description: '422 on a case: the events the caller may send now',
  })
  allowedEvents?: string[];

  @ApiPropertyOptional({ type: 'integer', description: '409 version conflict: the case version' })
  currentVersion?: number;

  @ApiPropertyOptional({ type: 'integer', description: '429: seconds until a retry may succeed' })
  retryAfterSeconds?: number;
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export const PROBLEM_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Invalid input: `errors` names every bad field (or header)',
  401: 'No token, or an expired or revoked one',
  403: 'The caller’s role, team, panel or street may not do this',
  404: 'Not found, or a case the caller may not see',
  409: 'Version conflict (If-Match) or an Idempotency-Key reused with another body',
  413: 'The request body is too large',
  415: 'A body of a type this operation does not take',
  422: 'The case’s state does not accept the event, or a business rule refuses it (`allowedEvents`, `errors`)',
  429: 'Too many requests (Retry-After)',
  503: 'A dependency (database, Redis) is down',
};

/** The problem+json response of each status, as the OpenAPI document's response object. */
export function problemResponse(status: ProblemStatus): {
  description: string;
  content: Record<string, { schema: { $ref: string } }>;
} {
  return {
    description: PROBLEM_DESCRIPTIONS[status],
    content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDetails) } } },
  };
}

/**
 * The 4xx an operation can give besides the ones every operation shares (401 for a signed-in
 * route, 413 and 415 for one with a body: the document builder adds those).
 */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}
