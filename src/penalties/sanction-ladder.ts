import Decimal from 'decimal.js';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import {
  isArticle,
  isSanctionType,
  type Sanction,
  SANCTION_TYPES,
  type SanctionType,
  type Violation,
  VIOLATION_ARTICLES,
  type ViolationArticle,
} from '../../workflows/sanctions';
import { amountError } from '../common/checks';
import {
  assertPenaltyPolicy,
  DEFAULT_PENALTY_POLICY,
  type MultipleRange,
  type PenaltyPolicy,
  type Respondent,
  RESPONDENTS,
} from './penalty-policy';
import { addShanghaiMonths, parseInstant, shanghaiDate } from '../time/shanghai';

/**
 * The sanction ladder (docs/domain.md §5, §7 "Sanctions proposed by the ladder"): from the
 * violations an investigation recorded, the sanctions the bureau proposes in its notice (告知书).
 *
 * Pure: no I/O, no clock (`now` is an input), no framework. Money is decimal.js, half up to the
 * cent, out as two-place strings. Every number comes from the PenaltyPolicy; which measure an
 * article allows at all is the law (Decree 735 arts. 38–41), fixed here.
 *
 * ## Base proposal, per article (the law's own conditions)
 * - 38: ORDER_CORRECTION + INTERVIEW; a loss: RECOVERY (the loss) + FINE 1–2× the loss; refused to
 *   correct or serious consequences: SUSPENSION 6–12 months.
 * - 39: ORDER_CORRECTION + INTERVIEW; refused to correct: FINE 10,000–50,000.
 * - 40: RECOVERY + FINE 2–5× the fraud + SUSPENSION 6–12 months.
 * - 41 (individuals only): ORDER_CORRECTION; a loss or fraud: RECOVERY; fraud: FINE 2–5×;
 *   SUSPENSION of networked settlement 3–12 months.
 * - 40 and 41: fraud at or above the joint-punishment threshold adds BLACKLIST (seed 004 (十七):
 *   欺诈骗保情节严重的定点医药机构和个人, 纳入失信联合惩戒对象名单).
 *
 * ## Climbing one rung (升一档)
 * Triggers: a repeat (a sanctioned decision on the same article decided within
 * `repeatWindowYears` before `now`) for every article; also, for art. 40, serious consequences or
 * a refusal to correct, and for art. 41 a refusal to correct. (For arts. 38 and 39 the law itself
 * says what a refusal brings, SUSPENSION and FINE, so it is in the base proposal and does not
 * climb again.) Several triggers climb ONE rung, not several.
 *
 * The climb starts from the heaviest rung of the base proposal or, for a repeat, of the earlier
 * decisions in the window, whichever is higher (BLACKLIST is left out of both: it follows the
 * fraud threshold, not the ladder). It adds the lightest type on a higher rung that the article
 * allows on these facts (a FINE needs a loss under art. 38, a refusal under art. 39, fraud under
 * art. 41; termination only exists for institutions; police referral and the list under art. 41
 * only for fraud). What that means per article:
 * - 38: a repeat adds SUSPENSION (with or without a loss: without one a fine has no base, so
 *   FINE is skipped); nothing above SUSPENSION exists under art. 38.
 * - 39: nothing: a fine is lawful only on refusal, which is already in the base.
 * - 40: AGREEMENT_TERMINATION; after an earlier termination POLICE_REFERRAL; after a referral
 *   BLACKLIST.
 * - 41: without fraud nothing (SUSPENSION is the top); with fraud POLICE_REFERRAL, then BLACKLIST.
 * When no higher rung exists, the heaviest proposed sanction's basis says so, for the decision to
 * weigh within its range (在幅度内从重).
 *
 * ## Several violations
 * Violations of the same article are added up (losses and fraud amounts) and give ONE sanction of
 * each type for that article: one RECOVERY of the summed amount, one FINE whose range is the
 * multiple of the sum. Different articles are separate legal bases and keep their own sanctions.
 * The list is ordered by article, then lightest type first.
 */

/** A private Decimal constructor, so nothing here depends on (or changes) the global config. */
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof Dec>;
const money = (d: Dec): string => d.toFixed(2, Decimal.ROUND_HALF_UP);
const ZERO = new Dec(0);

