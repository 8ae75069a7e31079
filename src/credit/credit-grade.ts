import Decimal from 'decimal.js';
import {
  ARTICLE_NAMES_ZH,
  isArticle,
  isSanctionType,
  SANCTION_NAMES_ZH,
  SANCTION_TYPES,
  type SanctionType,
  type ViolationArticle,
} from '../../workflows/sanctions';
import { amountError } from '../common/checks';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import { addShanghaiMonths, parseInstant, shanghaiDate } from '../time/shanghai';
import {
  assertCreditRules,
  CREDIT_GRADES,
  type CreditGrade,
  type CreditRules,
  DEFAULT_CREDIT_RULES,
  gradeOfScore,
  INSPECTION_CONCLUSIONS,
  type InspectionConclusion,
} from './credit-policy';

export { CREDIT_GRADES, type CreditGrade } from './credit-policy';

/** Malformed grading input, every bad field named (HTTP 400). */
export class InvalidCreditInputError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super('VALIDATION_FAILED', 'The credit input has invalid fields.', { errors: fieldErrors });
    this.name = 'InvalidCreditInputError';
  }
}

/**
 * An institution's credit grade (信用等级, docs/domain.md §4, §5, §7; seed 004 (十二)), recomputed from
 * its record whenever a sanction is decided or an inspection published. Pure: `now` is an input.
 *
 * score = start − Σ sanction deductions × age weight + Σ inspection points × age weight, then
 * clamped to [0, maxScore] and rounded half up to 2 places; the grade is the band it falls in.
 * - start: the imported grade's starting score (importedGradeScores) or `initialScore` when none.
 *   The history is what happened after the import: the import already reflects the earlier record.
 * - a decided sanction deducts articlePoints[article] + sanctionPoints of each distinct type;
 * - a published inspection adds inspectionPoints[conclusion] (negative for ISSUES);
 * - age weight: the `decay` step the event's age falls in (same Asia/Shanghai wall time N months
 *   later ends a step); older than the last step → 0. Events after `now` are not counted yet.
 * Overrides, whatever the score:
 * - an art. 40 decision (骗取) sets E until decidedAt + art40GradeEYears;
 * - fraud (art. 40 or 41) at or above jointPunishment.fraudThreshold, or a decided BLACKLIST, puts
 *   the institution on the joint-punishment list (失信联合惩戒) until decidedAt + repairYears
 *   (信用修复): grade E, `blacklistedUntil` = the latest such end still in the future.
 * Every step is one readable reason line (Chinese, with its numbers), oldest event first.
 */

const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof Dec>;
const points = (d: Dec): string => d.toFixed(2, Decimal.ROUND_HALF_UP);

export type CreditHistoryEntry =
  | {
      kind: 'SANCTION';
      article: ViolationArticle;
      sanctions: SanctionType[];
      /** Amount defrauded (art. 40, 41), two places; absent or "0.00" when none. */
      fraudAmount?: string;
      decidedAt: string;
    }
  | { kind: 'INSPECTION'; conclusion: InspectionConclusion; publishedAt: string };

export interface CreditGradeInput {
  importedGrade: CreditGrade | null;
  /** Events since the import, any order. */
  history: CreditHistoryEntry[];
  now: Date;
}

export interface CreditGradeResult {
  grade: CreditGrade;
  /** 0..maxScore, two decimals at most. */
  score: number;
  reasons: string[];
  /** ISO instant the joint-punishment listing ends (信用修复), or null when not listed. */
  blacklistedUntil: string | null;
}

const CONCLUSION_ZH: Record<InspectionConclusion, string> = {
  NO_ISSUE: '未发现问题',
  ISSUES: '发现问题',
  SUSPECTED_FRAUD: '涉嫌欺诈骗保',
};

