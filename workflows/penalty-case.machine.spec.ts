import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  penaltyCaseMachine,
  penaltyCaseWorkflow,
  type LedgerAmounts,
  type PenaltyCaseEvent,
  type PenaltyCaseInput,
} from './penalty-case.machine';
import type { Sanction, Violation } from './sanctions';
import { CASE_OPENED, deadlineEventName, SYSTEM_ACTOR } from './workflow-definition';

type Snapshot = SnapshotFrom<typeof penaltyCaseMachine>;
type EventType = PenaltyCaseEvent['type'];
type Payload<T extends EventType> = Omit<
  Extract<PenaltyCaseEvent, { type: T }>,
  'type' | 'actor' | 'at'
>;

// ---------------------------------------------------------------- factories

const INSPECTOR_USER = 'u-inspector-1';
const LEGAL_USER = 'u-legal-1';
const CASEWORKER_USER = 'u-caseworker-1';
const MANAGER_USER = 'u-manager-1';

let clock = 0;
/** A fresh, increasing ISO time for each event (June 2026), so the trail's `at` values differ. */
function nextAt(): string {
  clock += 1;
  return new Date(Date.UTC(2026, 5, 1, 8, 0, clock)).toISOString();
}

/** The fine of the usual decision is due at the end of 2026-07-15 (Asia/Shanghai). */
const FINE_DUE_AT = '2026-07-15T15:59:59.999Z';
const AFTER_DUE = '2026-07-16T01:00:00.000Z';

function penaltyInput(overrides: Partial<PenaltyCaseInput> = {}): PenaltyCaseInput {
  return {
    institution: { id: 'inst-1', code: 'H330106001', name: '西湖区某某医院' },
    respondent: 'INSTITUTION',
    source: 'INSPECTION',
    summary: '串换项目、重复收费',
    inspectionCaseId: 'case-inspection-1',
    refusedToCorrect: false,
    findings: [{ article: 38, description: '重复收费', amount: '12000.00' }],
    links: [{ rel: 'inspection', caseId: 'case-inspection-1' }],
    ...overrides,
  };
}

function violation(overrides: Partial<Violation> = {}): Violation {
  return {
    article: 38,
    lossAmount: '12000.00',
    fraudAmount: '0.00',
    description: '重复收费',
    ...overrides,
  };
}

/** The ladder's proposal for an art. 38 loss of 12000: correction, return, a fine 1–2× the loss. */
function proposal(): Sanction[] {
  return [
    { type: 'ORDER_CORRECTION', article: 38, basis: 'art. 38' },
    { type: 'RECOVERY', article: 38, minAmount: '12000.00', maxAmount: '12000.00' },
    { type: 'FINE', article: 38, minAmount: '12000.00', maxAmount: '24000.00' },
  ];
}

/** The usual decision: correction, return 12000, fine 15000. */
function decided(): Sanction[] {
  return [
    { type: 'ORDER_CORRECTION', article: 38 },
    { type: 'RECOVERY', article: 38, amount: '12000.00' },
    { type: 'FINE', article: 38, amount: '15000.00' },
  ];
}

/** An event as the engine sends it: the payload plus `actor` and `at`. */
function ev<T extends EventType>(
  type: T,
  actor: string,
  payload: Payload<T>,
  at: string = nextAt(),
): PenaltyCaseEvent {
  return { type, ...payload, actor, at } as PenaltyCaseEvent;
}

const investigate = (overrides: Partial<Payload<'RECORD_INVESTIGATION'>> = {}): PenaltyCaseEvent =>
  ev('RECORD_INVESTIGATION', INSPECTOR_USER, {
    violations: [violation()],
    proposedSanctions: proposal(),
    ...overrides,
  });

const approve = (sanctions?: Sanction[]): PenaltyCaseEvent =>
  ev('APPROVE_PROPOSAL', LEGAL_USER, sanctions === undefined ? {} : { sanctions });

/** 听证通知 for the day the events happen on (the hook computed the earliest day as that day). */
const schedule = (date = '2026-06-01', earliestDate = date): PenaltyCaseEvent =>
  ev('SCHEDULE_HEARING', LEGAL_USER, { date, presidingOfficerId: 'legal-2', earliestDate });

const noticeEnds = (): PenaltyCaseEvent =>
  ev('DEADLINE_NOTICE', SYSTEM_ACTOR, { deadline: 'notice' });

const decide = (overrides: Partial<Payload<'DECIDE'>> = {}): PenaltyCaseEvent =>
  ev('DECIDE', MANAGER_USER, {
    sanctions: decided(),
    servedAt: '2026-06-30T02:00:00.000Z',
    fineDueAt: FINE_DUE_AT,
    amountsDue: { FINE: '15000.00', RECOVERY: '12000.00' },
    ...overrides,
  });

/** A decision without a fine: return 12000 only. */
const decideRecoveryOnly = (): PenaltyCaseEvent =>
  decide({
    sanctions: [{ type: 'RECOVERY', article: 38, amount: '12000.00' }],
    fineDueAt: undefined,
    amountsDue: { FINE: '0.00', RECOVERY: '12000.00' },
  });

const pay = (
  ledger: 'FINE' | 'RECOVERY',
  amount: string,
  lateFee = '0.00',
  at: string = nextAt(),
): PenaltyCaseEvent =>
  ev(
    'RECORD_PAYMENT',
    CASEWORKER_USER,
    { amount, ledger, reference: `BANK-${ledger}`, lateFee },
    at,
  );

const extend = (reason = '案情复杂, 经负责人批准延长'): PenaltyCaseEvent =>
  ev('EXTEND_DECISION', MANAGER_USER, { reason });

const enforce = (at: string): PenaltyCaseEvent =>
  ev('ENFORCE', LEGAL_USER, { reason: '催告后仍未缴纳' }, at);

function start(input: PenaltyCaseInput = penaltyInput()): Snapshot {
  return initialTransition(penaltyCaseMachine, input)[0];
}

function send(snapshot: Snapshot, ...events: PenaltyCaseEvent[]): Snapshot {
  return events.reduce((s, e) => transition(penaltyCaseMachine, s, e)[0], snapshot);
}

type Walkable = 'legal_review' | 'notice' | 'hearing' | 'decision' | 'execution' | 'referred';

/** A case walked to `state` along the usual path (a hearing only for `hearing`). */
function caseIn(state: Walkable): Snapshot {
  const path: Record<Walkable, () => PenaltyCaseEvent[]> = {
    legal_review: () => [investigate()],
    notice: () => [investigate(), approve()],
    hearing: () => [
      investigate(),
      approve(),
      ev('REQUEST_HEARING', CASEWORKER_USER, { reason: '罚款数额较大', hearingEligible: true }),
    ],
    decision: () => [investigate(), approve(), noticeEnds()],
    execution: () => [investigate(), approve(), noticeEnds(), decide()],
    referred: () => [ev('REFER_POLICE', INSPECTOR_USER, { reason: '涉嫌诈骗医保基金' })],
  };
  const snapshot = send(start(), ...path[state]());
  expect(snapshot.value).toBe(state);
  return snapshot;
}

