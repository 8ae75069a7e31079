import Decimal from 'decimal.js';
import { AMOUNT, amountError } from '../common/checks';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import { type ApplicantCategory, RELIEF_CATEGORIES } from '../relief/relief-calculator';
import {
  DEFAULT_PANEL_COMPOSITION,
  EXPERT_FIELDS,
  MAX_SEATS_PER_FIELD,
  type PanelComposition,
} from './draw-expert-panel';

/**
 * Special-hardship hearings (特殊医疗救助, docs/domain.md §2): the hearing policy, the quorum, the
 * panel's figure (median of the experts' reasonable costs), the special relief with its yearly cap,
 * and the burden cap that sends a case to the joint meeting (联席会议).
 *
 * Pure: no I/O, no clock, no framework. Money is decimal.js only; amounts in and out are decimal
 * strings, out always with two places ("12345.60"). Every number comes from the HearingPolicy.
 */

/** A private Decimal constructor, so nothing here depends on (or changes) the global config. */
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof Dec>;

/** Categories a policy may give their own special-relief ratio; anyone else gets `default`. */
export const HEARING_CATEGORIES = [...RELIEF_CATEGORIES, 'OTHER'] as const;
export type HearingCategory = ApplicantCategory;

/** Special-relief ratios by category, decimal strings in [0, 1]; `default` for everyone else. */
export type HearingRatios = { default: string } & Partial<Record<HearingCategory, string>>;

export interface HearingPolicy {
  /** Recorded on every calculation that used it. */
  version: string;
  /** Seats per expert field on a panel (at least one each). */
  panelComposition: PanelComposition;
  /** Quorum = ceil(quorumNumerator / quorumDenominator × panel size). */
  quorumNumerator: number;
  quorumDenominator: number;
  ratios: HearingRatios;
  /** Special relief per person per calendar year. */
  annualCap: string;
  /** Yearly reasonable burden above which the case goes to the joint meeting (封顶). */
  burdenCap: string;
}

/** docs/domain.md §2 defaults (seed 002). */
export const DEFAULT_HEARING_POLICY: HearingPolicy = {
  version: '2026.1',
  panelComposition: { ...DEFAULT_PANEL_COMPOSITION },
  quorumNumerator: 2,
  quorumDenominator: 3,
  ratios: { TEKUN: '0.60', default: '0.50' },
  annualCap: '100000.00',
  burdenCap: '50000.00',
};

/** A ratio: 0, 1, or a decimal fraction with at most four places ("0.6", "0.60", "1.00"). */
const RATIO = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
/** Largest quorum denominator a policy may set; more is a typo, not a policy. */
const MAX_QUORUM_DENOMINATOR = 100;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const own = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Returns a list of problems (`path: message`); empty when the hearing policy is usable.
 * `path` prefixes every problem, e.g. `hearing` when the policy sits under that key.
 */
export function validateHearingPolicy(policy: unknown, path = ''): string[] {
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  if (!isPlainObject(policy)) {
    return [`${path || 'hearing policy'}: must be an object`];
  }
  const problems: string[] = [];
  if (typeof policy.version !== 'string' || policy.version.length === 0) {
    problems.push(`${at('version')}: must be a non-empty string`);
  }

  const composition = policy.panelComposition;
  if (!isPlainObject(composition)) {
    problems.push(`${at('panelComposition')}: must be { MEDICAL, INSURANCE, FINANCE } seats`);
  } else {
    for (const key of Object.keys(composition)) {
      if (!(EXPERT_FIELDS as readonly string[]).includes(key)) {
        problems.push(
          `${at(`panelComposition.${key}`)}: unknown expert field (expected ${EXPERT_FIELDS.join(', ')})`,
        );
      }
    }
    for (const field of EXPERT_FIELDS) {
      const v = composition[field];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SEATS_PER_FIELD) {
        problems.push(
          `${at(`panelComposition.${field}`)}: must be a whole number of seats from 1 to ${MAX_SEATS_PER_FIELD} (DOMAIN §2: at least one expert of each field)`,
        );
      }
    }
  }

  const num = policy.quorumNumerator;
  const den = policy.quorumDenominator;
  const numOk = typeof num === 'number' && Number.isInteger(num) && num >= 1;
  const denOk =
    typeof den === 'number' && Number.isInteger(den) && den >= 1 && den <= MAX_QUORUM_DENOMINATOR;
  if (!numOk) {
    problems.push(`${at('quorumNumerator')}: must be a whole number of at least 1`);
  }
  if (!denOk) {
    problems.push(
      `${at('quorumDenominator')}: must be a whole number from 1 to ${MAX_QUORUM_DENOMINATOR}`,
    );
  }
  if (numOk && denOk && num > den) {
    problems.push(
      `${at('quorumNumerator')}: ${num}/${den} is more than the whole panel; must not exceed quorumDenominator`,
    );
  }

  const ratios = policy.ratios;
  if (!isPlainObject(ratios)) {
    problems.push(`${at('ratios')}: must be an object of category -> ratio, with a default`);
  } else {
    if (!own(ratios, 'default')) {
      problems.push(`${at('ratios.default')}: missing; the ratio for every other category`);
    }
    for (const [key, v] of Object.entries(ratios)) {
      if (key !== 'default' && !(HEARING_CATEGORIES as readonly string[]).includes(key)) {
        problems.push(
          `${at(`ratios.${key}`)}: unknown category (expected default or ${HEARING_CATEGORIES.join(', ')})`,
        );
        continue;
      }
      if (typeof v !== 'string' || !RATIO.test(v)) {
        problems.push(
          `${at(`ratios.${key}`)}: ${JSON.stringify(v)} must be a decimal string from 0 to 1, e.g. "0.60"`,
        );
      }
    }
  }

  for (const key of ['annualCap', 'burdenCap'] as const) {
    const v = policy[key];
    if (typeof v !== 'string' || !AMOUNT.test(v)) {
      problems.push(`${at(key)}: ${JSON.stringify(v)} must be an amount like "50000.00"`);
    }
  }
  return problems;
}

