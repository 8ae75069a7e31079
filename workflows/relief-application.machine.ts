import { assertEvent, assign, setup } from 'xstate';
import { defineWorkflow, type RefusedField } from './workflow-definition';
import { hasText, normaliseMoney, toCents } from './money-cents';

/**
 * 医疗救助申请 — the relief-application workflow (docs/domain.md §7, docs/api.md "Relief applications").
 *
 * Pure: the engine computes every step with `initialTransition` / `transition` and persists
 * the context as the case's `data`, so the context is plain JSON (money as decimal strings,
 * times as ISO strings). Everything the machine cannot know itself (the relief calculation,
 * the policy version) arrives on the event, added by the engine's domain hooks; every event
 * also carries the engine's `actor` (user id, or `system`) and `at` (ISO time).
 */

// ---------------------------------------------------------------- data

/** The categories that carry relief (docs/domain.md §1). */
export type ReliefCategory = 'TEKUN' | 'DIBAO' | 'DIBIAN' | 'DISABLED' | 'ILLNESS_POVERTY';
/** The category as declared: a relief category, or OTHER (not a relief category). */
export type ApplicantCategory = ReliefCategory | 'OTHER';
export type InsuranceType = 'EMPLOYEE' | 'RETIREE' | 'RESIDENT';

export interface ReliefApplicant {
  name: string;
  /** 18-digit resident ID; checked by the API before the case opens. */
  idNumber: string;
  phone?: string;
  /** The category the applicant declares; VERIFY records the one the caseworker confirms. */
  category: ApplicantCategory;
  insuranceType: InsuranceType;
}

/** One expense line as the API receives it (docs/api.md); amounts are decimal strings. */
export interface ReliefExpenseLine {
  kind: 'INPATIENT' | 'OUTPATIENT';
  institution: string;
  /** YYYY-MM-DD: the visit, or the admission of a hospital stay. */
  date: string;
  /** YYYY-MM-DD, a hospital stay only: the discharge date decides the look-back. */
  dischargeDate?: string;
  totalCost: string;
  inPolicyCost: string;
  basicInsurancePaid: string;
  criticalIllnessPaid: string;
  otherInsurancePaid: string;
}

/** Why the early-warning run (因病致贫返贫监测, docs/domain.md §3) opened a proactive case. */
export interface MonitoringReferral {
  /** The threshold rule that flagged the person. */
  rule: string;
  /** The run year. */
  year: number;
  /** The burden the rule measured and the threshold it met, decimal strings. */
  burden?: string;
  threshold?: string;
  flagId?: string;
  /** RUN: a threshold flagged the person; REPORT: a person, employer or organisation reported them. */
  source?: 'RUN' | 'REPORT';
  runId?: string;
  reportId?: string;
  /** Who ran the run (`system` for the monthly one) or recorded the report, and when. */
  flaggedBy?: string;
  flaggedAt?: string;
  /** The expense record the run read (decimal strings). */
  record?: {
    inPolicyCost: string;
    insurancePaid: string;
    reliefPaid: string;
    outOfPolicyCost: string;
    inPolicyBurden: string;
    totalBurden: string;
  };
  /** A report: who reported (申报人), and why. */
  reporter?: { type: string; name: string; phone?: string };
  reason?: string;
}

/** How the case came to the bureau: an application, or proactive discovery (主动发现). */
export type ReliefOrigin = 'APPLICATION' | 'OUTREACH';

export interface ReliefApplicationInput {
  applicant: ReliefApplicant;
  streetCode: string;
  /** The cap year of the application. */
  year: number;
  /** May be empty for an outreach case: the street office gathers them before SUBMIT. */
  expenses: ReliefExpenseLine[];
  origin: ReliefOrigin;
  monitoring?: MonitoringReferral;
}

/**
 * The relief calculation as the VERIFY hook computes it (docs/api.md "Relief applications", `POST
 * /relief/calculate`).
 * The machine reads only `reliefAmount`; the rest is kept for the decision trail.
 */
