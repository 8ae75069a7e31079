import Decimal from 'decimal.js';
import { CREDIT_GRADES, type CreditGrade } from '../../workflows/institutions';
import {
  SANCTION_TYPES,
  type SanctionType,
  VIOLATION_ARTICLES,
  type ViolationArticle,
} from '../../workflows/sanctions';
import { isFiniteNumber, isPlainObject, isWhole } from '../common/checks';

/**
 * The credit part of the bureau's policy (信用评价): how an institution's record becomes a score
 * and a grade, how long the joint-punishment list holds, and how much each grade weighs in the
 * inspection draw. Institutions grade with it, inspections draw with it, penalties feed it; the
 * numbers still sit under the policy keys `penalty.credit` and `penalty.jointPunishment`.
 *
 * Sources: seed 004 = Xixia fund supervision plan (十二) credit, (十七) joint punishment; the A–E
 * scale is Guangdong's (there is no national scale): docs/domain.md, "Credit grades".
 */

/** A–E, best first; E = 严重失信. */
export { CREDIT_GRADES, type CreditGrade };

export const INSPECTION_CONCLUSIONS = ['NO_ISSUE', 'ISSUES', 'SUSPECTED_FRAUD'] as const;
export type InspectionConclusion = (typeof INSPECTION_CONCLUSIONS)[number];

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
  /** Starting score of an imported grade (docs/domain.md §4: the imported grade is the start). */
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
  /** An art. 40 decision holds the grade at E for this many years (docs/domain.md §7). */
  art40GradeEYears: number;
  /** Draw weights by grade (docs/domain.md §4; seed 004 (十二): 守信 fewer checks, 失信 more). */
  drawWeights: Record<CreditGrade, string>;
}

export interface JointPunishmentPolicy {
  /** Fraud at or above this puts the respondent on the 失信联合惩戒 list (seed 004 (十七)). */
  fraudThreshold: string;
  /** Years on the list before credit repair (信用修复). */
  repairYears: number;
}

/** What grading needs of the policy; a whole PenaltyPolicy is one. */
export interface CreditRules {
  credit: CreditPolicy;
  jointPunishment: JointPunishmentPolicy;
}

export const DEFAULT_CREDIT_POLICY: CreditPolicy = {
  // Local choices (no national scale, docs/domain.md §5): bands of 10 points, a new institution
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
};

export const DEFAULT_JOINT_PUNISHMENT: JointPunishmentPolicy = {
  fraudThreshold: '100000.00',
  repairYears: 3,
};

export const DEFAULT_CREDIT_RULES: CreditRules = {
  credit: DEFAULT_CREDIT_POLICY,
  jointPunishment: DEFAULT_JOINT_PUNISHMENT,
};

/** A non-negative amount with at most two decimals ("100000", "100000.00"). */
const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
/** A weight: a decimal in [0, 1] with at most four places. */
const WEIGHT_0_1 = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
/** A draw weight: positive, at most two places, at most 100 (same limits as the draw). */
const DRAW_WEIGHT = /^\d{1,3}(\.\d{1,2})?$/;
const MAX_MONTHS = 120;
const MAX_YEARS = 20;
const MAX_SCORE = 1000;

/** Problems (`path.key: message`) of the joint-punishment settings; empty when usable. */
export function validateJointPunishment(joint: unknown, path: string): string[] {
  const at = (key: string): string => `${path}.${key}`;
  const problems: string[] = [];
  if (!isPlainObject(joint)) {
    problems.push(`${path}: must be { fraudThreshold, repairYears }`);
  } else {
    if (typeof joint.fraudThreshold !== 'string' || !AMOUNT.test(joint.fraudThreshold)) {
      problems.push(
        `${at('fraudThreshold')}: ${JSON.stringify(joint.fraudThreshold)} must be an amount like "100000.00"`,
      );
    }
    if (!isWhole(joint.repairYears, 1, MAX_YEARS)) {
      problems.push(`${at('repairYears')}: must be a whole number of years from 1 to ${MAX_YEARS}`);
    }
  }
  return problems;
}

/** Problems (`path.key: message`) of the credit settings; empty when usable. */
export function validateCreditPolicy(credit: unknown, path: string): string[] {
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

/** Throws (a configuration error, not a request error) when the credit settings are unusable. */
export function assertCreditRules(rules: CreditRules): void {
  const problems = [
    ...validateCreditPolicy(rules.credit, 'penalty.credit'),
    ...validateJointPunishment(rules.jointPunishment, 'penalty.jointPunishment'),
  ];
  if (problems.length > 0) {
    throw new Error(`invalid credit policy:\n  - ${problems.join('\n  - ')}`);
  }
}
