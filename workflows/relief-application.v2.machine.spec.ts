import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { reliefApplicationWorkflow } from './relief-application.machine';
import {
  collectiveReviewRefusals,
  needsCollectiveReview,
  RELIEF_V1_TO_V2_STATES,
  reliefApplicationV2Machine,
  reliefApplicationV2Workflow,
  type ReliefApplicationV2Event,
  type ReliefApplicationV2Input,
} from './relief-application.v2.machine';
import { SYSTEM_ACTOR } from './workflow-definition';

type Snapshot = SnapshotFrom<typeof reliefApplicationV2Machine>;

const CASEWORKER_USER = 'u-caseworker-1';
const MANAGER_USER = 'u-manager-1';
const ATTENDEES = ['u-manager-1', 'u-manager-2', 'u-caseworker-2'];

let clock = 0;
function nextAt(): string {
  clock += 1;
  return new Date(Date.UTC(2027, 0, 4, 2, 0, clock)).toISOString();
}

function input(collectiveReviewAbove = '20000.00'): ReliefApplicationV2Input {
  return {
    applicant: {
      name: '李四',
      idNumber: '11010519491231002X',
      category: 'DIBAO',
      insuranceType: 'RESIDENT',
    },
    streetCode: '330106001',
    year: 2027,
    expenses: [
      {
        kind: 'INPATIENT',
        institution: '杭州市西溪医院',
        date: '2027-01-02',
        totalCost: '90000.00',
        inPolicyCost: '80000.00',
        basicInsurancePaid: '50000.00',
        criticalIllnessPaid: '0.00',
        otherInsurancePaid: '0.00',
      },
    ],
    origin: 'APPLICATION',
    collectiveReviewAbove,
  };
}

const meta = (actor: string): { actor: string; at: string } => ({ actor, at: nextAt() });

/** VERIFY with the hook's calculation: 80% of the eligible base gives `reliefAmount`. */
function verify(reliefAmount: string): ReliefApplicationV2Event {
  return {
    type: 'VERIFY',
    verifiedCategory: 'DIBAO',
    certificateNo: '民低保字第2027-0001号',
    calculation: {
      eligibleBase: '30000.00',
      reliefAmount,
      outpatientReliefAmount: '0.00',
      inpatientReliefAmount: reliefAmount,
      ratio: '0.80',
      annualCapRemaining: '150000.00',
      personalBurdenAfter: '6000.00',
      lines: [],
    },
    ...meta(CASEWORKER_USER),
  };
}

function review(
  decision: 'AGREE' | 'RETURN',
  attendees: string[] = ATTENDEES,
): ReliefApplicationV2Event {
  return {
    type: 'RECORD_COLLECTIVE_REVIEW',
    meetingDate: '2027-01-08',
    minutesRef: '局务会议纪要〔2027〕1号',
    attendees,
    decision,
    comment: decision === 'AGREE' ? '同意拟定金额' : '金额偏高，重新核定',
    ...meta(MANAGER_USER),
  };
}

function send(snapshot: Snapshot, ...events: ReliefApplicationV2Event[]): Snapshot {
  return events.reduce((s, e) => transition(reliefApplicationV2Machine, s, e)[0], snapshot);
}

/** A case in amount review whose computed relief is `reliefAmount`. */
function inAmountReview(reliefAmount: string, threshold = '20000.00'): Snapshot {
  const snapshot = send(
    initialTransition(reliefApplicationV2Machine, input(threshold))[0],
    { type: 'ACCEPT', ...meta(CASEWORKER_USER) },
    verify(reliefAmount),
  );
  expect(snapshot.value).toBe('amount_review');
  return snapshot;
}

const propose = (amount?: string, reason?: string): ReliefApplicationV2Event => ({
  type: 'PROPOSE',
  ...(amount !== undefined ? { amount } : {}),
  ...(reason !== undefined ? { reason } : {}),
  ...meta(CASEWORKER_USER),
});

