import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  proposalRefusals,
  reliefApplicationMachine,
  reliefApplicationWorkflow,
  type ReliefApplicationEvent,
  type ReliefApplicationInput,
  type ReliefCalculationRecord,
  type ReliefExpenseLine,
} from './relief-application.machine';
import { deadlineEventName, SYSTEM_ACTOR } from './workflow-definition';

type Snapshot = SnapshotFrom<typeof reliefApplicationMachine>;
type Payload<T extends ReliefApplicationEvent['type']> = Omit<
  Extract<ReliefApplicationEvent, { type: T }>,
  'type' | 'actor' | 'at'
>;

// ---------------------------------------------------------------- factories

const STREET_USER = 'u-street-1';
const CASEWORKER_USER = 'u-caseworker-1';
const MANAGER_USER = 'u-manager-1';

let clock = 0;
/** A fresh, increasing ISO time for each event, so the trail's `at` values are distinguishable. */
function nextAt(): string {
  clock += 1;
  return new Date(Date.UTC(2026, 3, 1, 8, 0, clock)).toISOString();
}

function expense(overrides: Partial<ReliefExpenseLine> = {}): ReliefExpenseLine {
  return {
    kind: 'INPATIENT',
    institution: '杭州市西溪医院',
    date: '2026-03-02',
    totalCost: '52000.00',
    inPolicyCost: '50000.00',
    basicInsurancePaid: '30000.00',
    criticalIllnessPaid: '5000.00',
    otherInsurancePaid: '0.00',
    ...overrides,
  };
}

function applicationInput(overrides: Partial<ReliefApplicationInput> = {}): ReliefApplicationInput {
  return {
    applicant: {
      name: '张三',
      idNumber: '11010519491231002X',
      phone: '13812345678',
      category: 'DIBAO',
      insuranceType: 'RESIDENT',
    },
    streetCode: '330106001',
    year: 2026,
    expenses: [expense()],
    origin: 'APPLICATION',
    ...overrides,
  };
}

function outreachInput(): ReliefApplicationInput {
  return applicationInput({
    expenses: [],
    origin: 'OUTREACH',
    monitoring: {
      rule: 'RELIEF_CATEGORY_BURDEN',
      year: 2026,
      burden: '6200.00',
      threshold: '5000.00',
    },
  });
}

/** What the VERIFY hook adds: 80% of (50000 − 30000 − 5000) for DIBAO. */
function calculation(reliefAmount = '12000.00'): ReliefCalculationRecord {
  return {
    eligibleBase: '15000.00',
    reliefAmount,
    outpatientReliefAmount: '0.00',
    inpatientReliefAmount: reliefAmount,
    ratio: '0.80',
    annualCapRemaining: '150000.00',
    personalBurdenAfter: '3000.00',
    lines: [],
  };
}

/** An event as the engine sends it: the payload plus `actor` and `at`. */
function ev<T extends ReliefApplicationEvent['type']>(
  type: T,
  actor: string,
  ...payload: keyof Payload<T> extends never ? [] : [Payload<T>]
): ReliefApplicationEvent {
  return { type, ...(payload[0] ?? {}), actor, at: nextAt() } as ReliefApplicationEvent;
}

const verify = (overrides: Partial<Payload<'VERIFY'>> = {}): ReliefApplicationEvent =>
  ev('VERIFY', CASEWORKER_USER, {
    verifiedCategory: 'DIBAO',
    certificateNo: '民低保字第2026-0001号',
    calculation: calculation(),
    policyVersion: '2026.1',
    ...overrides,
  });

function start(input: ReliefApplicationInput = applicationInput()): Snapshot {
  return initialTransition(reliefApplicationMachine, input)[0];
}

function send(snapshot: Snapshot, ...events: ReliefApplicationEvent[]): Snapshot {
  return events.reduce((s, e) => transition(reliefApplicationMachine, s, e)[0], snapshot);
}

/** A case walked to `state` along the usual path. */
function caseIn(
  state:
    | 'submitted'
    | 'eligibility_review'
    | 'amount_review'
    | 'approval'
    | 'publicity'
    | 'disbursement',
): Snapshot {
  const steps: ReliefApplicationEvent[] = [];
  const order = ['eligibility_review', 'amount_review', 'approval', 'publicity', 'disbursement'];
  const make = [
    () => ev('ACCEPT', CASEWORKER_USER),
    () => verify(),
    () => ev('PROPOSE', CASEWORKER_USER, {}),
    () => ev('APPROVE', MANAGER_USER),
    () => ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {}),
  ];
  for (let i = 0; i <= order.indexOf(state); i++) {
    steps.push(make[i]());
  }
  const snapshot = send(start(), ...steps);
  expect(snapshot.value).toBe(state);
  return snapshot;
}

