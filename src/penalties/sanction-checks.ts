import Decimal from 'decimal.js';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import {
  isArticle,
  isSanctionType,
  type Sanction,
  SANCTION_NAMES_ZH,
  SANCTION_TYPES,
  type ViolationArticle,
} from '../../workflows/sanctions';
import { AMOUNT, amountError } from '../common/checks';
import {
  assertPenaltyPolicy,
  DEFAULT_PENALTY_POLICY,
  type PenaltyPolicy,
  type Respondent,
  RESPONDENTS,
} from './penalty-policy';
import {
  ARTICLE_RESPONDENT,
  ARTICLE_SANCTIONS,
  InvalidPenaltyInputError,
  SANCTION_RUNG,
} from './sanction-ladder';

/**
 * Checks on a penalty decision (docs/domain.md §7 `DECIDE`, `REQUEST_HEARING`, execution). Pure.
 *
 * A decision is refused (DomainError 'BUSINESS_RULE', 422, every field named) when:
 * - a sanction cites an article no proposed sanction cites (no such violation was established);
 * - the article does not allow the type (ARTICLE_SANCTIONS), or does not apply to the respondent;
 * - a FINE is outside the range the law gives on these facts, i.e. the proposal's
 *   [minAmount, maxAmount] for that article; with no proposed FINE for the article the law gives
 *   none (art. 38 without a loss, art. 39 without a refusal, art. 41 without fraud);
 * - a RECOVERY is above the amount the investigation established (the proposal's), or none was;
 * - a SUSPENSION's months are outside the policy range (6–12, art. 41: 3–12).
 * And, after a statement and defence (陈述申辩), anything heavier than the proposal
 * (Administrative Penalty Law art. 45: 不得因当事人陈述、申辩而给予更重的处罚). "Heavier" is:
 * - a type on the FINE rung or above that was not proposed for that article (this includes any
 *   type above the heaviest proposed, and also e.g. a termination added under a proposed
 *   blacklist); WARNING, INTERVIEW and ORDER_CORRECTION are corrective, not heavier; a
 *   POLICE_REFERRAL is never "heavier" because a suspected crime must be referred (Law art. 27);
 * - a FINE above the proposed amount when the approved proposal names one, else above its maximum;
 * - more SUSPENSION months than the proposed maximum.
 * Malformed sanctions (unknown type or article, bad amount, months not whole, two sanctions of one
 * type for one article) are a 400 (InvalidPenaltyInputError) before any of the above.
 */

const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof Dec>;
const money = (d: Dec): string => d.toFixed(2, Decimal.ROUND_HALF_UP);
const ZERO = new Dec(0);

/** A decision that breaks the law's ranges or art. 45 (422), every field named. */
export class SanctionDecisionError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super(
      'BUSINESS_RULE',
      `The decided sanctions are not allowed: ${fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      { errors: fieldErrors },
    );
    this.name = 'SanctionDecisionError';
  }
}

export interface CheckDecisionInput {
  decided: Sanction[];
  /** The approved proposal (the ladder's, or as legal review changed it). */
  proposed: Sanction[];
  /** A statement and defence (陈述申辩) was recorded during the notice period. */
  statementMade: boolean;
  respondent: Respondent;
}

const key = (s: { type: string; article: number }): string => `${s.article}:${s.type}`;

/** Structural problems of a sanction list (400), fields prefixed with `name`. */
function shapeErrors(list: unknown, name: string, decided: boolean): FieldError[] {
  if (!Array.isArray(list)) {
    return [{ field: name, message: 'must be a list of sanctions' }];
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  (list as unknown[]).forEach((raw, i) => {
    const at = `${name}[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      errors.push({ field: at, message: 'must be a sanction { type, article, … }' });
      return;
    }
    const s = raw as Partial<Record<keyof Sanction, unknown>>;
    if (!isSanctionType(s.type)) {
      errors.push({
        field: `${at}.type`,
        message: `must be one of ${SANCTION_TYPES.join(', ')} (got ${JSON.stringify(s.type)})`,
      });
    }
    if (!isArticle(s.article)) {
      errors.push({
        field: `${at}.article`,
        message: `must be one of 38, 39, 40, 41 (got ${JSON.stringify(s.article)})`,
      });
    }
    for (const k of ['amount', 'minAmount', 'maxAmount'] as const) {
      if (s[k] !== undefined) {
        const e = amountError(`${at}.${k}`, s[k]);
        if (e) {
          errors.push(e);
        }
      }
    }
    for (const k of ['months', 'minMonths', 'maxMonths'] as const) {
      const v = s[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
        errors.push({
          field: `${at}.${k}`,
          message: `must be a whole number of months (got ${JSON.stringify(v)})`,
        });
      }
    }
    if (decided && (s.type === 'FINE' || s.type === 'RECOVERY') && s.amount === undefined) {
      errors.push({ field: `${at}.amount`, message: `a decided ${s.type} needs its amount` });
    }
    if (decided && s.type === 'SUSPENSION' && s.months === undefined) {
      errors.push({ field: `${at}.months`, message: 'a decided SUSPENSION needs its months' });
    }
    if (isSanctionType(s.type) && isArticle(s.article)) {
      const k = key({ type: s.type, article: s.article });
      if (seen.has(k)) {
        errors.push({
          field: `${at}.type`,
          message: `a second ${s.type} for art. ${s.article}: one of each type per article`,
        });
      }
      seen.add(k);
    }
  });
  return errors;
}