describe('relief-application machine, version 2 (集体审议)', () => {
  it('should keep the opening threshold in the context, with no meeting yet', () => {
    const [snapshot] = initialTransition(reliefApplicationV2Machine, input('15000.50'));
    expect(snapshot.value).toBe('submitted');
    expect(snapshot.context.collectiveReviewAbove).toBe('15000.50');
    expect(snapshot.context.collectiveReviews).toEqual([]);
  });

  it('should send a proposal above the threshold to collective review, then approval on AGREE, and pay', () => {
    const proposed = send(inAmountReview('24000.00'), propose());
    expect(proposed.value).toBe('collective_review');
    expect(proposed.context.proposedAmount).toBe('24000.00');

    const agreed = send(proposed, review('AGREE'));
    expect(agreed.value).toBe('approval');
    expect(agreed.context.collectiveReviews).toEqual([
      {
        meetingDate: '2027-01-08',
        minutesRef: '局务会议纪要〔2027〕1号',
        attendees: ATTENDEES,
        decision: 'AGREE',
        comment: '同意拟定金额',
        proposedAmount: '24000.00',
        by: MANAGER_USER,
        at: expect.any(String),
      },
    ]);
    expect(agreed.context.proposedAmount).toBe('24000.00');

    const paid = send(
      agreed,
      { type: 'APPROVE', ...meta(MANAGER_USER) },
      { type: 'DEADLINE_PUBLICITY', ...meta(SYSTEM_ACTOR) },
      { type: 'RECORD_PAYMENT', amount: '24000.00', reference: 'PAY-2027-1', ...meta('u-cw') },
    );
    expect(paid.value).toBe('paid');
    expect(paid.context.approvedAmount).toBe('24000.00');
  });

  it('should send the proposal back to amount review on RETURN, clearing it, and review the new one again', () => {
    const returned = send(inAmountReview('24000.00'), propose(), review('RETURN'));
    expect(returned.value).toBe('amount_review');
    expect(returned.context.proposedAmount).toBeUndefined();
    expect(returned.context.collectiveReviews).toHaveLength(1);
    expect(returned.context.collectiveReviews?.[0]).toMatchObject({
      decision: 'RETURN',
      proposedAmount: '24000.00',
    });

    // 20000.01 is still above 20000.00: another meeting.
    const again = send(returned, propose('20000.01', '扣除重复票据'));
    expect(again.value).toBe('collective_review');
    // Exactly the threshold is not above it: straight to approval.
    const atThreshold = send(returned, propose('20000.00', '扣除重复票据'));
    expect(atThreshold.value).toBe('approval');
  });

  it('should go straight to approval below or at the threshold, like version 1', () => {
    expect(send(inAmountReview('19999.99'), propose()).value).toBe('approval');
    expect(send(inAmountReview('20000.00'), propose()).value).toBe('approval');
    expect(send(inAmountReview('20000.01'), propose()).value).toBe('collective_review');
  });

  it('should route by the case own threshold, not a number in code', () => {
    expect(send(inAmountReview('12000.00', '10000.00'), propose()).value).toBe('collective_review');
    expect(send(inAmountReview('24000.00', '30000.00'), propose()).value).toBe('approval');
  });

  it('should refuse a meeting with fewer than three different attendees', () => {
    const proposed = send(inAmountReview('24000.00'), propose());
    const thin = review('AGREE', ['u-manager-1', 'u-manager-2', 'u-manager-1']);
    expect(proposed.can(thin)).toBe(false);
    expect(send(proposed, thin).value).toBe('collective_review');
    expect(collectiveReviewRefusals({ attendees: ['a', 'b', 'a'] })).toEqual([
      { field: 'attendees', message: 'a collective review needs at least 3 different attendees' },
    ]);
    expect(collectiveReviewRefusals({ attendees: ['a', 'b', 'c'] })).toEqual([]);
  });

  it('should still refuse an unjustified proposal above the threshold (proposalJustified first)', () => {
    const snapshot = inAmountReview('24000.00');
    const other = propose('26000.00');
    expect(snapshot.can(other)).toBe(false);
    expect(send(snapshot, other).value).toBe('amount_review');
  });

  it('should compare in cents and send a case without a readable threshold to review', () => {
    expect(needsCollectiveReview({ collectiveReviewAbove: '20000' }, '20000.00')).toBe(false);
    expect(needsCollectiveReview({ collectiveReviewAbove: '20000' }, '20000.01')).toBe(true);
    expect(needsCollectiveReview({}, '1.00')).toBe(true);
  });
});

describe('relief-application workflow, version 2', () => {
  it('should be version 2 of relief-application, beside version 1', () => {
    expect(reliefApplicationV2Workflow.type).toBe(reliefApplicationWorkflow.type);
    expect(reliefApplicationV2Workflow.version).toBe(2);
    expect(reliefApplicationWorkflow.version).toBe(1);
  });

  it('should add exactly the collective review to version 1', () => {
    const v1 = Object.keys(reliefApplicationWorkflow.machine.config.states ?? {});
    const v2 = Object.keys(reliefApplicationV2Workflow.machine.config.states ?? {});
    expect(v2.filter((s) => !v1.includes(s))).toEqual(['collective_review']);
    expect(v1.filter((s) => !v2.includes(s))).toEqual([]);
    expect(reliefApplicationV2Workflow.permissions.collective_review).toEqual({
      RECORD_COLLECTIVE_REVIEW: { roles: ['MANAGER'] },
    });
    expect(reliefApplicationV2Workflow.deadlines.collective_review).toEqual({
      onExpire: 'overdue',
    });
    expect(reliefApplicationV2Workflow.stateLabels?.collective_review).toBe('集体审议中');
    expect(reliefApplicationV2Workflow.eventLabels?.RECORD_COLLECTIVE_REVIEW).toBe('登记集体审议');
  });
});

describe('relief-application version 1 -> 2 state mapping', () => {
  const statesOf = (config: { states?: Record<string, unknown> }): string[] =>
    Object.keys(config.states ?? {});

  it('should be total over version 1: every state maps or is blocked, nothing else is listed', () => {
    expect(Object.keys(RELIEF_V1_TO_V2_STATES).sort()).toEqual(
      statesOf(reliefApplicationWorkflow.machine.config).sort(),
    );
  });

  it('should map only to states version 2 has, and block the closed ones and approval', () => {
    const v2 = statesOf(reliefApplicationV2Workflow.machine.config);
    const targets = Object.values(RELIEF_V1_TO_V2_STATES).flatMap((m) => ('to' in m ? [m.to] : []));
    expect(targets.filter((s) => !v2.includes(s))).toEqual([]);
    const blocked = Object.entries(RELIEF_V1_TO_V2_STATES)
      .filter(([, m]) => 'blocked' in m)
      .map(([s]) => s);
    expect(blocked).toEqual(['start', 'approval', 'paid', 'rejected', 'withdrawn']);
  });
});
