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

/** DOMAIN.md §1's worked line: in-policy 50,000, basic 30,000, critical illness 5,000 -> base 15,000. */
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