/** The upper end of a proposed FINE: the amount the approved proposal names, else its maximum. */
const fineCeiling = (p: Sanction): Dec => new Dec(p.amount ?? p.maxAmount ?? 0);

/**
 * Checks a DECIDE (or HEARING_HELD) against the law and the proposal. Throws
 * InvalidPenaltyInputError (400) on malformed sanctions, SanctionDecisionError (422) on a rule;
 * returns the decided sanctions normalised: amounts with two places, a FINE carrying the legal
 * range it was checked against, and the proposal's basis where the decision gives none.
 */
export function checkDecision(
  input: CheckDecisionInput,
  policy: PenaltyPolicy = DEFAULT_PENALTY_POLICY,
): Sanction[] {
  assertPenaltyPolicy(policy);
  const shape = [
    ...shapeErrors(input.decided, 'sanctions', true),
    ...shapeErrors(input.proposed, 'proposedSanctions', false),
  ];
  if (!(RESPONDENTS as readonly unknown[]).includes(input.respondent)) {
    shape.push({ field: 'respondent', message: 'must be INSTITUTION or INDIVIDUAL' });
  }
  if (typeof input.statementMade !== 'boolean') {
    shape.push({ field: 'statementMade', message: 'must be true or false' });
  }
  if (shape.length > 0) {
    throw new InvalidPenaltyInputError(shape);
  }

  const proposed = new Map(input.proposed.map((p) => [key(p), p]));
  const proposedArticles = new Set(input.proposed.map((p) => p.article));
  const heaviestProposed = (article: ViolationArticle): Sanction | undefined =>
    input.proposed
      .filter((p) => p.article === article)
      .reduce<Sanction | undefined>(
        (h, p) => (h === undefined || SANCTION_RUNG[p.type] > SANCTION_RUNG[h.type] ? p : h),
        undefined,
      );

  const errors: FieldError[] = [];
  const result: Sanction[] = input.decided.map((s, i) => {
    const at = `sanctions[${i}]`;
    const a = s.article;
    const p = proposed.get(key(s));
    const fail = (field: string, message: string): void => {
      errors.push({ field: `${at}${field}`, message });
    };

    if (!proposedArticles.has(a)) {
      fail(
        '.article',
        `no violation of art. ${a} was established in this case (proposed: art. ${[...proposedArticles].join(', art. ') || 'none'})`,
      );
      return s;
    }
    if (ARTICLE_RESPONDENT[a] !== input.respondent) {
      fail('.article', `art. ${a} does not apply to an ${input.respondent}`);
      return s;
    }
    if (!ARTICLE_SANCTIONS[a].includes(s.type)) {
      fail(
        '.type',
        `art. ${a} does not allow ${s.type} (${SANCTION_NAMES_ZH[s.type]}); it allows ${ARTICLE_SANCTIONS[a].join(', ')}`,
      );
      return s;
    }

    const out: Sanction = { ...s };
    if (s.amount !== undefined) {
      out.amount = money(new Dec(s.amount));
    }
    if (s.minAmount !== undefined) {
      out.minAmount = money(new Dec(s.minAmount));
    }
    if (s.maxAmount !== undefined) {
      out.maxAmount = money(new Dec(s.maxAmount));
    }
    if (out.basis === undefined && p?.basis !== undefined) {
      out.basis = p.basis;
    }

    switch (s.type) {
      case 'FINE': {
        if (p?.minAmount === undefined || p.maxAmount === undefined) {
          const why: Record<ViolationArticle, string> = {
            38: 'art. 38 fines 1–2× the fund loss, and no loss was established',
            39: 'art. 39 fines only a refusal to correct, and none was established',
            40: 'no fine range was proposed for art. 40',
            41: 'art. 41 fines only fraud, and no fraud was established',
          };
          fail('.type', `no FINE is lawful here: ${why[a]}`);
          break;
        }
        const amount = new Dec(s.amount ?? 0);
        const min = new Dec(p.minAmount);
        const max = new Dec(p.maxAmount);
        out.minAmount = money(min);
        out.maxAmount = money(max);
        if (amount.lt(min) || amount.gt(max)) {
          fail(
            '.amount',
            `${money(amount)} is outside the legal range ${money(min)}–${money(max)} for art. ${a}`,
          );
        } else if (input.statementMade && amount.gt(fineCeiling(p))) {
          fail(
            '.amount',
            `${money(amount)} is above the proposed ${money(fineCeiling(p))}: after a statement and defence the decision may not be heavier (Administrative Penalty Law art. 45)`,
          );
        }
        break;
      }
      case 'RECOVERY': {
        const amount = new Dec(s.amount ?? 0);
        const established = p === undefined ? ZERO : new Dec(p.amount ?? p.maxAmount ?? 0);
        if (established.lte(0)) {
          fail('.type', `no fund loss was established for art. ${a}: nothing to return`);
        } else if (amount.lte(0) || amount.gt(established)) {
          fail(
            '.amount',
            `${money(amount)} must be above 0.00 and at most the ${money(established)} the investigation established for art. ${a}`,
          );
        }
        break;
      }
      case 'SUSPENSION': {
        const r =
          a === 41
            ? policy.suspensionMonths.networkedSettlement
            : policy.suspensionMonths.institution;
        const months = s.months ?? 0;
        const ceiling = p?.maxMonths ?? p?.months;
        if (months < r.min || months > r.max) {
          fail(
            '.months',
            `${months} months is outside the legal range ${r.min}–${r.max} months for art. ${a}`,
          );
        } else if (input.statementMade && ceiling !== undefined && months > ceiling) {
          fail(
            '.months',
            `${months} months is above the proposed ${ceiling}: after a statement and defence the decision may not be heavier (Administrative Penalty Law art. 45)`,
          );
        }
        break;
      }
      case 'WARNING':
      case 'INTERVIEW':
      case 'ORDER_CORRECTION':
      case 'AGREEMENT_TERMINATION':
      case 'POLICE_REFERRAL':
      case 'BLACKLIST':
        break;
    }

    if (
      input.statementMade &&
      p === undefined &&
      SANCTION_RUNG[s.type] >= SANCTION_RUNG.FINE &&
      s.type !== 'POLICE_REFERRAL' &&
      // A FINE or RECOVERY without a proposal is already refused above.
      s.type !== 'FINE'
    ) {
      const h = heaviestProposed(a);
      fail(
        '.type',
        `${s.type} (${SANCTION_NAMES_ZH[s.type]}) was not proposed for art. ${a} (heaviest proposed: ${h?.type ?? 'none'}): after a statement and defence the decision may not be heavier (Administrative Penalty Law art. 45)`,
      );
    }
    return out;
  });

  if (errors.length > 0) {
    throw new SanctionDecisionError(errors);
  }
  return result;
}

