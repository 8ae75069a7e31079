import type { FieldError } from './errors/domain-error';

/** Type guards the policy validators and the public draws share for untyped JSON input. */

/** A JSON object: not null, not an array (an array merged over defaults would drop them). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A whole number from `min` to `max`, both included. */
export const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export const isFiniteNumber = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v);

/** An amount of money in input: non-negative, at most two decimals ("1234.5", "1234.50"). */
export const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

/** The field error of a value that is not such an amount, or null when it is one. */
export function amountError(field: string, v: unknown): FieldError | null {
  return typeof v === 'string' && AMOUNT.test(v)
    ? null
    : {
        field,
        message: `must be a non-negative decimal string with at most two places, e.g. "1234.50" (got ${JSON.stringify(v)})`,
      };
}
