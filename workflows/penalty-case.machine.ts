import { and, assertEvent, assign, emit, setup } from 'xstate';
import type { CaseLink } from './hardship-hearing.machine';
import { formatCents, hasText, normaliseMoney, toCents } from './money-cents';
import {
  isArticle,
  SANCTION_TYPES,
  type Sanction,
  type Violation,
  type ViolationArticle,
} from './sanctions';
import { shanghaiDate } from '../src/time/shanghai';
import { CASE_OPENED, defineWorkflow, type EngineEffect } from './workflow-definition';

/**
 * 医保基金行政处罚 — the penalty case (docs/domain.md §5 and §7, docs/api.md "Hearings, inspections,
 * penalties"), under State Council Decree 735 and the Administrative Penalty Law.
 *
 * Pure: the engine computes every step with `initialTransition` / `transition` and persists
 * the context as the case's `data`, so the context is plain JSON (money as decimal strings,
 * times as ISO strings). What the machine cannot know itself arrives on the event, added by
 * the engine's domain hooks: the ladder's proposal (RECORD_INVESTIGATION), whether the
 * proposal is hearing-eligible (REQUEST_HEARING), the amounts and due date of a decision
 * after the legal-range and "no heavier after a statement" checks (DECIDE), the late fee
 * accrued when a payment is recorded (RECORD_PAYMENT). Every event also carries the engine's
 * `actor` (user id, or `system`) and `at` (ISO time). The machine checks that what the hooks
 * add is consistent (well-formed sanctions, amounts that are money, a payment that fits what
 * is left on its ledger, a late fee within the fine) and decides what it can from its own
 * context: when everything due is paid, and whether the fine's due date has passed.
 *
 * The 90 days to decide (Law art. 60, +30 once with approval, hearing time not counted) are
 * the case-level clock `decision`, declared on the workflow below, not a state deadline.
 *
 * Appeals (行政复议, 行政诉讼) are recorded in `execution` without leaving it (Law art. 73:
 * execution does not stop): `appeals` in the context says whether one runs, which blocks
 * ENFORCE; the late fee's hook leaves out the days it ran. An ANNULLED outcome sends the case
 * back to `decision`, keeping the annulled decision in `annulledDecisions`.
 */

// ---------------------------------------------------------------- data

/** Whom the case is against: a designated institution (arts. 38–40) or an insured person (art. 41). */
export type Respondent = 'INSTITUTION' | 'INDIVIDUAL';

/**
 * How the case came to the bureau (docs/api.md "Hearings, inspections, penalties", `POST
 * /penalty-cases`).
 */
export type PenaltySource = 'INSPECTION' | 'COMPLAINT' | 'DATA_ALERT' | 'REFERRAL';

/** Decree 735 art. 45: returned funds go back to the fund, fines to the treasury — two ledgers. */
export type Ledger = 'FINE' | 'RECOVERY';

export interface PenaltyInstitution {
  id: string;
  code: string;
  name: string;
}

/**
 * An insured person as the party (当事人) of an art. 41 case. `idNumber` and `phone` are masked
 * wherever personal data is (the case view keeps them for those who may see them).
 */
export interface PenaltyPerson {
  idNumber: string;
  name: string;
  /** How to reach the person (the hearing notice, the decision's service). */
  phone?: string;
}

/** A finding of the inspection that opened the case; the machine reads none of it. */
export interface PenaltyFinding {
  article: ViolationArticle;
  description: string;
  amount: string;
}

export interface PenaltyCaseInput {
  /** The party when it is a designated institution (arts. 38–40). */
  institution?: PenaltyInstitution;
  /** The party when it is an insured person (art. 41); then `respondent` is INDIVIDUAL. */
  person?: PenaltyPerson;
  respondent: Respondent;
  source: PenaltySource;
  summary: string;
  /** The inspection case that opened this one, when there is one (it waits for PENALTY_CLOSED). */
  inspectionCaseId?: string;
  /** Set when the case comes from an unanswered rectification or a failed re-check (art. 39 fine). */
  refusedToCorrect: boolean;
  /** The inspection's findings, kept as given. */
  findings?: PenaltyFinding[];
  links: CaseLink[];
}

/** Who did something and when: the engine's `actor` and `at` of the event. */
export interface Trail {
  by: string;
  at: string;
}

/** Amounts per ledger, two places. */
export type LedgerAmounts = Record<Ledger, string>;

/** The investigation as recorded; its violations and the ladder's proposal are in the context. */
export type InvestigationRecord = Trail;

/** Legal review sent the investigation back; it keeps the proposal it did not approve. */
export interface ReturnRecord extends Trail {
  comment: string;
  proposedSanctions: Sanction[];
}

/** 法制审核 approved the proposal; when it amended it, the ladder's proposal is kept here. */
export interface LegalApproval extends Trail {
  replacedProposal?: Sanction[];
}

/** 陈述申辩: the institution's statement and defence, as the caseworker recorded it. */
export interface Statement extends Trail {
  text: string;
}

export interface HearingRequest extends Trail {
  reason: string;
}

/**
 * 听证: the outcome; when the hearing lightened the proposal, the one it replaced is kept.
 * `outcome: "waived"`: the party stayed away without a reason (Law art. 64 (八): 视为放弃听证权利).
 */