/** The ladder's rung of each type, lightest first (docs/domain.md §5): 责令改正 and 责令退回 share one. */
export const SANCTION_RUNG: Readonly<Record<SanctionType, number>> = {
  WARNING: 0,
  INTERVIEW: 1,
  ORDER_CORRECTION: 2,
  RECOVERY: 2,
  FINE: 3,
  SUSPENSION: 4,
  AGREEMENT_TERMINATION: 5,
  POLICE_REFERRAL: 6,
  BLACKLIST: 7,
};

/**
 * The measures an article allows at all (Decree 735; police referral: Law art. 27 for suspected
 * crime; the list: seed 004 (十七) for serious fraud). Warning (提醒告诫) and interview (约谈) are
 * the soft measures of seed 004 (十四); an individual is not interviewed.
 */
export const ARTICLE_SANCTIONS: Readonly<Record<ViolationArticle, readonly SanctionType[]>> = {
  38: ['WARNING', 'INTERVIEW', 'ORDER_CORRECTION', 'RECOVERY', 'FINE', 'SUSPENSION'],
  39: ['WARNING', 'INTERVIEW', 'ORDER_CORRECTION', 'FINE'],
  40: SANCTION_TYPES,
  41: [
    'WARNING',
    'ORDER_CORRECTION',
    'RECOVERY',
    'FINE',
    'SUSPENSION',
    'POLICE_REFERRAL',
    'BLACKLIST',
  ],
};

/** Who an article applies to: 38–40 designated institutions, 41 insured persons. */
export const ARTICLE_RESPONDENT: Readonly<Record<ViolationArticle, Respondent>> = {
  38: 'INSTITUTION',
  39: 'INSTITUTION',
  40: 'INSTITUTION',
  41: 'INDIVIDUAL',
};

/** Malformed penalty input, every bad field named (400). */
export class InvalidPenaltyInputError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super('VALIDATION_FAILED', 'The penalty input has invalid fields.', { errors: fieldErrors });
    this.name = 'InvalidPenaltyInputError';
  }
}

/** One earlier decision on the respondent, for the repeat rule. */
export interface LadderHistoryEntry {
  article: ViolationArticle;
  /** ISO instant (or YYYY-MM-DD, read as 00:00 Asia/Shanghai). */
  decidedAt: string;
  sanctions: SanctionType[];
}

export interface ProposeSanctionsInput {
  violations: Violation[];
  respondent: Respondent;
  /** 拒不改正: the case comes from an unanswered rectification or a failed re-check. */
  refusedToCorrect: boolean;
  /** 造成严重后果 (art. 38 suspension, art. 40 climb); ignored for arts. 39 and 41. */
  seriousConsequences?: boolean;
  /** Earlier decisions on the same respondent; entries after `now` are ignored. */
  history: LadderHistoryEntry[];
  now: Date;
}

interface ArticleFacts {
  article: ViolationArticle;
  count: number;
  loss: Dec;
  fraud: Dec;
  /** Σ max(loss, fraud) per violation: a defrauded amount is a loss, never counted twice. */
  recovery: Dec;
}

/** Whether the article allows `type` on these facts (beyond ARTICLE_SANCTIONS). */
function lawfulOnFacts(type: SanctionType, f: ArticleFacts, refused: boolean): boolean {
  if (!ARTICLE_SANCTIONS[f.article].includes(type)) {
    return false;
  }
  switch (type) {
    case 'RECOVERY':
      return f.recovery.gt(0);
    case 'FINE':
      switch (f.article) {
        case 38:
          return f.loss.gt(0);
        case 39:
          return refused;
        case 40:
          return true;
        case 41:
          return f.fraud.gt(0);
      }
      return false;
    case 'POLICE_REFERRAL':
    case 'BLACKLIST':
      return f.article === 40 || f.fraud.gt(0);
    case 'WARNING':
    case 'INTERVIEW':
    case 'ORDER_CORRECTION':
    case 'SUSPENSION':
    case 'AGREEMENT_TERMINATION':
      return true;
  }
}

