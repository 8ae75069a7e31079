import Decimal from 'decimal.js';
import { parseDuration } from '../common/calendar/duration';
import {
  SANCTION_TYPES,
  type SanctionType,
  VIOLATION_ARTICLES,
  type ViolationArticle,
} from '../../workflows/sanctions';

/**
 * The penalty part of the bureau's policy (DOMAIN.md §5 and §7 "penalty-case"): every number of
 * the sanction ladder, the range checks, the late fee and the credit grade that a region may set
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

/** A–E (Guangdong's scale, DOMAIN.md §5: no national scale); E = 严重失信. */
import { CREDIT_GRADES, type CreditGrade } from '../../workflows/institutions';

export { CREDIT_GRADES, type CreditGrade };

export const INSPECTION_CONCLUSIONS = ['NO_ISSUE', 'ISSUES', 'SUSPECTED_FRAUD'] as const;
export type InspectionConclusion = (typeof INSPECTION_CONCLUSIONS)[number];

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

/** How much a past event still counts: weight while the event is younger than `untilMonths`. */
export interface DecayStep {
  untilMonths: number;
  /** Decimal string in [0, 1]. */
  weight: string;
}

export interface CreditPolicy {
  /** Score of an institution with no imported grade (neutral: grade B, draw weight 1). */
  initialScore: number;
  /** The score never goes above this (nor below 0). */
  maxScore: number;
  /** Starting score of an imported grade (DOMAIN.md §4: the imported grade is the start). */
  importedGradeScores: Record<CreditGrade, number>;
  /** Lowest score of each grade; below D's is E. Strictly decreasing from A to D. */
  gradeMinScores: Record<'A' | 'B' | 'C' | 'D', number>;
  /** Points a decided sanction deducts, by type (each type once per decision). */
  sanctionPoints: Record<SanctionType, number>;
  /** Extra points a decision deducts by article (fraud weighs more). */
  articlePoints: Record<ViolationArticle, number>;
  /** Points a published inspection adds (positive) or deducts (negative). */
  inspectionPoints: Record<InspectionConclusion, number>;
  /** Age steps, ascending; an event older than the last step no longer counts. */
  decay: DecayStep[];
  /** An art. 40 decision holds the grade at E for this many years (DOMAIN.md §7). */
  art40GradeEYears: number;
  /** Draw weights by grade (DOMAIN.md §4; seed 004 (十二): 守信 fewer checks, 失信 more). */
  drawWeights: Record<CreditGrade, string>;
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
  jointPunishment: {
    /** Fraud at or above this puts the respondent on the 失信联合惩戒 list (seed 004 (十七); DOMAIN §7). */
    fraudThreshold: string;
    /** Years on the list before credit repair (信用修复, DOMAIN.md §5). */
    repairYears: number;
  };
  credit: CreditPolicy;
}

/** DOMAIN.md §4, §5, §7 defaults. */
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
  jointPunishment: { fraudThreshold: '100000.00', repairYears: 3 },
  credit: {
    // Local choices (no national scale, DOMAIN.md §5): bands of 10 points, a new institution
    // starts neutral (B) so its draw weight is 1 until its record says otherwise.
    initialScore: 85,
    maxScore: 100,
    importedGradeScores: { A: 95, B: 85, C: 75, D: 65, E: 55 },
    gradeMinScores: { A: 90, B: 80, C: 70, D: 60 },
    sanctionPoints: {
      WARNING: 1,
      INTERVIEW: 2,
      ORDER_CORRECTION: 3,
      // Returning the money is restitution, not a penalty: the fine carries the weight.
      RECOVERY: 0,
      FINE: 5,
      SUSPENSION: 10,
      AGREEMENT_TERMINATION: 20,
      POLICE_REFERRAL: 20,
      BLACKLIST: 30,
    },
    articlePoints: { 38: 0, 39: 0, 40: 10, 41: 0 },
    // A suspicion is not a finding: only the penalty decision that follows it counts.
    inspectionPoints: { NO_ISSUE: 2, ISSUES: -2, SUSPECTED_FRAUD: 0 },
    decay: [
      { untilMonths: 12, weight: '1.00' },
      { untilMonths: 24, weight: '0.50' },
      { untilMonths: 36, weight: '0.25' },
    ],
    art40GradeEYears: 3,
    drawWeights: { A: '0.5', B: '1', C: '1.5', D: '2', E: '3' },
  },
};

