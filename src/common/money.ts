import { Matches, type ValidationOptions } from 'class-validator';
import Decimal from 'decimal.js';

/** Money on the wire: a non-negative decimal string with at most two places, never a float. */
export const MONEY_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

export function IsMoney(options?: ValidationOptions): PropertyDecorator {
  return Matches(MONEY_PATTERN, {
    message:
      '$property must be a non-negative amount as a string with at most two decimals, e.g. "1234.50"',
    ...options,
  });
}

/** `"100.5"` -> `"100.50"`. */
export function formatMoney(value: Decimal.Value): string {
  return new Decimal(value).toFixed(2, Decimal.ROUND_HALF_UP);
}
