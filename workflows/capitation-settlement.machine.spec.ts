import { createActor, initialTransition, transition, type SnapshotFrom } from 'xstate';
import {
  capitationReconciliationMachine,
  capitationReconciliationWorkflow,
  type CapitationReconciliationEvent,
  type CapitationReconciliationInput,
  type ReconciliationFigures,
} from './capitation-reconciliation.machine';
import {
  capitationSettlementMachine,
  capitationSettlementWorkflow,
  type CapitationSettlementEvent,
  type CapitationSettlementInput,
  type SettlementFigures,
} from './capitation-settlement.machine';
import { deadlineEventName } from './workflow-definition';

const AT = '2026-04-01T08:00:00.000Z';
const meta = (actor: string) => ({ actor, at: AT });

function figures(total: string): SettlementFigures {
  return {
    daysInMonth: 31,
    fullMonthPersons: 3,
    proRataPersons: 0,
    personDays: 93,
    personMonths: '3.0000',
    rate: { baseCapitation: '48.00', fundSignUpFee: '12.00', policyVersion: '2026.1' },
    baseCapitation: '12.00',
    fundSignUpFee: '3.00',
    lines: [],
    total,
    computedAt: AT,
  };
}

const settlementInput: CapitationSettlementInput = {
  institutionCode: 'P330106001',
  institutionName: '北山街道社区卫生服务中心',
  year: 2026,
  month: 3,
  openedBy: 'SCHEDULER',
  figures: figures('15.00'),
};

type SettlementSnapshot = SnapshotFrom<typeof capitationSettlementMachine>;

function settle(events: CapitationSettlementEvent[]): SettlementSnapshot {
  let [snapshot] = initialTransition(capitationSettlementMachine, settlementInput);
  for (const event of events) {
    [snapshot] = transition(capitationSettlementMachine, snapshot, event);
  }
  return snapshot;
}

describe('capitation-settlement machine', () => {
  it('should open in computed with the month’s figures', () => {
    const s = settle([]);
    expect(s.value).toBe('computed');
    expect(s.context).toMatchObject({ month: 3, figures: { total: '15.00' }, reviews: [] });
  });

  it('should go computed → approval → publicity → disbursement → paid with the approved total', () => {
    const s = settle([
      { type: 'REVIEW', comment: '签约名单已核对', ...meta('cw') },
      { type: 'APPROVE', ...meta('mgr') },
      { type: 'DEADLINE_PUBLICITY', ...meta('system') },
      { type: 'RECORD_PAYMENT', amount: '15', reference: 'BANK-1', ...meta('cw2') },
    ]);
    expect(s.value).toBe('paid');
    expect(s.status).toBe('done');
    expect(s.context).toMatchObject({
      approvedAmount: '15.00',
      approval: { by: 'mgr' },
      reviews: [{ by: 'cw', comment: '签约名单已核对' }],
      payment: { amount: '15.00', reference: 'BANK-1', by: 'cw2' },
    });
  });

  it('should recompute on RETURN: the figures are replaced and the old total kept in the return', () => {
    const s = settle([
      { type: 'REVIEW', ...meta('cw') },
      { type: 'RETURN', comment: '漏计两名签约居民', figures: figures('20.00'), ...meta('mgr') },
    ]);
    expect(s.value).toBe('computed');
    expect(s.context.figures.total).toBe('20.00');
    expect(s.context.returns).toEqual([
      { comment: '漏计两名签约居民', total: '15.00', by: 'mgr', at: AT },
    ]);
    const approved = transition(capitationSettlementMachine, s, {
      type: 'REVIEW',
      ...meta('cw'),
    })[0];
    expect(
      transition(capitationSettlementMachine, approved, { type: 'APPROVE', ...meta('mgr') })[0]
        .context.approvedAmount,
    ).toBe('20.00');
  });

  it('should refuse a payment other than the approved total, and name the field', () => {
    const disbursing = settle([
      { type: 'REVIEW', ...meta('cw') },
      { type: 'APPROVE', ...meta('mgr') },
      { type: 'DEADLINE_PUBLICITY', ...meta('system') },
    ]);
    const event = {
      type: 'RECORD_PAYMENT',
      amount: '14.99',
      reference: 'B',
      ...meta('cw'),
    } as const;
    expect(transition(capitationSettlementMachine, disbursing, event)[0].value).toBe(
      'disbursement',
    );
    expect(capitationSettlementWorkflow.explainRefusal?.(disbursing, event)).toEqual([
      { field: 'amount', message: 'must be the approved amount 15.00' },
    ]);
  });

  it('should ignore events the state does not take (no payment before publicity ends)', () => {
    const inPublicity = settle([
      { type: 'REVIEW', ...meta('cw') },
      { type: 'APPROVE', ...meta('mgr') },
    ]);
    const [after] = transition(capitationSettlementMachine, inPublicity, {
      type: 'RECORD_PAYMENT',
      amount: '15.00',
      reference: 'B',
      ...meta('cw'),
    });
    expect(after.value).toBe('publicity');
    expect(settle([{ type: 'APPROVE', ...meta('mgr') }]).value).toBe('computed');
  });

  it('should label every state and event, and let only the service end the publicity', () => {
    const actor = createActor(capitationSettlementMachine, { input: settlementInput });
    expect(Object.keys(capitationSettlementWorkflow.stateLabels ?? {})).toEqual(
      Object.keys(capitationSettlementMachine.root.states),
    );
    actor.stop();
    expect(Object.keys(capitationSettlementWorkflow.eventLabels ?? {}).sort()).toEqual(
      ['APPROVE', 'DEADLINE_PUBLICITY', 'RECORD_PAYMENT', 'RETURN', 'REVIEW'].sort(),
    );
    expect(capitationSettlementWorkflow.permissions.publicity).toEqual({
      [deadlineEventName('publicity')]: { roles: ['system'] },
    });
  });
});

