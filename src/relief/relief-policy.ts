import Decimal from 'decimal.js';
import { isPlainObject } from '../common/checks';

/**
 * The relief part of the bureau's policy (docs/domain.md §1, seed 002 §二.3). Every number the
 * relief calculator uses lives here, never in code; a region overrides them through the policy
 * file. Amounts and ratios are decimal strings (never JS floats).
 */

/** Categories with their own ratio and caps. ILLNESS_POVERTY borrows those of its recognised status. */
export const RATED_RELIEF_CATEGORIES = ['TEKUN', 'DIBAO', 'DISABLED', 'DIBIAN'] as const;
export type RatedReliefCategory = (typeof RATED_RELIEF_CATEGORIES)[number];

export interface ReliefCategoryPolicy {
  /** Share of the eligible base that relief pays, a decimal string in [0, 1], e.g. "0.80". */
  ratio: string;
  /** Yearly relief per person (outpatient and inpatient together); null = no cap. */
  annualCap: string | null;
  /** Of the annual cap, what ordinary outpatient relief may use in a year; null = no sub-cap. */
  outpatientCap: string | null;
}

export interface ReliefPolicy {
  /** Recorded on every calculation that used it. */
  version: string;
  categories: Record<RatedReliefCategory, ReliefCategoryPolicy>;
  /**
   * ILLNESS_POVERTY (因病新认定低保/低边): in-policy costs of this many calendar months before the
   * recognition date count (认定前6个月).
   */
  illnessPovertyLookBackMonths: number;
}

/** docs/domain.md §1 defaults. */
export const DEFAULT_RELIEF_POLICY: ReliefPolicy = {
  version: '2026.1',
  categories: {
    TEKUN: { ratio: '1.00', annualCap: null, outpatientCap: null },
    DIBAO: { ratio: '0.80', annualCap: '150000.00', outpatientCap: '20000.00' },
    DISABLED: { ratio: '0.80', annualCap: '150000.00', outpatientCap: '20000.00' },
    DIBIAN: { ratio: '0.70', annualCap: '150000.00', outpatientCap: '20000.00' },
  },
  illnessPovertyLookBackMonths: 6,
};

/** A non-negative amount with at most two decimals ("150000", "150000.00"). */
const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
/** A ratio: 0, 1, or a decimal fraction with at most four places ("0.8", "0.75", "1.00"). */
const RATIO = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
/** Longest look-back a policy may set; anything longer is a typo, not a policy. */
const MAX_LOOK_BACK_MONTHS = 120;

/**
 * Returns a list of problems (`path: message`); empty when the relief policy is usable.
 * `path` prefixes every problem, e.g. `relief` when the relief policy sits under that key.
 */
export function validateReliefPolicy(policy: unknown, path = ''): string[] {
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  if (!isPlainObject(policy)) {
    return [`${path || 'relief policy'}: must be an object`];
  }
  const problems: string[] = [];
  if (typeof policy.version !== 'string' || policy.version.length === 0) {
    problems.push(`${at('version')}: must be a non-empty string`);
  }

  const lookBack = policy.illnessPovertyLookBackMonths;
  if (
    typeof lookBack !== 'number' ||
    !Number.isInteger(lookBack) ||
    lookBack < 0 ||
    lookBack > MAX_LOOK_BACK_MONTHS
  ) {
    problems.push(
      `${at('illnessPovertyLookBackMonths')}: must be a whole number of months from 0 to ${MAX_LOOK_BACK_MONTHS}`,
    );
  }

  if (!isPlainObject(policy.categories)) {
    problems.push(
      `${at('categories')}: must be an object of category -> { ratio, annualCap, outpatientCap }`,
    );
    return problems;
  }
  const categories = policy.categories;
  for (const name of Object.keys(categories)) {
    if (!(RATED_RELIEF_CATEGORIES as readonly string[]).includes(name)) {
      problems.push(
        `${at(`categories.${name}`)}: unknown category (expected ${RATED_RELIEF_CATEGORIES.join(', ')}; ILLNESS_POVERTY uses its recognised status)`,
      );
    }
  }
  for (const name of RATED_RELIEF_CATEGORIES) {
    const key = at(`categories.${name}`);
    const c = categories[name];
    if (!isPlainObject(c)) {
      problems.push(`${key}: missing; must be { ratio, annualCap, outpatientCap }`);
      continue;
    }
    if (typeof c.ratio !== 'string' || !RATIO.test(c.ratio)) {
      problems.push(
        `${key}.ratio: ${JSON.stringify(c.ratio)} must be a decimal string from 0 to 1, e.g. "0.80"`,
      );
    }
    for (const cap of ['annualCap', 'outpatientCap'] as const) {
      const v = c[cap];
      if (v !== null && (typeof v !== 'string' || !AMOUNT.test(v))) {
        problems.push(
          `${key}.${cap}: ${JSON.stringify(v)} must be null (no cap) or an amount like "150000.00"`,
        );
      }
    }
    if (
      typeof c.annualCap === 'string' &&
      typeof c.outpatientCap === 'string' &&
      AMOUNT.test(c.annualCap) &&
      AMOUNT.test(c.outpatientCap) &&
      new Decimal(c.outpatientCap).gt(c.annualCap)
    ) {
      problems.push(
        `${key}.outpatientCap: ${c.outpatientCap} is part of the annual cap and cannot exceed it (${c.annualCap})`,
      );
    }
  }
  return problems;
}