export interface ReliefCalculationRecord {
  eligibleBase: string;
  reliefAmount: string;
  outpatientReliefAmount: string;
  inpatientReliefAmount: string;
  ratio: string;
  annualCapRemaining: string | null;
  personalBurdenAfter: string;
  lines: readonly unknown[];
}

/** Who did something and when: the engine's `actor` and `at` of the event. */
export interface Trail {
  by: string;
  at: string;
}

/** A state of this workflow in which a case can be rejected or withdrawn. */
export type ReliefStage =
  | 'outreach'
  | 'submitted'
  | 'awaiting_supplement'
  | 'eligibility_review'
  | 'amount_review'
  | 'approval'
  | 'objection_review';

export interface Rejection extends Trail {
  reason: string;
  stage: ReliefStage;
}

export interface Withdrawal extends Trail {
  reason?: string;
  /** true when the supplement deadline passed with no answer (视为放弃): `by` is `system`. */
  abandoned: boolean;
  stage: ReliefStage;
}

export interface SupplementRequest extends Trail {
  items: string[];
}

export interface SupplementRecord extends Trail {
  note?: string;
  /** The supplement replaced the expense list. */
  expensesReplaced: boolean;
}

export interface Verification extends Trail {
  verifiedCategory: ReliefCategory;
  certificateNo: string;
  recognisedAs?: 'DIBAO' | 'DIBIAN';
  recognitionDate?: string;
  policyVersion?: string;
}

export interface ReturnRecord extends Trail {
  comment: string;
  /** The proposal the manager sent back. */
  proposedAmount?: string;
}

export interface ObjectionRecord extends Trail {
  details: string;
  decision?: Trail & { outcome: 'UPHELD' | 'REVOKED'; reason?: string };
}

/**
 * 特殊医疗救助 referral: the person's burden after relief (in-policy remainder + out-of-policy
 * costs) reached the hardship threshold when the relief was paid.
 */
export interface HardshipReferral {
  /** The person's yearly burden over every paid relief case of the year, this one included. */
  burden: string;
  threshold: string;
  /** This case's part of the burden. */
  caseBurden?: string;
  /** The paid cases of the year that make up `burden`, this one last. */
  cases?: string[];
  /** The linked hearing once the hearings module opened it; until then the referral waits here. */
  hearingCaseId?: string;
}

export interface Payment extends Trail {
  amount: string;
  reference: string;
}