function validate(input: CreditGradeInput): FieldError[] {
  const errors: FieldError[] = [];
  if (
    input.importedGrade !== null &&
    !(CREDIT_GRADES as readonly unknown[]).includes(input.importedGrade)
  ) {
    errors.push({
      field: 'importedGrade',
      message: `must be one of ${CREDIT_GRADES.join(', ')} or null (got ${JSON.stringify(input.importedGrade)})`,
    });
  }
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) {
    errors.push({ field: 'now', message: 'must be a valid Date' });
  }
  const history: unknown = input.history;
  if (!Array.isArray(history)) {
    errors.push({ field: 'history', message: 'must be a list (empty when none)' });
    return errors;
  }
  input.history.forEach((h, i) => {
    const at = `history[${i}]`;
    const kind = (h as { kind?: unknown } | null)?.kind;
    if (kind === 'SANCTION' && h.kind === 'SANCTION') {
      if (!isArticle(h.article)) {
        errors.push({ field: `${at}.article`, message: 'must be one of 38, 39, 40, 41' });
      }
      const sanctions: unknown = h.sanctions;
      if (!Array.isArray(sanctions) || !sanctions.every(isSanctionType)) {
        errors.push({
          field: `${at}.sanctions`,
          message: `must be a list of ${SANCTION_TYPES.join(', ')}`,
        });
      }
      if (h.fraudAmount !== undefined) {
        const e = amountError(`${at}.fraudAmount`, h.fraudAmount);
        if (e) {
          errors.push(e);
        }
      }
      if (parseInstant(h.decidedAt) === null) {
        errors.push({
          field: `${at}.decidedAt`,
          message: 'must be an ISO date-time with a zone or a date YYYY-MM-DD',
        });
      }
    } else if (kind === 'INSPECTION' && h.kind === 'INSPECTION') {
      if (!(INSPECTION_CONCLUSIONS as readonly unknown[]).includes(h.conclusion)) {
        errors.push({
          field: `${at}.conclusion`,
          message: `must be one of ${INSPECTION_CONCLUSIONS.join(', ')}`,
        });
      }
      if (parseInstant(h.publishedAt) === null) {
        errors.push({
          field: `${at}.publishedAt`,
          message: 'must be an ISO date-time with a zone or a date YYYY-MM-DD',
        });
      }
    } else {
      errors.push({ field: `${at}.kind`, message: 'must be SANCTION or INSPECTION' });
    }
  });
  return errors;
}

const later = (a: Date | null, b: Date): Date => (a !== null && a.getTime() > b.getTime() ? a : b);

/** The age weight of an event at `at`, seen from `now`, and the step it fell in. */
function ageWeight(
  at: Date,
  now: Date,
  policy: CreditRules,
): { weight: Dec; olderThan: number | null } {
  for (const step of policy.credit.decay) {
    if (now.getTime() < addShanghaiMonths(at, step.untilMonths).getTime()) {
      return { weight: new Dec(step.weight), olderThan: null };
    }
  }
  return {
    weight: new Dec(0),
    olderThan: policy.credit.decay[policy.credit.decay.length - 1].untilMonths,
  };
}