/** The pure step refused the event: same state, same context (the engine answers 422). */
function expectRefused(snapshot: Snapshot, event: PenaltyCaseEvent): void {
  expect(snapshot.can(event)).toBe(false);
  const [next] = transition(penaltyCaseMachine, snapshot, event);
  expect(next.value).toBe(snapshot.value);
  expect(next.context).toEqual(snapshot.context);
}

/** The effects a step asks the engine for (`emit(...)` comes back as `xstate.emit` actions). */
function emitted(snapshot: Snapshot, event: PenaltyCaseEvent): unknown[] {
  const [, actions] = transition(penaltyCaseMachine, snapshot, event);
  return (actions as ReadonlyArray<{ type: string; params?: { event?: unknown } }>)
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => a.params?.event);
}

const EXTEND_CLOCK = { type: 'engine.extendClock', clock: 'decision' };

// ---------------------------------------------------------------- the machine

describe('penalty-case machine', () => {
  describe('opening a case', () => {
    it('should open in investigation with the input and nothing recorded yet', () => {
      const input = penaltyInput();
      const snapshot = start(input);
      expect(snapshot.value).toBe('investigation');
      expect(snapshot.status).toBe('active');
      expect(snapshot.context).toEqual({
        institution: input.institution,
        respondent: 'INSTITUTION',
        source: 'INSPECTION',
        summary: '串换项目、重复收费',
        inspectionCaseId: 'case-inspection-1',
        refusedToCorrect: false,
        findings: input.findings,
        links: input.links,
        violations: [],
        proposedSanctions: [],
        returns: [],
        statements: [],
        statementMade: false,
        sanctions: [],
        payments: [],
        paid: { FINE: '0.00', RECOVERY: '0.00' },
        lateFee: '0.00',
      });
    });

    it('should leave inspectionCaseId and findings out for a case opened on a complaint', () => {
      const {
        inspectionCaseId: _case,
        findings: _findings,
        ...input
      } = penaltyInput({
        source: 'COMPLAINT',
        respondent: 'INDIVIDUAL',
        links: [],
      });
      const { context } = start(input);
      expect(Object.keys(context)).not.toContain('inspectionCaseId');
      expect(Object.keys(context)).not.toContain('findings');
      expect(context.respondent).toBe('INDIVIDUAL');
      expect(context.source).toBe('COMPLAINT');
    });

    it('should keep refusedToCorrect as given (the ladder reads it for an art. 39 fine)', () => {
      expect(start(penaltyInput({ refusedToCorrect: true })).context.refusedToCorrect).toBe(true);
    });

    it('should keep plain JSON in the context (the engine persists it as data)', () => {
      const snapshot = send(
        caseIn('execution'),
        pay('RECOVERY', '12000.00'),
        pay('FINE', '15000.00'),
      );
      expect(snapshot.value).toBe('closed');
      expect(JSON.parse(JSON.stringify(snapshot.context))).toEqual(snapshot.context);
    });
  });

  describe('the happy path', () => {
    it('should walk a case to closed (PAID) and keep the whole trail', () => {
      const input = penaltyInput();
      const investigation = investigate({
        violations: [violation({ lossAmount: '12000' })],
      });
      const approval = approve();
      const statement = ev('STATEMENT', CASEWORKER_USER, { text: '已主动退回部分费用' });
      const windowEnds = noticeEnds();
      const decision = decide();
      const recovery = pay('RECOVERY', '12000');
      const fine = pay('FINE', '15000.0');

      const states: unknown[] = [];
      let snapshot = start(input);
      for (const event of [
        investigation,
        approval,
        statement,
        windowEnds,
        decision,
        recovery,
        fine,
      ]) {
        snapshot = send(snapshot, event);
        states.push(snapshot.value);
      }

      expect(states).toEqual([
        'legal_review',
        'notice',
        'notice',
        'decision',
        'execution',
        'execution',
        'closed',
      ]);
      expect(snapshot.status).toBe('done');
      expect(snapshot.context).toEqual({
        institution: input.institution,
        respondent: 'INSTITUTION',
        source: 'INSPECTION',
        summary: '串换项目、重复收费',
        inspectionCaseId: 'case-inspection-1',
        refusedToCorrect: false,
        findings: input.findings,
        links: input.links,
        violations: [violation()],
        investigation: { by: INSPECTOR_USER, at: investigation.at },
        proposedSanctions: proposal(),
        returns: [],
        legalApproval: { by: LEGAL_USER, at: approval.at },
        statements: [{ text: '已主动退回部分费用', by: CASEWORKER_USER, at: statement.at }],
        statementMade: true,
        sanctions: decided(),
        decision: {
          servedAt: '2026-06-30T02:00:00.000Z',
          fineDueAt: FINE_DUE_AT,
          amountsDue: { FINE: '15000.00', RECOVERY: '12000.00' },
          by: MANAGER_USER,
          at: decision.at,
        },
        payments: [
          {
            amount: '12000.00',
            ledger: 'RECOVERY',
            reference: 'BANK-RECOVERY',
            lateFee: '0.00',
            by: CASEWORKER_USER,
            at: recovery.at,
          },
          {
            amount: '15000.00',
            ledger: 'FINE',
            reference: 'BANK-FINE',
            lateFee: '0.00',
            by: CASEWORKER_USER,
            at: fine.at,
          },
        ],
        paid: { FINE: '15000.00', RECOVERY: '12000.00' },
        lateFee: '0.00',
        closure: { reason: 'PAID', by: CASEWORKER_USER, at: fine.at },
      });
    });
  });

  describe('investigation', () => {
    it('should record the violations and the ladder proposal, amounts with two places', () => {
      const snapshot = send(
        start(),
        investigate({
          violations: [violation({ lossAmount: '12000.5', fraudAmount: '0' })],
          proposedSanctions: [
            { type: 'FINE', article: 38, minAmount: '12000.5', maxAmount: '24001' },
          ],
        }),
      );
      expect(snapshot.value).toBe('legal_review');
      expect(snapshot.context.violations).toEqual([
        violation({ lossAmount: '12000.50', fraudAmount: '0.00' }),
      ]);
      expect(snapshot.context.proposedSanctions).toEqual([
        { type: 'FINE', article: 38, minAmount: '12000.50', maxAmount: '24001.00' },
      ]);
    });

    it('should refuse an investigation without a violation or without a proposal (investigationComplete)', () => {
      expectRefused(start(), investigate({ violations: [] }));
      expectRefused(start(), investigate({ proposedSanctions: [] }));
    });

    it.each<[string, Partial<Payload<'RECORD_INVESTIGATION'>>]>([
      ['a loss that is not money', { violations: [violation({ lossAmount: '-1' })] }],
      ['a fraud amount with three places', { violations: [violation({ fraudAmount: '1.001' })] }],
      ['an article outside 38–41', { violations: [violation({ article: 42 as 38 })] }],
      [
        'an unknown sanction type',
        { proposedSanctions: [{ type: 'LICENCE' as 'FINE', article: 38 }] },
      ],
      [
        'a sanction amount that is not money',
        { proposedSanctions: [{ type: 'FINE', article: 38, amount: '1e4' }] },
      ],
      [
        'a range whose minimum is above its maximum',
        {
          proposedSanctions: [{ type: 'FINE', article: 38, minAmount: '2.00', maxAmount: '1.99' }],
        },
      ],
    ])('should refuse %s', (_what, overrides) => {
      expectRefused(start(), investigate(overrides));
    });

    it('should close for no violation and say why (NO_VIOLATION)', () => {
      const close = ev('CLOSE_NO_VIOLATION', INSPECTOR_USER, { reason: '收费符合物价规定' });
      const snapshot = send(start(), close);
      expect(snapshot.value).toBe('closed');
      expect(snapshot.status).toBe('done');
      expect(snapshot.context.closure).toEqual({
        reason: 'NO_VIOLATION',
        note: '收费符合物价规定',
        by: INSPECTOR_USER,
        at: close.at,
      });
    });

    it('should refer to the police and come back to decision with their answer', () => {
      const refer = ev('REFER_POLICE', INSPECTOR_USER, { reason: '涉嫌诈骗医保基金' });
      const referred = send(start(), refer);
      expect(referred.value).toBe('referred');
      expect(referred.context.referral).toEqual({
        reason: '涉嫌诈骗医保基金',
        by: INSPECTOR_USER,
        at: refer.at,
      });

      const back = ev('POLICE_RETURNED', LEGAL_USER, { outcome: '不予立案, 退回行政处理' });
      const snapshot = send(referred, back);
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.policeReturn).toEqual({
        outcome: '不予立案, 退回行政处理',
        by: LEGAL_USER,
        at: back.at,
      });
      // The manager can decide on what the police returned, without a ladder proposal.
      expect(send(snapshot, decide()).value).toBe('execution');
    });
  });

  describe('legal review', () => {
    it('should approve the proposal as it is', () => {
      const approval = approve();
      const snapshot = send(caseIn('legal_review'), approval);
      expect(snapshot.value).toBe('notice');
      expect(snapshot.context.proposedSanctions).toEqual(proposal());
      expect(snapshot.context.legalApproval).toEqual({ by: LEGAL_USER, at: approval.at });
    });

    it("should replace the proposal with legal's own and keep the ladder's", () => {
      const amended: Sanction[] = [
        { type: 'ORDER_CORRECTION', article: 38 },
        { type: 'FINE', article: 38, minAmount: '12000', maxAmount: '20000.00' },
      ];
      const approval = approve(amended);
      const snapshot = send(caseIn('legal_review'), approval);
      expect(snapshot.value).toBe('notice');
      expect(snapshot.context.proposedSanctions).toEqual([
        { type: 'ORDER_CORRECTION', article: 38 },
        { type: 'FINE', article: 38, minAmount: '12000.00', maxAmount: '20000.00' },
      ]);
      expect(snapshot.context.legalApproval).toEqual({
        replacedProposal: proposal(),
        by: LEGAL_USER,
        at: approval.at,
      });
    });

    it('should refuse an empty or malformed replacement (approvalValid)', () => {
      expectRefused(caseIn('legal_review'), approve([]));
      expectRefused(caseIn('legal_review'), approve([{ type: 'FINE', article: 37 as 38 }]));
    });

    it('should return the investigation, keep the proposal it refused, and take a new one', () => {
      const back = ev('RETURN', LEGAL_USER, { comment: '损失金额计算有误' });
      const returned = send(caseIn('legal_review'), back);
      expect(returned.value).toBe('investigation');
      expect(returned.context.proposedSanctions).toEqual([]);
      expect(returned.context.returns).toEqual([
        { comment: '损失金额计算有误', proposedSanctions: proposal(), by: LEGAL_USER, at: back.at },
      ]);

      const again = send(
        returned,
        investigate({ violations: [violation({ lossAmount: '8000.00' })] }),
      );
      expect(again.value).toBe('legal_review');
      expect(again.context.violations[0].lossAmount).toBe('8000.00');
      expect(again.context.returns).toHaveLength(1);
    });
  });

  describe('notice (statement and defence)', () => {
    it('should record every statement, stay in notice and set statementMade', () => {
      const first = ev('STATEMENT', CASEWORKER_USER, { text: '系系统错误所致' });
      const second = ev('STATEMENT', CASEWORKER_USER, { text: '补充说明: 已整改' });
      const snapshot = send(caseIn('notice'), first, second);
      expect(snapshot.value).toBe('notice');
      expect(snapshot.context.statementMade).toBe(true);
      expect(snapshot.context.statements).toEqual([
        { text: '系系统错误所致', by: CASEWORKER_USER, at: first.at },
        { text: '补充说明: 已整改', by: CASEWORKER_USER, at: second.at },
      ]);
    });

    it('should refuse a blank statement (statementHasText)', () => {
      expectRefused(caseIn('notice'), ev('STATEMENT', CASEWORKER_USER, { text: '  ' }));
    });

    it('should go to hearing when the service found the proposal hearing-eligible', () => {
      const request = ev('REQUEST_HEARING', CASEWORKER_USER, {
        reason: '对罚款数额有异议',
        hearingEligible: true,
      });
      const snapshot = send(caseIn('notice'), request);
      expect(snapshot.value).toBe('hearing');
      expect(snapshot.context.hearingRequest).toEqual({
        reason: '对罚款数额有异议',
        by: CASEWORKER_USER,
        at: request.at,
      });
    });

    it('should refuse a hearing request without eligibility (hearingEligible)', () => {
      expectRefused(
        caseIn('notice'),
        ev('REQUEST_HEARING', CASEWORKER_USER, { reason: '要求听证', hearingEligible: false }),
      );
    });

    it('should move to decision when the window ends (DEADLINE_NOTICE)', () => {
      const snapshot = send(
        caseIn('notice'),
        ev('DEADLINE_NOTICE', SYSTEM_ACTOR, {
          deadline: 'notice',
          dueAt: '2026-06-08T15:59:59.999Z',
          entrySeq: 3,
        }),
      );
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.statementMade).toBe(false);
    });
  });

  describe('hearing', () => {
    it('should keep the proposal when the hearing does not change it', () => {
      const held = ev('HEARING_HELD', LEGAL_USER, { outcome: '维持拟处罚意见' });
      const snapshot = send(caseIn('hearing'), schedule(), held);
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.proposedSanctions).toEqual(proposal());
      expect(snapshot.context.hearing).toEqual({
        outcome: '维持拟处罚意见',
        by: LEGAL_USER,
        at: held.at,
      });
    });

    it('should make a lighter proposal from the hearing the reference for DECIDE', () => {
      const lighter: Sanction[] = [
        { type: 'ORDER_CORRECTION', article: 38 },
        { type: 'RECOVERY', article: 38, minAmount: '12000.00', maxAmount: '12000.00' },
        { type: 'FINE', article: 38, minAmount: '12000.00', maxAmount: '15000.00' },
      ];
      const held = ev('HEARING_HELD', LEGAL_USER, { outcome: '部分采纳', sanctions: lighter });
      const snapshot = send(caseIn('hearing'), schedule(), held);
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.proposedSanctions).toEqual(lighter);
      expect(snapshot.context.hearing).toEqual({
        outcome: '部分采纳',
        replacedProposal: proposal(),
        by: LEGAL_USER,
        at: held.at,
      });
    });

    it('should hold no hearing before its notice, nor before the notified day (Law art. 64)', () => {
      expectRefused(caseIn('hearing'), ev('HEARING_HELD', LEGAL_USER, { outcome: '维持' }));
      const notified = send(caseIn('hearing'), schedule('2026-06-12', '2026-06-10'));
      expect(notified.value).toBe('hearing');
      expect(notified.context.hearingSchedule).toMatchObject({
        date: '2026-06-12',
        presidingOfficerId: 'legal-2',
        earliestDate: '2026-06-10',
        by: LEGAL_USER,
      });
      // The events happen on 2026-06-01: the hearing day has not come.
      expectRefused(notified, ev('HEARING_HELD', LEGAL_USER, { outcome: '维持' }));
    });

    it('should refuse a hearing day before the notice period allows (scheduleValid)', () => {
      expectRefused(caseIn('hearing'), schedule('2026-06-09', '2026-06-10'));
      expectRefused(caseIn('hearing'), schedule('2026-6-12', '2026-06-10'));
    });

    it('should keep an earlier notice when the hearing is notified again', () => {
      const snapshot = send(
        caseIn('hearing'),
        schedule('2026-06-12', '2026-06-10'),
        schedule('2026-06-15', '2026-06-10'),
      );
      expect(snapshot.context.hearingSchedule?.date).toBe('2026-06-15');
      expect(snapshot.context.hearingSchedule?.previous?.map((p) => p.date)).toEqual([
        '2026-06-12',
      ]);
    });

    it('should record a waiver (absent without reason) and keep the proposal; a waiver changes no sanction', () => {
      const notified = send(caseIn('hearing'), schedule());
      expectRefused(
        notified,
        ev('HEARING_HELD', LEGAL_USER, { outcome: 'waived', sanctions: [decided()[0]] }),
      );
      const waived = send(notified, ev('HEARING_HELD', LEGAL_USER, { outcome: 'waived' }));
      expect(waived.value).toBe('decision');
      expect(waived.context.hearing?.outcome).toBe('waived');
      expect(waived.context.proposedSanctions).toEqual(proposal());
    });

    it('should refuse an empty or malformed replacement (hearingValid)', () => {
      expectRefused(
        send(caseIn('hearing'), schedule()),
        ev('HEARING_HELD', LEGAL_USER, { outcome: '部分采纳', sanctions: [] }),
      );
      expectRefused(
        send(caseIn('hearing'), schedule()),
        ev('HEARING_HELD', LEGAL_USER, {
          outcome: '部分采纳',
          sanctions: [{ type: 'FINE', article: 38, maxAmount: 'abc' }],
        }),
      );
    });
  });

  describe('decision (DECIDE)', () => {
    it('should record the sanctions and the amounts due and go to execution', () => {
      const decision = decide({ amountsDue: { FINE: '15000', RECOVERY: '12000.0' } });
      const snapshot = send(caseIn('decision'), decision);
      expect(snapshot.value).toBe('execution');
      expect(snapshot.context.sanctions).toEqual(decided());
      expect(snapshot.context.decision).toEqual({
        servedAt: '2026-06-30T02:00:00.000Z',
        fineDueAt: FINE_DUE_AT,
        amountsDue: { FINE: '15000.00', RECOVERY: '12000.00' },
        by: MANAGER_USER,
        at: decision.at,
      });
    });

    it('should go to execution for a return of funds alone, without a fine due date', () => {
      const snapshot = send(caseIn('decision'), decideRecoveryOnly());
      expect(snapshot.value).toBe('execution');
      expect(Object.keys(snapshot.context.decision ?? {})).not.toContain('fineDueAt');
    });

    it('should close when nothing is due (NOTHING_DUE)', () => {
      const decision = decide({
        sanctions: [
          { type: 'WARNING', article: 39 },
          { type: 'ORDER_CORRECTION', article: 39 },
        ],
        fineDueAt: undefined,
        amountsDue: { FINE: '0.00', RECOVERY: '0' },
      });
      const snapshot = send(caseIn('decision'), decision);
      expect(snapshot.value).toBe('closed');
      expect(snapshot.status).toBe('done');
      expect(snapshot.context.decision?.amountsDue).toEqual({ FINE: '0.00', RECOVERY: '0.00' });
      expect(snapshot.context.closure).toEqual({
        reason: 'NOTHING_DUE',
        by: MANAGER_USER,
        at: decision.at,
      });
    });

    it.each<[string, Partial<Payload<'DECIDE'>>]>([
      ['no sanction', { sanctions: [] }],
      ['a malformed sanction', { sanctions: [{ type: 'FINE', article: 38, amount: '15,000' }] }],
      ['a fine due that is not money', { amountsDue: { FINE: '15000.001', RECOVERY: '0.00' } }],
      ['a missing ledger', { amountsDue: { FINE: '15000.00' } as unknown as LedgerAmounts }],
      ['a fine due without its due date', { fineDueAt: undefined }],
      ['a fine due date that is no time', { fineDueAt: 'next month' }],
      ['a service time that is no time', { servedAt: '' }],
    ])('should refuse a decision with %s (decisionValid)', (_what, overrides) => {
      expectRefused(caseIn('decision'), decide(overrides));
    });
  });

  describe('extending the time to decide (EXTEND_DECISION)', () => {
    const states = [
      'investigation',
      'legal_review',
      'notice',
      'hearing',
      'decision',
      'referred',
    ] as const;

    it.each(states)(
      'should record the extension in %s and ask the engine to extend the decision clock',
      (state) => {
        const before = state === 'investigation' ? start() : caseIn(state);
        const extension = extend();
        expect(before.can(extension)).toBe(true);
        expect(emitted(before, extension)).toEqual([EXTEND_CLOCK]);
        const snapshot = send(before, extension);
        expect(snapshot.value).toBe(state);
        expect(snapshot.context.extension).toEqual({
          reason: '案情复杂, 经负责人批准延长',
          by: MANAGER_USER,
          at: extension.at,
        });
      },
    );

    it('should allow it only once, in whichever state it was given', () => {
      const extended = send(start(), extend());
      expectRefused(extended, extend('再次延长'));
      const later = send(extended, investigate(), approve(), noticeEnds());
      expect(later.value).toBe('decision');
      expectRefused(later, extend('再次延长'));
      expect(emitted(later, extend('再次延长'))).toEqual([]);
    });

    it('should refuse a blank reason (canExtendDecision)', () => {
      expectRefused(start(), extend(''));
      expectRefused(caseIn('decision'), extend(' \n '));
    });

    it('should not be accepted once the decision is taken (execution, enforcement)', () => {
      const execution = caseIn('execution');
      expectRefused(execution, extend());
      expectRefused(send(execution, enforce(AFTER_DUE)), extend());
    });

    it('should emit nothing on the other steps', () => {
      expect(emitted(start(), investigate())).toEqual([]);
      expect(emitted(caseIn('decision'), decide())).toEqual([]);
      expect(emitted(caseIn('execution'), pay('FINE', '15000.00'))).toEqual([]);
    });
  });

  describe('execution (RECORD_PAYMENT)', () => {
    it('should add payments up per ledger and stay until both are paid', () => {
      let snapshot = send(caseIn('execution'), pay('FINE', '5000.00'), pay('FINE', '4999.99'));
      expect(snapshot.value).toBe('execution');
      expect(snapshot.context.paid).toEqual({ FINE: '9999.99', RECOVERY: '0.00' });
      snapshot = send(snapshot, pay('RECOVERY', '12000.00'), pay('FINE', '5000.00'));
      expect(snapshot.value).toBe('execution');
      expect(snapshot.context.paid).toEqual({ FINE: '14999.99', RECOVERY: '12000.00' });
      const last = pay('FINE', '0.01');
      snapshot = send(snapshot, last);
      expect(snapshot.value).toBe('closed');
      expect(snapshot.context.payments).toHaveLength(5);
      expect(snapshot.context.closure).toEqual({
        reason: 'PAID',
        by: CASEWORKER_USER,
        at: last.at,
      });
    });

    it('should close only once the fine, its late fee and the return are all paid', () => {
      // 3% a day on 15000 for two days late: 900.00 (computed by the hook).
      let snapshot = send(caseIn('execution'), pay('RECOVERY', '12000.00'));
      snapshot = send(snapshot, pay('FINE', '15000.00', '900.00', AFTER_DUE));
      expect(snapshot.value).toBe('execution');
      expect(snapshot.context.lateFee).toBe('900.00');
      expect(snapshot.context.paid.FINE).toBe('15000.00');

      // More than is left on the fine ledger (fine + fee − paid) is refused.
      expectRefused(snapshot, pay('FINE', '900.01', '900.00'));

      const last = pay('FINE', '900', '900.00');
      snapshot = send(snapshot, last);
      expect(snapshot.value).toBe('closed');
      expect(snapshot.context.paid).toEqual({ FINE: '15900.00', RECOVERY: '12000.00' });
      expect(snapshot.context.closure).toEqual({
        reason: 'PAID',
        by: CASEWORKER_USER,
        at: last.at,
      });
    });

    it('should take the fine and its late fee in one payment', () => {
      const snapshot = send(
        caseIn('execution'),
        pay('FINE', '15450.00', '450.00'),
        pay('RECOVERY', '12000.00'),
      );
      expect(snapshot.value).toBe('closed');
      expect(snapshot.context.payments.map((p) => p.lateFee)).toEqual(['450.00', '0.00']);
    });

    it('should owe the late fee of the latest fine payment', () => {
      // Part of the fine late, then the rest later still: the fee grew in between.
      let snapshot = send(
        caseIn('execution'),
        pay('RECOVERY', '12000.00'),
        pay('FINE', '10000.00', '450.00'),
      );
      expect(snapshot.context.lateFee).toBe('450.00');
      snapshot = send(snapshot, pay('FINE', '5450.00', '600.00'));
      expect(snapshot.value).toBe('execution');
      expect(snapshot.context.lateFee).toBe('600.00');
      snapshot = send(snapshot, pay('FINE', '150.00', '600.00'));
      expect(snapshot.value).toBe('closed');
    });

    it('should not reopen a fine paid in full when a later return payment carries a late fee', () => {
      const snapshot = send(
        caseIn('execution'),
        pay('FINE', '15000.00'),
        pay('RECOVERY', '12000.00', '900.00'),
      );
      expect(snapshot.value).toBe('closed');
      expect(snapshot.context.lateFee).toBe('0.00');
    });

    it('should refuse more than is left on a ledger (paymentFitsLedger)', () => {
      expectRefused(caseIn('execution'), pay('FINE', '15000.01'));
      expectRefused(caseIn('execution'), pay('RECOVERY', '12000.01'));
      const partly = send(caseIn('execution'), pay('RECOVERY', '10000.00'));
      expectRefused(partly, pay('RECOVERY', '2000.01'));
      expect(send(partly, pay('RECOVERY', '2000.00')).context.paid.RECOVERY).toBe('12000.00');
    });

    it('should refuse a payment to a ledger with nothing due (paymentFitsLedger)', () => {
      const recoveryOnly = send(caseIn('decision'), decideRecoveryOnly());
      expectRefused(recoveryOnly, pay('FINE', '100.00'));
      const done = send(recoveryOnly, pay('RECOVERY', '12000.00'));
      expect(done.value).toBe('closed');
    });

    it('should refuse a payment to a ledger that does not exist (paymentFitsLedger)', () => {
      expectRefused(
        caseIn('execution'),
        ev('RECORD_PAYMENT', CASEWORKER_USER, {
          amount: '1.00',
          ledger: 'TREASURY' as 'FINE',
          reference: 'B',
          lateFee: '0.00',
        }),
      );
    });

    it.each(['0', '0.00', '-1.00', '1.001', '1e3', ''])(
      'should refuse a payment of %j (paymentFitsLedger)',
      (amount) => {
        expectRefused(caseIn('execution'), pay('FINE', amount));
      },
    );

    it('should refuse a late fee above the fine or that is not money (lateFeeWithinCap)', () => {
      // Law art. 72: the late fee never exceeds the fine.
      expectRefused(caseIn('execution'), pay('FINE', '100.00', '15000.01'));
      expectRefused(caseIn('execution'), pay('FINE', '100.00', 'abc'));
      expect(send(caseIn('execution'), pay('FINE', '30000.00', '15000.00')).value).toBe(
        'execution',
      );
      // Without a fine there is no late fee.
      const recoveryOnly = send(caseIn('decision'), decideRecoveryOnly());
      expectRefused(recoveryOnly, pay('RECOVERY', '100.00', '0.01'));
    });

    it('should compare amounts beyond float precision exactly', () => {
      const big = send(
        caseIn('decision'),
        decide({ amountsDue: { FINE: '90071992547409.93', RECOVERY: '0.00' } }),
      );
      expectRefused(big, pay('FINE', '90071992547409.94'));
      const partly = send(big, pay('FINE', '90071992547409.92'));
      expect(partly.value).toBe('execution');
      expect(send(partly, pay('FINE', '0.01')).value).toBe('closed');
    });
  });

  describe('enforcement', () => {
    it('should refuse ENFORCE before the fine is due, and at its due time (fineOverdue)', () => {
      expectRefused(caseIn('execution'), enforce('2026-07-01T00:00:00.000Z'));
      expectRefused(caseIn('execution'), enforce(FINE_DUE_AT));
    });

    it('should refuse ENFORCE when no fine is due (fineOverdue)', () => {
      expectRefused(send(caseIn('decision'), decideRecoveryOnly()), enforce(AFTER_DUE));
    });

    it('should enforce once the fine is overdue, then close on the outcome (ENFORCED)', () => {
      const order = enforce(AFTER_DUE);
      const enforcing = send(caseIn('execution'), pay('RECOVERY', '12000.00'), order);
      expect(enforcing.value).toBe('enforcement');
      expect(enforcing.context.enforcement).toEqual({
        reason: '催告后仍未缴纳',
        by: LEGAL_USER,
        at: AFTER_DUE,
      });
      // Payments are no longer recorded in execution's way once enforcement started.
      expectRefused(enforcing, pay('FINE', '15000.00'));

      const outcome = ev('ENFORCED', LEGAL_USER, { outcome: '法院裁定强制执行, 已划扣' });
      const snapshot = send(enforcing, outcome);
      expect(snapshot.value).toBe('closed');
      expect(snapshot.context.enforcementOutcome).toEqual({
        outcome: '法院裁定强制执行, 已划扣',
        by: LEGAL_USER,
        at: outcome.at,
      });
      expect(snapshot.context.closure).toEqual({
        reason: 'ENFORCED',
        by: LEGAL_USER,
        at: outcome.at,
      });
    });

    it('should record an ENFORCE without a reason', () => {
      const snapshot = send(caseIn('execution'), ev('ENFORCE', LEGAL_USER, {}, AFTER_DUE));
      expect(snapshot.context.enforcement).toEqual({ by: LEGAL_USER, at: AFTER_DUE });
    });
  });

  describe('appeals (APPEAL_FILED, APPEAL_DECIDED)', () => {
    // The usual decision is served on 2026-06-30 (Asia/Shanghai); the fine falls due 2026-07-16.
    const FILED = '2026-07-20T02:00:00.000Z';
    const fileAppeal = (
      overrides: Partial<Payload<'APPEAL_FILED'>> = {},
      at = '2026-07-20T03:00:00.000Z',
    ): PenaltyCaseEvent =>
      ev(
        'APPEAL_FILED',
        LEGAL_USER,
        { kind: 'RECONSIDERATION', filedAt: FILED, reference: '西复〔2026〕12号', ...overrides },
        at,
      );
    const decideAppeal = (
      outcome: 'UPHELD' | 'ANNULLED' | 'WITHDRAWN',
      at = '2026-09-01T03:00:00.000Z',
      decidedAt = '2026-09-01T02:00:00.000Z',
    ): PenaltyCaseEvent =>
      ev('APPEAL_DECIDED', LEGAL_USER, { outcome, decidedAt, note: '复议决定' }, at);

    it('should record a filed appeal and stay in execution, still taking payments', () => {
      const appealing = send(caseIn('execution'), fileAppeal());
      expect(appealing.value).toBe('execution');
      expect(appealing.context.appeals).toEqual([
        {
          kind: 'RECONSIDERATION',
          filedAt: FILED,
          reference: '西复〔2026〕12号',
          by: LEGAL_USER,
          at: '2026-07-20T03:00:00.000Z',
        },
      ]);
      // 复议期间不停止执行: payments go on.
      expect(send(appealing, pay('RECOVERY', '12000.00')).context.paid.RECOVERY).toBe('12000.00');
    });

    it('should refuse a second appeal while one runs, and a bad filing (appealCanBeFiled)', () => {
      const appealing = send(caseIn('execution'), fileAppeal());
      expectRefused(appealing, fileAppeal({ kind: 'LITIGATION' }));
      // Before the day the decision was served, after the moment it is recorded, or no time at all.
      expectRefused(caseIn('execution'), fileAppeal({ filedAt: '2026-06-29T10:00:00.000Z' }));
      expectRefused(caseIn('execution'), fileAppeal({ filedAt: '2026-07-21T00:00:00.000Z' }));
      expectRefused(caseIn('execution'), fileAppeal({ filedAt: 'soon' }));
      expectRefused(caseIn('execution'), fileAppeal({ kind: 'PETITION' as 'LITIGATION' }));
    });

    it('should accept a filing on the day of service, whatever its hour', () => {
      // Served 2026-06-30T10:00+08:00; filed at 08:30 the same Shanghai day.
      const sameDay = fileAppeal({ filedAt: '2026-06-30T00:30:00.000Z' });
      expect(send(caseIn('execution'), sameDay).context.appeals).toHaveLength(1);
    });

    it('should refuse enforcement while an appeal runs, and allow it once the decision is upheld', () => {
      const appealing = send(caseIn('execution'), fileAppeal());
      expectRefused(appealing, enforce('2026-08-01T00:00:00.000Z'));
      const upheld = send(appealing, decideAppeal('UPHELD'));
      expect(upheld.value).toBe('execution');
      expect(upheld.context.appeals?.[0].decided).toEqual({
        outcome: 'UPHELD',
        decidedAt: '2026-09-01T02:00:00.000Z',
        note: '复议决定',
        by: LEGAL_USER,
        at: '2026-09-01T03:00:00.000Z',
      });
      expect(send(upheld, enforce('2026-09-02T00:00:00.000Z')).value).toBe('enforcement');
    });

    it('should refuse a decision without a running appeal, or before its filing day (appealCanBeDecided)', () => {
      expectRefused(caseIn('execution'), decideAppeal('UPHELD'));
      const appealing = send(caseIn('execution'), fileAppeal());
      expectRefused(
        appealing,
        decideAppeal('UPHELD', '2026-09-01T03:00:00.000Z', '2026-07-19T03:00:00.000Z'),
      );
      expectRefused(
        appealing,
        decideAppeal('UPHELD', '2026-09-01T03:00:00.000Z', '2026-09-02T03:00:00.000Z'),
      );
      expectRefused(appealing, decideAppeal('REVISED' as 'UPHELD'));
    });

    it('should let a suit follow a withdrawn or decided reconsideration', () => {
      const withdrawn = send(caseIn('execution'), fileAppeal(), decideAppeal('WITHDRAWN'));
      const suing = send(
        withdrawn,
        fileAppeal(
          { kind: 'LITIGATION', filedAt: '2026-09-05T02:00:00.000Z' },
          '2026-09-05T03:00:00.000Z',
        ),
      );
      expect(suing.context.appeals?.map((a) => [a.kind, a.decided?.outcome])).toEqual([
        ['RECONSIDERATION', 'WITHDRAWN'],
        ['LITIGATION', undefined],
      ]);
    });

    it('should send an annulled decision back to decision, keep it, and release what was due', () => {
      const paidPart = send(caseIn('execution'), pay('FINE', '5000.00'), fileAppeal());
      const decision = paidPart.context.decision;
      const annulled = send(paidPart, decideAppeal('ANNULLED'));
      expect(annulled.value).toBe('decision');
      expect(annulled.context.decision).toBeUndefined();
      expect(annulled.context.sanctions).toEqual([]);
      expect(annulled.context.lateFee).toBe('0.00');
      expect(annulled.context.annulledDecisions).toEqual([
        {
          sanctions: decided(),
          decision,
          paidAtAnnulment: { FINE: '5000.00', RECOVERY: '0.00' },
          appeal: 0,
          by: LEGAL_USER,
          at: '2026-09-01T03:00:00.000Z',
        },
      ]);
      expect(annulled.context.appeals?.[0].decided?.outcome).toBe('ANNULLED');
      // Nothing is collected until the manager decides again; what was paid counts toward it.
      expectRefused(annulled, pay('FINE', '1.00'));
      const redecided = send(
        annulled,
        decide({
          sanctions: [{ type: 'FINE', article: 38, amount: '5000.00' }],
          amountsDue: { FINE: '5000.00', RECOVERY: '0.00' },
        }),
      );
      expect(redecided.value).toBe('closed');
      expect(redecided.context.closure?.reason).toBe('PAID');
    });
  });

  it('should ignore an event the state does not accept', () => {
    expectRefused(start(), approve());
    expectRefused(start(), decide());
    expectRefused(caseIn('legal_review'), ev('STATEMENT', CASEWORKER_USER, { text: '陈述' }));
    expectRefused(caseIn('notice'), decide());
    expectRefused(caseIn('decision'), pay('FINE', '1.00'));
    expectRefused(
      caseIn('execution'),
      ev('DEADLINE_EXECUTION' as 'DEADLINE_NOTICE', SYSTEM_ACTOR, {}),
    );
    expectRefused(caseIn('referred'), investigate());
    const closed = send(start(), ev('CLOSE_NO_VIOLATION', INSPECTOR_USER, { reason: '无违规' }));
    expectRefused(closed, extend());
    expectRefused(closed, investigate());
  });
});

