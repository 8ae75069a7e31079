import Decimal from 'decimal.js';
import { isPlainObject, isWhole } from '../common/checks';
import { parseDuration } from '../common/calendar/duration';
import {
  type CreditPolicy,
  DEFAULT_CREDIT_POLICY,
  DEFAULT_JOINT_PUNISHMENT,
  type JointPunishmentPolicy,
  validateCreditPolicy,
  validateJointPunishment,
} from '../credit/credit-policy';

/**
 * The penalty part of the bureau's policy (docs/domain.md §5 and §7 "penalty-case"): every number
 * of the sanction ladder, the range checks, the late fee and the credit grade that a region may set
 * differently. The law fixes which measure an article allows; the policy fixes the numbers.
 * Amounts, multiples, rates and weights are decimal strings (never JS floats); months, days, years
 * and credit points are numbers.
 *
 * Sources: Decree 735 = 《医疗保障基金使用监督管理条例》 (State Council Decree 735, in force
 * 2021-05-01); Law = 《行政处罚法》 (Administrative Penalty Law, 2021); seed 004 = Xixia fund
 * supervision plan (十二) credit, (十七) joint punishment.
 */

export type Respondent = 'INSTITUTION' | 'INDIVIDUAL';
export const RESPONDENTS = ['INSTITUTION', 'INDIVIDUAL'] as const;

/** A fine as multiples of a base amount (the loss or the amount defrauded), e.g. 1–2×. */
export interface MultipleRange {
  min: string;
  max: string;
}

/** A fine as a fixed amount range, two places. */
export interface AmountRange {
  min: string;
  max: string;
}

/** Whole months, both ends included. */
export interface MonthRange {
  min: number;
  max: number;
}

export interface PenaltyPolicy {
  /** Recorded on every proposal and check that used it. */
  version: string;
  fines: {
    /** Decree 735 art. 38: 处造成损失金额1倍以上2倍以下罚款. */
    art38LossMultiple: MultipleRange;
    /** Decree 735 art. 39: 拒不改正的, 处1万元以上5万元以下罚款. */
    art39Amount: AmountRange;
    /** Decree 735 art. 40: 处骗取金额2倍以上5倍以下罚款. */
    art40FraudMultiple: MultipleRange;
    /** Decree 735 art. 41: 以骗取为目的的, 处骗取金额2倍以上5倍以下罚款. */
    art41FraudMultiple: MultipleRange;
  };
  suspensionMonths: {
    /** Decree 735 arts. 38, 40: 暂停相关责任部门6个月以上1年以下涉及医保基金使用的医药服务. */
    institution: MonthRange;
    /** Decree 735 art. 41: 暂停其医疗费用联网结算3个月至12个月. */
    networkedSettlement: MonthRange;
  };
  /** A sanctioned decision of the same article this many years before `now` is a repeat (DOMAIN §7). */
  repeatWindowYears: number;
  /** Law art. 63 较大数额罚款: a fine maximum at or above this is hearing-eligible (local figure). */
  largerAmountThreshold: Record<Respondent, string>;
  /** Law art. 72: 每日按罚款数额的百分之三加处罚款 (capped at the fine by the same article). */
  lateFeeDailyRate: string;
  /** Law art. 67: 自收到行政处罚决定书之日起十五日内缴纳罚款 (calendar days, Law art. 85). */
  fineDueDays: number;
  /**
   * Law art. 64 (二): the hearing notice goes out at least this long before the hearing (七日前;
   * working days by art. 85). A duration (`7wd`); the hearing day may be the period's last day.
   */
  hearingNoticePeriod: string;
  /** The joint-punishment list (失信联合惩戒): owned by ../credit, kept here under its policy key. */
  jointPunishment: JointPunishmentPolicy;
  /** Credit scoring and the draw weights: owned by ../credit, kept here under its policy key. */
  credit: CreditPolicy;
}

/** docs/domain.md §4, §5, §7 defaults. */
export const DEFAULT_PENALTY_POLICY: PenaltyPolicy = {
  version: '2026.1',
  fines: {
    art38LossMultiple: { min: '1', max: '2' },
    art39Amount: { min: '10000.00', max: '50000.00' },
    art40FraudMultiple: { min: '2', max: '5' },
    art41FraudMultiple: { min: '2', max: '5' },
  },
  suspensionMonths: {
    institution: { min: 6, max: 12 },
    networkedSettlement: { min: 3, max: 12 },
  },
  repeatWindowYears: 2,
  largerAmountThreshold: { INSTITUTION: '100000.00', INDIVIDUAL: '10000.00' },
  lateFeeDailyRate: '0.03',
  fineDueDays: 15,
  hearingNoticePeriod: '7wd',
  jointPunishment: DEFAULT_JOINT_PUNISHMENT,
  credit: DEFAULT_CREDIT_POLICY,
};

/** A non-negative amount with at most two decimals ("100000", "100000.00"). */
const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
/** A multiple: a positive decimal with at most two places, up to 99 ("1", "2.5"). */
const MULTIPLE = /^\d{1,2}(\.\d{1,2})?$/;
/** A daily rate: a decimal in (0, 1] with at most four places ("0.03"). */
const RATE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
const MAX_MONTHS = 120;
const MAX_YEARS = 20;
const MAX_DUE_DAYS = 365;

