import type { FieldError } from '../common/errors/domain-error';
import { normaliseResidentId, validateResidentId } from '../common/id-number';
import { MONEY_PATTERN } from '../common/money';
import { RELIEF_CATEGORIES } from '../relief/relief-calculator';
import { personKey } from '../relief/relief-ledger.service';
import { INSURANCE_TYPES, type InsuranceType } from './monitoring-thresholds';

/**
 * One person's yearly expense totals as the import receives them (docs/api.md "Early warning"), and
 * the one check every row goes through — JSON or CSV alike, so the two never disagree. Written by
 * hand over the shared primitives (GB 11643 check, the money pattern) rather than a
 * class-validator DTO per row: an import is up to millions of rows and this is its hot loop.
 */

/** The categories a record may carry: the relief categories, or OTHER (none). */
export const RECORD_CATEGORIES = [...RELIEF_CATEGORIES, 'OTHER'] as const;

export const RECORD_FIELDS = [
  'idNumber',
  'name',
  'streetCode',
  'insuranceType',
  'category',
  'year',
  'inPolicyCost',
  'insurancePaid',
  'reliefPaid',
  'outOfPolicyCost',
] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];
const OPTIONAL_FIELDS: readonly RecordField[] = ['category'];
export const REQUIRED_FIELDS = RECORD_FIELDS.filter((f) => !OPTIONAL_FIELDS.includes(f));

/** A valid record, ready to be written (the resident ID upper-cased, the person key computed). */
export interface ExpenseRecord {
  personKey: string;
  idNumber: string;
  name: string;
  streetCode: string;
  insuranceType: InsuranceType;
  category: string | null;
  year: number;
  inPolicyCost: string;
  insurancePaid: string;
  reliefPaid: string;
  outOfPolicyCost: string;
}

export type RecordCheck = { record: ExpenseRecord } | { errors: FieldError[] };

const STREET_CODE = /^[0-9A-Za-z]{1,32}$/;
const YEAR_TEXT = /^\d{4}$/;
const MAX_NAME = 50;
const MONEY_FIELDS = ['inPolicyCost', 'insurancePaid', 'reliefPaid', 'outOfPolicyCost'] as const;

/** Cents of a valid money string (at most 12 integer digits: exact in a double). */
function cents(amount: string): number {
  const [whole, fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/**
 * Checks one row. `fromCsv`: every cell is text (`year` as digits, an empty cell is absent); in
 * JSON `year` is a number and money a decimal string (never a float, docs/api.md). Years run from
 * 2000 to `currentYear` (expense totals of a future year do not exist yet).
 */
export function checkExpenseRecord(
  raw: unknown,
  options: { currentYear: number; fromCsv?: boolean; today?: Date },
): RecordCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { errors: [{ field: 'row', message: 'must be an object with the record fields' }] };
  }
  const row = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(row)) {
    if (!(RECORD_FIELDS as readonly string[]).includes(key)) {
      errors.push({ field: key, message: `${key} is not a field of an expense record` });
    }
  }
  const present = (field: RecordField): boolean => {
    const v = row[field];
    return v !== undefined && v !== null && !(options.fromCsv && v === '');
  };
  for (const field of REQUIRED_FIELDS) {
    if (!present(field)) {
      errors.push({ field, message: `${field} is required` });
    }
  }

  const idNumber = row.idNumber;
  if (present('idNumber')) {
    const reason = validateResidentId(idNumber, options.today);
    if (reason !== null) {
      errors.push({ field: 'idNumber', message: reason });
    }
  }
  const name = typeof row.name === 'string' ? row.name.trim() : row.name;
  if (
    present('name') &&
    (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME)
  ) {
    errors.push({ field: 'name', message: `name must be text of 1 to ${MAX_NAME} characters` });
  } else if (typeof name === 'string' && name.includes('\uFFFD')) {
    // A CSV saved as GBK (Excel's default here) decodes to U+FFFD: ask for UTF-8, keep no garbage.
    errors.push({ field: 'name', message: 'name is not valid UTF-8: save the CSV as UTF-8' });
  }
  if (
    present('streetCode') &&
    (typeof row.streetCode !== 'string' || !STREET_CODE.test(row.streetCode))
  ) {
    errors.push({ field: 'streetCode', message: 'streetCode must be 1-32 letters or digits' });
  }
  if (
    present('insuranceType') &&
    !(INSURANCE_TYPES as readonly unknown[]).includes(row.insuranceType)
  ) {
    errors.push({
      field: 'insuranceType',
      message: `insuranceType must be one of ${INSURANCE_TYPES.join(', ')}`,
    });
  }
  const category = present('category') ? row.category : null;
  if (category !== null && !(RECORD_CATEGORIES as readonly unknown[]).includes(category)) {
    errors.push({
      field: 'category',
      message: `category must be one of ${RECORD_CATEGORIES.join(', ')}, or absent`,
    });
  }

  let year: number | null = null;
  if (present('year')) {
    const v = row.year;
    year =
      options.fromCsv && typeof v === 'string' && YEAR_TEXT.test(v)
        ? Number(v)
        : typeof v === 'number' && Number.isInteger(v)
          ? v
          : null;
    if (year === null || year < 2000 || year > options.currentYear) {
      errors.push({
        field: 'year',
        message: `year must be a whole year from 2000 to ${options.currentYear}`,
      });
    }
  }

  for (const field of MONEY_FIELDS) {
    const v = row[field];
    if (present(field) && (typeof v !== 'string' || !MONEY_PATTERN.test(v))) {
      errors.push({
        field,
        message: `${field} must be a non-negative amount as a string with at most two decimals, e.g. "1234.50"`,
      });
    }
  }
  if (errors.length === 0) {
    // Insurance and relief pay in-policy costs only: together they cannot exceed them.
    const inPolicy = cents(row.inPolicyCost as string);
    const insurance = cents(row.insurancePaid as string);
    if (insurance > inPolicy) {
      errors.push({ field: 'insurancePaid', message: 'insurancePaid exceeds inPolicyCost' });
    } else if (insurance + cents(row.reliefPaid as string) > inPolicy) {
      errors.push({
        field: 'reliefPaid',
        message: 'insurancePaid + reliefPaid exceeds inPolicyCost',
      });
    }
  }
  if (errors.length > 0) {
    return { errors };
  }
  const id = normaliseResidentId(idNumber as string);
  return {
    record: {
      personKey: personKey(id),
      idNumber: id,
      name: name as string,
      streetCode: row.streetCode as string,
      insuranceType: row.insuranceType as InsuranceType,
      category: category as string | null,
      year: year!,
      inPolicyCost: row.inPolicyCost as string,
      insurancePaid: row.insurancePaid as string,
      reliefPaid: row.reliefPaid as string,
      outOfPolicyCost: row.outOfPolicyCost as string,
    },
  };
}

/**
 * Checks a CSV header: its columns are the JSON fields, in any order; an unknown, repeated or
 * missing column makes the file unreadable (nothing is imported). Returns the problems.
 */
export function checkCsvHeader(columns: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    if (!(RECORD_FIELDS as readonly string[]).includes(c)) {
      problems.push(`unknown column "${c}" (columns: ${RECORD_FIELDS.join(', ')})`);
    } else if (seen.has(c)) {
      problems.push(`column "${c}" is given twice`);
    }
    seen.add(c);
  }
  for (const f of REQUIRED_FIELDS) {
    if (!seen.has(f)) {
      problems.push(`missing column "${f}"`);
    }
  }
  return problems;
}
