import type { FieldError } from '../common/errors/domain-error';

/**
 * 签约周期 (the Chenzhou pilot, 五(四)2): one primary-care institution per person per sign-up
 * year; within the year the institution may change, or the sign-up end, only because the person
 * moved home, changed workplace or died (因居住、工作地点变更、签约人死亡等原因).
 */
export const CHANGE_REASONS = ['MOVED_HOME', 'CHANGED_WORKPLACE', 'DEATH'] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

/** The rule a refused change names (422 `rule`). */
export const ONE_INSTITUTION_A_YEAR = 'one-institution-per-sign-up-year';

export interface SignUpTerm {
  institutionCode: string;
  /** First and last day covered, inclusive. */
  startDate: string;
  endDate: string;
  /** Set once the sign-up was changed or ended. */
  endedReason: string | null;
}

export interface SignUpChange {
  institutionCode?: string;
  reason?: string;
  /** The first day the old sign-up no longer covers (the new one's first day). */
  date?: string;
}

function isChangeReason(reason: string | undefined): reason is ChangeReason {
  return (CHANGE_REASONS as readonly string[]).includes(reason ?? '');
}

/** Why a change is refused, field by field; empty when it is allowed. */
export function signUpChangeRefusals(term: SignUpTerm, change: SignUpChange): FieldError[] {
  const errors: FieldError[] = [];
  if (term.endedReason !== null) {
    errors.push({
      field: 'id',
      message: `this sign-up already ended (${term.endedReason}) on ${term.endDate}; change the current one`,
    });
    return errors;
  }
  if (!isChangeReason(change.reason)) {
    errors.push({
      field: 'reason',
      message: `${ONE_INSTITUTION_A_YEAR}: within a sign-up year the institution changes only for ${CHANGE_REASONS.join(', ')}`,
    });
  }
  if (change.date === undefined) {
    errors.push({ field: 'date', message: 'the day the change takes effect is required' });
  } else if (change.date <= term.startDate || change.date > term.endDate) {
    errors.push({
      field: 'date',
      message: `must be after the sign-up's first day ${term.startDate} and at most its last day ${term.endDate}`,
    });
  }
  if (change.reason === 'DEATH') {
    if (change.institutionCode !== undefined) {
      errors.push({
        field: 'institutionCode',
        message: 'a sign-up ended by death has no new institution',
      });
    }
  } else if (change.institutionCode === undefined) {
    errors.push({ field: 'institutionCode', message: 'the new institution is required' });
  } else if (change.institutionCode.toUpperCase() === term.institutionCode.toUpperCase()) {
    errors.push({
      field: 'institutionCode',
      message: `the person is already signed up with ${term.institutionCode}`,
    });
  }
  return errors;
}

/** The day before a YYYY-MM-DD date. */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
