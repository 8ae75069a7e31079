import { and, assertEvent, assign, setup } from 'xstate';
import { defineWorkflow, type RefusedField } from './workflow-definition';
import { normaliseMoney, toCents } from './money-cents';
import {
  proposalRefusals,
  type ApplicantCategory,
  type ReliefApplicationContext,
  type ReliefApplicationEvent,
  type ReliefApplicationInput,
  type ObjectionRecord,
  type ReliefCategory,
  type ReliefStage,
  type ReturnRecord,
  type SupplementRecord,
  type Trail,
  type Verification,
  type Withdrawal,
} from './relief-application.machine';

/**
 * 医疗救助申请, version 2 (docs/domain.md §7): version 1 plus a collective review (集体审议)
 * between amount review and approval for proposals above a policy threshold
 * (`relief.collectiveReviewAbove`). Version 1 stays registered and unchanged: running cases keep
 * the machine they opened on, and the policy's `workflowVersions` says from which day new cases
 * open on this one.
 *
 * The threshold is not code: the opening input carries the one in force that day, kept in the
 * context, so a case's route does not change when the policy does.
 */

// ---------------------------------------------------------------- data

export interface ReliefApplicationV2Input extends ReliefApplicationInput {
  /** A proposal above this amount (decimal string) goes to collective review (集体审议). */
  collectiveReviewAbove: string;
}

/** One meeting of the bureau's collective review (集体审议) on this case's proposal. */
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

/**
 * Version 1's context plus the threshold and the meetings. Both optional, so a version-1 case's
 * data reads as this context too (the relief hooks serve both versions).
 */
export interface ReliefApplicationV2Context extends ReliefApplicationContext {
  collectiveReviewAbove?: string;
  collectiveReviews?: CollectiveReviewRecord[];
}

// ---------------------------------------------------------------- events

interface EventMeta {
  actor: string;
  at: string;
}

export type ReliefApplicationV2Event =
  | ReliefApplicationEvent
  | ({
      type: 'RECORD_COLLECTIVE_REVIEW';
      meetingDate: string;
      minutesRef: string;
      attendees: string[];
      decision: 'AGREE' | 'RETURN';
      comment: string;
    } & EventMeta);

/** The fewest attendees of a collective review (集体审议): three. */
export const COLLECTIVE_REVIEW_MIN_ATTENDEES = 3;

/**
 * Whether a proposal goes to collective review: strictly above the case's threshold. A case
 * without a readable threshold goes too (more scrutiny, never less).
 */
export function needsCollectiveReview(
  context: Pick<ReliefApplicationV2Context, 'collectiveReviewAbove'>,
  proposedAmount: string | undefined,
): boolean {
  const threshold = toCents(context.collectiveReviewAbove);
  const amount = toCents(proposedAmount);
  return threshold === null || amount === null || amount > threshold;
}