export interface HearingRecord extends Trail {
  outcome: string;
  replacedProposal?: Sanction[];
}

/** The outcome that records a waived hearing (absent without a reason); it changes no sanction. */
export const HEARING_WAIVED = 'waived';

/**
 * 听证通知 (Law art. 64 (二)): the hearing's date and presiding officer, as notified to the party.
 * The hook checked the date (at least the notice period after the notice) and the officer (not
 * an investigator of the case). A new schedule replaces the previous one (`previous` keeps it).
 */
export interface HearingSchedule extends Trail {
  /** The hearing day, `YYYY-MM-DD` (Asia/Shanghai). */
  date: string;
  presidingOfficerId: string;
  /** The earliest date the notice allowed, as the hook computed it. */
  earliestDate: string;
  previous?: Array<Omit<HearingSchedule, 'previous'>>;
}

/** The decision (the sanctions themselves are `sanctions`), with what the DECIDE hook computed. */
export interface PenaltyDecision extends Trail {
  /** When the decision was served (送达); the fine is due 15 days later. */
  servedAt: string;
  /** When the fine is due; set whenever a fine is due. */
  fineDueAt?: string;
  amountsDue: LedgerAmounts;
}

/** The one extension of the 90 days to decide (+30, approved by the head). */
export interface DecisionExtension extends Trail {
  reason: string;
}

export interface PenaltyPayment extends Trail {
  amount: string;
  ledger: Ledger;
  reference: string;
  /** The late fee accrued on the fine when the payment was recorded (the hook's figure). */
  lateFee: string;
}

export interface PoliceReferral extends Trail {
  reason: string;
}

export interface PoliceReturn extends Trail {
  outcome: string;
}

export interface EnforcementOrder extends Trail {
  reason?: string;
}

export interface EnforcementOutcome extends Trail {
  outcome: string;
}

/** 行政复议 (reconsideration, within 60 days) or 行政诉讼 (a suit, within 6 months). */
export type AppealKind = 'RECONSIDERATION' | 'LITIGATION';
export const APPEAL_KINDS: readonly AppealKind[] = ['RECONSIDERATION', 'LITIGATION'];

/** 维持/驳回 (the decision stands), 撤销 (annulled: decide again), 撤回 (the party withdrew). */
export type AppealOutcome = 'UPHELD' | 'ANNULLED' | 'WITHDRAWN';
export const APPEAL_OUTCOMES: readonly AppealOutcome[] = ['UPHELD', 'ANNULLED', 'WITHDRAWN'];

export interface AppealDecision extends Trail {
  outcome: AppealOutcome;
  /** When the reconsideration body or the court decided (or the party withdrew). */
  decidedAt: string;
  reference?: string;
  note?: string;
}

/**
 * An appeal against the decision. Execution does not stop (Law art. 73), but while it runs the
 * late fee does not accrue and the decision is not enforced.
 */
export interface Appeal extends Trail {
  kind: AppealKind;
  /** When the party filed it (申请复议 / 起诉). */
  filedAt: string;
  reference?: string;
  /** Absent while the appeal runs. */
  decided?: AppealDecision;
}

/** A decision an appeal annulled: kept, with what had been paid under it, when it was annulled. */
export interface AnnulledDecision extends Trail {
  sanctions: Sanction[];
  decision: PenaltyDecision;
  paidAtAnnulment: LedgerAmounts;
  /** Index in `appeals` of the appeal that annulled it. */
  appeal: number;
}

export type ClosureReason = 'NO_VIOLATION' | 'PAID' | 'ENFORCED' | 'NOTHING_DUE';

export interface Closure extends Trail {
  reason: ClosureReason;
  /** NO_VIOLATION: why the investigation found none. */
  note?: string;
}

export interface PenaltyCaseContext {
  institution?: PenaltyInstitution;
  person?: PenaltyPerson;
  respondent: Respondent;
  source: PenaltySource;
  summary: string;
  inspectionCaseId?: string;
  refusedToCorrect: boolean;
  findings?: PenaltyFinding[];
  links: CaseLink[];
  /** The violations of the latest investigation. */
  violations: Violation[];
  investigation?: InvestigationRecord;
  /**
   * The reference for DECIDE: the ladder's proposal, as legal review approved (or amended) it,
   * as a hearing lightened it. Emptied when legal review returns it.
   */
  proposedSanctions: Sanction[];
  returns: ReturnRecord[];
  legalApproval?: LegalApproval;
  statements: Statement[];
  /** The "no heavier penalty for defending oneself" rule applies (Law art. 45; the DECIDE hook checks it). */
  statementMade: boolean;
  hearingRequest?: HearingRequest;
  hearingSchedule?: HearingSchedule;
  hearing?: HearingRecord;
  referral?: PoliceReferral;
  policeReturn?: PoliceReturn;
  extension?: DecisionExtension;
  /** The sanctions decided; empty until DECIDE. */
  sanctions: Sanction[];
  decision?: PenaltyDecision;
  payments: PenaltyPayment[];
  /** Paid so far per ledger; FINE includes any late fee paid. */
  paid: LedgerAmounts;
  /** The late fee of the latest FINE payment: what the FINE ledger owes on top of the fine. */
  lateFee: string;
  enforcement?: EnforcementOrder;
  enforcementOutcome?: EnforcementOutcome;
  closure?: Closure;
  /** Appeals against the decision, oldest first (absent on cases opened before appeals existed). */
  appeals?: Appeal[];
  /** Decisions an appeal annulled; the case went back to decision with them kept here. */
  annulledDecisions?: AnnulledDecision[];
}