/** A non-negative amount with at most two decimals ("100000", "100000.00"). */
const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
/** A multiple: a positive decimal with at most two places, up to 99 ("1", "2.5"). */
const MULTIPLE = /^\d{1,2}(\.\d{1,2})?$/;
/** A daily rate: a decimal in (0, 1] with at most four places ("0.03"). */
const RATE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
/** A weight: a decimal in [0, 1] with at most four places. */
const WEIGHT_0_1 = RATE;
/** A draw weight: positive, at most two places, at most 100 (same limits as the draw). */
const DRAW_WEIGHT = /^\d{1,3}(\.\d{1,2})?$/;
const MAX_MONTHS = 120;
const MAX_YEARS = 20;
const MAX_DUE_DAYS = 365;
const MAX_SCORE = 1000;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

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

  const joint = policy.jointPunishment;
  if (!isPlainObject(joint)) {
    problems.push(`${at('jointPunishment')}: must be { fraudThreshold, repairYears }`);
  } else {
    if (typeof joint.fraudThreshold !== 'string' || !AMOUNT.test(joint.fraudThreshold)) {
      problems.push(
        `${at('jointPunishment.fraudThreshold')}: ${JSON.stringify(joint.fraudThreshold)} must be an amount like "100000.00"`,
      );
    }
    if (!isWhole(joint.repairYears, 1, MAX_YEARS)) {
      problems.push(
        `${at('jointPunishment.repairYears')}: must be a whole number of years from 1 to ${MAX_YEARS}`,
      );
    }
  }

  problems.push(...validateCreditPolicy(policy.credit, at('credit')));
  return problems;
}

function validateCreditPolicy(credit: unknown, path: string): string[] {
  const at = (key: string): string => `${path}.${key}`;
  if (!isPlainObject(credit)) {
    return [`${path}: must be an object`];
  }
  const problems: string[] = [];
  const maxOk = isWhole(credit.maxScore, 1, MAX_SCORE);
  if (!maxOk) {
    problems.push(`${at('maxScore')}: must be a whole number from 1 to ${MAX_SCORE}`);
  }
  const max = maxOk ? (credit.maxScore as number) : MAX_SCORE;
  const score = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= max;

  if (!score(credit.initialScore)) {
    problems.push(`${at('initialScore')}: must be a number from 0 to maxScore (${max})`);
  }

  const bands = credit.gradeMinScores;
  let bandsOk = false;
  if (!isPlainObject(bands)) {
    problems.push(`${at('gradeMinScores')}: must be { A, B, C, D } lowest scores`);
  } else {
    const keys = ['A', 'B', 'C', 'D'] as const;
    const bad = keys.filter((g) => !score(bands[g]) || bands[g] <= 0);
    for (const g of bad) {
      problems.push(
        `${at(`gradeMinScores.${g}`)}: must be a number above 0, at most maxScore (${max})`,
      );
    }
    if (bad.length === 0) {
      const v = keys.map((g) => bands[g] as number);
      bandsOk = v.every((x, i) => i === 0 || x < v[i - 1]);
      if (!bandsOk) {
        problems.push(
          `${at('gradeMinScores')}: must decrease strictly from A to D (got ${v.join(', ')})`,
        );
      }
    }
  }

  const imported = credit.importedGradeScores;
  if (!isPlainObject(imported)) {
    problems.push(`${at('importedGradeScores')}: must be { A, B, C, D, E } starting scores`);
  } else {
    for (const g of CREDIT_GRADES) {
      const v = imported[g];
      if (!score(v)) {
        problems.push(
          `${at(`importedGradeScores.${g}`)}: must be a number from 0 to maxScore (${max})`,
        );
      } else if (bandsOk && gradeOfScore(v, bands as CreditPolicy['gradeMinScores']) !== g) {
        problems.push(
          `${at(`importedGradeScores.${g}`)}: ${v} falls in grade ${gradeOfScore(v, bands as CreditPolicy['gradeMinScores'])}, not ${g}`,
        );
      }
    }
  }

  const points = (
    key: string,
    v: unknown,
    names: readonly (string | number)[],
    signed: boolean,
  ): void => {
    if (!isPlainObject(v)) {
      problems.push(`${at(key)}: must be an object of ${names.join(', ')} -> points`);
      return;
    }
    for (const name of Object.keys(v)) {
      if (!names.map(String).includes(name)) {
        problems.push(`${at(`${key}.${name}`)}: unknown key (expected ${names.join(', ')})`);
      }
    }
    for (const name of names) {
      const p = v[String(name)];
      const ok = isFiniteNumber(p) && Math.abs(p) <= max && (signed || p >= 0);
      if (!ok) {
        problems.push(
          `${at(`${key}.${name}`)}: must be a ${signed ? '' : 'non-negative '}number of points, at most maxScore (${max})`,
        );
      }
    }
  };
  points('sanctionPoints', credit.sanctionPoints, SANCTION_TYPES, false);
  points('articlePoints', credit.articlePoints, VIOLATION_ARTICLES, false);
  points('inspectionPoints', credit.inspectionPoints, INSPECTION_CONCLUSIONS, true);

  const decay = credit.decay;
  if (!Array.isArray(decay) || decay.length === 0) {
    problems.push(
      `${at('decay')}: must be a non-empty list of { untilMonths, weight }, youngest first`,
    );
  } else {
    decay.forEach((step: unknown, i) => {
      const where = at(`decay.${i}`);
      if (!isPlainObject(step)) {
        problems.push(`${where}: must be { untilMonths, weight }`);
        return;
      }
      if (!isWhole(step.untilMonths, 1, MAX_MONTHS)) {
        problems.push(
          `${where}.untilMonths: must be a whole number of months from 1 to ${MAX_MONTHS}`,
        );
      }
      if (typeof step.weight !== 'string' || !WEIGHT_0_1.test(step.weight)) {
        problems.push(
          `${where}.weight: ${JSON.stringify(step.weight)} must be a decimal string from 0 to 1`,
        );
      }
      const prev: unknown = i > 0 ? decay[i - 1] : undefined;
      if (isPlainObject(prev)) {
        if (isWhole(step.untilMonths, 1, MAX_MONTHS) && isWhole(prev.untilMonths, 1, MAX_MONTHS)) {
          if (step.untilMonths <= prev.untilMonths) {
            problems.push(
              `${where}.untilMonths: must be later than the step before (${prev.untilMonths})`,
            );
          }
        }
        const w = step.weight;
        const pw = prev.weight;
        if (
          typeof w === 'string' &&
          typeof pw === 'string' &&
          WEIGHT_0_1.test(w) &&
          WEIGHT_0_1.test(pw) &&
          new Decimal(w).gt(pw)
        ) {
          problems.push(`${where}.weight: an older event cannot weigh more (${w} > ${pw})`);
        }
      }
    });
  }

  if (!isWhole(credit.art40GradeEYears, 1, MAX_YEARS)) {
    problems.push(
      `${at('art40GradeEYears')}: must be a whole number of years from 1 to ${MAX_YEARS}`,
    );
  }

  const weights = credit.drawWeights;
  if (!isPlainObject(weights)) {
    problems.push(`${at('drawWeights')}: must be { A, B, C, D, E } decimal strings`);
  } else {
    for (const g of CREDIT_GRADES) {
      const w = weights[g];
      if (
        typeof w !== 'string' ||
        !DRAW_WEIGHT.test(w) ||
        new Decimal(w).lte(0) ||
        new Decimal(w).gt(100)
      ) {
        problems.push(
          `${at(`drawWeights.${g}`)}: ${JSON.stringify(w)} must be a decimal string above 0 and at most 100, e.g. "1.5"`,
        );
      }
    }
  }
  return problems;
}