/**
 * Returns a list of problems (`path: message`); empty when the penalty policy is usable.
 * `path` prefixes every problem, e.g. `penalty` when the policy sits under that key.
 */
export function validatePenaltyPolicy(policy: unknown, path = ''): string[] {
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  if (!isPlainObject(policy)) {
    return [`${path || 'penalty policy'}: must be an object`];
  }
  const problems: string[] = [];
  if (typeof policy.version !== 'string' || policy.version.length === 0) {
    problems.push(`${at('version')}: must be a non-empty string`);
  }

  const range = (key: string, v: unknown, pattern: RegExp, example: string): void => {
    if (!isPlainObject(v)) {
      problems.push(`${at(key)}: must be { min, max }, e.g. ${example}`);
      return;
    }
    const ok = (x: unknown): x is string => typeof x === 'string' && pattern.test(x);
    for (const end of ['min', 'max'] as const) {
      if (!ok(v[end]) || new Decimal(v[end]).lte(0)) {
        problems.push(
          `${at(`${key}.${end}`)}: ${JSON.stringify(v[end])} must be a positive decimal string, e.g. ${example}`,
        );
      }
    }
    if (ok(v.min) && ok(v.max) && new Decimal(v.min).gt(v.max)) {
      problems.push(`${at(key)}: min ${v.min} is above max ${v.max}`);
    }
  };
  const fines = policy.fines;
  if (!isPlainObject(fines)) {
    problems.push(
      `${at('fines')}: must be { art38LossMultiple, art39Amount, art40FraudMultiple, art41FraudMultiple }`,
    );
  } else {
    range(
      'fines.art38LossMultiple',
      fines.art38LossMultiple,
      MULTIPLE,
      '{ "min": "1", "max": "2" }',
    );
    range(
      'fines.art39Amount',
      fines.art39Amount,
      AMOUNT,
      '{ "min": "10000.00", "max": "50000.00" }',
    );
    range(
      'fines.art40FraudMultiple',
      fines.art40FraudMultiple,
      MULTIPLE,
      '{ "min": "2", "max": "5" }',
    );
    range(
      'fines.art41FraudMultiple',
      fines.art41FraudMultiple,
      MULTIPLE,
      '{ "min": "2", "max": "5" }',
    );
  }

  const months = policy.suspensionMonths;
  if (!isPlainObject(months)) {
    problems.push(`${at('suspensionMonths')}: must be { institution, networkedSettlement }`);
  } else {
    for (const key of ['institution', 'networkedSettlement'] as const) {
      const r = months[key];
      const where = at(`suspensionMonths.${key}`);
      if (!isPlainObject(r) || !isWhole(r.min, 1, MAX_MONTHS) || !isWhole(r.max, 1, MAX_MONTHS)) {
        problems.push(`${where}: must be { min, max } whole months from 1 to ${MAX_MONTHS}`);
      } else if (r.min > r.max) {
        problems.push(`${where}: min ${r.min} is above max ${r.max}`);
      }
    }
  }

  if (!isWhole(policy.repeatWindowYears, 1, MAX_YEARS)) {
    problems.push(
      `${at('repeatWindowYears')}: must be a whole number of years from 1 to ${MAX_YEARS}`,
    );
  }

  const larger = policy.largerAmountThreshold;
  if (!isPlainObject(larger)) {
    problems.push(`${at('largerAmountThreshold')}: must be { INSTITUTION, INDIVIDUAL } amounts`);
  } else {
    for (const key of RESPONDENTS) {
      const v = larger[key];
      if (typeof v !== 'string' || !AMOUNT.test(v)) {
        problems.push(
          `${at(`largerAmountThreshold.${key}`)}: ${JSON.stringify(v)} must be an amount like "100000.00"`,
        );
      }
    }
  }

  const rate = policy.lateFeeDailyRate;
  if (typeof rate !== 'string' || !RATE.test(rate) || new Decimal(rate).lte(0)) {
    problems.push(
      `${at('lateFeeDailyRate')}: ${JSON.stringify(rate)} must be a decimal string in (0, 1], e.g. "0.03"`,
    );
  }
  try {
    if (typeof policy.hearingNoticePeriod !== 'string') {
      throw new Error('missing');
    }
    parseDuration(policy.hearingNoticePeriod);
  } catch {
    problems.push(`${at('hearingNoticePeriod')}: must be a duration like 7wd (Law art. 64)`);
  }
  if (!isWhole(policy.fineDueDays, 1, MAX_DUE_DAYS)) {
    problems.push(`${at('fineDueDays')}: must be a whole number of days from 1 to ${MAX_DUE_DAYS}`);
  }

  problems.push(...validateJointPunishment(policy.jointPunishment, at('jointPunishment')));
  problems.push(...validateCreditPolicy(policy.credit, at('credit')));
  return problems;
}

/** Throws (a configuration error, not a request error) when the policy is unusable. */
export function assertPenaltyPolicy(policy: PenaltyPolicy): void {
  const problems = validatePenaltyPolicy(policy, 'penalty');
  if (problems.length > 0) {
    throw new Error(`invalid penalty policy:\n  - ${problems.join('\n  - ')}`);
  }
}