// ---------------------------------------------------------------- events

/** What the engine adds to every event. */
interface EventMeta {
  actor: string;
  at: string;
}

/** What the engine adds to a deadline's event (the case's deadline row). */
interface DeadlineMeta extends EventMeta {
  deadline?: string;
  dueAt?: string;
  entrySeq?: number;
}

export type PenaltyCaseEvent =
  | ({
      type: 'RECORD_INVESTIGATION';
      violations: Violation[];
      /** 造成严重后果: weighs on the ladder's proposal (the hook reads it; the machine keeps the proposal). */
      seriousConsequences?: boolean;
      /** Added by the hook: the sanction ladder's proposal for these violations. */
      proposedSanctions: Sanction[];
    } & EventMeta)
  | ({ type: 'CLOSE_NO_VIOLATION'; reason: string } & EventMeta)
  | ({ type: 'REFER_POLICE'; reason: string } & EventMeta)
  | ({ type: 'APPROVE_PROPOSAL'; sanctions?: Sanction[] } & EventMeta)
  | ({ type: 'RETURN'; comment: string } & EventMeta)
  | ({ type: 'STATEMENT'; text: string } & EventMeta)
  | ({
      type: 'REQUEST_HEARING';
      reason: string;
      /** Added by the hook: a proposed sanction is hearing-eligible (Law art. 63). */
      hearingEligible: boolean;
    } & EventMeta)
  | ({ type: 'DEADLINE_NOTICE' } & DeadlineMeta)
  | ({
      type: 'SCHEDULE_HEARING';
      date: string;
      presidingOfficerId: string;
      /** Added by the hook: the notice period's earliest hearing day. */
      earliestDate: string;
    } & EventMeta)
  | ({ type: 'HEARING_HELD'; outcome: string; sanctions?: Sanction[] } & EventMeta)
  | ({
      type: 'DECIDE';
      sanctions: Sanction[];
      /** Added by the hook when not given: the decision time. */
      servedAt: string;
      /** Added by the hook when a fine is decided: 15 days after service. */
      fineDueAt?: string;
      /** Added by the hook: what each ledger is owed by the decision. */
      amountsDue: LedgerAmounts;
    } & EventMeta)
  | ({ type: 'EXTEND_DECISION'; reason: string } & EventMeta)
  | ({
      type: 'RECORD_PAYMENT';
      amount: string;
      ledger: Ledger;
      reference: string;
      /** Added by the hook: the late fee accrued at that moment, "0.00" before the due date. */
      lateFee: string;
    } & EventMeta)
  | ({ type: 'APPEAL_FILED'; kind: AppealKind; filedAt: string; reference?: string } & EventMeta)
  | ({
      type: 'APPEAL_DECIDED';
      outcome: AppealOutcome;
      /** Added by the hook when not given: the time it was recorded. */
      decidedAt: string;
      reference?: string;
      note?: string;
    } & EventMeta)
  | ({ type: 'ENFORCE'; reason?: string } & EventMeta)
  | ({ type: 'ENFORCED'; outcome: string } & EventMeta)
  | ({ type: 'POLICE_RETURNED'; outcome: string } & EventMeta);

// ---------------------------------------------------------------- checks (no floats)

const LEDGERS: readonly Ledger[] = ['FINE', 'RECOVERY'];
const NOTHING = '0.00';

function isMoneyOrAbsent(amount: string | undefined): boolean {
  return amount === undefined || toCents(amount) !== null;
}

/** A known type under a known article; its amounts, when given, are money and min ≤ max. */
function isWellFormedSanction(sanction: Sanction): boolean {
  if (!(SANCTION_TYPES as readonly string[]).includes(sanction.type)) {
    return false;
  }
  if (!isArticle(sanction.article)) {
    return false;
  }
  if (![sanction.amount, sanction.minAmount, sanction.maxAmount].every(isMoneyOrAbsent)) {
    return false;
  }
  const min = toCents(sanction.minAmount);
  const max = toCents(sanction.maxAmount);
  return min === null || max === null || min <= max;
}

/** At least one sanction, each well formed. */
function isSanctionList(sanctions: readonly Sanction[] | undefined): sanctions is Sanction[] {
  return sanctions !== undefined && sanctions.length > 0 && sanctions.every(isWellFormedSanction);
}

function isWellFormedViolation(violation: Violation): boolean {
  return (
    isArticle(violation.article) &&
    toCents(violation.lossAmount) !== null &&
    toCents(violation.fraudAmount) !== null
  );
}

function normaliseSanction(sanction: Sanction): Sanction {
  return {
    ...sanction,
    ...(sanction.amount !== undefined ? { amount: normaliseMoney(sanction.amount) } : {}),
    ...(sanction.minAmount !== undefined ? { minAmount: normaliseMoney(sanction.minAmount) } : {}),
    ...(sanction.maxAmount !== undefined ? { maxAmount: normaliseMoney(sanction.maxAmount) } : {}),
  };
}

