import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldError } from './domain-error';
import { rememberValidationRules } from './validation-rules';

/** Flattens class-validator's nested errors into `{ field: 'expenses.0.totalCost', message }`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      out.push({ field, message });
    }
    if (e.children && e.children.length > 0) {
      out.push(...flattenValidationErrors(e.children, field));
    }
  }
  return out;
}

/** Whitelist, refuse unknown fields, name every bad field. Shared by HTTP and the engine. */
export const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
} as const;

export function createValidationPipe(): ValidationPipe {
  rememberValidationRules();
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
  });
}