export interface ReliefApplicationContext {
  applicant: ReliefApplicant;
  streetCode: string;
  year: number;
  origin: ReliefOrigin;
  monitoring?: MonitoringReferral;
  expenses: ReliefExpenseLine[];
  /** An outreach case handed in by the street office (SUBMIT). */
  submission?: Trail;
  supplementRequests: SupplementRequest[];
  supplements: SupplementRecord[];
  acceptance?: Trail;
  verification?: Verification;
  calculation?: ReliefCalculationRecord;
  proposedAmount?: string;
  proposalReason?: string;
  proposedBy?: string;
  proposedAt?: string;
  returns: ReturnRecord[];
  approvedAmount?: string;
  approvedBy?: string;
  approvedAt?: string;
  objections: ObjectionRecord[];
  payment?: Payment;
  hardshipReferral?: HardshipReferral;
  rejection?: Rejection;
  withdrawal?: Withdrawal;
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

export type ReliefApplicationEvent =
  | ({ type: 'SUBMIT'; expenses: ReliefExpenseLine[] } & EventMeta)
  | ({ type: 'DECLINE'; reason: string } & EventMeta)
  | ({ type: 'ACCEPT' } & EventMeta)
  | ({ type: 'REQUEST_SUPPLEMENT'; items: string[] } & EventMeta)
  | ({ type: 'REJECT'; reason: string } & EventMeta)
  | ({ type: 'WITHDRAW'; reason?: string } & EventMeta)
  | ({ type: 'SUPPLEMENT'; expenses?: ReliefExpenseLine[]; note?: string } & EventMeta)
  | ({ type: 'DEADLINE_AWAITING_SUPPLEMENT' } & DeadlineMeta)
  | ({
      type: 'VERIFY';
      verifiedCategory: ApplicantCategory;
      certificateNo: string;
      recognisedAs?: 'DIBAO' | 'DIBIAN';
      recognitionDate?: string;
      /** Added by the VERIFY hook, computed with the verified category. */
      calculation: ReliefCalculationRecord;
      policyVersion?: string;
    } & EventMeta)
  | ({ type: 'PROPOSE'; amount?: string; reason?: string } & EventMeta)
  | ({ type: 'APPROVE' } & EventMeta)
  | ({ type: 'RETURN'; comment: string } & EventMeta)
  | ({ type: 'OBJECTION'; details: string } & EventMeta)
  | ({ type: 'DEADLINE_PUBLICITY' } & DeadlineMeta)
  | ({ type: 'UPHOLD'; reason?: string } & EventMeta)
  | ({ type: 'REVOKE'; reason: string } & EventMeta)
  | ({
      type: 'RECORD_PAYMENT';
      amount: string;
      reference: string;
      /** Added by the payment hook when the burden left reaches the hardship threshold. */
      hardshipReferral?: HardshipReferral;
    } & EventMeta);

// ---------------------------------------------------------------- what later versions add

/** One meeting of the bureau's collective review (集体审议, version 2) on a case's proposal. */
export interface CollectiveReviewRecord extends Trail {
  /** YYYY-MM-DD. */
  meetingDate: string;
  /** Where the minutes (会议纪要) are filed. */
  minutesRef: string;
  /** User ids of those present, at least three. */
  attendees: string[];
  decision: 'AGREE' | 'RETURN';
  comment: string;
  /** The proposal the meeting decided on. */
  proposedAmount?: string;
}

/** Version 2's record of the meeting, sent by the manager. */
export type CollectiveReviewEvent = {
  type: 'RECORD_COLLECTIVE_REVIEW';
  meetingDate: string;
  minutesRef: string;
  attendees: string[];
  decision: 'AGREE' | 'RETURN';
  comment: string;
} & EventMeta;

/**
 * The data, events and input of every version of this workflow: version 1's plus what later
 * versions add, optional, so a version-1 case's data reads as the same type and the versions
 * share one `setup` (`reliefApplicationSetup`). A version handles only the events its states
 * name: version 1 has no state that takes RECORD_COLLECTIVE_REVIEW.
 */
export interface ReliefApplicationFamilyContext extends ReliefApplicationContext {
  /** Version 2: a proposal above this amount (decimal string) goes to collective review. */
  collectiveReviewAbove?: string;
  collectiveReviews?: CollectiveReviewRecord[];
}
export type ReliefApplicationFamilyEvent = ReliefApplicationEvent | CollectiveReviewEvent;
export interface ReliefApplicationFamilyInput extends ReliefApplicationInput {
  collectiveReviewAbove?: string;
}

// ---------------------------------------------------------------- money (no floats)

const RELIEF_CATEGORIES: readonly ReliefCategory[] = [
  'TEKUN',
  'DIBAO',
  'DIBIAN',
  'DISABLED',
  'ILLNESS_POVERTY',
];

function isReliefCategoryCode(category: ApplicantCategory): category is ReliefCategory {
  return (RELIEF_CATEGORIES as readonly ApplicantCategory[]).includes(category);
}

// ---------------------------------------------------------------- machine

/** PROPOSE's rule, for its guard and for the 422 that names the field at fault. */
export function proposalRefusals(
  context: Pick<ReliefApplicationContext, 'calculation'>,
  event: { amount?: string; reason?: string },
): RefusedField[] {
  const computed = toCents(context.calculation?.reliefAmount);
  if (event.amount === undefined) {
    return computed !== null
      ? []
      : [{ field: 'amount', message: 'there is no computed relief: give the amount' }];
  }
  const proposed = toCents(event.amount);
  if (proposed === null) {
    return [{ field: 'amount', message: 'must be an amount like "12000.00"' }];
  }
  if (proposed === computed || hasText(event.reason)) {
    return [];
  }
  const computedText = context.calculation?.reliefAmount ?? '(none)';
  return [
    {
      field: 'reason',
      message: `required when the amount differs from the computed relief ${computedText}`,
    },
  ];
}

/**
 * Version 1's guards and actions over the types of every version: version 1's machine is built
 * on it, and later versions `extend` it with what they add (relief-application.v2.machine.ts).
 */
export const reliefApplicationSetup = setup({
  types: {
    context: {} as ReliefApplicationFamilyContext,
    events: {} as ReliefApplicationFamilyEvent,
    input: {} as ReliefApplicationFamilyInput,
  },
  guards: {
    /** A proactive case opened by the early-warning run starts with the street office. */
    isOutreach: ({ context }) => context.origin === 'OUTREACH',
    /**
     * docs/domain.md §1: OTHER is not a relief category; the caseworker rejects with a reason
     * instead.
     */
    isReliefCategory: ({ event }) => {
      assertEvent(event, 'VERIFY');
      return isReliefCategoryCode(event.verifiedCategory);
    },
    /** The computed relief stands unless the caseworker says why another amount is right. */
    proposalJustified: ({ context, event }) => {
      assertEvent(event, 'PROPOSE');
      return proposalRefusals(context, event).length === 0;
    },
    /** The payment must be exactly the approved amount, compared in cents ("100.0" = "100.00"). */
    paymentMatchesApproval: ({ context, event }) => {
      assertEvent(event, 'RECORD_PAYMENT');
      const paid = toCents(event.amount);
      return paid !== null && paid === toCents(context.approvedAmount);
    },
  },
  actions: {
    recordSubmission: assign(({ event }) => {
      assertEvent(event, 'SUBMIT');
      return { expenses: event.expenses, submission: { by: event.actor, at: event.at } };
    }),
    recordAcceptance: assign({
      acceptance: ({ event }) => ({ by: event.actor, at: event.at }),
    }),
    recordSupplementRequest: assign({
      supplementRequests: ({ context, event }) => {
        assertEvent(event, 'REQUEST_SUPPLEMENT');
        return [
          ...context.supplementRequests,
          { items: event.items, by: event.actor, at: event.at },
        ];
      },
    }),
    /** 补正: the supplement may replace the expense list; a note alone keeps it. */
    recordSupplement: assign(({ context, event }) => {
      assertEvent(event, 'SUPPLEMENT');
      const supplement: SupplementRecord = {
        expensesReplaced: event.expenses !== undefined,
        by: event.actor,
        at: event.at,
        ...(event.note !== undefined ? { note: event.note } : {}),
      };
      return {
        expenses: event.expenses ?? context.expenses,
        supplements: [...context.supplements, supplement],
      };
    }),
    recordVerification: assign(({ event }) => {
      assertEvent(event, 'VERIFY');
      if (!isReliefCategoryCode(event.verifiedCategory)) {
        // Unreachable: the transition's `isReliefCategory` guard refuses OTHER first.
        throw new Error(`VERIFY with ${event.verifiedCategory} is not a relief category`);
      }
      const verification: Verification = {
        verifiedCategory: event.verifiedCategory,
        certificateNo: event.certificateNo,
        ...(event.recognisedAs !== undefined ? { recognisedAs: event.recognisedAs } : {}),
        ...(event.recognitionDate !== undefined ? { recognitionDate: event.recognitionDate } : {}),
        ...(event.policyVersion !== undefined ? { policyVersion: event.policyVersion } : {}),
        by: event.actor,
        at: event.at,
      };
      return { verification, calculation: event.calculation };
    }),
    /** The proposal defaults to the computed relief (guarded by `proposalJustified`). */
    recordProposal: assign(({ context, event }) => {
      assertEvent(event, 'PROPOSE');
      const amount = event.amount ?? context.calculation?.reliefAmount;
      return {
        proposedAmount: amount === undefined ? undefined : normaliseMoney(amount),
        proposalReason: event.reason,
        proposedBy: event.actor,
        proposedAt: event.at,
      };
    }),
    /** The manager sends the proposal back: it is kept in the return, and a new one is due. */
    recordReturn: assign(({ context, event }) => {
      assertEvent(event, 'RETURN');
      const entry: ReturnRecord = {
        comment: event.comment,
        ...(context.proposedAmount !== undefined ? { proposedAmount: context.proposedAmount } : {}),
        by: event.actor,
        at: event.at,
      };
      return {
        returns: [...context.returns, entry],
        proposedAmount: undefined,
        proposalReason: undefined,
        proposedBy: undefined,
        proposedAt: undefined,
      };
    }),
    recordApproval: assign(({ context, event }) => {
      assertEvent(event, 'APPROVE');
      return {
        approvedAmount: context.proposedAmount,
        approvedBy: event.actor,
        approvedAt: event.at,
      };
    }),
    recordObjection: assign({
      objections: ({ context, event }) => {
        assertEvent(event, 'OBJECTION');
        return [...context.objections, { details: event.details, by: event.actor, at: event.at }];
      },
    }),
    /** The manager's decision on the objection under review (the latest one). */
    recordObjectionDecision: assign({
      objections: ({ context, event }, params: { outcome: 'UPHELD' | 'REVOKED' }) => {
        assertEvent(event, ['UPHOLD', 'REVOKE']);
        const decision: NonNullable<ObjectionRecord['decision']> = {
          outcome: params.outcome,
          ...(event.reason !== undefined ? { reason: event.reason } : {}),
          by: event.actor,
          at: event.at,
        };
        return context.objections.map((objection, i) =>
          i === context.objections.length - 1 ? { ...objection, decision } : objection,
        );
      },
    }),
    recordPayment: assign({
      payment: ({ event }) => {
        assertEvent(event, 'RECORD_PAYMENT');
        return {
          amount: normaliseMoney(event.amount),
          reference: event.reference,
          by: event.actor,
          at: event.at,
        };
      },
      hardshipReferral: ({ context, event }) => {
        assertEvent(event, 'RECORD_PAYMENT');
        return event.hardshipReferral ?? context.hardshipReferral;
      },
    }),
    recordRejection: assign({
      rejection: ({ event }, params: { stage: ReliefStage }) => {
        assertEvent(event, ['REJECT', 'REVOKE']);
        return { reason: event.reason, stage: params.stage, by: event.actor, at: event.at };
      },
    }),
    /** The street office withdraws an application, or declines a proactive case. */
    recordWithdrawal: assign({
      withdrawal: ({ event }, params: { stage: ReliefStage }): Withdrawal => {
        assertEvent(event, ['WITHDRAW', 'DECLINE']);
        return {
          ...(event.reason !== undefined ? { reason: event.reason } : {}),
          abandoned: false,
          stage: params.stage,
          by: event.actor,
          at: event.at,
        };
      },
    }),
    /** 逾期未补正视为放弃: the supplement deadline passed with no answer. */
    recordAbandonment: assign({
      withdrawal: ({ event }): Withdrawal => {
        assertEvent(event, 'DEADLINE_AWAITING_SUPPLEMENT');
        return {
          reason: 'supplement deadline passed',
          abandoned: true,
          stage: 'awaiting_supplement',
          by: event.actor,
          at: event.at,
        };
      },
    }),
  },
});

/** A new case's data, from its opening input (later versions add to it). */
export function reliefApplicationContext(input: ReliefApplicationInput): ReliefApplicationContext {
  return {
    applicant: input.applicant,
    streetCode: input.streetCode,
    year: input.year,
    origin: input.origin,
    ...(input.monitoring !== undefined ? { monitoring: input.monitoring } : {}),
    expenses: input.expenses,
    supplementRequests: [],
    supplements: [],
    returns: [],
    objections: [],
  };
}

const state = reliefApplicationSetup.createStateConfig;

/** Version 1's states, top to bottom; later versions take them and amend or add some. */
export const reliefApplicationStates = {
  start: state({
    description: 'Transient: routes a new case by its origin; never persisted.',
    always: [{ guard: 'isOutreach', target: 'outreach' }, { target: 'submitted' }],
  }),
  outreach: state({
    description:
      '主动发现: the street office follows up a person flagged by the early-warning run.',
    on: {
      SUBMIT: { target: 'submitted', actions: 'recordSubmission' },
      DECLINE: {
        target: 'withdrawn',
        actions: { type: 'recordWithdrawal', params: { stage: 'outreach' } },
      },
    },
  }),
  submitted: state({
    description: 'The caseworker checks the application is complete (受理).',
    on: {
      ACCEPT: { target: 'eligibility_review', actions: 'recordAcceptance' },
      REQUEST_SUPPLEMENT: { target: 'awaiting_supplement', actions: 'recordSupplementRequest' },
      REJECT: {
        target: 'rejected',
        actions: { type: 'recordRejection', params: { stage: 'submitted' } },
      },
      WITHDRAW: {
        target: 'withdrawn',
        actions: { type: 'recordWithdrawal', params: { stage: 'submitted' } },
      },
    },
  }),
  awaiting_supplement: state({
    description:
      '补正: waiting on the applicant through the street office; the SLA clock is paused.',
    on: {
      SUPPLEMENT: { target: 'submitted', actions: 'recordSupplement' },
      WITHDRAW: {
        target: 'withdrawn',
        actions: { type: 'recordWithdrawal', params: { stage: 'awaiting_supplement' } },
      },
      DEADLINE_AWAITING_SUPPLEMENT: { target: 'withdrawn', actions: 'recordAbandonment' },
    },
  }),
  eligibility_review: state({
    description: 'The caseworker verifies the relief category against its certificate.',
    on: {
      VERIFY: {
        guard: 'isReliefCategory',
        target: 'amount_review',
        actions: 'recordVerification',
      },
      REJECT: {
        target: 'rejected',
        actions: { type: 'recordRejection', params: { stage: 'eligibility_review' } },
      },
    },
  }),
  amount_review: state({
    description:
      'The caseworker proposes the relief: the computed amount, or another with a reason.',
    on: {
      PROPOSE: { guard: 'proposalJustified', target: 'approval', actions: 'recordProposal' },
      REJECT: {
        target: 'rejected',
        actions: { type: 'recordRejection', params: { stage: 'amount_review' } },
      },
    },
  }),
  approval: state({
    description: 'The manager approves, returns or rejects the proposal.',
    on: {
      APPROVE: { target: 'publicity', actions: 'recordApproval' },
      RETURN: { target: 'amount_review', actions: 'recordReturn' },
      REJECT: {
        target: 'rejected',
        actions: { type: 'recordRejection', params: { stage: 'approval' } },
      },
    },
  }),
  publicity: state({
    description: '公示: the approved relief is published; anyone may object until it ends.',
    on: {
      OBJECTION: { target: 'objection_review', actions: 'recordObjection' },
      DEADLINE_PUBLICITY: 'disbursement',
    },
  }),
  objection_review: state({
    description: 'The manager weighs the objection: the decision stands, or it is revoked.',
    on: {
      UPHOLD: {
        target: 'disbursement',
        actions: { type: 'recordObjectionDecision', params: { outcome: 'UPHELD' } },
      },
      REVOKE: {
        target: 'rejected',
        actions: [
          { type: 'recordObjectionDecision', params: { outcome: 'REVOKED' } },
          { type: 'recordRejection', params: { stage: 'objection_review' } },
        ],
      },
    },
  }),
  disbursement: state({
    description: 'The caseworker records the payment of exactly the approved amount.',
    on: {
      RECORD_PAYMENT: {
        guard: 'paymentMatchesApproval',
        target: 'paid',
        actions: 'recordPayment',
      },
    },
  }),
  paid: state({ type: 'final', description: 'Relief paid; it counts against the yearly caps.' }),
  rejected: state({
    type: 'final',
    description: 'Refused; `rejection` says why, by whom, at which stage.',
  }),
  withdrawn: state({
    type: 'final',
    description: 'Withdrawn, declined, or abandoned when the supplement deadline passed.',
  }),
};

export const reliefApplicationMachine = reliefApplicationSetup.createMachine({
  id: 'relief-application',
  context: ({ input }) => reliefApplicationContext(input),
  // XState v5 has no computed `initial`: a transient state routes the new case at once, inside
  // `initialTransition`, so the engine only ever records `outreach` or `submitted`.
  initial: 'start',
  states: reliefApplicationStates,
});

// ---------------------------------------------------------------- workflow

const STREET_OFFICE = { roles: ['STREET_OFFICE'], scope: 'street' } as const;
const CASEWORKER = { roles: ['CASEWORKER'] } as const;
const MANAGER = { roles: ['MANAGER'] } as const;
const SYSTEM = { roles: ['system'] } as const;

export const reliefApplicationWorkflow = defineWorkflow({
  type: 'relief-application',
  version: 1,
  title: '医疗救助申请 Medical-relief application',
  machine: reliefApplicationMachine,
  persons: (input) => [input.applicant.idNumber],
  explainRefusal: (snapshot, event) =>
    event.type === 'PROPOSE' ? proposalRefusals(snapshot.context, event) : [],
  stateLabels: {
    start: '受理中',
    outreach: '主动发现待申请',
    submitted: '已提交待受理',
    awaiting_supplement: '待补正材料',
    eligibility_review: '资格审核中',
    amount_review: '金额核定中',
    approval: '待审批',
    publicity: '公示中',
    objection_review: '异议复核中',
    disbursement: '待拨付',
    paid: '已拨付',
    rejected: '不予救助',
    withdrawn: '已撤回',
  },
  eventLabels: {
    SUBMIT: '提交申请',
    DECLINE: '放弃申请',
    ACCEPT: '受理',
    REQUEST_SUPPLEMENT: '要求补正',
    REJECT: '不予救助',
    WITHDRAW: '撤回申请',
    SUPPLEMENT: '补正材料',
    DEADLINE_AWAITING_SUPPLEMENT: '补正期限届满',
    VERIFY: '核实资格',
    PROPOSE: '拟定金额',
    APPROVE: '审批通过',
    RETURN: '退回重核',
    OBJECTION: '提出异议',
    DEADLINE_PUBLICITY: '公示期满',
    UPHOLD: '维持决定',
    REVOKE: '撤销救助',
    RECORD_PAYMENT: '登记发放',
  },
  permissions: {
    outreach: { SUBMIT: STREET_OFFICE, DECLINE: STREET_OFFICE },
    submitted: {
      ACCEPT: CASEWORKER,
      REQUEST_SUPPLEMENT: CASEWORKER,
      REJECT: CASEWORKER,
      WITHDRAW: STREET_OFFICE,
    },
    awaiting_supplement: {
      SUPPLEMENT: STREET_OFFICE,
      WITHDRAW: STREET_OFFICE,
      DEADLINE_AWAITING_SUPPLEMENT: SYSTEM,
    },
    eligibility_review: { VERIFY: CASEWORKER, REJECT: CASEWORKER },
    amount_review: { PROPOSE: CASEWORKER, REJECT: CASEWORKER },
    approval: { APPROVE: MANAGER, RETURN: MANAGER, REJECT: MANAGER },
    publicity: {
      // The street scope binds the street office only; caseworkers are not street-bound.
      OBJECTION: { roles: ['STREET_OFFICE', 'CASEWORKER'], scope: 'street' },
      DEADLINE_PUBLICITY: SYSTEM,
    },
    objection_review: { UPHOLD: MANAGER, REVOKE: MANAGER },
    disbursement: { RECORD_PAYMENT: CASEWORKER },
  },
  // Durations are policy (`deadlines.relief-application.<state>`), never code.
  deadlines: {
    outreach: { onExpire: 'overdue' },
    submitted: { onExpire: 'overdue' },
    awaiting_supplement: {
      onExpire: { event: 'DEADLINE_AWAITING_SUPPLEMENT' },
      pausesSla: true,
    },
    eligibility_review: { onExpire: 'overdue' },
    amount_review: { onExpire: 'overdue' },
    approval: { onExpire: 'overdue' },
    publicity: { onExpire: { event: 'DEADLINE_PUBLICITY' } },
    objection_review: { onExpire: 'overdue' },
    disbursement: { onExpire: 'overdue' },
  },
});