function normaliseViolation(violation: Violation): Violation {
  return {
    ...violation,
    lossAmount: normaliseMoney(violation.lossAmount),
    fraudAmount: normaliseMoney(violation.fraudAmount),
  };
}

function isTime(value: string | undefined): value is string {
  return value !== undefined && !Number.isNaN(Date.parse(value));
}

/** In cents; an amount that is not money counts as nothing (the guards refuse it first). */
function cents(amount: string | undefined): bigint {
  return toCents(amount) ?? 0n;
}

/**
 * What is left on a ledger: the amount due, plus on FINE the late fee (加处罚款, Law art. 72),
 * minus what was paid. Negative only if a hook's late fee went down.
 */
function leftOn(context: PenaltyCaseContext, ledger: Ledger, lateFee: string): bigint {
  const due = cents(context.decision?.amountsDue[ledger]);
  const fee = ledger === 'FINE' ? cents(lateFee) : 0n;
  return due + fee - cents(context.paid[ledger]);
}

/** The appeal that is running (filed, not decided), if any. */
export function runningAppeal(context: Pick<PenaltyCaseContext, 'appeals'>): Appeal | undefined {
  const last = context.appeals?.at(-1);
  return last !== undefined && last.decided === undefined ? last : undefined;
}

/** The Asia/Shanghai calendar day of an instant, `YYYY-MM-DD` (a filing date counts by its day). */
function shanghaiDay(iso: string): string {
  return shanghaiDate(Date.parse(iso));
}

// ---------------------------------------------------------------- machine

