import { assertEvent, assign, setup } from 'xstate';
import { hasText, normaliseMoney, toCents } from './money-cents';
import { defineWorkflow, type RefusedField } from './workflow-definition';

/**
 * 门诊按人头付费 月度结算 — one institution's month of outpatient capitation (docs/domain.md §6):
 * the service opens the case in `computed` with the month's lines (base capitation and the fund's
 * sign-up fee share, settled separately); a caseworker reviews, a manager approves or returns it
 * (the service then recomputes), the approved sum is published for 7 days and then paid.
 *
 * Pure, like every machine here: the lines arrive on the opening input and on RETURN (computed
 * by the capitation module's hook), the context is plain JSON with money as decimal strings.
 */

// ---------------------------------------------------------------- data

/** One step of a figure, as the capitation calculator shows it. */
export interface CapitationStepRecord {
  step: string;
  rule: string;
  amount: string;
  detail: string;
}

export interface SettlementLineRecord {
  kind: 'BASE_CAPITATION' | 'SIGN_UP_FEE';
  amount: string;
  steps: CapitationStepRecord[];
}

/** The month's figures (the capitation calculator's MonthSettlement), recorded on the case. */
export interface SettlementFigures {
  daysInMonth: number;
  fullMonthPersons: number;
  proRataPersons: number;
  personDays: number;
  personMonths: string;
  /** The yearly rates the lines used. */
  rate: { baseCapitation: string; fundSignUpFee: string; policyVersion: string };
  baseCapitation: string;
  fundSignUpFee: string;
  lines: SettlementLineRecord[];
  total: string;
  /** When the figures were computed (opening or recomputation). */
  computedAt: string;
}

export interface CapitationSettlementInput {
  institutionCode: string;
  institutionName: string;
  year: number;
  month: number;
  /** SCHEDULER: the monthly job opened it; REQUEST: someone asked for it (`POST /capitation/settlements`). */
  openedBy: 'SCHEDULER' | 'REQUEST';
  figures: SettlementFigures;
}

export interface Trail {
  by: string;
  at: string;
}

export interface SettlementReturn extends Trail {
  comment: string;
  /** The total sent back. */
  total: string;
}

export interface SettlementPayment extends Trail {
  amount: string;
  reference: string;
}

export interface CapitationSettlementContext extends CapitationSettlementInput {
  reviews: Array<Trail & { comment?: string }>;
  returns: SettlementReturn[];
  approvedAmount?: string;
  approval?: Trail;
  payment?: SettlementPayment;
}

// ---------------------------------------------------------------- events

interface EventMeta {
  actor: string;
  at: string;
}

interface DeadlineMeta extends EventMeta {
  deadline?: string;
  dueAt?: string;
  entrySeq?: number;
}

export type CapitationSettlementEvent =
  | ({ type: 'REVIEW'; comment?: string } & EventMeta)
  | ({ type: 'APPROVE' } & EventMeta)
  /** `figures` is added by the RETURN hook: the month recomputed from today's sign-ups. */
  | ({ type: 'RETURN'; comment: string; figures: SettlementFigures } & EventMeta)
  | ({ type: 'DEADLINE_PUBLICITY' } & DeadlineMeta)
  | ({ type: 'RECORD_PAYMENT'; amount: string; reference: string } & EventMeta);

/** RECORD_PAYMENT's rule, for its guard and for the 422 naming the field. */
export function settlementPaymentRefusals(
  approvedAmount: string | undefined,
  event: { amount: string },
): RefusedField[] {
  const paid = toCents(event.amount);
  return paid !== null && paid === toCents(approvedAmount)
    ? []
    : [{ field: 'amount', message: `must be the approved amount ${approvedAmount ?? '(none)'}` }];
}

// ---------------------------------------------------------------- machine