/** A relief policy with the date from which it applies to new applications. */
export interface ReliefEdition extends ReliefPolicy {
  /** YYYY-MM-DD: applications made on or after this date use this edition. */
  effectiveFrom: string;
}

export interface ReliefSection {
  /**
   * Relief numbers by effective date (a new policy year is a new edition): the edition in force
   * on the application date applies, and the case records its version.
   */
  editions: ReliefEdition[];
  /**
   * A paid case whose burden left (in-policy remainder + out-of-policy costs) reaches this is
   * referred to a special-hardship hearing (特殊医疗救助), docs/domain.md §7.
   */
  hardshipThreshold: string;
  /**
   * Relief version 2: a proposal above this amount goes to the bureau's collective review
   * (集体审议) before approval. Each case keeps the amount in force when it opened.
   */
  collectiveReviewAbove: string;
  /** The public notice during publicity (公示, `GET /api/v1/public/relief-notices`). */
  publicNotice: {
    /** How to object, shown with every notice (where, how, with what). */
    howToObject: string;
  };
}

export const DEFAULT_RELIEF_SECTION: ReliefSection = {
  editions: [{ ...DEFAULT_RELIEF_POLICY, effectiveFrom: '2021-01-01' }],
  hardshipThreshold: '5000.00',
  collectiveReviewAbove: '20000.00',
  publicNotice: {
    howToObject:
      '对公示对象或救助金额有异议的，请在异议截止时间前，以书面形式向申请人户籍所在街道办事处或区医疗保障局提出，' +
      '写明异议事项和理由，并提供相关证明材料；请署真实姓名和联系方式，我局依法为反映人保密。',
  },
};

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Problems of the whole relief section of the policy (`relief`): every edition, the hardship
 * threshold and the notice text; empty when usable. The config reads it from its section table.
 */
export function validateReliefSection(relief: unknown, path = 'relief'): string[] {
  const editions = (relief as { editions?: unknown } | undefined)?.editions;
  if (!Array.isArray(editions) || editions.length === 0) {
    return [`${path}.editions: must be a non-empty array of relief policies with effectiveFrom`];
  }
  const problems: string[] = [];
  const threshold = (relief as { hardshipThreshold?: unknown }).hardshipThreshold;
  if (typeof threshold !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(threshold)) {
    problems.push(`${path}.hardshipThreshold: must be an amount string like "5000.00"`);
  }
  const collective = (relief as { collectiveReviewAbove?: unknown }).collectiveReviewAbove;
  if (typeof collective !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(collective)) {
    problems.push(`${path}.collectiveReviewAbove: must be an amount string like "20000.00"`);
  }
  const howToObject = (relief as { publicNotice?: { howToObject?: unknown } }).publicNotice
    ?.howToObject;
  if (typeof howToObject !== 'string' || howToObject.trim().length === 0) {
    problems.push(`${path}.publicNotice.howToObject: must be a non-empty text`);
  }
  const versions = new Set<string>();
  editions.forEach((edition: unknown, i) => {
    const at = `${path}.editions.${i}`;
    problems.push(...validateReliefPolicy(edition, at));
    const e = edition as Partial<ReliefEdition>;
    if (typeof e.effectiveFrom !== 'string' || !DATE.test(e.effectiveFrom)) {
      problems.push(`${at}.effectiveFrom: must be a date YYYY-MM-DD`);
    }
    if (typeof e.version === 'string') {
      if (versions.has(e.version)) {
        problems.push(`${at}.version: "${e.version}" is used by another edition`);
      }
      versions.add(e.version);
    }
  });
  return problems;
}