export interface HearingEligibility {
  eligible: boolean;
  reason: string;
}

/**
 * Whether the respondent may request a hearing (听证, Administrative Penalty Law art. 63): a
 * SUSPENSION, AGREEMENT_TERMINATION or BLACKLIST (licence-like measures), or fines whose maxima
 * add up to at least the "larger amount" threshold. The maxima are added over the whole proposal:
 * the respondent faces one decision, and granting a hearing the law might not require is harmless
 * while refusing one it requires voids the decision.
 */
export function hearingEligibility(
  proposed: Sanction[],
  respondent: Respondent,
  policy: PenaltyPolicy = DEFAULT_PENALTY_POLICY,
): HearingEligibility {
  assertPenaltyPolicy(policy);
  const shape = shapeErrors(proposed, 'proposedSanctions', false);
  if (!(RESPONDENTS as readonly unknown[]).includes(respondent)) {
    shape.push({ field: 'respondent', message: 'must be INSTITUTION or INDIVIDUAL' });
  }
  if (shape.length > 0) {
    throw new InvalidPenaltyInputError(shape);
  }
  const threshold = new Dec(policy.largerAmountThreshold[respondent]);
  const who =
    respondent === 'INSTITUTION'
      ? { zh: '单位', en: 'an institution' }
      : { zh: '个人', en: 'an individual' };
  const grounds: { zh: string; en: string }[] = [];
  for (const s of proposed) {
    switch (s.type) {
      case 'SUSPENSION':
        grounds.push({
          zh: `第${s.article}条 暂停${s.minMonths ?? s.months ?? '?'}至${s.maxMonths ?? s.months ?? '?'}个月`,
          en: `art. ${s.article} suspension`,
        });
        break;
      case 'AGREEMENT_TERMINATION':
        grounds.push({
          zh: `第${s.article}条 解除服务协议`,
          en: `art. ${s.article} termination of the service agreement`,
        });
        break;
      case 'BLACKLIST':
        grounds.push({
          zh: `第${s.article}条 失信联合惩戒`,
          en: `art. ${s.article} joint punishment list`,
        });
        break;
      case 'WARNING':
      case 'INTERVIEW':
      case 'ORDER_CORRECTION':
      case 'RECOVERY':
      case 'FINE':
      case 'POLICE_REFERRAL':
        break;
    }
  }
  const fines = proposed.filter((s) => s.type === 'FINE');
  const fineMax = fines.reduce((sum, s) => sum.plus(s.maxAmount ?? s.amount ?? 0), ZERO);
  if (fines.length > 0 && fineMax.gte(threshold)) {
    grounds.push({
      zh: `罚款上限${money(fineMax)}元 ≥ 较大数额${money(threshold)}元 (${who.zh})`,
      en: `fine up to ${money(fineMax)} ≥ the larger-amount threshold ${money(threshold)} for ${who.en}`,
    });
  }
  if (grounds.length > 0) {
    return {
      eligible: true,
      reason: `可以申请听证 (行政处罚法第63条): ${grounds.map((g) => g.zh).join('; ')} / hearing available (Administrative Penalty Law art. 63): ${grounds.map((g) => g.en).join('; ')}`,
    };
  }
  const fineZh =
    fines.length > 0
      ? `罚款上限${money(fineMax)}元 < 较大数额${money(threshold)}元 (${who.zh})`
      : '无罚款';
  const fineEn =
    fines.length > 0
      ? `fines up to ${money(fineMax)} < the larger-amount threshold ${money(threshold)} for ${who.en}`
      : 'no fine';
  return {
    eligible: false,
    reason: `不能申请听证 (行政处罚法第63条): 未拟暂停、解除协议或失信联合惩戒, ${fineZh} / no hearing (Administrative Penalty Law art. 63): no suspension, termination or joint punishment list, ${fineEn}`,
  };
}