// ---------------------------------------------------------------- the definition

/**
 * docs/domain.md §7 penalty-case: the states with a deadline of their own, and what expiry does.
 */
const STATE_DEADLINES = {
  legal_review: 'overdue',
  notice: 'DEADLINE_NOTICE',
  hearing: 'overdue',
  execution: 'overdue',
  enforcement: 'overdue',
  referred: 'overdue',
} as const;

/** The states the case-level `decision` clock covers instead of a deadline of their own. */
const CLOCK_ONLY = ['investigation', 'decision'];
const FINAL_STATES = ['closed'];

interface NodeLike {
  type: string;
  on: Record<string, unknown>;
  always?: unknown;
}
const nodes = penaltyCaseMachine.root.states as Record<string, NodeLike>;
const allStates = Object.keys(nodes);
const eventsOf = (state: string): string[] => Object.keys(nodes[state].on);

describe('penalty-case workflow definition', () => {
  const { permissions, deadlines } = penaltyCaseWorkflow;

  it('should be penalty-case version 1', () => {
    expect(penaltyCaseWorkflow.type).toBe('penalty-case');
    expect(penaltyCaseWorkflow.version).toBe(1);
    expect(penaltyCaseWorkflow.title).toBe('医保基金行政处罚 Penalty case');
    expect(penaltyCaseWorkflow.machine).toBe(penaltyCaseMachine);
  });

  it('should have exactly the states of docs/domain.md §7', () => {
    expect([...allStates].sort()).toEqual(
      [...Object.keys(STATE_DEADLINES), ...CLOCK_ONLY, ...FINAL_STATES].sort(),
    );
    expect(allStates.filter((s) => nodes[s].type === 'final')).toEqual(FINAL_STATES);
    // Only execution leaves by itself, once everything due is paid.
    expect(allStates.filter((s) => nodes[s].always !== undefined)).toEqual(['execution']);
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
    expect(rolesOf('investigation', 'RECORD_INVESTIGATION')).toEqual(['INSPECTOR']);
    expect(rolesOf('investigation', 'CLOSE_NO_VIOLATION')).toEqual(['INSPECTOR']);
    expect(rolesOf('investigation', 'REFER_POLICE')).toEqual(['INSPECTOR']);
    expect(rolesOf('legal_review', 'APPROVE_PROPOSAL')).toEqual(['LEGAL']);
    expect(rolesOf('legal_review', 'RETURN')).toEqual(['LEGAL']);
    expect(rolesOf('notice', 'STATEMENT')).toEqual(['CASEWORKER']);
    expect(rolesOf('notice', 'REQUEST_HEARING')).toEqual(['CASEWORKER']);
    expect(rolesOf('notice', 'DEADLINE_NOTICE')).toEqual([SYSTEM_ACTOR]);
    expect(rolesOf('hearing', 'HEARING_HELD')).toEqual(['LEGAL']);
    expect(rolesOf('decision', 'DECIDE')).toEqual(['MANAGER']);
    expect(rolesOf('execution', 'RECORD_PAYMENT')).toEqual(['CASEWORKER']);
    expect(rolesOf('execution', 'ENFORCE')).toEqual(['LEGAL']);
    expect(rolesOf('execution', 'APPEAL_FILED')).toEqual(['LEGAL', 'CASEWORKER']);
    expect(rolesOf('execution', 'APPEAL_DECIDED')).toEqual(['LEGAL']);
    expect(rolesOf('enforcement', 'ENFORCED')).toEqual(['LEGAL']);
    expect(rolesOf('referred', 'POLICE_RETURNED')).toEqual(['LEGAL']);
  });

  it('should let the manager extend the decision wherever the decision clock runs before it', () => {
    const extendable = Object.keys(permissions).filter(
      (state) => permissions[state].EXTEND_DECISION !== undefined,
    );
    expect(extendable.sort()).toEqual(
      ['investigation', 'legal_review', 'notice', 'hearing', 'decision', 'referred'].sort(),
    );
    for (const state of extendable) {
      expect(permissions[state].EXTEND_DECISION.roles).toEqual(['MANAGER']);
    }
  });

  it('should scope no permission to members or a street (a penalty case has neither)', () => {
    for (const events of Object.values(permissions)) {
      for (const permission of Object.values(events)) {
        expect(permission.scope).toBeUndefined();
        expect(permission.roles).not.toContain('STREET_OFFICE');
      }
    }
  });

  it('should declare the deadlines of the docs/domain.md §7 table', () => {
    expect(Object.keys(deadlines).sort()).toEqual(Object.keys(STATE_DEADLINES).sort());
    for (const [state, expected] of Object.entries(STATE_DEADLINES)) {
      const { onExpire } = deadlines[state];
      expect(onExpire === 'overdue' ? 'overdue' : onExpire.event).toBe(expected);
      if (onExpire !== 'overdue') {
        expect(onExpire.event).toBe(deadlineEventName(state));
        expect(eventsOf(state)).toContain(onExpire.event);
      }
    }
    // The late fee starts when execution's deadline passes: no DEADLINE_EXECUTION event.
    expect(eventsOf('execution')).not.toContain('DEADLINE_EXECUTION');
  });

  it('should never pause the SLA clock', () => {
    expect(Object.values(deadlines).filter((d) => d.pausesSla === true)).toEqual([]);
  });

  it('should declare the decision clock: 90 days from filing, paused in hearing, stopped by the decision', () => {
    expect(penaltyCaseWorkflow.clocks).toEqual({
      decision: {
        startOn: [CASE_OPENED],
        pausedIn: ['hearing'],
        stopIn: ['execution', 'enforcement'],
        onExpire: 'overdue',
      },
    });
    const clock = penaltyCaseWorkflow.clocks?.decision;
    for (const state of [...(clock?.pausedIn ?? []), ...(clock?.stopIn ?? [])]) {
      expect(allStates).toContain(state);
    }
    // The extension the machine emits names this clock.
    expect(emitted(start(), extend())).toEqual([
      { type: 'engine.extendClock', clock: Object.keys(penaltyCaseWorkflow.clocks ?? {})[0] },
    ]);
  });

  it('should give every non-final state a deadline or the decision clock', () => {
    const clock = penaltyCaseWorkflow.clocks?.decision;
    for (const state of allStates.filter((s) => nodes[s].type !== 'final')) {
      const covered =
        deadlines[state] !== undefined ||
        (CLOCK_ONLY.includes(state) && !(clock?.stopIn ?? []).includes(state));
      expect([state, covered]).toEqual([state, true]);
    }
  });

  it('should label every state in zh-CN', () => {
    expect(penaltyCaseWorkflow.stateLabels).toEqual({
      investigation: '调查中',
      legal_review: '法制审核',
      notice: '告知陈述申辩',
      hearing: '听证',
      decision: '待决定',
      execution: '执行中',
      enforcement: '强制执行',
      referred: '移送公安',
      closed: '已结案',
    });
    expect(Object.keys(penaltyCaseWorkflow.stateLabels ?? {}).sort()).toEqual(
      [...allStates].sort(),
    );
  });
});

