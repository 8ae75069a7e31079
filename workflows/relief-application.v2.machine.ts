import { and, assertEvent, assign } from 'xstate';
import { defineWorkflow, type RefusedField, type StateMapping } from './workflow-definition';
import { toCents } from './money-cents';
import {
  proposalRefusals,
  reliefApplicationContext,
  reliefApplicationSetup,
  reliefApplicationStates,
  reliefApplicationWorkflow,
  type CollectiveReviewRecord,
  type ReliefApplicationFamilyContext,
  type ReliefApplicationFamilyEvent,
  type ReliefApplicationInput,
} from './relief-application.machine';

/**
 * 医疗救助申请, version 2 (docs/domain.md §7): version 1 plus a collective review (集体审议)
 * between amount review and approval for proposals above a policy threshold
 * (`relief.collectiveReviewAbove`). Built on version 1's setup and states: only what changes is
 * written here. Version 1 stays registered and unchanged: running cases keep the machine they
 * opened on (or are migrated, below), and the policy's `workflowVersions` says from which day
 * new cases open on this one.
 *
 * The threshold is not code: the opening input carries the one in force that day, kept in the
 * context, so a case's route does not change when the policy does.
 */

// ---------------------------------------------------------------- data

export interface ReliefApplicationV2Input extends ReliefApplicationInput {
  /** A proposal above this amount (decimal string) goes to collective review (集体审议). */
  collectiveReviewAbove: string;
}

/** Version 2's data and events: version 1's plus the threshold, the meetings and their event. */
export type ReliefApplicationV2Context = ReliefApplicationFamilyContext;
export type ReliefApplicationV2Event = ReliefApplicationFamilyEvent;
export type { CollectiveReviewRecord };

/** The fewest attendees of a collective review (集体审议): three. */
export const COLLECTIVE_REVIEW_MIN_ATTENDEES = 3;

/**
 * Whether a proposal goes to collective review: strictly above the case's threshold. A case
 * without a readable threshold goes too (more scrutiny, never less).
 */
export function needsCollectiveReview(
  context: Pick<ReliefApplicationFamilyContext, 'collectiveReviewAbove'>,
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

// ---------------------------------------------------------------- machine

export const reliefApplicationV2Machine = reliefApplicationSetup
  .extend({
    guards: {
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
    },
    actions: {
      /** The meeting's record; RETURN clears the proposal like the manager's return does. */
      recordCollectiveReview: assign(({ context, event }) => {
        assertEvent(event, 'RECORD_COLLECTIVE_REVIEW');
        const review: CollectiveReviewRecord = {
          meetingDate: event.meetingDate,
          minutesRef: event.minutesRef,
          attendees: event.attendees,
          decision: event.decision,
          comment: event.comment,
          ...(context.proposedAmount !== undefined
            ? { proposedAmount: context.proposedAmount }
            : {}),
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
    },
  })
  .createMachine({
    id: 'relief-application',
    context: ({ input }) => ({
      ...reliefApplicationContext(input),
      collectiveReviewAbove: input.collectiveReviewAbove,
      collectiveReviews: [],
    }),
    initial: 'start',
    // Version 1's states in their order, amount review amended and the collective review added.
    states: {
      start: reliefApplicationStates.start,
      outreach: reliefApplicationStates.outreach,
      submitted: reliefApplicationStates.submitted,
      awaiting_supplement: reliefApplicationStates.awaiting_supplement,
      eligibility_review: reliefApplicationStates.eligibility_review,
      amount_review: {
        ...reliefApplicationStates.amount_review,
        on: {
          ...reliefApplicationStates.amount_review.on,
          // Above the threshold the proposal goes to the meeting first; otherwise as in version 1.
          PROPOSE: [
            {
              guard: and(['proposalJustified', 'aboveCollectiveReview']),
              target: 'collective_review',
              actions: 'recordProposal',
            },
            reliefApplicationStates.amount_review.on.PROPOSE,
          ],
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
      approval: reliefApplicationStates.approval,
      publicity: reliefApplicationStates.publicity,
      objection_review: reliefApplicationStates.objection_review,
      disbursement: reliefApplicationStates.disbursement,
      paid: reliefApplicationStates.paid,
      rejected: reliefApplicationStates.rejected,
      withdrawn: reliefApplicationStates.withdrawn,
    },
  });

// ---------------------------------------------------------------- migration from version 1

/**
 * Where a running version-1 case goes on version 2 (`POST /workflows/relief-application/
 * migrations`): each version-1 state maps to a version-2 state or is blocked with the reason.
 * The mapping is total (workflows/relief-application.v2.machine.spec.ts checks it), so no state
 * is forgotten when version 1 changes.
 */
export const RELIEF_V1_TO_V2_STATES: StateMapping = {
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

/**
 * A migrated case has no threshold of its own (version 1 never kept one): it takes the one in
 * force on the day it moves, as a case opened that day would.
 */
export function withCollectiveReview(
  data: Record<string, unknown>,
  policy: unknown,
): Record<string, unknown> {
  const relief = isRecord(policy) && isRecord(policy.relief) ? policy.relief : {};
  const threshold =
    typeof data.collectiveReviewAbove === 'string'
      ? data.collectiveReviewAbove
      : typeof relief.collectiveReviewAbove === 'string'
        ? relief.collectiveReviewAbove
        : undefined;
  return {
    ...data,
    ...(threshold !== undefined ? { collectiveReviewAbove: threshold } : {}),
    collectiveReviews: Array.isArray(data.collectiveReviews) ? data.collectiveReviews : [],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- workflow

// ---------------------------------------------------------------- workflow

const MANAGER = { roles: ['MANAGER'] } as const;

/** Version 1's definition plus the collective review: its permission, deadline and labels. */
export const reliefApplicationV2Workflow = defineWorkflow({
  ...reliefApplicationWorkflow,
  version: 2,
  machine: reliefApplicationV2Machine,
  explainRefusal: (snapshot, event) =>
    event.type === 'PROPOSE'
      ? proposalRefusals(snapshot.context, event)
      : event.type === 'RECORD_COLLECTIVE_REVIEW'
        ? collectiveReviewRefusals(event)
        : [],
  stateLabels: { ...reliefApplicationWorkflow.stateLabels, collective_review: '集体审议中' },
  eventLabels: {
    ...reliefApplicationWorkflow.eventLabels,
    RECORD_COLLECTIVE_REVIEW: '登记集体审议',
  },
  permissions: {
    ...reliefApplicationWorkflow.permissions,
    collective_review: { RECORD_COLLECTIVE_REVIEW: MANAGER },
  },
  // Its duration is policy too (`deadlines.relief-application.collective_review`).
  deadlines: {
    ...reliefApplicationWorkflow.deadlines,
    collective_review: { onExpire: 'overdue' },
  },
  migrations: [{ fromVersion: 1, states: RELIEF_V1_TO_V2_STATES, data: withCollectiveReview }],
});