/**
 * What the decision makes the respondent pay, by ledger (Decree 735 art. 45: fines to the
 * treasury, returned funds to the fund account). Decided sanctions only: each FINE and RECOVERY
 * must carry its amount.
 */
export function amountsDue(sanctions: Sanction[]): { FINE: string; RECOVERY: string } {
  const errors: FieldError[] = [];
  let fine = ZERO;
  let recovery = ZERO;
  const list: unknown = sanctions;
  if (!Array.isArray(list)) {
    throw new InvalidPenaltyInputError([
      { field: 'sanctions', message: 'must be a list of sanctions' },
    ]);
  }
  sanctions.forEach((s, i) => {
    if (s.type !== 'FINE' && s.type !== 'RECOVERY') {
      return;
    }
    if (typeof s.amount !== 'string' || !AMOUNT.test(s.amount)) {
      errors.push({
        field: `sanctions[${i}].amount`,
        message: `a decided ${s.type} needs an amount with at most two places (got ${JSON.stringify(s.amount)})`,
      });
      return;
    }
    if (s.type === 'FINE') {
      fine = fine.plus(s.amount);
    } else {
      recovery = recovery.plus(s.amount);
    }
  });
  if (errors.length > 0) {
    throw new InvalidPenaltyInputError(errors);
  }
  return { FINE: money(fine), RECOVERY: money(recovery) };
}
