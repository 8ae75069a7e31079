import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/** `YYYY-MM-DD` as written on the wire (the shape; `isCalendarDate` also checks the day exists). */
export const CALENDAR_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A real calendar date `YYYY-MM-DD`: `2026-02-30` and `2025-02-29` are refused. */
export function isCalendarDate(value: unknown): value is string {
  // validator.js's strict ISO 8601 check knows month lengths and leap years.
  return (
    typeof value === 'string' &&
    CALENDAR_DATE_PATTERN.test(value) &&
    isISO8601(value, { strict: true, strictSeparator: true })
  );
}

/** The one validator of every date (日期) the API takes: a real day, `YYYY-MM-DD`. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: String, format: 'date' }),
    // The event schemas (src/events) are derived from class-validator metadata, which cannot
    // describe a custom constraint: say what it checks.
    (target: object, key: string | symbol) =>
      JSONSchema({ type: 'string', format: 'date', pattern: CALENDAR_DATE_PATTERN.source })(
        target,
        String(key),
      ),
    ValidateBy(
      {
        name: 'isCalendarDate',
        validator: {
          validate: (value) => isCalendarDate(value),
          defaultMessage: () => '$property must be a real date YYYY-MM-DD',
        },
      },
      options,
    ),
  );
}
