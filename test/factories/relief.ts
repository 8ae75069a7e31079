/** Test data for relief applications (valid GB 11643 IDs, amounts as decimal strings). */
export const RESIDENT_IDS = {
  a: '330106198001010013',
  b: '330106197512310021',
  c: '330106199006150036',
  d: '330106200002290045',
} as const;

export interface ExpenseSpec {
  kind?: 'INPATIENT' | 'OUTPATIENT';
  date?: string;
  inPolicyCost?: string;
  basicInsurancePaid?: string;
  criticalIllnessPaid?: string;
  otherInsurancePaid?: string;
  totalCost?: string;
}

/**
 * docs/domain.md §1's worked line: in-policy 50,000, basic 30,000, critical illness 5,000 -> base
 * 15,000.
 */
export function expense(spec: ExpenseSpec = {}): Record<string, string> {
  return {
    kind: spec.kind ?? 'INPATIENT',
    institution: '杭州市西溪医院',
    date: spec.date ?? '2026-03-02',
    totalCost: spec.totalCost ?? '52000.00',
    inPolicyCost: spec.inPolicyCost ?? '50000.00',
    basicInsurancePaid: spec.basicInsurancePaid ?? '30000.00',
    criticalIllnessPaid: spec.criticalIllnessPaid ?? '5000.00',
    otherInsurancePaid: spec.otherInsurancePaid ?? '0.00',
  };
}

export function reliefApplication(
  overrides: {
    idNumber?: string;
    streetCode?: string;
    category?: string;
    expenses?: Array<Record<string, string>>;
  } = {},
): Record<string, unknown> {
  return {
    applicant: {
      name: '张三',
      idNumber: overrides.idNumber ?? RESIDENT_IDS.a,
      phone: '13812345678',
      category: overrides.category ?? 'DIBAO',
      insuranceType: 'RESIDENT',
    },
    streetCode: overrides.streetCode ?? '330106001',
    year: 2026,
    expenses: overrides.expenses ?? [expense()],
  };
}

/** GB 11643 MOD 11-2: weights 2^(17-i) mod 11 of the first 17 digits, then the check character. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/**
 * A valid resident ID of a 西湖区 resident born on `birthDate` (YYYYMMDD) with sequence `seq`
 * (0–999): a distinct person per `seq`, so each test can have a yearly ledger of its own.
 */
export function residentId(seq: number, birthDate = '19850615'): string {
  const first17 = `330106${birthDate}${String(seq).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * ID_WEIGHTS[i], 0);
  return `${first17}${ID_CHECK_CHARS[sum % 11]}`;
}
