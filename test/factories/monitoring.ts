import { residentId } from './relief';

/** Test data for the early warning (因病致贫返贫监测): yearly expense records and their CSV. */
export interface ExpenseRecordSpec {
  idNumber?: string;
  name?: string;
  streetCode?: string;
  /** EMPLOYEE, RETIREE or RESIDENT (anything else to test a refusal). */
  insuranceType?: string;
  category?: string;
  year?: number | string;
  inPolicyCost?: string;
  insurancePaid?: string;
  reliefPaid?: string;
  outOfPolicyCost?: string;
}

export const RECORD_COLUMNS = [
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

let nextPerson = 0;

/** A distinct person (valid resident ID) per call unless `idNumber` is given. */
export function expenseRecord(spec: ExpenseRecordSpec = {}): Record<string, unknown> {
  nextPerson += 1;
  return {
    idNumber:
      spec.idNumber ?? residentId(nextPerson % 1000, `19${60 + Math.floor(nextPerson / 1000)}0101`),
    name: spec.name ?? `居民${nextPerson}`,
    streetCode: spec.streetCode ?? '330106001',
    insuranceType: spec.insuranceType ?? 'RESIDENT',
    ...(spec.category !== undefined ? { category: spec.category } : {}),
    year: spec.year ?? 2026,
    inPolicyCost: spec.inPolicyCost ?? '10000.00',
    insurancePaid: spec.insurancePaid ?? '7000.00',
    reliefPaid: spec.reliefPaid ?? '0.00',
    outOfPolicyCost: spec.outOfPolicyCost ?? '500.00',
  };
}

/**
 * A record whose measured burden is exactly `burden`: the in-policy remainder for a relief
 * category, else in-policy remainder + out-of-policy costs (half each).
 */
export function recordWithBurden(
  burden: string,
  spec: ExpenseRecordSpec = {},
): Record<string, unknown> {
  const cents = Math.round(Number(burden) * 100);
  const money = (c: number): string => (c / 100).toFixed(2);
  if (spec.category !== undefined && spec.category !== 'OTHER') {
    return expenseRecord({
      inPolicyCost: money(cents + 3_000_000),
      insurancePaid: '20000.00',
      reliefPaid: '10000.00',
      outOfPolicyCost: spec.outOfPolicyCost ?? '0.00',
      ...spec,
    });
  }
  const outOfPolicy = Math.floor(cents / 2);
  return expenseRecord({
    inPolicyCost: money(cents - outOfPolicy + 4_000_000),
    insurancePaid: '40000.00',
    reliefPaid: '0.00',
    outOfPolicyCost: money(outOfPolicy),
    ...spec,
  });
}

/** A CSV cell: numbers and text as written, an absent field empty. */
function cell(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** The CSV of records (header = the JSON fields; an absent field is an empty cell). */
export function recordsCsv(
  rows: Array<Record<string, unknown> | string>,
  columns: readonly string[] = RECORD_COLUMNS,
): string {
  const line = (r: Record<string, unknown> | string): string =>
    typeof r === 'string' ? r : columns.map((c) => cell(r[c])).join(',');
  return `${columns.join(',')}\n${rows.map(line).join('\n')}\n`;
}
