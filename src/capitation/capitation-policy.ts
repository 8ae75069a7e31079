/**
 * The outpatient-capitation part of the bureau's policy (门诊按人头付费, docs/domain.md §6, the
 * Chenzhou pilot): per sign-up year the fund figures the base capitation is computed from, the
 * sign-up fee and the fund's share of it, the cap, and the assessment bands of the year-end
 * reconciliation; plus the day of the monthly opening. Amounts and shares are decimal strings.
 */

/** One assessment band (考核档次): a score at or above `minScore` takes it (the highest such band). */
export interface CapitationBand {
  minScore: number;
  /** Share of a surplus (结余) the institution keeps, "0.80"; the rest is recovered. */
  surplusKept: string;
  /** Share of an overspend (超支) the fund bears, "0.30"; the rest stays with the institution. */
  overspendFundShare: string;
}

export interface CapitationYear {
  /** 当年城乡居民医保基金总额 (yuan). */
  residentsFund: string;
  /** 总参保人数: the insured persons the base capitation is divided among. */
  insuredPersons: number;
  /** 基金预算总额 as a share of the residents' fund (原则上控制在 10% 以内). */
  budgetShare: string;
  /** 预留风险金比例 (10%). */
  riskReserve: string;
  /** 签约服务费 a person a year (32), of which the fund pays `fundSignUpFee` (12). */
  signUpFee: string;
  fundSignUpFee: string;
  /** 基础人头费 at most this a person a year (68). */
  cap: string;
  /** First day of the sign-up year: 1 January, or the start of payment in the first pilot year. */
  startDate: string;
  /** Best first is not required: the band is the one with the highest `minScore` reached. */
  bands: CapitationBand[];
}

export interface CapitationPolicy {
  /** Recorded on every settlement and reconciliation that used it. */
  version: string;
  /** When the monthly opening runs (Asia/Shanghai): day 1–28 and hour. */
  schedule: { dayOfMonth: number; hour: number };
  /** Sign-up year (`"2026"`) -> its figures; a year not listed has no capitation. */
  years: Record<string, CapitationYear>;
}

/**
 * The bands are ILLUSTRATIVE (the seed leaves the assessment to each county): to be confirmed by
 * the bureau. The 2026 fund figures are the example of docs/domain.md §6 (rate 48.00).
 */
export const DEFAULT_CAPITATION_BANDS: CapitationBand[] = [
  { minScore: 90, surplusKept: '1.00', overspendFundShare: '0.50' },
  { minScore: 80, surplusKept: '0.80', overspendFundShare: '0.30' },
  { minScore: 60, surplusKept: '0.50', overspendFundShare: '0.00' },
  { minScore: 0, surplusKept: '0.00', overspendFundShare: '0.00' },
];