/** The grade a score falls in: the best grade whose lowest score it reaches; E below D's. */
export function gradeOfScore(score: number, bands: CreditPolicy['gradeMinScores']): CreditGrade {
  for (const g of ['A', 'B', 'C', 'D'] as const) {
    if (score >= bands[g]) {
      return g;
    }
  }
  return 'E';
}

/** Throws (a configuration error, not a request error) when the policy is unusable. */
export function assertPenaltyPolicy(policy: PenaltyPolicy): void {
  const problems = validatePenaltyPolicy(policy, 'penalty');
  if (problems.length > 0) {
    throw new Error(`invalid penalty policy:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Asia/Shanghai is UTC+8 all year (no DST). */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * The instant `months` calendar months after (or before, if negative) `from`, on the Asia/Shanghai
 * calendar at the same wall-clock time; a day the target month lacks becomes its last day
 * (2024-02-29 + 12 months = 2025-02-28). Used for every period the policy gives in years or
 * months: the repeat window, the decay steps, the E period and the repair period.
 */
export function addShanghaiMonths(from: Date, months: number): Date {
  const wall = new Date(from.getTime() + SHANGHAI_OFFSET_MS);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(wall.getUTCDate(), lastDay);
  const shifted = Date.UTC(
    year,
    month,
    day,
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  );
  return new Date(shifted - SHANGHAI_OFFSET_MS);
}

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDateOf(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of the instant's Asia/Shanghai date. */
export function shanghaiDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** An ISO 8601 date or date-time ("2026-03-01", "2026-03-01T10:00:00+08:00"), else null. */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO instant. A bare date ("2026-03-01") is 00:00 Asia/Shanghai of that day (not UTC,
 * as `new Date` would read it); a date-time without a zone is refused, its instant is ambiguous.
 */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO.test(value)) {
    return null;
  }
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(5, 7));
  const d = Number(value.slice(8, 10));
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    return null; // 2026-02-30 would otherwise roll over into March
  }
  if (value.length === 10) {
    return new Date(`${value}T00:00:00+08:00`);
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    return null;
  }
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}