export const capitationSettlementMachine = setup({
  types: {
    context: {} as CapitationSettlementContext,
    events: {} as CapitationSettlementEvent,
    input: {} as CapitationSettlementInput,
  },
  guards: {
    /** Exactly the approved sum, compared in cents. */
    paymentMatchesApproval: ({ context, event }) => {
      assertEvent(event, 'RECORD_PAYMENT');
      return settlementPaymentRefusals(context.approvedAmount, event).length === 0;
    },
    /** A return says why (the engine's payload check names the field first). */
    returnHasComment: ({ event }) => {
      assertEvent(event, 'RETURN');
      return hasText(event.comment);
    },
  },
  actions: {
    recordReview: assign({
      reviews: ({ context, event }) => {
        assertEvent(event, 'REVIEW');
        return [
          ...context.reviews,
          {
            by: event.actor,
            at: event.at,
            ...(event.comment !== undefined ? { comment: event.comment } : {}),
          },
        ];
      },
    }),
    recordApproval: assign(({ context, event }) => {
      assertEvent(event, 'APPROVE');
      return { approvedAmount: context.figures.total, approval: { by: event.actor, at: event.at } };
    }),
    /** The manager sends the figures back: kept in the return, replaced by the recomputation. */
    recordReturn: assign(({ context, event }) => {
      assertEvent(event, 'RETURN');
      return {
        returns: [
          ...context.returns,
          { comment: event.comment, total: context.figures.total, by: event.actor, at: event.at },
        ],
        figures: event.figures,
      };
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
    }),
  },
}).createMachine({
  id: 'capitation-settlement',
  context: ({ input }) => ({ ...input, reviews: [], returns: [] }),
  initial: 'computed',
  states: {
    computed: {
      description:
        'The month’s lines are computed; the caseworker checks them against the sign-ups.',
      on: { REVIEW: { target: 'approval', actions: 'recordReview' } },
    },
    approval: {
      description: 'The manager approves the total, or returns it to be recomputed.',
      on: {
        APPROVE: { target: 'publicity', actions: 'recordApproval' },
        RETURN: { guard: 'returnHasComment', target: 'computed', actions: 'recordReturn' },
      },
    },
    publicity: {
      description: '公示: the approved settlement is published before payment.',
      on: { DEADLINE_PUBLICITY: 'disbursement' },
    },
    disbursement: {
      description: 'The caseworker records the payment of exactly the approved total.',
      on: {
        RECORD_PAYMENT: {
          guard: 'paymentMatchesApproval',
          target: 'paid',
          actions: 'recordPayment',
        },
      },
    },
    paid: { type: 'final', description: 'The month is paid to the institution.' },
  },
});

// ---------------------------------------------------------------- workflow

const CASEWORKER = { roles: ['CASEWORKER'] } as const;
const MANAGER = { roles: ['MANAGER'] } as const;
const SYSTEM = { roles: ['system'] } as const;

export const capitationSettlementWorkflow = defineWorkflow({
  type: 'capitation-settlement',
  version: 1,
  title: '门诊按人头付费月度结算 Outpatient capitation: monthly settlement',
  machine: capitationSettlementMachine,
  explainRefusal: (snapshot, event) =>
    event.type === 'RECORD_PAYMENT'
      ? settlementPaymentRefusals(snapshot.context.approvedAmount, event)
      : [],
  stateLabels: {
    computed: '待审核',
    approval: '待审批',
    publicity: '公示中',
    disbursement: '待拨付',
    paid: '已拨付',
  },
  eventLabels: {
    REVIEW: '审核结算',
    APPROVE: '审批通过',
    RETURN: '退回重算',
    DEADLINE_PUBLICITY: '公示期满',
    RECORD_PAYMENT: '登记拨付',
  },
  permissions: {
    computed: { REVIEW: CASEWORKER },
    approval: { APPROVE: MANAGER, RETURN: MANAGER },
    publicity: { DEADLINE_PUBLICITY: SYSTEM },
    disbursement: { RECORD_PAYMENT: CASEWORKER },
  },
  // Durations are policy (`deadlines.capitation-settlement.<state>`), never code.
  deadlines: {
    computed: { onExpire: 'overdue' },
    approval: { onExpire: 'overdue' },
    publicity: { onExpire: { event: 'DEADLINE_PUBLICITY' } },
    disbursement: { onExpire: 'overdue' },
  },
});
