import { assertEvent, assign, setup } from 'xstate';
import type { CapitationStepRecord, Trail } from './capitation-settlement.machine';
import { hasText, normaliseMoney, toCents } from './money-cents';
import { defineWorkflow, type RefusedField } from './workflow-definition';

/**
 * 门诊按人头付费 年终清算 — one institution's year (docs/domain.md §6): the year's base-capitation
 * prepayments against its actual outpatient fund spending for signed persons; the assessment
 * score picks the band (结余考核留用、超支合理分担), and the result is a payment to, or a recovery
 * from, the institution, through the same review, approval and publicity as a month.
 *
 * Pure: the result arrives on the opening input and on RETURN (recomputed by the module's hook).
 */

/** The assessment indicators (考核指标) as entered, each a score 0–100 of the county's method. */
export interface AssessmentIndicators {
  referralRate: number;
  twoDiseaseManagement: number;
  signUpService: number;
  agreementCompliance: number;
  satisfaction: number;
  complaints: number;
}

/** The capitation calculator's Reconciliation, recorded on the case. */
export interface ReconciliationFigures {
  prepaid: string;
  spent: string;
  balance: string;
  outcome: 'SURPLUS' | 'OVERSPEND' | 'BALANCED';
  score: number;
  band: { minScore: number; surplusKept: string; overspendFundShare: string };
  /** PAY: the fund pays the institution; RECOVER: the institution pays back; NONE: nothing moves. */
  direction: 'PAY' | 'RECOVER' | 'NONE';
  amount: string;
  steps: CapitationStepRecord[];
  policyVersion: string;
  computedAt: string;
}

export interface CapitationReconciliationInput {
  institutionCode: string;
  institutionName: string;
  year: number;
  score: number;
  indicators: AssessmentIndicators;
  figures: ReconciliationFigures;
}

export interface ReconciliationReturn extends Trail {
  comment: string;
  amount: string;
  direction: ReconciliationFigures['direction'];
}

export interface ReconciliationTransfer extends Trail {
  amount: string;
  reference: string;
  direction: ReconciliationFigures['direction'];
}

export interface CapitationReconciliationContext extends CapitationReconciliationInput {
  reviews: Array<Trail & { comment?: string }>;
  returns: ReconciliationReturn[];
  approvedAmount?: string;
  approval?: Trail;
  transfer?: ReconciliationTransfer;
}

interface EventMeta {
  actor: string;
  at: string;
}

interface DeadlineMeta extends EventMeta {
  deadline?: string;
  dueAt?: string;
  entrySeq?: number;
}

export type CapitationReconciliationEvent =
  | ({ type: 'REVIEW'; comment?: string } & EventMeta)
  | ({ type: 'APPROVE' } & EventMeta)
  /** `figures` is added by the RETURN hook: the year recomputed from today's spending records. */
  | ({ type: 'RETURN'; comment: string; figures: ReconciliationFigures } & EventMeta)
  | ({ type: 'DEADLINE_PUBLICITY' } & DeadlineMeta)
  | ({ type: 'RECORD_PAYMENT'; amount: string; reference: string } & EventMeta);

/** RECORD_PAYMENT (paid out or recovered): exactly the approved amount. */
export function transferRefusals(
  approvedAmount: string | undefined,
  event: { amount: string },
): RefusedField[] {
  const amount = toCents(event.amount);
  return amount !== null && amount === toCents(approvedAmount)
    ? []
    : [{ field: 'amount', message: `must be the approved amount ${approvedAmount ?? '(none)'}` }];
}