const multipleText = (r: MultipleRange): string =>
  `${new Dec(r.min).toString()}–${new Dec(r.max).toString()}`;

/** `条例第N条: … / Decree 735 art. N: …`, with the reason in brackets when there is one. */
function basis(
  article: ViolationArticle,
  zh: string,
  en: string,
  why?: { zh: string; en: string },
): string {
  const whyZh = why ? ` (${why.zh})` : '';
  const whyEn = why ? ` (${why.en})` : '';
  return `条例第${article}条: ${zh}${whyZh} / Decree 735 art. ${article}: ${en}${whyEn}`;
}

function validate(input: ProposeSanctionsInput): FieldError[] {
  const errors: FieldError[] = [];
  const respondentOk = (RESPONDENTS as readonly unknown[]).includes(input.respondent);
  if (!respondentOk) {
    errors.push({
      field: 'respondent',
      message: `must be INSTITUTION or INDIVIDUAL (got ${JSON.stringify(input.respondent)})`,
    });
  }
  if (typeof input.refusedToCorrect !== 'boolean') {
    errors.push({ field: 'refusedToCorrect', message: 'must be true or false' });
  }
  if (input.seriousConsequences !== undefined && typeof input.seriousConsequences !== 'boolean') {
    errors.push({ field: 'seriousConsequences', message: 'must be true or false when given' });
  }
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) {
    errors.push({ field: 'now', message: 'must be a valid Date' });
  }
  const violations: unknown = input.violations;
  if (!Array.isArray(violations) || violations.length === 0) {
    errors.push({ field: 'violations', message: 'must be a non-empty list of violations' });
  } else {
    input.violations.forEach((v, i) => {
      const at = `violations[${i}]`;
      if (!isArticle(v?.article)) {
        errors.push({
          field: `${at}.article`,
          message: `must be one of ${VIOLATION_ARTICLES.join(', ')} (got ${JSON.stringify(v?.article)})`,
        });
        return;
      }
      const amountErrors = [
        amountError(`${at}.lossAmount`, v.lossAmount),
        amountError(`${at}.fraudAmount`, v.fraudAmount),
      ].filter((e): e is FieldError => e !== null);
      errors.push(...amountErrors);
      if (respondentOk && ARTICLE_RESPONDENT[v.article] !== input.respondent) {
        errors.push({
          field: `${at}.article`,
          message: `art. ${v.article} applies to ${ARTICLE_RESPONDENT[v.article] === 'INSTITUTION' ? 'designated institutions' : 'insured persons'}, not to an ${input.respondent}`,
        });
      }
      if (amountErrors.length > 0) {
        return;
      }
      const fraud = new Dec(v.fraudAmount);
      if (v.article === 40 && fraud.lte(0)) {
        errors.push({
          field: `${at}.fraudAmount`,
          message: 'art. 40 is fraud (骗取): the amount defrauded must be above 0',
        });
      }
      if ((v.article === 38 || v.article === 39) && fraud.gt(0)) {
        errors.push({
          field: `${at}.fraudAmount`,
          message: `an act done to defraud is art. 40, not art. ${v.article}: record it under art. 40`,
        });
      }
      if (v.article === 39 && new Dec(v.lossAmount).gt(0)) {
        errors.push({
          field: `${at}.lossAmount`,
          message:
            'a fund loss is an art. 38 matter (art. 39 is internal management): record it under art. 38',
        });
      }
    });
  }
  const history: unknown = input.history;
  if (!Array.isArray(history)) {
    errors.push({ field: 'history', message: 'must be a list (empty when none)' });
  } else {
    input.history.forEach((h, i) => {
      const at = `history[${i}]`;
      if (!isArticle(h?.article)) {
        errors.push({
          field: `${at}.article`,
          message: `must be one of ${VIOLATION_ARTICLES.join(', ')}`,
        });
      }
      if (parseInstant(h?.decidedAt) === null) {
        errors.push({
          field: `${at}.decidedAt`,
          message: `must be an ISO date-time with a zone or a date YYYY-MM-DD (got ${JSON.stringify(h?.decidedAt)})`,
        });
      }
      const sanctions: unknown = h?.sanctions;
      if (!Array.isArray(sanctions) || !sanctions.every(isSanctionType)) {
        errors.push({
          field: `${at}.sanctions`,
          message: `must be a list of ${SANCTION_TYPES.join(', ')}`,
        });
      }
    });
  }
  return errors;
}

