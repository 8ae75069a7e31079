import type { ClassConstructor } from 'class-transformer';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parse } from 'csv-parse/sync';
import type { FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from '../common/errors/validation';

/**
 * Bulk imports of the capitation module (sign-ups, actual spending), the way the institution
 * directory imports: one object, an array, or a CSV whose header names the JSON fields; every
 * bad row is reported with its number, and nothing is written unless every row is good.
 */

/** A refused row, numbered from 1 in the order given (for a CSV: the data lines after the header). */
export interface RejectedRow {
  row: number;
  errors: FieldError[];
}

/** A batch, not a bulk load: larger sets go in several requests. */
export const MAX_IMPORT_ROWS = 20_000;

/** Fields whose CSV cells are whole numbers in the JSON form. */
const NUMERIC_FIELDS = new Set(['year', 'month']);

export function csvToObjects(text: string): Record<string, unknown>[] {
  const records = parse<Record<string, string>>(text, {
    columns: true,
    bom: true,
    trim: true,
    skip_empty_lines: true,
  });
  // An empty cell is an absent optional field.
  return records.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, NUMERIC_FIELDS.has(k) && /^\d+$/.test(v) ? Number(v) : v]),
    ),
  );
}

/** The rows of the request, whatever form they came in (JSON, `text/csv`, a multipart `file`). */
export async function importRows(req: FastifyRequest, body: unknown): Promise<unknown> {
  try {
    if (req.isMultipart()) {
      const file = await req.file();
      if (!file) {
        throw DomainError.validation([{ field: 'file', message: 'a CSV file is required' }]);
      }
      return csvToObjects((await file.toBuffer()).toString('utf8'));
    }
    return typeof body === 'string' ? csvToObjects(body) : body;
  } catch (e) {
    if (e instanceof DomainError) {
      throw e;
    }
    // csv-parse names the line (e.g. "Invalid Record Length: columns length is 4, got 3 on line 3").
    throw DomainError.validation([{ field: 'file', message: (e as Error).message }]);
  }
}

/**
 * Validates every row with the DTO class; `keyOf` names a row's identity so the second row with
 * the same key is refused (`field` is where the message goes).
 */
export async function validateRows<T extends object>(
  dto: ClassConstructor<T>,
  input: unknown,
  duplicate?: { field: string; keyOf: (row: T) => string | undefined },
): Promise<{ rows: Array<{ row: number; value: T }>; rejected: RejectedRow[] }> {
  const items = Array.isArray(input) ? (input as unknown[]) : [input];
  if (items.length === 0) {
    return { rows: [], rejected: [{ row: 0, errors: [{ field: 'body', message: 'no rows' }] }] };
  }
  if (items.length > MAX_IMPORT_ROWS) {
    return {
      rows: [],
      rejected: [
        {
          row: 0,
          errors: [{ field: 'body', message: `at most ${MAX_IMPORT_ROWS} rows a request` }],
        },
      ],
    };
  }
  const rows: Array<{ row: number; value: T }> = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const row = i + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      rejected.push({ row, errors: [{ field: 'row', message: 'must be an object' }] });
      continue;
    }
    const value = plainToInstance(dto, item);
    const errors = flattenValidationErrors(await validate(value, VALIDATOR_OPTIONS));
    const key = errors.length === 0 ? duplicate?.keyOf(value) : undefined;
    if (duplicate && key !== undefined) {
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({ field: duplicate.field, message: `already given in row ${first}` });
      } else {
        seen.set(key, row);
      }
    }
    if (errors.length > 0) {
      rejected.push({ row, errors });
    } else {
      rows.push({ row, value });
    }
  }
  return { rows, rejected };
}

/** 400 naming every refused row's fields (`rows[3].idNumber`): nothing was imported. */
export function rowsRefused(rejected: readonly RejectedRow[]): DomainError {
  return new DomainError(
    'VALIDATION_FAILED',
    `${rejected.length} row(s) refused: nothing was imported.`,
    {
      errors: rejected.flatMap((r) =>
        r.errors.map((e) => ({ field: `rows[${r.row}].${e.field}`, message: e.message })),
      ),
      rejected,
    },
  );
}