/** The pure step refused the event: same state, same context (the engine answers 422). */
function expectRefused(snapshot: Snapshot, event: ReliefApplicationEvent): void {
  expect(snapshot.can(event)).toBe(false);
  const [next] = transition(reliefApplicationMachine, snapshot, event);
  expect(next.value).toBe(snapshot.value);
  expect(next.context).toEqual(snapshot.context);
}

// ---------------------------------------------------------------- the machine

describe('relief-application machine', () => {
  describe('opening a case', () => {
    it('should settle an application in submitted within initialTransition', () => {
      const input = applicationInput();
      const snapshot = start(input);
      expect(snapshot.value).toBe('submitted');
      expect(snapshot.status).toBe('active');
      expect(snapshot.context).toEqual({
        applicant: input.applicant,
        streetCode: '330106001',
        year: 2026,
        origin: 'APPLICATION',
        expenses: input.expenses,
        supplementRequests: [],
        supplements: [],
        returns: [],
        objections: [],
      });
      expect(Object.keys(snapshot.context)).not.toContain('monitoring');
    });

    it('should open a proactive case from the early-warning run in outreach', () => {
      const input = outreachInput();
      const snapshot = start(input);
      expect(snapshot.value).toBe('outreach');
      expect(snapshot.context.origin).toBe('OUTREACH');
      expect(snapshot.context.monitoring).toEqual(input.monitoring);
      expect(snapshot.context.expenses).toEqual([]);
    });

    it('should keep plain JSON in the context (the engine persists it as data)', () => {
      const snapshot = send(
        caseIn('disbursement'),
        ev('RECORD_PAYMENT', CASEWORKER_USER, { amount: '12000.00', reference: 'B-1' }),
      );
      expect(JSON.parse(JSON.stringify(snapshot.context))).toEqual(snapshot.context);
    });
  });

  describe('the happy path', () => {
    it('should walk an application to paid and keep the whole decision trail', () => {
      const input = applicationInput();
      const accept = ev('ACCEPT', CASEWORKER_USER);
      const verifyEvent = verify();
      const propose = ev('PROPOSE', CASEWORKER_USER, {});
      const approve = ev('APPROVE', MANAGER_USER);
      const publicityEnds = ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {
        deadline: 'publicity',
        dueAt: '2026-04-09T16:00:00.000Z',
        entrySeq: 5,
      });
      const pay = ev('RECORD_PAYMENT', CASEWORKER_USER, {
        amount: '12000.00',
        reference: 'BANK-2026-000123',
      });

      const states: unknown[] = [];
      let snapshot = start(input);
      for (const event of [accept, verifyEvent, propose, approve, publicityEnds, pay]) {
        snapshot = send(snapshot, event);
        states.push(snapshot.value);
      }

      expect(states).toEqual([
        'eligibility_review',
        'amount_review',
        'approval',
        'publicity',
        'disbursement',
        'paid',
      ]);
      expect(snapshot.status).toBe('done');
      expect(snapshot.context).toEqual({
        applicant: input.applicant,
        streetCode: '330106001',
        year: 2026,
        origin: 'APPLICATION',
        expenses: input.expenses,
        supplementRequests: [],
        supplements: [],
        acceptance: { by: CASEWORKER_USER, at: accept.at },
        verification: {
          verifiedCategory: 'DIBAO',
          certificateNo: '民低保字第2026-0001号',
          policyVersion: '2026.1',
          by: CASEWORKER_USER,
          at: verifyEvent.at,
        },
        calculation: calculation(),
        proposedAmount: '12000.00',
        proposedBy: CASEWORKER_USER,
        proposedAt: propose.at,
        returns: [],
        approvedAmount: '12000.00',
        approvedBy: MANAGER_USER,
        approvedAt: approve.at,
        objections: [],
        payment: {
          amount: '12000.00',
          reference: 'BANK-2026-000123',
          by: CASEWORKER_USER,
          at: pay.at,
        },
      });
    });

    it('should record recognition details when an ILLNESS_POVERTY person is verified', () => {
      const snapshot = send(
        caseIn('eligibility_review'),
        verify({
          verifiedCategory: 'ILLNESS_POVERTY',
          recognisedAs: 'DIBIAN',
          recognitionDate: '2026-02-01',
        }),
      );
      expect(snapshot.value).toBe('amount_review');
      expect(snapshot.context.verification).toMatchObject({
        verifiedCategory: 'ILLNESS_POVERTY',
        recognisedAs: 'DIBIAN',
        recognitionDate: '2026-02-01',
      });
    });
  });

  describe('outreach (主动发现)', () => {
    it('should move to submitted when the street office submits the expenses', () => {
      const expenses = [expense(), expense({ kind: 'OUTPATIENT', date: '2026-03-20' })];
      const submit = ev('SUBMIT', STREET_USER, { expenses });
      const snapshot = send(start(outreachInput()), submit);
      expect(snapshot.value).toBe('submitted');
      expect(snapshot.context.expenses).toEqual(expenses);
      expect(snapshot.context.submission).toEqual({ by: STREET_USER, at: submit.at });
    });

    it('should end as withdrawn, not abandoned, when the street office declines', () => {
      const decline = ev('DECLINE', STREET_USER, { reason: '本人拒绝申请' });
      const snapshot = send(start(outreachInput()), decline);
      expect(snapshot.value).toBe('withdrawn');
      expect(snapshot.status).toBe('done');
      expect(snapshot.context.withdrawal).toEqual({
        reason: '本人拒绝申请',
        abandoned: false,
        stage: 'outreach',
        by: STREET_USER,
        at: decline.at,
      });
    });
  });

  describe('supplements (补正)', () => {
    it('should loop through awaiting_supplement and keep every request and answer', () => {
      const first = ev('REQUEST_SUPPLEMENT', CASEWORKER_USER, {
        items: ['低保证复印件', '住院发票'],
      });
      const corrected = [expense({ inPolicyCost: '48000.00' })];
      const answer = ev('SUPPLEMENT', STREET_USER, { expenses: corrected, note: '已补交' });
      const second = ev('REQUEST_SUPPLEMENT', CASEWORKER_USER, { items: ['出院小结'] });
      const noteOnly = ev('SUPPLEMENT', STREET_USER, { note: '出院小结已上传' });

      let snapshot = send(start(), first);
      expect(snapshot.value).toBe('awaiting_supplement');
      snapshot = send(snapshot, answer);
      expect(snapshot.value).toBe('submitted');
      expect(snapshot.context.expenses).toEqual(corrected);
      snapshot = send(snapshot, second, noteOnly);
      expect(snapshot.value).toBe('submitted');
      expect(snapshot.context.expenses).toEqual(corrected);

      expect(snapshot.context.supplementRequests).toEqual([
        { items: ['低保证复印件', '住院发票'], by: CASEWORKER_USER, at: first.at },
        { items: ['出院小结'], by: CASEWORKER_USER, at: second.at },
      ]);
      expect(snapshot.context.supplements).toEqual([
        { note: '已补交', expensesReplaced: true, by: STREET_USER, at: answer.at },
        { note: '出院小结已上传', expensesReplaced: false, by: STREET_USER, at: noteOnly.at },
      ]);
      expect(send(snapshot, ev('ACCEPT', CASEWORKER_USER)).value).toBe('eligibility_review');
    });

    it('should treat a passed supplement deadline as abandoned (视为放弃)', () => {
      const expire = ev('DEADLINE_AWAITING_SUPPLEMENT', SYSTEM_ACTOR, {});
      const snapshot = send(
        start(),
        ev('REQUEST_SUPPLEMENT', CASEWORKER_USER, { items: ['发票'] }),
        expire,
      );
      expect(snapshot.value).toBe('withdrawn');
      expect(snapshot.status).toBe('done');
      expect(snapshot.context.withdrawal).toEqual({
        reason: 'supplement deadline passed',
        abandoned: true,
        stage: 'awaiting_supplement',
        by: SYSTEM_ACTOR,
        at: expire.at,
      });
    });

    it.each(['submitted', 'awaiting_supplement'] as const)(
      'should let the street office withdraw from %s',
      (stage) => {
        const before =
          stage === 'submitted'
            ? start()
            : send(start(), ev('REQUEST_SUPPLEMENT', CASEWORKER_USER, { items: ['x'] }));
        const withdraw = ev('WITHDRAW', STREET_USER, {});
        const snapshot = send(before, withdraw);
        expect(snapshot.value).toBe('withdrawn');
        expect(snapshot.context.withdrawal).toEqual({
          abandoned: false,
          stage,
          by: STREET_USER,
          at: withdraw.at,
        });
      },
    );
  });

  describe('rejections', () => {
    it.each(['submitted', 'eligibility_review', 'amount_review', 'approval'] as const)(
      'should reject from %s and record reason, actor, time and stage',
      (stage) => {
        const actor = stage === 'approval' ? MANAGER_USER : CASEWORKER_USER;
        const reject = ev('REJECT', actor, { reason: '不符合救助条件' });
        const snapshot = send(caseIn(stage), reject);
        expect(snapshot.value).toBe('rejected');
        expect(snapshot.status).toBe('done');
        expect(snapshot.context.rejection).toEqual({
          reason: '不符合救助条件',
          stage,
          by: actor,
          at: reject.at,
        });
      },
    );
  });

  describe('approval returns', () => {
    it('should send the proposal back to amount_review and keep it in the returns', () => {
      const back = ev('RETURN', MANAGER_USER, { comment: '请核对门诊费用' });
      let snapshot = send(caseIn('approval'), back);
      expect(snapshot.value).toBe('amount_review');
      expect(snapshot.context.returns).toEqual([
        { comment: '请核对门诊费用', proposedAmount: '12000.00', by: MANAGER_USER, at: back.at },
      ]);
      expect(snapshot.context.proposedAmount).toBeUndefined();
      expect(snapshot.context.proposedBy).toBeUndefined();

      snapshot = send(
        snapshot,
        ev('PROPOSE', CASEWORKER_USER, { amount: '11500', reason: '一张门诊发票重复' }),
        ev('APPROVE', MANAGER_USER),
      );
      expect(snapshot.value).toBe('publicity');
      expect(snapshot.context.proposalReason).toBe('一张门诊发票重复');
      expect(snapshot.context.approvedAmount).toBe('11500.00');
    });
  });

  describe('publicity (公示) and objections', () => {
    it('should go to disbursement when publicity ends with no objection', () => {
      expect(send(caseIn('publicity'), ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {})).value).toBe(
        'disbursement',
      );
    });

    it('should review an objection and pay when the manager upholds the decision', () => {
      const objection = ev('OBJECTION', STREET_USER, { details: '申请人家庭另有房产' });
      const uphold = ev('UPHOLD', MANAGER_USER, { reason: '经核实无房产' });
      let snapshot = send(caseIn('publicity'), objection);
      expect(snapshot.value).toBe('objection_review');
      snapshot = send(snapshot, uphold);
      expect(snapshot.value).toBe('disbursement');
      expect(snapshot.context.objections).toEqual([
        {
          details: '申请人家庭另有房产',
          by: STREET_USER,
          at: objection.at,
          decision: { outcome: 'UPHELD', reason: '经核实无房产', by: MANAGER_USER, at: uphold.at },
        },
      ]);
      expect(snapshot.context.rejection).toBeUndefined();
    });

    it('should reject the case when the manager revokes the decision', () => {
      const revoke = ev('REVOKE', MANAGER_USER, { reason: '隐瞒家庭财产' });
      const snapshot = send(
        caseIn('publicity'),
        ev('OBJECTION', CASEWORKER_USER, { details: '举报隐瞒财产' }),
        revoke,
      );
      expect(snapshot.value).toBe('rejected');
      expect(snapshot.context.objections[0].decision).toEqual({
        outcome: 'REVOKED',
        reason: '隐瞒家庭财产',
        by: MANAGER_USER,
        at: revoke.at,
      });
      expect(snapshot.context.rejection).toEqual({
        reason: '隐瞒家庭财产',
        stage: 'objection_review',
        by: MANAGER_USER,
        at: revoke.at,
      });
    });
  });

  describe('guards', () => {
    it('should refuse VERIFY with OTHER (isReliefCategory): the caseworker rejects instead', () => {
      expectRefused(caseIn('eligibility_review'), verify({ verifiedCategory: 'OTHER' }));
    });

    it('should refuse a PROPOSE of another amount without a reason (proposalJustified)', () => {
      const snapshot = caseIn('amount_review');
      expectRefused(snapshot, ev('PROPOSE', CASEWORKER_USER, { amount: '11000.00' }));
      expectRefused(
        snapshot,
        ev('PROPOSE', CASEWORKER_USER, { amount: '11000.00', reason: '   ' }),
      );
      expectRefused(
        snapshot,
        ev('PROPOSE', CASEWORKER_USER, { amount: '12,000.00', reason: '格式错误' }),
      );
    });

    it('should accept the computed amount, written any way, without a reason and store two places', () => {
      const snapshot = send(
        caseIn('amount_review'),
        ev('PROPOSE', CASEWORKER_USER, { amount: '12000.0' }),
      );
      expect(snapshot.value).toBe('approval');
      expect(snapshot.context.proposedAmount).toBe('12000.00');
      expect(snapshot.context.proposalReason).toBeUndefined();
    });

    it('should accept another amount with a reason', () => {
      const snapshot = send(
        caseIn('amount_review'),
        ev('PROPOSE', CASEWORKER_USER, { amount: '13000.5', reason: '含急诊转院费用' }),
      );
      expect(snapshot.value).toBe('approval');
      expect(snapshot.context.proposedAmount).toBe('13000.50');
      expect(snapshot.context.proposalReason).toBe('含急诊转院费用');
    });

    describe('paymentMatchesApproval (exact, in cents, no floats)', () => {
      function disbursementOf(approved: string): Snapshot {
        const snapshot = send(
          caseIn('amount_review'),
          ev('PROPOSE', CASEWORKER_USER, { amount: approved, reason: '测试金额' }),
          ev('APPROVE', MANAGER_USER),
          ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {}),
        );
        expect(snapshot.context.approvedAmount).toBe('100.00');
        return snapshot;
      }
      const pay = (amount: string): ReliefApplicationEvent =>
        ev('RECORD_PAYMENT', CASEWORKER_USER, { amount, reference: 'BANK-1' });

      it.each(['100.00', '100.0', '100'])(
        'should accept %s against an approved "100.00"',
        (amount) => {
          const snapshot = send(disbursementOf('100.00'), pay(amount));
          expect(snapshot.value).toBe('paid');
          expect(snapshot.context.payment?.amount).toBe('100.00');
        },
      );

      it.each(['100.01', '99.99', '100.001', '1e2', 'abc', ''])(
        'should refuse %j against an approved "100.00"',
        (amount) => {
          expectRefused(disbursementOf('100.00'), pay(amount));
        },
      );

      it('should compare amounts beyond float precision exactly', () => {
        const snapshot = send(
          caseIn('amount_review'),
          ev('PROPOSE', CASEWORKER_USER, { amount: '90071992547409.93', reason: '大额' }),
          ev('APPROVE', MANAGER_USER),
          ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {}),
        );
        expectRefused(snapshot, pay('90071992547409.92'));
        expect(send(snapshot, pay('90071992547409.93')).value).toBe('paid');
      });
    });
  });

  it('should ignore an event the state does not accept', () => {
    expectRefused(start(), ev('APPROVE', MANAGER_USER));
    expectRefused(
      caseIn('publicity'),
      ev('RECORD_PAYMENT', CASEWORKER_USER, { amount: '12000.00', reference: 'X' }),
    );
  });
});

