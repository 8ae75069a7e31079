import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import Decimal from 'decimal.js';

/** Money on the wire: a non-negative decimal string with at most two places, never a float. */
export const MONEY_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/** Money the service takes: validated, and declared with the same pattern in the document. */
export function IsMoney(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Matches(MONEY_PATTERN, {
      message:
        '$property must be a non-negative amount as a string with at most two decimals, e.g. "1234.50"',
      ...options,
    }),
    ApiProperty({ type: String, pattern: MONEY_PATTERN.source }),
  );
}

/** Money the service writes: always two places (`formatMoney`). */
export const MONEY_OUT_PATTERN = '^-?\\d+\\.\\d{2}$';

/** A money field of a response (`"12345.60"`). */
export function ApiMoney(
  options: { description?: string; nullable?: boolean } = {},
): PropertyDecorator {
  return ApiProperty({
    type: String,
    pattern: MONEY_OUT_PATTERN,
    example: '12345.60',
    ...options,
  });
}

/** `"100.5"` -> `"100.50"`. */
export function formatMoney(value: Decimal.Value): string {
  return new Decimal(value).toFixed(2, Decimal.ROUND_HALF_UP);
}

/**
 * This amount, plus the named sibling amounts, is at most the sibling amount `limit` (e.g. what
 * the insurers paid cannot exceed the in-policy cost they paid for). Silent while any of them is
 * not a valid amount (IsMoney names that field) or the others alone exceed the limit.
 */
export function IsMoneyAtMost(
  limit: string,
  alsoCounting: readonly string[] = [],
  options?: ValidationOptions,
): PropertyDecorator {
  const amountsOf = (value: unknown, object: object): Decimal[] | null => {
    const siblings = object as Record<string, unknown>;
    const values = [value, siblings[limit], ...alsoCounting.map((p) => siblings[p])];
    return values.every((v) => typeof v === 'string' && MONEY_PATTERN.test(v))
      ? values.map((v) => new Decimal(v as string))
      : null;
  };
  return ValidateBy(
    {
      name: 'isMoneyAtMost',
      constraints: [limit, alsoCounting],
      validator: {
        validate: (value, args) => {
          const amounts = amountsOf(value, args?.object ?? {});
          if (amounts === null) {
            return true;
          }
          const [own, max, ...others] = amounts;
          const before = others.reduce((sum, a) => sum.plus(a), new Decimal(0));
          // Already over without this one: the earlier field is the one named.
          return before.gt(max) || before.plus(own).lte(max);
        },
        defaultMessage: () =>
          alsoCounting.length === 0
            ? `$property cannot exceed ${limit}`
            : `${[...alsoCounting, '$property'].join(' + ')} cannot exceed ${limit}`,
      },
    },
    options,
  );
}