export const capitationReconciliationMachine = setup({
  types: {
    context: {} as CapitationReconciliationContext,
    events: {} as CapitationReconciliationEvent,
    input: {} as CapitationReconciliationInput,
  },
  guards: {
    /** Nothing to pay or recover (a surplus kept whole, an overspend the fund does not share). */
    nothingMoves: ({ context }) => context.figures.direction === 'NONE',
    transferMatchesApproval: ({ context, event }) => {
      assertEvent(event, 'RECORD_PAYMENT');
      return transferRefusals(context.approvedAmount, event).length === 0;
    },
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
      return {
        approvedAmount: context.figures.amount,
        approval: { by: event.actor, at: event.at },
      };
    }),
    recordReturn: assign(({ context, event }) => {
      assertEvent(event, 'RETURN');
      return {
        returns: [
          ...context.returns,
          {
            comment: event.comment,
            amount: context.figures.amount,
            direction: context.figures.direction,
            by: event.actor,
            at: event.at,
          },
        ],
        figures: event.figures,
      };
    }),
    recordTransfer: assign({
      transfer: ({ context, event }) => {
        assertEvent(event, 'RECORD_PAYMENT');
        return {
          amount: normaliseMoney(event.amount),
          reference: event.reference,
          direction: context.figures.direction,
          by: event.actor,
          at: event.at,
        };
      },
    }),
  },
}).createMachine({
  id: 'capitation-reconciliation',
  context: ({ input }) => ({ ...input, reviews: [], returns: [] }),
  initial: 'computed',
  states: {
    computed: {
      description: 'The year is reconciled; the caseworker checks spending, prepayments and score.',
      on: { REVIEW: { target: 'approval', actions: 'recordReview' } },
    },
    approval: {
      description: 'The manager approves the result, or returns it to be recomputed.',
      on: {
        APPROVE: { target: 'publicity', actions: 'recordApproval' },
        RETURN: { guard: 'returnHasComment', target: 'computed', actions: 'recordReturn' },
      },
    },
    publicity: {
      description: '公示: the result of the year is published.',
      on: {
        DEADLINE_PUBLICITY: [
          { guard: 'nothingMoves', target: 'settled' },
          { target: 'disbursement' },
        ],
      },
    },
    disbursement: {
      description: 'The caseworker records the payment to, or the recovery from, the institution.',
      on: {
        RECORD_PAYMENT: {
          guard: 'transferMatchesApproval',
          target: 'settled',
          actions: 'recordTransfer',
        },
      },
    },
    settled: { type: 'final', description: 'The year is reconciled (清算完毕).' },
  },
});

const CASEWORKER = { roles: ['CASEWORKER'] } as const;
const MANAGER = { roles: ['MANAGER'] } as const;
const SYSTEM = { roles: ['system'] } as const;

export const capitationReconciliationWorkflow = defineWorkflow({
  type: 'capitation-reconciliation',
  version: 1,
  title: '门诊按人头付费年终清算 Outpatient capitation: year-end reconciliation',
  machine: capitationReconciliationMachine,
  explainRefusal: (snapshot, event) =>
    event.type === 'RECORD_PAYMENT' ? transferRefusals(snapshot.context.approvedAmount, event) : [],
  stateLabels: {
    computed: '待审核',
    approval: '待审批',
    publicity: '公示中',
    disbursement: '待拨付或收回',
    settled: '已清算',
  },
  eventLabels: {
    REVIEW: '审核清算',
    APPROVE: '审批通过',
    RETURN: '退回重算',
    DEADLINE_PUBLICITY: '公示期满',
    RECORD_PAYMENT: '登记拨付或收回',
  },
  permissions: {
    computed: { REVIEW: CASEWORKER },
    approval: { APPROVE: MANAGER, RETURN: MANAGER },
    publicity: { DEADLINE_PUBLICITY: SYSTEM },
    disbursement: { RECORD_PAYMENT: CASEWORKER },
  },
  // Durations are policy (`deadlines.capitation-reconciliation.<state>`), never code.
  deadlines: {
    computed: { onExpire: 'overdue' },
    approval: { onExpire: 'overdue' },
    publicity: { onExpire: { event: 'DEADLINE_PUBLICITY' } },
    disbursement: { onExpire: 'overdue' },
  },
});