// ---------------------------------------------------------------- the definition

/** docs/domain.md §7 relief-application: every state with a deadline, and what its expiry does. */
const DOMAIN_DEADLINES = {
  outreach: 'overdue',
  submitted: 'overdue',
  awaiting_supplement: 'DEADLINE_AWAITING_SUPPLEMENT',
  eligibility_review: 'overdue',
  amount_review: 'overdue',
  approval: 'overdue',
  publicity: 'DEADLINE_PUBLICITY',
  objection_review: 'overdue',
  disbursement: 'overdue',
} as const;

/** Non-final states without a deadline, and why. */
const NO_DEADLINE_BECAUSE: Record<string, string> = {
  start: 'transient: left inside initialTransition, never persisted',
};

const FINAL_STATES = ['paid', 'rejected', 'withdrawn'];

interface NodeLike {
  type: string;
  on: Record<string, unknown>;
  always?: unknown;
}
const nodes = reliefApplicationMachine.root.states as Record<string, NodeLike>;
const allStates = Object.keys(nodes);
const eventsOf = (state: string): string[] => Object.keys(nodes[state].on);

describe('relief-application workflow definition', () => {
  const { permissions, deadlines } = reliefApplicationWorkflow;

  it('should be relief-application version 1', () => {
    expect(reliefApplicationWorkflow.type).toBe('relief-application');
    expect(reliefApplicationWorkflow.version).toBe(1);
    expect(reliefApplicationWorkflow.title).toBe('医疗救助申请 Medical-relief application');
    expect(reliefApplicationWorkflow.machine).toBe(reliefApplicationMachine);
  });

  it('should have exactly the states of docs/domain.md §7 plus the transient start', () => {
    expect(allStates.sort()).toEqual(
      [...Object.keys(DOMAIN_DEADLINES), ...FINAL_STATES, 'start'].sort(),
    );
    expect(allStates.filter((s) => nodes[s].type === 'final').sort()).toEqual(FINAL_STATES);
    expect(nodes.start.always).toBeDefined();
    expect(eventsOf('start')).toEqual([]);
  });

  it('should give a permission to exactly the events each state handles', () => {
    for (const state of Object.keys(permissions)) {
      expect(allStates).toContain(state);
      expect(Object.keys(permissions[state]).sort()).toEqual(eventsOf(state).sort());
    }
    for (const state of allStates.filter((s) => eventsOf(s).length > 0)) {
      expect(Object.keys(permissions)).toContain(state);
    }
  });

  it('should follow the roles of the docs/domain.md §7 table', () => {
    const rolesOf = (state: string, event: string) => permissions[state][event].roles;
    expect(rolesOf('outreach', 'SUBMIT')).toEqual(['STREET_OFFICE']);
    expect(rolesOf('submitted', 'ACCEPT')).toEqual(['CASEWORKER']);
    expect(rolesOf('submitted', 'WITHDRAW')).toEqual(['STREET_OFFICE']);
    expect(rolesOf('awaiting_supplement', 'SUPPLEMENT')).toEqual(['STREET_OFFICE']);
    expect(rolesOf('eligibility_review', 'VERIFY')).toEqual(['CASEWORKER']);
    expect(rolesOf('amount_review', 'PROPOSE')).toEqual(['CASEWORKER']);
    for (const event of ['APPROVE', 'RETURN', 'REJECT']) {
      expect(rolesOf('approval', event)).toEqual(['MANAGER']);
    }
    expect([...rolesOf('publicity', 'OBJECTION')].sort()).toEqual(['CASEWORKER', 'STREET_OFFICE']);
    expect(rolesOf('objection_review', 'UPHOLD')).toEqual(['MANAGER']);
    expect(rolesOf('objection_review', 'REVOKE')).toEqual(['MANAGER']);
    expect(rolesOf('disbursement', 'RECORD_PAYMENT')).toEqual(['CASEWORKER']);
  });

  it('should declare the deadlines of the docs/domain.md §7 table', () => {
    expect(Object.keys(deadlines).sort()).toEqual(Object.keys(DOMAIN_DEADLINES).sort());
    for (const [state, expected] of Object.entries(DOMAIN_DEADLINES)) {
      const { onExpire } = deadlines[state];
      expect(onExpire === 'overdue' ? 'overdue' : onExpire.event).toBe(expected);
      if (onExpire !== 'overdue') {
        expect(onExpire.event).toBe(deadlineEventName(state));
        expect(eventsOf(state)).toContain(onExpire.event);
      }
    }
  });

  it('should pause the SLA clock only while waiting on the applicant', () => {
    const paused = Object.entries(deadlines)
      .filter(([, d]) => d.pausesSla === true)
      .map(([state]) => state);
    expect(paused).toEqual(['awaiting_supplement']);
  });

  it('should give every non-final state a deadline or a reason not to', () => {
    for (const state of allStates.filter((s) => nodes[s].type !== 'final')) {
      expect(deadlines[state] !== undefined || NO_DEADLINE_BECAUSE[state] !== undefined).toBe(true);
    }
    for (const state of Object.keys(NO_DEADLINE_BECAUSE)) {
      expect(deadlines[state]).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------- graph

describe('relief-application reachability (xstate/graph)', () => {
  /** One of each event, guard-passing variants first; the approved amount on every path is 12000.00. */
  const sampleEvents: ReliefApplicationEvent[] = [
    { type: 'SUBMIT', expenses: [expense()], actor: STREET_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'DECLINE', reason: '本人拒绝', actor: STREET_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'ACCEPT', actor: CASEWORKER_USER, at: '2026-04-01T00:00:00.000Z' },
    {
      type: 'REQUEST_SUPPLEMENT',
      items: ['发票'],
      actor: CASEWORKER_USER,
      at: '2026-04-01T00:00:00.000Z',
    },
    { type: 'REJECT', reason: '不符合', actor: CASEWORKER_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'WITHDRAW', actor: STREET_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'SUPPLEMENT', note: '已补', actor: STREET_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'DEADLINE_AWAITING_SUPPLEMENT', actor: SYSTEM_ACTOR, at: '2026-04-01T00:00:00.000Z' },
    {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: 'C-1',
      calculation: calculation(),
      actor: CASEWORKER_USER,
      at: '2026-04-01T00:00:00.000Z',
    },
    {
      type: 'VERIFY',
      verifiedCategory: 'OTHER',
      certificateNo: 'C-2',
      calculation: calculation(),
      actor: CASEWORKER_USER,
      at: '2026-04-01T00:00:00.000Z',
    },
    { type: 'PROPOSE', actor: CASEWORKER_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'APPROVE', actor: MANAGER_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'RETURN', comment: '请核对', actor: MANAGER_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'OBJECTION', details: '有异议', actor: STREET_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'DEADLINE_PUBLICITY', actor: SYSTEM_ACTOR, at: '2026-04-01T00:00:00.000Z' },
    { type: 'UPHOLD', actor: MANAGER_USER, at: '2026-04-01T00:00:00.000Z' },
    { type: 'REVOKE', reason: '撤销', actor: MANAGER_USER, at: '2026-04-01T00:00:00.000Z' },
    {
      type: 'RECORD_PAYMENT',
      amount: '12000.00',
      reference: 'B-1',
      actor: CASEWORKER_USER,
      at: '2026-04-01T00:00:00.000Z',
    },
  ];
  // The context grows on every loop (supplements, returns): states are told apart by value only.
  const byValue = (snapshot: Snapshot): string => JSON.stringify(snapshot.value);
  const persistable = allStates.filter((s) => s !== 'start');

  function reachedFrom(input: ReliefApplicationInput): Set<string> {
    const paths = getShortestPaths(reliefApplicationMachine, {
      input,
      events: sampleEvents,
      serializeState: byValue,
    });
    return new Set(paths.map((p) => p.state.value as string));
  }

  it('should reach every state from an outreach case, and all but outreach from an application', () => {
    expect([...reachedFrom(outreachInput())].sort()).toEqual([...persistable].sort());
    expect([...reachedFrom(applicationInput())].sort()).toEqual(
      persistable.filter((s) => s !== 'outreach').sort(),
    );
  });

  it('should let every reachable state end in a final state, each final state being reachable', () => {
    const paths = getSimplePaths(reliefApplicationMachine, {
      input: outreachInput(),
      events: sampleEvents,
      serializeState: byValue,
      toState: (snapshot) => snapshot.status === 'done',
    });
    const onWayToFinal = new Set<string>();
    const finals = new Set<string>();
    for (const path of paths) {
      finals.add(path.state.value);
      for (const step of path.steps) {
        onWayToFinal.add(step.state.value);
      }
    }
    expect([...finals].sort()).toEqual(FINAL_STATES);
    // No dead end: every persistable state lies on some path that ends in a final state.
    expect([...onWayToFinal].sort()).toEqual([...persistable].sort());
  });

  it('should never persist the transient start state', () => {
    const paths = getShortestPaths(reliefApplicationMachine, {
      input: applicationInput(),
      events: sampleEvents,
      serializeState: byValue,
    });
    expect(paths.every((p) => p.steps.every((step) => step.state.value !== 'start'))).toBe(true);
  });
});

describe('relief-application refusals named for the 422', () => {
  it('should name reason when the amount differs from the computed relief and none is given', () => {
    const context = { calculation: calculation('12000.00') };
    expect(proposalRefusals(context, {})).toEqual([]);
    expect(proposalRefusals(context, { amount: '12000.0' })).toEqual([]);
    expect(proposalRefusals(context, { amount: '100.00', reason: '家庭另有收入' })).toEqual([]);
    expect(proposalRefusals(context, { amount: '100.00' }).map((e) => e.field)).toEqual(['reason']);
    expect(proposalRefusals(context, { amount: '100.00', reason: '  ' })[0].message).toContain(
      '12000.00',
    );
    expect(proposalRefusals({}, {}).map((e) => e.field)).toEqual(['amount']);
  });
});