// ---------------------------------------------------------------- graph

describe('penalty-case reachability (xstate/graph)', () => {
  const at = '2026-06-01T00:00:00.000Z';
  const amounts: LedgerAmounts = { FINE: '15000.00', RECOVERY: '12000.00' };
  /** One of each event, both kinds of decision, and payments that pay both ledgers off. */
  const sampleEvents: PenaltyCaseEvent[] = [
    {
      type: 'RECORD_INVESTIGATION',
      violations: [violation()],
      proposedSanctions: proposal(),
      actor: INSPECTOR_USER,
      at,
    },
    { type: 'CLOSE_NO_VIOLATION', reason: '无违规', actor: INSPECTOR_USER, at },
    { type: 'REFER_POLICE', reason: '涉嫌诈骗', actor: INSPECTOR_USER, at },
    { type: 'APPROVE_PROPOSAL', actor: LEGAL_USER, at },
    { type: 'RETURN', comment: '补充证据', actor: LEGAL_USER, at },
    { type: 'STATEMENT', text: '陈述', actor: CASEWORKER_USER, at },
    { type: 'REQUEST_HEARING', reason: '听证', hearingEligible: true, actor: CASEWORKER_USER, at },
    { type: 'DEADLINE_NOTICE', actor: SYSTEM_ACTOR, at },
    {
      type: 'SCHEDULE_HEARING',
      date: '2026-06-01',
      presidingOfficerId: 'legal-2',
      earliestDate: '2026-06-01',
      actor: LEGAL_USER,
      at,
    },
    { type: 'HEARING_HELD', outcome: '维持', actor: LEGAL_USER, at },
    {
      type: 'DECIDE',
      sanctions: decided(),
      servedAt: at,
      fineDueAt: FINE_DUE_AT,
      amountsDue: amounts,
      actor: MANAGER_USER,
      at,
    },
    {
      type: 'DECIDE',
      sanctions: [{ type: 'WARNING', article: 39 }],
      servedAt: at,
      amountsDue: { FINE: '0.00', RECOVERY: '0.00' },
      actor: MANAGER_USER,
      at,
    },
    { type: 'EXTEND_DECISION', reason: '延长', actor: MANAGER_USER, at },
    {
      type: 'RECORD_PAYMENT',
      amount: amounts.FINE,
      ledger: 'FINE',
      reference: 'B-1',
      lateFee: '0.00',
      actor: CASEWORKER_USER,
      at,
    },
    {
      type: 'RECORD_PAYMENT',
      amount: amounts.RECOVERY,
      ledger: 'RECOVERY',
      reference: 'B-2',
      lateFee: '0.00',
      actor: CASEWORKER_USER,
      at,
    },
    { type: 'ENFORCE', actor: LEGAL_USER, at: AFTER_DUE },
    { type: 'ENFORCED', outcome: '已执行', actor: LEGAL_USER, at },
    { type: 'POLICE_RETURNED', outcome: '退回', actor: LEGAL_USER, at },
  ];
  // Told apart by what the guards read: the extension, the hearing notice, the amounts due and
  // what was paid.
  const byGuardedContext = (snapshot: Snapshot): string =>
    JSON.stringify([
      snapshot.value,
      snapshot.context.extension !== undefined,
      snapshot.context.hearingSchedule !== undefined,
      snapshot.context.decision?.amountsDue,
      snapshot.context.paid,
    ]);

  it('should reach every state', () => {
    const paths = getShortestPaths(penaltyCaseMachine, {
      input: penaltyInput(),
      events: sampleEvents,
      serializeState: byGuardedContext,
    });
    expect([...new Set(paths.map((p) => p.state.value as string))].sort()).toEqual(
      [...allStates].sort(),
    );
  });

  it('should let every state reach closed, by each of the four closure reasons', () => {
    const paths = getSimplePaths(penaltyCaseMachine, {
      input: penaltyInput(),
      events: sampleEvents,
      serializeState: byGuardedContext,
      toState: (snapshot) => snapshot.status === 'done',
    });
    const onWayToClosed = new Set<string>();
    const reasons = new Set<string | undefined>();
    for (const path of paths) {
      expect(path.state.value).toBe('closed');
      reasons.add(path.state.context.closure?.reason);
      for (const step of path.steps) {
        onWayToClosed.add(step.state.value);
      }
    }
    expect([...reasons].sort()).toEqual(['ENFORCED', 'NOTHING_DUE', 'NO_VIOLATION', 'PAID']);
    // No dead end: every state lies on some path that ends in closed.
    expect([...onWayToClosed].sort()).toEqual([...allStates].sort());
  });

  it('should reach closed through the police and through a hearing', () => {
    const paths = getSimplePaths(penaltyCaseMachine, {
      input: penaltyInput(),
      events: sampleEvents,
      serializeState: byGuardedContext,
      toState: (snapshot) => snapshot.status === 'done',
    });
    const visits = (state: string) =>
      paths.some((p) => p.steps.some((step) => step.state.value === state));
    expect(visits('referred')).toBe(true);
    expect(visits('hearing')).toBe(true);
    expect(
      paths.some(
        (p) =>
          p.state.context.policeReturn !== undefined && p.state.context.closure?.reason === 'PAID',
      ),
    ).toBe(true);
  });
});