export const DEFAULT_CAPITATION_POLICY: CapitationPolicy = {
  version: '2026.1',
  schedule: { dayOfMonth: 1, hour: 1 },
  years: {
    '2026': {
      residentsFund: '100000000.00',
      insuredPersons: 150000,
      budgetShare: '0.10',
      riskReserve: '0.10',
      signUpFee: '32.00',
      fundSignUpFee: '12.00',
      cap: '68.00',
      startDate: '2026-01-01',
      bands: DEFAULT_CAPITATION_BANDS,
    },
  },
};

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
const SHARE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
const YEAR_KEY = /^(20\d\d|2100)$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validateYear(y: Record<string, unknown>, year: string, at: string): string[] {
  const problems: string[] = [];
  for (const key of ['residentsFund', 'signUpFee', 'fundSignUpFee', 'cap']) {
    if (typeof y[key] !== 'string' || !AMOUNT.test(y[key])) {
      problems.push(`${at}.${key}: must be an amount string like "68.00"`);
    }
  }
  if (
    typeof y.signUpFee === 'string' &&
    typeof y.fundSignUpFee === 'string' &&
    Number(y.fundSignUpFee) > Number(y.signUpFee)
  ) {
    problems.push(`${at}.fundSignUpFee: cannot exceed signUpFee`);
  }
  if (typeof y.insuredPersons !== 'number' || !Number.isInteger(y.insuredPersons)) {
    problems.push(`${at}.insuredPersons: must be a whole number above 0`);
  } else if (y.insuredPersons < 1) {
    problems.push(`${at}.insuredPersons: must be a whole number above 0`);
  }
  for (const key of ['budgetShare', 'riskReserve']) {
    if (typeof y[key] !== 'string' || !SHARE.test(y[key])) {
      problems.push(`${at}.${key}: must be a share from 0 to 1 as a string, e.g. "0.10"`);
    }
  }
  if (typeof y.startDate !== 'string' || !DATE.test(y.startDate)) {
    problems.push(`${at}.startDate: must be a date YYYY-MM-DD`);
  } else if (!y.startDate.startsWith(`${year}-`)) {
    problems.push(`${at}.startDate: must fall in ${year}`);
  }
  const bands = y.bands;
  if (!Array.isArray(bands) || bands.length === 0) {
    problems.push(
      `${at}.bands: must be a non-empty list of { minScore, surplusKept, overspendFundShare }`,
    );
    return problems;
  }
  const scores = new Set<number>();
  bands.forEach((b: unknown, i) => {
    const band = isPlainObject(b) ? b : {};
    const p = `${at}.bands.${i}`;
    const min = band.minScore;
    if (typeof min !== 'number' || !Number.isFinite(min) || min < 0 || min > 100) {
      problems.push(`${p}.minScore: must be a score from 0 to 100`);
    } else if (scores.has(min)) {
      problems.push(`${p}.minScore: ${min} is given twice`);
    } else {
      scores.add(min);
    }
    for (const key of ['surplusKept', 'overspendFundShare']) {
      if (typeof band[key] !== 'string' || !SHARE.test(band[key])) {
        problems.push(`${p}.${key}: must be a share from 0 to 1 as a string, e.g. "0.80"`);
      }
    }
  });
  if (!scores.has(0)) {
    problems.push(`${at}.bands: one band must start at minScore 0 (every score has a band)`);
  }
  return problems;
}

/** Returns a list of problems (`path: message`); empty when the capitation policy is usable. */
export function validateCapitationPolicy(policy: unknown, path = 'capitation'): string[] {
  if (!isPlainObject(policy)) {
    return [`${path}: must be an object`];
  }
  const problems: string[] = [];
  if (typeof policy.version !== 'string' || policy.version.length === 0) {
    problems.push(`${path}.version: must be a non-empty string`);
  }
  const schedule = policy.schedule;
  if (!isPlainObject(schedule)) {
    problems.push(`${path}.schedule: must be { dayOfMonth, hour }`);
  } else {
    const { dayOfMonth, hour } = schedule;
    if (
      typeof dayOfMonth !== 'number' ||
      !Number.isInteger(dayOfMonth) ||
      dayOfMonth < 1 ||
      dayOfMonth > 28
    ) {
      problems.push(`${path}.schedule.dayOfMonth: must be a whole number from 1 to 28`);
    }
    if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23) {
      problems.push(`${path}.schedule.hour: must be a whole number from 0 to 23`);
    }
  }
  if (!isPlainObject(policy.years)) {
    problems.push(`${path}.years: must be an object of sign-up year -> figures`);
    return problems;
  }
  for (const [year, figures] of Object.entries(policy.years)) {
    const at = `${path}.years.${year}`;
    if (!YEAR_KEY.test(year)) {
      problems.push(`${at}: the key must be a year from 2000 to 2100`);
    } else if (!isPlainObject(figures)) {
      problems.push(`${at}: must be an object`);
    } else {
      problems.push(...validateYear(figures, year, at));
    }
  }
  return problems;
}