// ---------------------------------------------------------------- reconciliation

function result(
  direction: ReconciliationFigures['direction'],
  amount: string,
): ReconciliationFigures {
  return {
    prepaid: '10000.00',
    spent: direction === 'PAY' ? '13000.00' : '8000.00',
    balance: direction === 'PAY' ? '-3000.00' : '2000.00',
    outcome: direction === 'PAY' ? 'OVERSPEND' : 'SURPLUS',
    score: 85,
    band: { minScore: 80, surplusKept: '0.80', overspendFundShare: '0.30' },
    direction,
    amount,
    steps: [],
    policyVersion: '2026.1',
    computedAt: AT,
  };
}

function reconciliationInput(f: ReconciliationFigures): CapitationReconciliationInput {
  return {
    institutionCode: 'P330106001',
    institutionName: '北山街道社区卫生服务中心',
    year: 2026,
    score: 85,
    indicators: {
      referralRate: 90,
      twoDiseaseManagement: 85,
      signUpService: 80,
      agreementCompliance: 90,
      satisfaction: 85,
      complaints: 80,
    },
    figures: f,
  };
}

function reconcile(
  f: ReconciliationFigures,
  events: CapitationReconciliationEvent[],
): SnapshotFrom<typeof capitationReconciliationMachine> {
  let [snapshot] = initialTransition(capitationReconciliationMachine, reconciliationInput(f));
  for (const event of events) {
    [snapshot] = transition(capitationReconciliationMachine, snapshot, event);
  }
  return snapshot;
}

const toDisbursement: CapitationReconciliationEvent[] = [
  { type: 'REVIEW', ...meta('cw') },
  { type: 'APPROVE', ...meta('mgr') },
  { type: 'DEADLINE_PUBLICITY', ...meta('system') },
];

describe('capitation-reconciliation machine', () => {
  it('should record a recovery of a surplus and settle', () => {
    const disbursing = reconcile(result('RECOVER', '400.00'), toDisbursement);
    expect(disbursing.value).toBe('disbursement');
    const [settled] = transition(capitationReconciliationMachine, disbursing, {
      type: 'RECORD_PAYMENT',
      amount: '400.00',
      reference: 'RECOVERY-1',
      ...meta('cw'),
    });
    expect(settled.value).toBe('settled');
    expect(settled.context.transfer).toMatchObject({ amount: '400.00', direction: 'RECOVER' });
  });

  it('should pay the fund’s share of an overspend, exactly the approved amount', () => {
    const disbursing = reconcile(result('PAY', '900.00'), toDisbursement);
    const wrong = {
      type: 'RECORD_PAYMENT',
      amount: '899.99',
      reference: 'P',
      ...meta('cw'),
    } as const;
    expect(transition(capitationReconciliationMachine, disbursing, wrong)[0].value).toBe(
      'disbursement',
    );
    expect(capitationReconciliationWorkflow.explainRefusal?.(disbursing, wrong)).toEqual([
      { field: 'amount', message: 'must be the approved amount 900.00' },
    ]);
  });

  it('should settle at the end of publicity when nothing moves', () => {
    expect(reconcile(result('NONE', '0.00'), toDisbursement).value).toBe('settled');
  });

  it('should recompute on RETURN', () => {
    const s = reconcile(result('RECOVER', '400.00'), [
      { type: 'REVIEW', ...meta('cw') },
      {
        type: 'RETURN',
        comment: '支出数据有更正',
        figures: result('PAY', '900.00'),
        ...meta('mgr'),
      },
    ]);
    expect(s.value).toBe('computed');
    expect(s.context.figures.direction).toBe('PAY');
    expect(s.context.returns[0]).toMatchObject({ amount: '400.00', direction: 'RECOVER' });
  });
});