function factsByArticle(violations: Violation[]): ArticleFacts[] {
  const facts = new Map<ViolationArticle, ArticleFacts>();
  for (const v of violations) {
    const f = facts.get(v.article) ?? {
      article: v.article,
      count: 0,
      loss: ZERO,
      fraud: ZERO,
      recovery: ZERO,
    };
    const loss = new Dec(v.lossAmount);
    const fraud = new Dec(v.fraudAmount);
    facts.set(v.article, {
      article: v.article,
      count: f.count + 1,
      loss: f.loss.plus(loss),
      fraud: f.fraud.plus(fraud),
      recovery: f.recovery.plus(Dec.max(loss, fraud)),
    });
  }
  return [...facts.values()].sort((a, b) => a.article - b.article);
}

interface Repeat {
  /** Asia/Shanghai date of the latest earlier decision in the window. */
  lastDecided: string;
  /** Heaviest rung decided in the window, BLACKLIST left out. */
  heaviestRung: number;
}

/** Earlier sanctioned decisions on the same article within the window before `now`. */
function findRepeat(
  article: ViolationArticle,
  history: LadderHistoryEntry[],
  now: Date,
  policy: PenaltyPolicy,
): Repeat | null {
  const windowStart = addShanghaiMonths(now, -12 * policy.repeatWindowYears).getTime();
  let latest: Date | null = null;
  let heaviestRung = -1;
  for (const h of history) {
    const at = parseInstant(h.decidedAt);
    if (
      h.article !== article ||
      h.sanctions.length === 0 ||
      at === null ||
      at.getTime() < windowStart ||
      at.getTime() > now.getTime()
    ) {
      continue;
    }
    if (latest === null || at > latest) {
      latest = at;
    }
    for (const t of h.sanctions) {
      if (t !== 'BLACKLIST') {
        heaviestRung = Math.max(heaviestRung, SANCTION_RUNG[t]);
      }
    }
  }
  return latest === null ? null : { lastDecided: shanghaiDate(latest), heaviestRung };
}

const byLadder = (a: Sanction, b: Sanction): number =>
  a.article - b.article || SANCTION_TYPES.indexOf(a.type) - SANCTION_TYPES.indexOf(b.type);