export const penaltyCaseMachine = setup({
  types: {
    context: {} as PenaltyCaseContext,
    events: {} as PenaltyCaseEvent,
    input: {} as PenaltyCaseInput,
    emitted: {} as EngineEffect,
  },
  guards: {
    /** At least one well-formed violation, and the ladder proposed at least one sanction. */
    investigationComplete: ({ event }) => {
      assertEvent(event, 'RECORD_INVESTIGATION');
      return (
        event.violations.length > 0 &&
        event.violations.every(isWellFormedViolation) &&
        isSanctionList(event.proposedSanctions)
      );
    },
    /** Legal review approves the proposal as it is, or replaces it with a well-formed one. */
    approvalValid: ({ event }) => {
      assertEvent(event, 'APPROVE_PROPOSAL');
      return event.sanctions === undefined || isSanctionList(event.sanctions);
    },
    statementHasText: ({ event }) => {
      assertEvent(event, 'STATEMENT');
      return hasText(event.text);
    },
    /** Law art. 63: only a larger fine, a suspension or a termination gives the right (the hook says). */
    hearingEligible: ({ event }) => {
      assertEvent(event, 'REQUEST_HEARING');
      return event.hearingEligible === true;
    },
    /** Law art. 64: the hearing day is not before the earliest day the notice period allows. */
    scheduleValid: ({ event }) => {
      assertEvent(event, 'SCHEDULE_HEARING');
      return (
        /^\d{4}-\d{2}-\d{2}$/.test(event.date) &&
        /^\d{4}-\d{2}-\d{2}$/.test(event.earliestDate) &&
        event.date >= event.earliestDate &&
        hasText(event.presidingOfficerId)
      );
    },
    /**
     * The hearing was notified and its day has come; it keeps the proposal or replaces it with a
     * well-formed one. A waived hearing (the party absent without reason) changes nothing.
     */
    hearingValid: ({ context, event }) => {
      assertEvent(event, 'HEARING_HELD');
      const schedule = context.hearingSchedule;
      if (schedule === undefined || !isTime(event.at) || shanghaiDay(event.at) < schedule.date) {
        return false;
      }
      if (event.outcome === HEARING_WAIVED) {
        return event.sanctions === undefined;
      }
      return event.sanctions === undefined || isSanctionList(event.sanctions);
    },
    /**
     * At least one well-formed sanction, a service time, the amounts due are money, and a fine
     * that is due has its due date (ENFORCE and the late fee run from it).
     */
    decisionValid: ({ event }) => {
      assertEvent(event, 'DECIDE');
      if (!isSanctionList(event.sanctions) || !isTime(event.servedAt)) {
        return false;
      }
      if (!LEDGERS.every((ledger) => toCents(event.amountsDue[ledger]) !== null)) {
        return false;
      }
      return cents(event.amountsDue.FINE) === 0n || isTime(event.fineDueAt);
    },
    /** Something is owed on either ledger: the decision goes to execution. */
    somethingDue: ({ event }) => {
      assertEvent(event, 'DECIDE');
      return LEDGERS.some((ledger) => cents(event.amountsDue[ledger]) > 0n);
    },
    /** Law art. 60: the 90 days may be extended once, with a reason. */
    canExtendDecision: ({ context, event }) => {
      assertEvent(event, 'EXTEND_DECISION');
      return context.extension === undefined && hasText(event.reason);
    },
    /** The hook's late fee is money and at most the fine (Law art. 72: 不得超出罚款的数额). */
    lateFeeWithinCap: ({ context, event }) => {
      assertEvent(event, 'RECORD_PAYMENT');
      const fee = toCents(event.lateFee);
      return fee !== null && fee <= cents(context.decision?.amountsDue.FINE);
    },
    /** A positive amount, to a ledger with something left, not more than is left on it. */
    paymentFitsLedger: ({ context, event }) => {
      assertEvent(event, 'RECORD_PAYMENT');
      const amount = toCents(event.amount);
      if (amount === null || amount === 0n || !LEDGERS.includes(event.ledger)) {
        return false;
      }
      return amount <= leftOn(context, event.ledger, event.lateFee);
    },
    /**
     * Read on the context *after* the payment was recorded: the `always` transition of
     * execution closes the case once both ledgers are paid, the fine with its late fee.
     */
    everythingPaid: ({ context }) =>
      context.decision !== undefined &&
      LEDGERS.every((ledger) => leftOn(context, ledger, context.lateFee) <= 0n),
    /**
     * An appeal may be filed once at a time: a known kind, filed on or after the day the
     * decision was served and not after it is recorded.
     */
    appealCanBeFiled: ({ context, event }) => {
      assertEvent(event, 'APPEAL_FILED');
      const servedAt = context.decision?.servedAt;
      return (
        runningAppeal(context) === undefined &&
        APPEAL_KINDS.includes(event.kind) &&
        isTime(event.filedAt) &&
        isTime(event.at) &&
        isTime(servedAt) &&
        Date.parse(event.filedAt) <= Date.parse(event.at) &&
        shanghaiDay(event.filedAt) >= shanghaiDay(servedAt)
      );
    },
    /** The running appeal is decided: a known outcome, on or after the day it was filed. */
    appealCanBeDecided: ({ context, event }) => {
      assertEvent(event, 'APPEAL_DECIDED');
      const appeal = runningAppeal(context);
      return (
        appeal !== undefined &&
        APPEAL_OUTCOMES.includes(event.outcome) &&
        isTime(event.decidedAt) &&
        isTime(event.at) &&
        Date.parse(event.decidedAt) <= Date.parse(event.at) &&
        shanghaiDay(event.decidedAt) >= shanghaiDay(appeal.filedAt)
      );
    },
    decisionAnnulled: ({ event }) => {
      assertEvent(event, 'APPEAL_DECIDED');
      return event.outcome === 'ANNULLED';
    },
    /** No enforcement while an appeal runs (Administrative Compulsion Law art. 53). */
    noAppealRunning: ({ context }) => runningAppeal(context) === undefined,
    /** Enforcement only once the fine's due date has passed (compared as instants). */
    fineOverdue: ({ context, event }) => {
      assertEvent(event, 'ENFORCE');
      const dueAt = context.decision?.fineDueAt;
      return isTime(dueAt) && isTime(event.at) && Date.parse(event.at) > Date.parse(dueAt);
    },
  },
  actions: {
    /** A new investigation replaces the violations and the proposal of an earlier one. */
    recordInvestigation: assign(({ event }) => {
      assertEvent(event, 'RECORD_INVESTIGATION');
      return {
        violations: event.violations.map(normaliseViolation),
        proposedSanctions: event.proposedSanctions.map(normaliseSanction),
        investigation: { by: event.actor, at: event.at },
      };
    }),
    recordReferral: assign({
      referral: ({ event }) => {
        assertEvent(event, 'REFER_POLICE');
        return { reason: event.reason, by: event.actor, at: event.at };
      },
    }),
    /** The proposal is approved, or replaced by legal review's own (the hook checked the ranges). */
    recordApproval: assign(({ context, event }) => {
      assertEvent(event, 'APPROVE_PROPOSAL');
      if (event.sanctions === undefined) {
        return { legalApproval: { by: event.actor, at: event.at } };
      }
      return {
        proposedSanctions: event.sanctions.map(normaliseSanction),
        legalApproval: {
          replacedProposal: context.proposedSanctions,
          by: event.actor,
          at: event.at,
        },
      };
    }),
    /** The return keeps the proposal it did not approve; the next investigation proposes anew. */
    recordReturn: assign(({ context, event }) => {
      assertEvent(event, 'RETURN');
      const entry: ReturnRecord = {
        comment: event.comment,
        proposedSanctions: context.proposedSanctions,
        by: event.actor,
        at: event.at,
      };
      return { returns: [...context.returns, entry], proposedSanctions: [] };
    }),
    recordStatement: assign(({ context, event }) => {
      assertEvent(event, 'STATEMENT');
      const statement: Statement = { text: event.text, by: event.actor, at: event.at };
      return { statements: [...context.statements, statement], statementMade: true };
    }),
    recordHearingRequest: assign({
      hearingRequest: ({ event }) => {
        assertEvent(event, 'REQUEST_HEARING');
        return { reason: event.reason, by: event.actor, at: event.at };
      },
    }),
    recordSchedule: assign({
      hearingSchedule: ({ context, event }) => {
        assertEvent(event, 'SCHEDULE_HEARING');
        const earlier = context.hearingSchedule;
        const previous = earlier
          ? [
              ...(earlier.previous ?? []),
              {
                date: earlier.date,
                presidingOfficerId: earlier.presidingOfficerId,
                earliestDate: earlier.earliestDate,
                by: earlier.by,
                at: earlier.at,
              },
            ]
          : undefined;
        return {
          date: event.date,
          presidingOfficerId: event.presidingOfficerId,
          earliestDate: event.earliestDate,
          by: event.actor,
          at: event.at,
          ...(previous !== undefined ? { previous } : {}),
        };
      },
    }),
    /** A hearing that lightened the proposal makes its sanctions the reference for DECIDE. */
    recordHearing: assign(({ context, event }) => {
      assertEvent(event, 'HEARING_HELD');
      if (event.sanctions === undefined) {
        return { hearing: { outcome: event.outcome, by: event.actor, at: event.at } };
      }
      return {
        proposedSanctions: event.sanctions.map(normaliseSanction),
        hearing: {
          outcome: event.outcome,
          replacedProposal: context.proposedSanctions,
          by: event.actor,
          at: event.at,
        },
      };
    }),
    recordPoliceReturn: assign({
      policeReturn: ({ event }) => {
        assertEvent(event, 'POLICE_RETURNED');
        return { outcome: event.outcome, by: event.actor, at: event.at };
      },
    }),
    recordDecision: assign(({ event }) => {
      assertEvent(event, 'DECIDE');
      return {
        sanctions: event.sanctions.map(normaliseSanction),
        decision: {
          servedAt: event.servedAt,
          ...(event.fineDueAt !== undefined ? { fineDueAt: event.fineDueAt } : {}),
          amountsDue: {
            FINE: normaliseMoney(event.amountsDue.FINE),
            RECOVERY: normaliseMoney(event.amountsDue.RECOVERY),
          },
          by: event.actor,
          at: event.at,
        },
      };
    }),
    recordExtension: assign({
      extension: ({ event }) => {
        assertEvent(event, 'EXTEND_DECISION');
        return { reason: event.reason, by: event.actor, at: event.at };
      },
    }),
    /** The engine moves the `decision` clock's due date by its policy extension (+30d). */
    extendDecisionClock: emit({ type: 'engine.extendClock', clock: 'decision' }),
    /**
     * Each ledger adds up what was paid to it. The late fee is the fine's: only a FINE payment
     * updates it, so a later RECOVERY payment cannot reopen a fine already paid in full.
     */
    recordPayment: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_PAYMENT');
      const payment: PenaltyPayment = {
        amount: normaliseMoney(event.amount),
        ledger: event.ledger,
        reference: event.reference,
        lateFee: normaliseMoney(event.lateFee),
        by: event.actor,
        at: event.at,
      };
      return {
        payments: [...context.payments, payment],
        paid: {
          ...context.paid,
          [event.ledger]: formatCents(cents(context.paid[event.ledger]) + cents(event.amount)),
        },
        lateFee: event.ledger === 'FINE' ? payment.lateFee : context.lateFee,
      };
    }),
    recordAppealFiled: assign({
      appeals: ({ context, event }) => {
        assertEvent(event, 'APPEAL_FILED');
        const appeal: Appeal = {
          kind: event.kind,
          filedAt: event.filedAt,
          ...(event.reference !== undefined ? { reference: event.reference } : {}),
          by: event.actor,
          at: event.at,
        };
        return [...(context.appeals ?? []), appeal];
      },
    }),
    recordAppealDecided: assign({
      appeals: ({ context, event }) => {
        assertEvent(event, 'APPEAL_DECIDED');
        const appeals = [...(context.appeals ?? [])];
        const last = appeals.length - 1;
        appeals[last] = {
          ...appeals[last],
          decided: {
            outcome: event.outcome,
            decidedAt: event.decidedAt,
            ...(event.reference !== undefined ? { reference: event.reference } : {}),
            ...(event.note !== undefined ? { note: event.note } : {}),
            by: event.actor,
            at: event.at,
          },
        };
        return appeals;
      },
    }),
    /**
     * 撤销: the decision no longer binds. It is kept in `annulledDecisions` with what had been
     * paid; nothing is due until the manager decides again, and no late fee is owed under it.
     * What was paid stays on the ledgers and counts toward the new decision.
     */
    annulDecision: assign(({ context, event }) => {
      assertEvent(event, 'APPEAL_DECIDED');
      const annulled: AnnulledDecision = {
        sanctions: context.sanctions,
        decision: context.decision!,
        paidAtAnnulment: context.paid,
        appeal: (context.appeals ?? []).length - 1,
        by: event.actor,
        at: event.at,
      };
      return {
        annulledDecisions: [...(context.annulledDecisions ?? []), annulled],
        decision: undefined,
        sanctions: [],
        lateFee: NOTHING,
      };
    }),
    recordEnforcement: assign({
      enforcement: ({ event }) => {
        assertEvent(event, 'ENFORCE');
        return {
          ...(event.reason !== undefined ? { reason: event.reason } : {}),
          by: event.actor,
          at: event.at,
        };
      },
    }),
    recordEnforcementOutcome: assign({
      enforcementOutcome: ({ event }) => {
        assertEvent(event, 'ENFORCED');
        return { outcome: event.outcome, by: event.actor, at: event.at };
      },
    }),
    /** Whatever closes the case; on execution's `always` the event is the payment that completed it. */
    recordClosure: assign({
      closure: ({ event }, params: { reason: ClosureReason }): Closure => ({
        reason: params.reason,
        ...(event.type === 'CLOSE_NO_VIOLATION' ? { note: event.reason } : {}),
        by: event.actor,
        at: event.at,
      }),
    }),
  },
}).createMachine({
  id: 'penalty-case',
  context: ({ input }) => ({
    ...(input.institution !== undefined ? { institution: input.institution } : {}),
    ...(input.person !== undefined ? { person: input.person } : {}),
    respondent: input.respondent,
    source: input.source,
    summary: input.summary,
    ...(input.inspectionCaseId !== undefined ? { inspectionCaseId: input.inspectionCaseId } : {}),
    refusedToCorrect: input.refusedToCorrect,
    ...(input.findings !== undefined ? { findings: input.findings } : {}),
    links: input.links,
    violations: [],
    proposedSanctions: [],
    returns: [],
    statements: [],
    statementMade: false,
    sanctions: [],
    payments: [],
    paid: { FINE: NOTHING, RECOVERY: NOTHING },
    lateFee: NOTHING,
  }),
  initial: 'investigation',
  states: {
    investigation: {
      description:
        '立案调查: the inspector records the violations (the service proposes sanctions from the ladder), closes for no violation, or refers to the police.',
      on: {
        RECORD_INVESTIGATION: {
          guard: 'investigationComplete',
          target: 'legal_review',
          actions: 'recordInvestigation',
        },
        CLOSE_NO_VIOLATION: {
          target: 'closed',
          actions: { type: 'recordClosure', params: { reason: 'NO_VIOLATION' } },
        },
        REFER_POLICE: { target: 'referred', actions: 'recordReferral' },
        EXTEND_DECISION: {
          guard: 'canExtendDecision',
          actions: ['recordExtension', 'extendDecisionClock'],
        },
      },
    },
    legal_review: {
      description:
        '法制审核: legal approves the proposal (or its own amended one), or returns the investigation.',
      on: {
        APPROVE_PROPOSAL: { guard: 'approvalValid', target: 'notice', actions: 'recordApproval' },
        RETURN: { target: 'investigation', actions: 'recordReturn' },
        EXTEND_DECISION: {
          guard: 'canExtendDecision',
          actions: ['recordExtension', 'extendDecisionClock'],
        },
      },
    },
    notice: {
      description:
        '告知, 陈述申辩: the institution may state its defence or, for a hearing-eligible proposal, ask for a hearing; the window ends at the deadline.',
      on: {
        STATEMENT: { guard: 'statementHasText', actions: 'recordStatement' },
        REQUEST_HEARING: {
          guard: 'hearingEligible',
          target: 'hearing',
          actions: 'recordHearingRequest',
        },
        DEADLINE_NOTICE: 'decision',
        EXTEND_DECISION: {
          guard: 'canExtendDecision',
          actions: ['recordExtension', 'extendDecisionClock'],
        },
      },
    },
    hearing: {
      description:
        '听证: legal notifies the hearing (SCHEDULE_HEARING, at least the notice period ahead, a presiding officer who did not investigate) and holds it on or after its day; it may lighten the proposal, or record it waived when the party stayed away. The decision clock stands still here.',
      on: {
        SCHEDULE_HEARING: { guard: 'scheduleValid', actions: 'recordSchedule' },
        HEARING_HELD: { guard: 'hearingValid', target: 'decision', actions: 'recordHearing' },
        EXTEND_DECISION: {
          guard: 'canExtendDecision',
          actions: ['recordExtension', 'extendDecisionClock'],
        },
      },
    },
    decision: {
      description:
        'The manager decides the sanctions: execution when anything is owed, closed when nothing is.',
      on: {
        DECIDE: [
          {
            guard: and(['decisionValid', 'somethingDue']),
            target: 'execution',
            actions: 'recordDecision',
          },
          {
            guard: 'decisionValid',
            target: 'closed',
            actions: [
              'recordDecision',
              { type: 'recordClosure', params: { reason: 'NOTHING_DUE' } },
            ],
          },
        ],
        EXTEND_DECISION: {
          guard: 'canExtendDecision',
          actions: ['recordExtension', 'extendDecisionClock'],
        },
      },
    },
    execution: {
      description:
        'The caseworker records payments to the FINE and RECOVERY ledgers; once the fine is overdue legal may enforce. An appeal (APPEAL_FILED) does not stop payments but stops the late fee and enforcement until APPEAL_DECIDED; an annulled decision goes back to decision.',
      // Checked after every step that stays here: a payment is recorded first (its transition
      // has no target), then this sees the context with it and closes once both ledgers are paid.
      always: {
        guard: 'everythingPaid',
        target: 'closed',
        actions: { type: 'recordClosure', params: { reason: 'PAID' } },
      },
      on: {
        RECORD_PAYMENT: {
          guard: and(['lateFeeWithinCap', 'paymentFitsLedger']),
          actions: 'recordPayment',
        },
        ENFORCE: {
          guard: and(['fineOverdue', 'noAppealRunning']),
          target: 'enforcement',
          actions: 'recordEnforcement',
        },
        APPEAL_FILED: { guard: 'appealCanBeFiled', actions: 'recordAppealFiled' },
        APPEAL_DECIDED: [
          {
            guard: and(['appealCanBeDecided', 'decisionAnnulled']),
            target: 'decision',
            actions: ['recordAppealDecided', 'annulDecision'],
          },
          { guard: 'appealCanBeDecided', actions: 'recordAppealDecided' },
        ],
      },
    },
    enforcement: {
      description: '强制执行: demand (催告) and court application; legal records the outcome.',
      on: {
        ENFORCED: {
          target: 'closed',
          actions: [
            'recordEnforcementOutcome',
            { type: 'recordClosure', params: { reason: 'ENFORCED' } },
          ],
        },
      },
    },
    referred: {
      description: '移送公安: the case waits for the police; legal records their answer.',
      on: {
        POLICE_RETURNED: { target: 'decision', actions: 'recordPoliceReturn' },
        EXTEND_DECISION: {
          guard: 'canExtendDecision',
          actions: ['recordExtension', 'extendDecisionClock'],
        },
      },
    },
    closed: { type: 'final', description: '已结案; `closure` says why, by whom and when.' },
  },
});

