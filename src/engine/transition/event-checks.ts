import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError } from '../../common/errors/domain-error';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from '../../common/errors/validation';
import { rememberValidationRules } from '../../common/errors/validation-rules';
import type { CaseEvent } from '../case-event';
import type { CaseEntity } from '../entities/case.entity';

/** If-Match: the caller saw this version of the case, or it reloads (409). */
export function assertVersion(
  row: CaseEntity,
  expectedVersion: number | undefined,
  hint = ': reload it and try again',
): void {
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new DomainError(
      'VERSION_CONFLICT',
      `The case is at version ${row.version}, not ${expectedVersion}${hint}.`,
      { currentVersion: row.version },
    );
  }
}

/** The event's payload without its type (the service's own events are not validated). */
export function payloadOf(event: CaseEvent): Record<string, unknown> {
  const { type: _type, ...payload } = event;
  return payload;
}

/**
 * A caller's payload checked against the event's DTO (400 naming each field); an event without
 * a DTO takes no fields. Returns the payload as the DTO shapes it (transformed, whitelisted).
 */
export async function validatePayload(
  event: CaseEvent,
  dto: (new () => object) | undefined,
): Promise<Record<string, unknown>> {
  const payload = payloadOf(event);
  if (!dto) {
    const unexpected = Object.keys(payload);
    if (unexpected.length > 0) {
      throw DomainError.validation(
        unexpected.map((field) => ({
          field,
          message: `${field} is not expected for ${event.type}`,
        })),
      );
    }
    return {};
  }
  rememberValidationRules(); // a worker process has no HTTP pipe that would have done it
  const instance = plainToInstance(dto, payload);
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    throw DomainError.validation(flattenValidationErrors(errors));
  }
  return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
}