/** The base proposal of one article: the measures the law attaches to these facts. */
function baseProposal(
  f: ArticleFacts,
  input: ProposeSanctionsInput,
  policy: PenaltyPolicy,
): Sanction[] {
  const a = f.article;
  const out: Sanction[] = [];
  const { institution, networkedSettlement } = policy.suspensionMonths;
  const recovery = (): Sanction => ({
    type: 'RECOVERY',
    article: a,
    amount: money(f.recovery),
    minAmount: money(f.recovery),
    maxAmount: money(f.recovery),
    basis:
      a === 40
        ? basis(
            a,
            `责令退回骗取的医保基金 ${money(f.recovery)}元`,
            `return the ${money(f.recovery)} defrauded`,
          )
        : basis(
            a,
            `造成医保基金损失的, 责令退回 ${money(f.recovery)}元`,
            `return the ${money(f.recovery)} the fund lost`,
          ),
  });
  const fine = (base: Dec, r: MultipleRange, zh: string, en: string): Sanction => ({
    type: 'FINE',
    article: a,
    minAmount: money(base.times(r.min)),
    maxAmount: money(base.times(r.max)),
    basis: basis(
      a,
      `处${zh}${multipleText(r)}倍罚款 (${money(base)}元 × ${multipleText(r)})`,
      `fine ${multipleText(r)}× the ${en} of ${money(base)}`,
    ),
  });
  const suspension = (
    range: { min: number; max: number },
    zh: string,
    en: string,
    why?: { zh: string; en: string },
  ): Sanction => ({
    type: 'SUSPENSION',
    article: a,
    months: range.min,
    minMonths: range.min,
    maxMonths: range.max,
    basis: basis(
      a,
      `${zh}${range.min}至${range.max}个月`,
      `${en} ${range.min}–${range.max} months`,
      why,
    ),
  });
  const correction: Sanction = {
    type: 'ORDER_CORRECTION',
    article: a,
    basis: basis(a, '责令改正', 'order to correct'),
  };
  const interview: Sanction = {
    type: 'INTERVIEW',
    article: a,
    basis: basis(a, '可以约谈有关负责人', 'may interview the persons in charge'),
  };

  switch (a) {
    case 38: {
      out.push(correction, interview);
      if (f.loss.gt(0)) {
        out.push(recovery(), fine(f.loss, policy.fines.art38LossMultiple, '造成损失金额', 'loss'));
      }
      const why = [
        ...(input.refusedToCorrect ? [{ zh: '拒不改正', en: 'refused to correct' }] : []),
        ...(input.seriousConsequences ? [{ zh: '造成严重后果', en: 'serious consequences' }] : []),
      ];
      if (why.length > 0) {
        out.push(
          suspension(
            institution,
            '暂停相关责任部门涉及医保基金使用的医药服务',
            "suspend the responsible department's fund-related services",
            { zh: why.map((w) => w.zh).join('、'), en: why.map((w) => w.en).join(', ') },
          ),
        );
      }
      break;
    }
    case 39: {
      out.push(correction, interview);
      if (input.refusedToCorrect) {
        const r = policy.fines.art39Amount;
        out.push({
          type: 'FINE',
          article: a,
          minAmount: money(new Dec(r.min)),
          maxAmount: money(new Dec(r.max)),
          basis: basis(
            a,
            `拒不改正的, 处${money(new Dec(r.min))}元至${money(new Dec(r.max))}元罚款`,
            `refused to correct: fine ${money(new Dec(r.min))}–${money(new Dec(r.max))}`,
          ),
        });
      }
      break;
    }
    case 40: {
      out.push(
        recovery(),
        fine(f.fraud, policy.fines.art40FraudMultiple, '骗取金额', 'amount defrauded'),
        suspension(
          institution,
          '责令暂停相关责任部门涉及医保基金使用的医药服务',
          "suspend the responsible department's fund-related services",
        ),
      );
      break;
    }
    case 41: {
      out.push(correction);
      if (f.recovery.gt(0)) {
        out.push(recovery());
      }
      if (f.fraud.gt(0)) {
        out.push(fine(f.fraud, policy.fines.art41FraudMultiple, '骗取金额', 'amount defrauded'));
      }
      out.push(
        suspension(networkedSettlement, '暂停其医疗费用联网结算', 'suspend networked settlement'),
      );
      break;
    }
  }
  return out;
}

/** The sanction a climb adds, with its basis. */
function climbedSanction(
  type: SanctionType,
  f: ArticleFacts,
  why: { zh: string; en: string },
  policy: PenaltyPolicy,
): Sanction {
  const a = f.article;
  switch (type) {
    case 'SUSPENSION': {
      const r =
        a === 41
          ? policy.suspensionMonths.networkedSettlement
          : policy.suspensionMonths.institution;
      return {
        type,
        article: a,
        months: r.min,
        minMonths: r.min,
        maxMonths: r.max,
        basis: basis(
          a,
          `暂停相关责任部门涉及医保基金使用的医药服务${r.min}至${r.max}个月`,
          `suspend the responsible department's fund-related services ${r.min}–${r.max} months`,
          why,
        ),
      };
    }
    case 'AGREEMENT_TERMINATION':
      return {
        type,
        article: a,
        basis: basis(
          a,
          '直至由医保经办机构解除服务协议',
          'up to termination of the service agreement',
          why,
        ),
      };
    case 'POLICE_REFERRAL':
      return {
        type,
        article: a,
        basis: basis(
          a,
          '涉嫌犯罪的, 移送公安机关 (行政处罚法第27条)',
          'suspected crime: refer to public security (Administrative Penalty Law art. 27)',
          why,
        ),
      };
    case 'BLACKLIST':
      return {
        type,
        article: a,
        basis: basis(
          a,
          '欺诈骗保情节严重的, 纳入失信联合惩戒对象名单 [seed 004 (十七)]',
          'serious fraud: joint credit punishment list [seed 004 (17)]',
          why,
        ),
      };
    case 'WARNING':
    case 'INTERVIEW':
    case 'ORDER_CORRECTION':
    case 'RECOVERY':
    case 'FINE':
      // Every base proposal is at or above ORDER_CORRECTION, and a climb never lands on FINE:
      // where a fine is lawful on the facts, the base already has it.
      throw new Error(`sanction ladder: a climb cannot add ${type}`);
  }
}

