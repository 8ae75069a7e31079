import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parse } from 'csv-parse/sync';
import type { FieldError } from '../common/errors/domain-error';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from '../common/errors/validation';
import { InstitutionRowDto } from './dto/institution.dto';

/** A row that failed, numbered from 1 in the order given (for a CSV: the data lines after the header). */
export interface RejectedRow {
  row: number;
  errors: FieldError[];
}

export interface ParsedRows {
  rows: InstitutionRowDto[];
  rejected: RejectedRow[];
}

/** A directory import is a batch, not a bulk load: larger sets go in several requests. */
export const MAX_IMPORT_ROWS = 20_000;

/** The CSV's columns are the JSON fields (`code,name,type,level,district,creditGrade`). */
export function csvToObjects(text: string): Record<string, unknown>[] {
  const records = parse<Record<string, string>>(text, {
    columns: true,
    bom: true,
    trim: true,
    skip_empty_lines: true,
  });
  // An empty cell is an absent optional field; `level` is a number in the JSON form.
  return records.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, k === 'level' && /^\d+$/.test(v) ? Number(v) : v]),
    ),
  );
}

/**
 * Validates every row of an import (one object, an array, or the objects of a CSV) and reports
 * every bad row with its errors; a code given twice is refused on its second row. The caller
 * writes nothing unless `rejected` is empty.
 */
export async function validateInstitutionRows(input: unknown): Promise<ParsedRows> {
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
  const rows: InstitutionRowDto[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const row = i + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      rejected.push({ row, errors: [{ field: 'row', message: 'must be an object' }] });
      continue;
    }
    const dto = plainToInstance(InstitutionRowDto, item);
    const errors = flattenValidationErrors(await validate(dto, VALIDATOR_OPTIONS));
    const first = typeof dto.code === 'string' ? seen.get(dto.code.toUpperCase()) : undefined;
    if (first !== undefined) {
      errors.push({ field: 'code', message: `code ${dto.code} is already given in row ${first}` });
    } else if (typeof dto.code === 'string') {
      seen.set(dto.code.toUpperCase(), row);
    }
    if (errors.length > 0) {
      rejected.push({ row, errors });
    } else {
      rows.push(dto);
    }
  }
  return { rows, rejected };
}
