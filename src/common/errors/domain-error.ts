/**
 * Errors the domain throws. Domain code never imports HTTP exceptions: ONE filter
 * (ProblemDetailsFilter) maps these codes to problem+json status codes.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_MISMATCH'
  | 'CONFLICT'
  | 'EVENT_NOT_ACCEPTED'
  | 'BUSINESS_RULE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly extra: {
      errors?: FieldError[];
      allowedEvents?: string[];
      [key: string]: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(
    errors: FieldError[],
    message = 'The request has invalid fields.',
  ): DomainError {
    return new DomainError('VALIDATION_FAILED', message, { errors });
  }

  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} was not found.`);
  }

  static forbidden(message: string): DomainError {
    return new DomainError('FORBIDDEN', message);
  }
}