function assertPolicy(policy: HearingPolicy): void {
  const problems = validateHearingPolicy(policy, 'hearing');
  if (problems.length > 0) {
    throw new Error(`invalid hearing policy:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Malformed hearing input (amounts, category, opinions), every bad field named. */
export class InvalidHearingInputError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super('VALIDATION_FAILED', 'The hearing input has invalid fields.', { errors: fieldErrors });
    this.name = 'InvalidHearingInputError';
  }
}

const money = (d: Dec): string => d.toFixed(2, Decimal.ROUND_HALF_UP);
const ZERO = new Dec(0);

/**
 * Opinions needed for a quorum: ceil(numerator / denominator × panel size), in whole numbers
 * (3 → 2, 4 → 3, 5 → 4, 6 → 4 with the default 2/3).
 */
export function quorum(panelSize: number, policy: HearingPolicy = DEFAULT_HEARING_POLICY): number {
  if (!Number.isInteger(panelSize) || panelSize < 1) {
    throw new RangeError(
      `quorum: panel size must be a whole number of at least 1 (got ${panelSize})`,
    );
  }
  const { quorumNumerator: num, quorumDenominator: den } = policy;
  return Math.floor((num * panelSize + den - 1) / den);
}

/** Whether `answered` opinions make a quorum of a panel of `panelSize`. */
export function hasQuorum(
  answered: number,
  panelSize: number,
  policy: HearingPolicy = DEFAULT_HEARING_POLICY,
): boolean {
  return answered >= quorum(panelSize, policy);
}

/**
 * The panel's figure: the median of the experts' reasonable costs (each expert's latest opinion).
 * Even count: the mean of the two middle ones, half up to the cent.
 */
export function medianCost(costs: readonly string[]): string {
  const list: unknown = costs;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidHearingInputError([
      { field: 'costs', message: 'must be a non-empty list of amounts (one per opinion)' },
    ]);
  }
  const errors = costs
    .map((c, i) => amountError(`costs.${i}`, c))
    .filter((e): e is FieldError => e !== null);
  if (errors.length > 0) {
    throw new InvalidHearingInputError(errors);
  }
  const sorted = costs.map((c) => new Dec(c)).sort((a, b) => a.comparedTo(b));
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[mid] : sorted[mid - 1].plus(sorted[mid]).dividedBy(2);
  return money(median);
}

export type SpecialReliefStepName =
  'REASONABLE_COST' | 'RATIO' | 'ANNUAL_CAP' | 'BURDEN_AFTER' | 'BURDEN_CAP';

/** One step of the calculation, citing its rule. `amount` is the step's figure. */
export interface SpecialReliefLine {
  step: SpecialReliefStepName;
  rule: string;
  amount: string;
  detail: string;
  policyVersion: string;
}

/** Rules cited by the steps. Numbers are not repeated here: they are in the policy and the detail. */
export const SPECIAL_RELIEF_RULES: Record<SpecialReliefStepName, string> = {
  REASONABLE_COST:
    'DOMAIN §2 合理必要费用: 经保险和医疗救助后仍由个人负担的年度费用中, 专家组认定合理必要的部分 (seed 002)',
  RATIO: 'DOMAIN §2 特殊医疗救助比例: 特困人员60%, 其他50%, 四舍五入到分 (seed 002)',
  ANNUAL_CAP: 'DOMAIN §2 特殊医疗救助年度限额, 每人每年 (seed 002)',
  BURDEN_AFTER: 'DOMAIN §2 救助后负担 = 合理必要费用 − 特殊医疗救助',
  BURDEN_CAP:
    'DOMAIN §2 个人年度合理负担仍超封顶线的, 提交联席会议, 由暖心无忧基金兜底至封顶线以下 (seed 002)',
};

export interface SpecialReliefInput {
  category: HearingCategory;
  /** The panel's (or the manager's decided) reasonable and necessary cost for the year. */
  reasonableCost: string;
  /** Special relief already counted against this year's cap (paid plus approved unpaid). */
  alreadyUsedThisYear?: string;
}

export interface SpecialReliefCalculation {
  category: HearingCategory;
  /** The ratio applied, with at least two places ("0.60"). */
  ratio: string;
  reasonableCost: string;
  alreadyUsedThisYear: string;
  annualCap: string;
  /** The yearly cap left before this calculation. */
  capRemainingBefore: string;
  /** min(half-up(reasonableCost × ratio), capRemainingBefore). */
  amount: string;
  /** The yearly cap left after this calculation. */
  capRemaining: string;
  /** reasonableCost − amount. */
  burdenAfter: string;
  burdenCap: string;
  /** burdenAfter strictly above burdenCap: the case goes to the joint meeting. */
  aboveBurdenCap: boolean;
  /** max(0, burdenAfter − burdenCap): the least the joint meeting must add. */
  minimumExtraForCap: string;
  policyVersion: string;
  lines: SpecialReliefLine[];
}

/** The ratio of a category: its own if the policy names it, else `default`. */
export function specialReliefRatio(
  category: HearingCategory,
  policy: HearingPolicy = DEFAULT_HEARING_POLICY,
): string {
  const { ratios } = policy;
  return (own(ratios, category) ? ratios[category] : undefined) ?? ratios.default;
}

/** Computes the special relief of a hearing's decision. Throws InvalidHearingInputError on bad input. */
export function computeSpecialRelief(
  input: SpecialReliefInput,
  policy: HearingPolicy = DEFAULT_HEARING_POLICY,
): SpecialReliefCalculation {
  assertPolicy(policy);
  const errors: FieldError[] = [];
  if (!(HEARING_CATEGORIES as readonly string[]).includes(input.category)) {
    errors.push({
      field: 'category',
      message: `must be one of ${HEARING_CATEGORIES.join(', ')} (got ${JSON.stringify(input.category)})`,
    });
  }
  for (const e of [
    amountError('reasonableCost', input.reasonableCost),
    input.alreadyUsedThisYear === undefined
      ? null
      : amountError('alreadyUsedThisYear', input.alreadyUsedThisYear),
  ]) {
    if (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) {
    throw new InvalidHearingInputError(errors);
  }

  const version = policy.version;
  const lines: SpecialReliefLine[] = [];
  const add = (step: SpecialReliefStepName, amount: Dec, detail: string): void => {
    lines.push({
      step,
      rule: SPECIAL_RELIEF_RULES[step],
      amount: money(amount),
      detail,
      policyVersion: version,
    });
  };

  const cost = new Dec(input.reasonableCost);
  const used = new Dec(input.alreadyUsedThisYear ?? 0);
  const annualCap = new Dec(policy.annualCap);
  const burdenCap = new Dec(policy.burdenCap);
  const ratio = new Dec(specialReliefRatio(input.category, policy));
  const ratioText = ratio.toFixed(Math.max(2, ratio.decimalPlaces()));
  const ratioSource = own(policy.ratios, input.category)
    ? input.category
    : `${input.category}: default ratio`;

  add('REASONABLE_COST', cost, `reasonable and necessary cost for the year ${money(cost)}`);

  const exact = cost.times(ratio);
  const rounded = exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  add(
    'RATIO',
    rounded,
    `${money(cost)} × ${ratioText} (${ratioSource}) = ${
      exact.decimalPlaces() > 2
        ? `${exact.toString()} → ${money(rounded)}, half up to the cent`
        : money(rounded)
    }`,
  );

  const capRemainingBefore = Dec.max(ZERO, annualCap.minus(used));
  const amount = Dec.min(rounded, capRemainingBefore);
  const capRemaining = capRemainingBefore.minus(amount);
  add(
    'ANNUAL_CAP',
    amount,
    `min(${money(rounded)}, remaining ${money(capRemainingBefore)} of the ${money(annualCap)} yearly cap, ${money(used)} already used) = ${money(amount)}`,
  );

  const burdenAfter = cost.minus(amount);
  add('BURDEN_AFTER', burdenAfter, `${money(cost)} − ${money(amount)} = ${money(burdenAfter)}`);

  const aboveBurdenCap = burdenAfter.gt(burdenCap);
  const minimumExtra = Dec.max(ZERO, burdenAfter.minus(burdenCap));
  add(
    'BURDEN_CAP',
    minimumExtra,
    aboveBurdenCap
      ? `burden ${money(burdenAfter)} is above the ${money(burdenCap)} burden cap: joint meeting (联席会议); the warm-heart fund (暖心无忧基金) must add at least ${money(minimumExtra)}`
      : `burden ${money(burdenAfter)} is at or below the ${money(burdenCap)} burden cap: no joint meeting`,
  );

  return {
    category: input.category,
    ratio: ratioText,
    reasonableCost: money(cost),
    alreadyUsedThisYear: money(used),
    annualCap: money(annualCap),
    capRemainingBefore: money(capRemainingBefore),
    amount: money(amount),
    capRemaining: money(capRemaining),
    burdenAfter: money(burdenAfter),
    burdenCap: money(burdenCap),
    aboveBurdenCap,
    minimumExtraForCap: money(minimumExtra),
    policyVersion: version,
    lines,
  };
}

/** A joint-meeting RESOLVE whose extra amount would leave the burden above the cap. */
export class JointMeetingExtraTooSmallError extends DomainError {
  constructor(
    readonly extraAmount: string,
    readonly minimumExtra: string,
    readonly burdenAfterExtra: string,
    readonly burdenCap: string,
  ) {
    super(
      'BUSINESS_RULE',
      `An extra amount of ${extraAmount} leaves a burden of ${burdenAfterExtra}, above the ${burdenCap} burden cap: the joint meeting must add at least ${minimumExtra}.`,
      { extraAmount, minimumExtra, burdenAfterExtra, burdenCap },
    );
    this.name = 'JointMeetingExtraTooSmallError';
  }
}

export interface JointMeetingExtra {
  /** The burden after special relief, before the extra. */
  burdenBefore: string;
  extraAmount: string;
  burdenAfterExtra: string;
  burdenCap: string;
  minimumExtra: string;
}

/**
 * Checks a joint meeting's extra amount (warm-heart fund) against the burden cap: it must bring
 * the burden to the cap or below (JointMeetingExtraTooSmallError with the minimum otherwise), and
 * cannot exceed the burden itself (InvalidHearingInputError).
 */
export function checkJointMeetingExtra(
  input: { burdenAfter: string; extraAmount: string },
  policy: HearingPolicy = DEFAULT_HEARING_POLICY,
): JointMeetingExtra {
  assertPolicy(policy);
  const errors = [
    amountError('burdenAfter', input.burdenAfter),
    amountError('extraAmount', input.extraAmount),
  ].filter((e): e is FieldError => e !== null);
  if (errors.length === 0 && new Dec(input.extraAmount).gt(input.burdenAfter)) {
    errors.push({
      field: 'extraAmount',
      message: `cannot exceed the burden it relieves (${money(new Dec(input.burdenAfter))})`,
    });
  }
  if (errors.length > 0) {
    throw new InvalidHearingInputError(errors);
  }
  const burden = new Dec(input.burdenAfter);
  const extra = new Dec(input.extraAmount);
  const cap = new Dec(policy.burdenCap);
  const after = burden.minus(extra);
  const minimum = Dec.max(ZERO, burden.minus(cap));
  if (after.gt(cap)) {
    throw new JointMeetingExtraTooSmallError(
      money(extra),
      money(minimum),
      money(after),
      money(cap),
    );
  }
  return {
    burdenBefore: money(burden),
    extraAmount: money(extra),
    burdenAfterExtra: money(after),
    burdenCap: money(cap),
    minimumExtra: money(minimum),
  };
}
