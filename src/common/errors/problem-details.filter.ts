import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, isLockConflict } from '../../database/with-retry';
import { isRedisUnavailable } from '../../queue/redis-errors';
import { DomainError, type DomainErrorCode, type FieldError } from './domain-error';

export const PROBLEM_BASE = 'https://yibao-flow.example/problems';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

/** Status, type slug and title for each domain error code (exhaustive: a new code must be mapped). */
function describe(code: DomainErrorCode): { status: number; slug: string; title: string } {
  switch (code) {
    case 'VALIDATION_FAILED':
      return { status: 400, slug: 'validation-failed', title: 'Invalid request' };
    case 'UNAUTHENTICATED':
      return { status: 401, slug: 'unauthenticated', title: 'Authentication required' };
    case 'FORBIDDEN':
      return { status: 403, slug: 'forbidden', title: 'Not permitted' };
    case 'NOT_FOUND':
      return { status: 404, slug: 'not-found', title: 'Not found' };
    case 'VERSION_CONFLICT':
      return { status: 409, slug: 'version-conflict', title: 'Version conflict' };
    case 'IDEMPOTENCY_MISMATCH':
      return { status: 409, slug: 'idempotency-mismatch', title: 'Idempotency key reused' };
    case 'CONFLICT':
      return { status: 409, slug: 'conflict', title: 'Conflict' };
    case 'EVENT_NOT_ACCEPTED':
      return { status: 422, slug: 'event-not-accepted', title: 'Event not accepted in this state' };
    case 'BUSINESS_RULE':
      return { status: 422, slug: 'business-rule', title: 'Refused by a business rule' };
    case 'PAYLOAD_TOO_LARGE':
      return { status: 413, slug: 'payload-too-large', title: 'Request body too large' };
    case 'UNSUPPORTED_MEDIA_TYPE':
      return { status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type' };
    case 'RATE_LIMITED':
      return { status: 429, slug: 'rate-limited', title: 'Too many requests' };
    case 'UNAVAILABLE':
      return { status: 503, slug: 'unavailable', title: 'Service unavailable' };
  }
}

function fromHttpException(e: HttpException): Problem {
  const status = e.getStatus();
  const body = e.getResponse();
  const slug = (HttpStatus[status] ?? 'error').toLowerCase().replace(/_/g, '-');
  if (typeof body === 'string') {
    // Nest hands Fastify's own errors (bad JSON, body too large) over as HttpException(message, status).
    return (
      fromFastifyError({ statusCode: status, message: body }) ?? {
        type: `${PROBLEM_BASE}/${slug}`,
        title: e.name,
        status,
        detail: body,
      }
    );
  }
  // Keep what the exception carries (e.g. the health check's per-dependency details).
  const {
    message,
    statusCode: _statusCode,
    error: _error,
    ...rest
  } = body as Record<string, unknown>;
  return {
    ...rest,
    type: `${PROBLEM_BASE}/${slug}`,
    title: e.name,
    status,
    detail: typeof message === 'string' ? message : e.message,
  };
}

/** How long a client should wait before repeating a request refused for an unavailable dependency. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

function unavailable(detail: string): Problem {
  const d = describe('UNAVAILABLE');
  return {
    type: `${PROBLEM_BASE}/${d.slug}`,
    title: d.title,
    status: d.status,
    detail,
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  };
}

/** Fastify's own errors for malformed requests (bad JSON, too large, bad content type). */
function fromFastifyError(e: {
  statusCode?: number;
  code?: string;
  message: string;
}): Problem | null {
  if (typeof e.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) {
    return null;
  }
  if (e.statusCode === 413) {
    const d = describe('PAYLOAD_TOO_LARGE');
    return { type: `${PROBLEM_BASE}/${d.slug}`, title: d.title, status: 413, detail: e.message };
  }
  if (e.statusCode === 415) {
    // A body type Fastify has no parser for (e.g. application/xml): the same problem as ours.
    const d = describe('UNSUPPORTED_MEDIA_TYPE');
    return {
      type: `${PROBLEM_BASE}/${d.slug}`,
      title: d.title,
      status: 415,
      detail: e.message,
      errors: [{ field: 'Content-Type', message: 'must be application/json' }],
    };
  }
  return {
    type: `${PROBLEM_BASE}/malformed-request`,
    title: 'Malformed request',
    status: e.statusCode,
    detail: e.message,
    errors: [{ field: 'body', message: e.message }],
  };
}

/** The one place where errors become RFC 9457 problem documents. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const problem = this.toProblem(exception);
    problem.instance = request.url;
    if (problem.status === 503) {
      this.logger.warn(`${request.method} ${request.url}: 503 (${String(exception)})`);
    } else if (problem.status >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (typeof problem.retryAfterSeconds === 'number') {
      // 429 (a locked login), 503 (a dependency failing over): when to try again, as the header
      // clients and proxies understand.
      void reply.header('retry-after', String(problem.retryAfterSeconds));
    }
    void reply
      .status(problem.status)
      .header('content-type', 'application/problem+json')
      .send(problem);
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) {
      const d = describe(exception.code);
      return {
        type: `${PROBLEM_BASE}/${d.slug}`,
        title: d.title,
        status: d.status,
        detail: exception.message,
        ...exception.extra,
      };
    }
    if (exception instanceof HttpException) {
      return fromHttpException(exception);
    }
    if (exception instanceof Error) {
      const fromFastify = fromFastifyError(exception);
      if (fromFastify) {
        return fromFastify;
      }
    }
    if (isDatabaseUnavailable(exception) || isLockConflict(exception)) {
      // A node failing over, a lock conflict that outlived its retries, a COMMIT whose outcome
      // is unknown: the client repeats the request (with its If-Match or Idempotency-Key).
      return unavailable('The database is failing over or busy; repeat the request shortly.');
    }
    if (isRedisUnavailable(exception)) {
      return unavailable('The queue (Redis) is failing over; repeat the request shortly.');
    }
    return {
      type: `${PROBLEM_BASE}/internal`,
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged.',
    };
  }
}