/**
 * The ladder's proposal for a penalty case (docs/domain.md §7). Throws InvalidPenaltyInputError
 * (400) on malformed input, including an article that does not apply to the respondent.
 */
export function proposeSanctions(
  input: ProposeSanctionsInput,
  policy: PenaltyPolicy = DEFAULT_PENALTY_POLICY,
): Sanction[] {
  assertPenaltyPolicy(policy);
  const errors = validate(input);
  if (errors.length > 0) {
    throw new InvalidPenaltyInputError(errors);
  }
  const serious = input.seriousConsequences === true;
  const years = policy.repeatWindowYears;
  const result: Sanction[] = [];

  for (const f of factsByArticle(input.violations)) {
    const a = f.article;
    const proposal = baseProposal(f, input, policy);
    const repeat = findRepeat(a, input.history, input.now, policy);

    const triggers: { zh: string; en: string }[] = [];
    if (repeat) {
      triggers.push({
        zh: `${years}年内再次违反第${a}条, 上次决定${repeat.lastDecided}`,
        en: `repeat of art. ${a} within ${years} years, last decided ${repeat.lastDecided}`,
      });
    }
    if (a === 40 && serious) {
      triggers.push({ zh: '造成严重后果', en: 'serious consequences' });
    }
    if ((a === 40 || a === 41) && input.refusedToCorrect) {
      triggers.push({ zh: '拒不改正', en: 'refused to correct' });
    }

    if (triggers.length > 0) {
      const why = {
        zh: `升一档: ${triggers.map((t) => t.zh).join('; ')}`,
        en: `one rung up: ${triggers.map((t) => t.en).join('; ')}`,
      };
      const ladderRungs = proposal
        .filter((s) => s.type !== 'BLACKLIST')
        .map((s) => SANCTION_RUNG[s.type]);
      const from = Math.max(...ladderRungs, repeat?.heaviestRung ?? -1);
      const next = SANCTION_TYPES.find(
        (t) =>
          SANCTION_RUNG[t] > from &&
          lawfulOnFacts(t, f, input.refusedToCorrect) &&
          !proposal.some((s) => s.type === t),
      );
      if (next) {
        proposal.push(climbedSanction(next, f, why, policy));
      } else {
        // No higher rung under this article: say so on the heaviest measure proposed.
        const heaviest = proposal.reduce((h, s) =>
          SANCTION_RUNG[s.type] >= SANCTION_RUNG[h.type] ? s : h,
        );
        heaviest.basis = `${heaviest.basis ?? ''}; ${why.zh}, 本条无更高一级措施, 在幅度内从重裁量 / ${why.en}: no higher rung under art. ${a}, weigh within the range`;
      }
    }

    const threshold = new Dec(policy.jointPunishment.fraudThreshold);
    if (
      (a === 40 || a === 41) &&
      f.fraud.gte(threshold) &&
      !proposal.some((s) => s.type === 'BLACKLIST')
    ) {
      proposal.push(
        climbedSanction(
          'BLACKLIST',
          f,
          {
            zh: `骗取${money(f.fraud)}元 ≥ ${money(threshold)}元`,
            en: `${money(f.fraud)} defrauded ≥ ${money(threshold)}`,
          },
          policy,
        ),
      );
    }
    if (f.count > 1) {
      for (const s of proposal) {
        s.basis = `${s.basis ?? ''} [${f.count}项违法行为合并 / ${f.count} violations combined]`;
      }
    }
    result.push(...proposal);
  }
  return result.sort(byLadder);
}