/** RECORD_COLLECTIVE_REVIEW's rule, for its guard and for the 422 naming the field. */
export function collectiveReviewRefusals(event: { attendees: readonly string[] }): RefusedField[] {
  const distinct = new Set(event.attendees);
  return distinct.size >= COLLECTIVE_REVIEW_MIN_ATTENDEES
    ? []
    : [
        {
          field: 'attendees',
          message: `a collective review needs at least ${COLLECTIVE_REVIEW_MIN_ATTENDEES} different attendees`,
        },
      ];
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

export const reliefApplicationV2Machine = setup({
  types: {
    context: {} as ReliefApplicationV2Context,
    events: {} as ReliefApplicationV2Event,
    input: {} as ReliefApplicationV2Input,
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
    /** 集体审议 needs at least three distinct people present. */
    collectiveReviewQuorate: ({ event }) => {
      assertEvent(event, 'RECORD_COLLECTIVE_REVIEW');
      return collectiveReviewRefusals(event).length === 0;
    },
    /** The meeting agreed with the proposal: on to approval; otherwise back to amount review. */
    collectiveReviewAgreed: ({ event }) => {
      assertEvent(event, 'RECORD_COLLECTIVE_REVIEW');
      return event.decision === 'AGREE';
    },
    /** A proposal above the case's threshold goes to collective review (集体审议). */
    aboveCollectiveReview: ({ context, event }) => {
      assertEvent(event, 'PROPOSE');
      return needsCollectiveReview(context, event.amount ?? context.calculation?.reliefAmount);
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
    /** The meeting's record; RETURN clears the proposal like the manager's return does. */
    recordCollectiveReview: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_COLLECTIVE_REVIEW');
      const review: CollectiveReviewRecord = {
        meetingDate: event.meetingDate,
        minutesRef: event.minutesRef,
        attendees: event.attendees,
        decision: event.decision,
        comment: event.comment,
        ...(context.proposedAmount !== undefined ? { proposedAmount: context.proposedAmount } : {}),
        by: event.actor,
        at: event.at,
      };
      const reviews = [...(context.collectiveReviews ?? []), review];
      return event.decision === 'AGREE'
        ? { collectiveReviews: reviews }
        : {
            collectiveReviews: reviews,
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
}).createMachine({
  id: 'relief-application',
  context: ({ input }) => ({
    collectiveReviewAbove: input.collectiveReviewAbove,
    collectiveReviews: [],
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
  }),
  // XState v5 has no computed `initial`: a transient state routes the new case at once, inside
  // `initialTransition`, so the engine only ever records `outreach` or `submitted`.
  initial: 'start',
  states: {
    start: {
      description: 'Transient: routes a new case by its origin; never persisted.',
      always: [{ guard: 'isOutreach', target: 'outreach' }, { target: 'submitted' }],
    },
    outreach: {
      description:
        '主动发现: the street office follows up a person flagged by the early-warning run.',
      on: {
        SUBMIT: { target: 'submitted', actions: 'recordSubmission' },
        DECLINE: {
          target: 'withdrawn',
          actions: { type: 'recordWithdrawal', params: { stage: 'outreach' } },
        },
      },
    },
    submitted: {
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
    },
    awaiting_supplement: {
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
    },
    eligibility_review: {
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
    },
    amount_review: {
      description:
        'The caseworker proposes the relief: the computed amount, or another with a reason.',
      on: {
        PROPOSE: [
          {
            guard: and(['proposalJustified', 'aboveCollectiveReview']),
            target: 'collective_review',
            actions: 'recordProposal',
          },
          { guard: 'proposalJustified', target: 'approval', actions: 'recordProposal' },
        ],
        REJECT: {
          target: 'rejected',
          actions: { type: 'recordRejection', params: { stage: 'amount_review' } },
        },
      },
    },
    collective_review: {
      description:
        "集体审议: a proposal above the threshold goes before the bureau's meeting; the manager records it.",
      on: {
        RECORD_COLLECTIVE_REVIEW: [
          {
            guard: and(['collectiveReviewQuorate', 'collectiveReviewAgreed']),
            target: 'approval',
            actions: 'recordCollectiveReview',
          },
          {
            guard: 'collectiveReviewQuorate',
            target: 'amount_review',
            actions: 'recordCollectiveReview',
          },
        ],
      },
    },
    approval: {
      description: 'The manager approves, returns or rejects the proposal.',
      on: {
        APPROVE: { target: 'publicity', actions: 'recordApproval' },
        RETURN: { target: 'amount_review', actions: 'recordReturn' },
        REJECT: {
          target: 'rejected',
          actions: { type: 'recordRejection', params: { stage: 'approval' } },
        },
      },
    },
    publicity: {
      description: '公示: the approved relief is published; anyone may object until it ends.',
      on: {
        OBJECTION: { target: 'objection_review', actions: 'recordObjection' },
        DEADLINE_PUBLICITY: 'disbursement',
      },
    },
    objection_review: {
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
    },
    disbursement: {
      description: 'The caseworker records the payment of exactly the approved amount.',
      on: {
        RECORD_PAYMENT: {
          guard: 'paymentMatchesApproval',
          target: 'paid',
          actions: 'recordPayment',
        },
      },
    },
    paid: { type: 'final', description: 'Relief paid; it counts against the yearly caps.' },
    rejected: {
      type: 'final',
      description: 'Refused; `rejection` says why, by whom, at which stage.',
    },
    withdrawn: {
      type: 'final',
      description: 'Withdrawn, declined, or abandoned when the supplement deadline passed.',
    },
  },
});

// ---------------------------------------------------------------- workflow

const STREET_OFFICE = { roles: ['STREET_OFFICE'], scope: 'street' } as const;
const CASEWORKER = { roles: ['CASEWORKER'] } as const;
const MANAGER = { roles: ['MANAGER'] } as const;
const SYSTEM = { roles: ['system'] } as const;

export const reliefApplicationV2Workflow = defineWorkflow({
  type: 'relief-application',
  version: 2,
  title: '医疗救助申请 Medical-relief application',
  machine: reliefApplicationV2Machine,
  persons: (input) => [input.applicant.idNumber],
  explainRefusal: (snapshot, event) =>
    event.type === 'PROPOSE'
      ? proposalRefusals(snapshot.context, event)
      : event.type === 'RECORD_COLLECTIVE_REVIEW'
        ? collectiveReviewRefusals(event)
        : [],
  stateLabels: {
    start: '受理中',
    outreach: '主动发现待申请',
    submitted: '已提交待受理',
    awaiting_supplement: '待补正材料',
    eligibility_review: '资格审核中',
    amount_review: '金额核定中',
    collective_review: '集体审议中',
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
    RECORD_COLLECTIVE_REVIEW: '登记集体审议',
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
    collective_review: { RECORD_COLLECTIVE_REVIEW: MANAGER },
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
    collective_review: { onExpire: 'overdue' },
    approval: { onExpire: 'overdue' },
    publicity: { onExpire: { event: 'DEADLINE_PUBLICITY' } },
    objection_review: { onExpire: 'overdue' },
    disbursement: { onExpire: 'overdue' },
  },
});

// ---------------------------------------------------------------- migration from version 1

/**
 * Where a running version-1 case would go on version 2 (issue 19's migration, not yet run by the
 * engine): each version-1 state maps to a version-2 state or is blocked with the reason. The
 * mapping is total (workflows/relief-application.v2.machine.spec.ts checks it), so no state is
 * forgotten when version 1 changes.
 */
export const RELIEF_V1_TO_V2_STATES: Readonly<
  Record<string, { to: string } | { blocked: string }>
> = {
  start: { blocked: 'transient: a case never rests there' },
  outreach: { to: 'outreach' },
  submitted: { to: 'submitted' },
  awaiting_supplement: { to: 'awaiting_supplement' },
  eligibility_review: { to: 'eligibility_review' },
  // From here on the proposal is made on version 2, so it meets the collective review.
  amount_review: { to: 'amount_review' },
  approval: {
    blocked:
      'the proposal was not put to a collective review (集体审议): the manager returns it to amount review first, or it finishes on version 1',
  },
  publicity: { to: 'publicity' },
  objection_review: { to: 'objection_review' },
  disbursement: { to: 'disbursement' },
  paid: { blocked: 'closed' },
  rejected: { blocked: 'closed' },
  withdrawn: { blocked: 'closed' },
};