/** Computes the grade; throws InvalidCreditInputError (400) on malformed input. */
export function computeCreditGrade(
  input: CreditGradeInput,
  policy: CreditRules = DEFAULT_CREDIT_RULES,
): CreditGradeResult {
  assertCreditRules(policy);
  const errors = validate(input);
  if (errors.length > 0) {
    throw new InvalidCreditInputError(errors);
  }
  const { credit } = policy;
  const now = input.now;
  const reasons: string[] = [];

  let score = new Dec(
    input.importedGrade === null
      ? credit.initialScore
      : credit.importedGradeScores[input.importedGrade],
  );
  reasons.push(
    input.importedGrade === null
      ? `起始: 无导入等级, 初始${points(score)}分`
      : `起始: 导入等级${input.importedGrade}, 初始${points(score)}分`,
  );

  const events = input.history
    .map((h) => ({
      h,
      at: parseInstant(h.kind === 'SANCTION' ? h.decidedAt : h.publishedAt) as Date,
    }))
    .sort((x, y) => x.at.getTime() - y.at.getTime());

  let gradeEUntil: Date | null = null;
  let blacklistedUntil: Date | null = null;
  const threshold = new Dec(policy.jointPunishment.fraudThreshold);

  for (const { h, at } of events) {
    const date = shanghaiDate(at);
    if (at.getTime() > now.getTime()) {
      reasons.push(`${date} 晚于计算时点, 暂不计入`);
      continue;
    }
    const { weight, olderThan } = ageWeight(at, now, policy);
    /** "扣18.00分 × 权重0.50 = −9.00分", or why it no longer counts. */
    const weighed = (raw: Dec, deduct: boolean): string => {
      const verb = deduct ? '扣' : '加';
      if (olderThan !== null) {
        return `${verb}${points(raw)}分, 已满${olderThan}个月, 不再计分`;
      }
      return `${verb}${points(raw)}分 × 权重${weight.toFixed(2)} = ${deduct ? '−' : '+'}${points(raw.times(weight))}分`;
    };

    if (h.kind === 'INSPECTION') {
      const p = new Dec(credit.inspectionPoints[h.conclusion]);
      score = score.plus(p.times(weight));
      reasons.push(
        `${date} 检查结论 ${CONCLUSION_ZH[h.conclusion]}: ${p.isZero() ? '不计分 (以处罚决定计分)' : weighed(p.abs(), p.lt(0))}`,
      );
      continue;
    }

    const types = [...new Set(h.sanctions)].sort(
      (x, y) => SANCTION_TYPES.indexOf(x) - SANCTION_TYPES.indexOf(y),
    );
    const deduction = types.reduce(
      (sum, t) => sum.plus(credit.sanctionPoints[t]),
      new Dec(credit.articlePoints[h.article]),
    );
    score = score.minus(deduction.times(weight));
    const what = types.map((t) => SANCTION_NAMES_ZH[t]).join('、') || '无处罚措施';
    const head = `${date} 第${h.article}条 ${ARTICLE_NAMES_ZH[h.article]} (${what})`;
    reasons.push(`${head}: ${weighed(deduction, true)}`);

    if (h.article === 40) {
      const until = addShanghaiMonths(at, 12 * credit.art40GradeEYears);
      if (now.getTime() < until.getTime()) {
        gradeEUntil = later(gradeEUntil, until);
        reasons.push(`${date} 第40条 骗取医保基金: 信用等级降为E, 至${shanghaiDate(until)}`);
      } else {
        reasons.push(`${date} 第40条 骗取医保基金: E级期限已于${shanghaiDate(until)}届满`);
      }
    }

    const fraud = new Dec(h.fraudAmount ?? 0);
    const fraudListed =
      (h.article === 40 || h.article === 41) && fraud.gt(0) && fraud.gte(threshold);
    if (fraudListed || h.sanctions.includes('BLACKLIST')) {
      const until = addShanghaiMonths(at, 12 * policy.jointPunishment.repairYears);
      const why = fraudListed
        ? `骗取${points(fraud)}元 ≥ ${points(threshold)}元`
        : '决定纳入失信联合惩戒';
      if (now.getTime() < until.getTime()) {
        blacklistedUntil = later(blacklistedUntil, until);
        reasons.push(
          `${date} ${why}: 列入失信联合惩戒名单至${shanghaiDate(until)} (信用修复期${policy.jointPunishment.repairYears}年), 信用等级E`,
        );
      } else {
        reasons.push(`${date} ${why}: 失信联合惩戒已于${shanghaiDate(until)}期满, 信用修复`);
      }
    }
  }

  const max = new Dec(credit.maxScore);
  const clamped = Dec.min(max, Dec.max(0, score));
  const final = clamped.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  if (!clamped.eq(score)) {
    reasons.push(`得分${points(score)}超出0至${credit.maxScore}, 按${points(clamped)}计`);
  }
  const banded = gradeOfScore(final.toNumber(), credit.gradeMinScores);
  let grade: CreditGrade = banded;
  if (blacklistedUntil !== null) {
    grade = 'E';
    reasons.push(`得分${points(final)} (${banded}级), 失信联合惩戒期内 → E`);
  } else if (gradeEUntil !== null) {
    grade = 'E';
    reasons.push(`得分${points(final)} (${banded}级), 第40条骗保处理期内 → E`);
  } else {
    reasons.push(`得分${points(final)} → ${banded}级`);
  }
  return {
    grade,
    score: final.toNumber(),
    reasons,
    blacklistedUntil: blacklistedUntil === null ? null : blacklistedUntil.toISOString(),
  };
}

/** The draw weight of a grade (docs/domain.md §4: A 0.5, B 1, C 1.5, D 2, E 3 by default). */
export function creditWeight(
  grade: CreditGrade,
  policy: CreditRules = DEFAULT_CREDIT_RULES,
): string {
  if (!(CREDIT_GRADES as readonly unknown[]).includes(grade)) {
    throw new InvalidCreditInputError([
      {
        field: 'grade',
        message: `must be one of ${CREDIT_GRADES.join(', ')} (got ${JSON.stringify(grade)})`,
      },
    ]);
  }
  return policy.credit.drawWeights[grade];
}
