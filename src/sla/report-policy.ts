const SHARE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;

/** Seed 002's goals the bureau is judged by (DOMAIN §1): shown beside the indicators. */
export interface ReportPolicy {
  /** 综合保障率 (share of in-policy costs covered by all schemes) at or above this. */
  coverageGoal: string;
  /** 个人负担率 (personal-burden share of in-policy costs) at or below this. */
  burdenGoal: string;
}

export const DEFAULT_REPORT_POLICY: ReportPolicy = { coverageGoal: '0.85', burdenGoal: '0.15' };

export function validateReportPolicy(value: unknown, path: string): string[] {
  const p = value as Partial<ReportPolicy> | null;
  const problems: string[] = [];
  for (const key of ['coverageGoal', 'burdenGoal'] as const) {
    const v = p?.[key];
    if (typeof v !== 'string' || !SHARE.test(v)) {
      problems.push(`${path}.${key}: must be a share as a string from "0" to "1", e.g. "0.85"`);
    }
  }
  return problems;
}