// ---------------------------------------------------------------- workflow

const INSPECTOR = { roles: ['INSPECTOR'] } as const;
const LEGAL = { roles: ['LEGAL'] } as const;
const CASEWORKER = { roles: ['CASEWORKER'] } as const;
const MANAGER = { roles: ['MANAGER'] } as const;
const SYSTEM = { roles: ['system'] } as const;

export const penaltyCaseWorkflow = defineWorkflow({
  type: 'penalty-case',
  version: 1,
  title: '医保基金行政处罚 Penalty case',
  machine: penaltyCaseMachine,
  stateLabels: {
    investigation: '调查中',
    legal_review: '法制审核',
    notice: '告知陈述申辩',
    hearing: '听证',
    decision: '待决定',
    execution: '执行中',
    enforcement: '强制执行',
    referred: '移送公安',
    closed: '已结案',
  },
  eventLabels: {
    RECORD_INVESTIGATION: '记录调查结果',
    CLOSE_NO_VIOLATION: '无违法事实结案',
    REFER_POLICE: '移送公安',
    EXTEND_DECISION: '延长办案期限',
    APPROVE_PROPOSAL: '法制审核通过',
    RETURN: '退回补充调查',
    STATEMENT: '记录陈述申辩',
    REQUEST_HEARING: '申请听证',
    DEADLINE_NOTICE: '告知期满',
    SCHEDULE_HEARING: '送达听证通知',
    HEARING_HELD: '听证结束',
    DECIDE: '作出处罚决定',
    RECORD_PAYMENT: '登记缴款',
    ENFORCE: '申请强制执行',
    APPEAL_FILED: '提起复议或诉讼',
    APPEAL_DECIDED: '复议或诉讼结果',
    ENFORCED: '强制执行完毕',
    POLICE_RETURNED: '公安机关退回',
  },
  // The person view (`/persons`) lists an insured person's art. 41 cases (case-person index).
  persons: (input) => {
    const person = input.person;
    return typeof person === 'object' && person !== null && 'idNumber' in person
      ? [String(person.idNumber)]
      : [];
  },
  // No member scope and no street: a penalty case belongs to the bureau, not to a street office.
  // The bureau's inspectors investigate every penalty case (no personal data in them); LEGAL
  // (法制审核) reviews them.
  readers: ['INSPECTOR', 'LEGAL'],
  permissions: {
    investigation: {
      RECORD_INVESTIGATION: INSPECTOR,
      CLOSE_NO_VIOLATION: INSPECTOR,
      REFER_POLICE: INSPECTOR,
      EXTEND_DECISION: MANAGER,
    },
    legal_review: { APPROVE_PROPOSAL: LEGAL, RETURN: LEGAL, EXTEND_DECISION: MANAGER },
    // The institution's statement and hearing request are recorded by a caseworker.
    notice: {
      STATEMENT: CASEWORKER,
      REQUEST_HEARING: CASEWORKER,
      DEADLINE_NOTICE: SYSTEM,
      EXTEND_DECISION: MANAGER,
    },
    hearing: { SCHEDULE_HEARING: LEGAL, HEARING_HELD: LEGAL, EXTEND_DECISION: MANAGER },
    decision: { DECIDE: MANAGER, EXTEND_DECISION: MANAGER },
    // Appeals: the caseworker or legal records the filing, legal the outcome.
    execution: {
      RECORD_PAYMENT: CASEWORKER,
      ENFORCE: LEGAL,
      APPEAL_FILED: { roles: ['LEGAL', 'CASEWORKER'] },
      APPEAL_DECIDED: LEGAL,
    },
    enforcement: { ENFORCED: LEGAL },
    referred: { POLICE_RETURNED: LEGAL, EXTEND_DECISION: MANAGER },
  },
  // Durations are policy (`deadlines.penalty-case.<state>`), never code. investigation and
  // decision have none of their own: the case-level `decision` clock covers them.
  deadlines: {
    legal_review: { onExpire: 'overdue' },
    notice: { onExpire: { event: 'DEADLINE_NOTICE' } },
    hearing: { onExpire: 'overdue' },
    // 15 days to pay (Law art. 67); the late fee runs from then (the RECORD_PAYMENT hook).
    execution: { onExpire: 'overdue' },
    enforcement: { onExpire: 'overdue' },
    referred: { onExpire: 'overdue' },
  },
  clocks: {
    // Law art. 60: decide within 90 days of filing (立案), +30 once (EXTEND_DECISION), hearing
    // time not counted. Policy: `deadlines.penalty-case.decision`, `…decision_extension`.
    decision: {
      startOn: [CASE_OPENED],
      pausedIn: ['hearing'],
      stopIn: ['execution', 'enforcement'],
      onExpire: 'overdue',
    },
  },
});
