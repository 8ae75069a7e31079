import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  decisionRefusals,
  hardshipHearingMachine,
  hardshipHearingWorkflow,
  medianCents,
  quorumOf,
  type HardshipHearingEvent,
  type HardshipHearingInput,
  type PanelDraw,
  type PanelMember,
  type PanelReplacement,
  type SpecialReliefRecord,
} from './hardship-hearing.machine';
import { deadlineEventName, SYSTEM_ACTOR } from './workflow-definition';

type Snapshot = SnapshotFrom<typeof hardshipHearingMachine>;
type Payload<T extends HardshipHearingEvent['type']> = Omit<
  Extract<HardshipHearingEvent, { type: T }>,
  'type' | 'actor' | 'at'
>;

// ---------------------------------------------------------------- factories

const CASEWORKER_USER = 'u-caseworker-1';
const MANAGER_USER = 'u-manager-1';
const MEDICAL = 'u-expert-med-1';
const INSURANCE = 'u-expert-ins-1';
const FINANCE = 'u-expert-fin-1';
const OUTSIDER = 'u-expert-med-9';

const PANEL: PanelMember[] = [
  { userId: MEDICAL, expertField: 'MEDICAL' },
  { userId: INSURANCE, expertField: 'INSURANCE' },
  { userId: FINANCE, expertField: 'FINANCE' },
];

let clock = 0;
/** A fresh, increasing ISO time for each event, so the trail's `at` values are distinguishable. */
function nextAt(): string {
  clock += 1;
  return new Date(Date.UTC(2026, 5, 1, 8, 0, clock)).toISOString();
}

function hearingInput(overrides: Partial<HardshipHearingInput> = {}): HardshipHearingInput {
  return {
    reliefCaseId: 'case-relief-1',
    applicant: { name: '李四', idNumber: '11010519491231002X', category: 'DIBAO' },
    streetCode: '330106001',
    year: 2026,
    institutions: ['H330106001', 'H330106007'],
    burden: '86000.00',
    links: [{ rel: 'relief-application', caseId: 'case-relief-1' }],
    ...overrides,
  };
}

function draw(result: PanelMember[] = PANEL, seed = 'seed-2026-0001'): PanelDraw {
  return {
    seed,
    algorithm: 'sha256-fisher-yates-v1',
    candidates: [...result, { userId: OUTSIDER, expertField: 'MEDICAL' }],
    result,
  };
}

/**
 * What the DECIDE hook adds, DIBAO (50%): reasonable cost 85000 -> relief 42500, burden left
 * 42500, at or below the 50,000 cap.
 */
function specialRelief(overrides: Partial<SpecialReliefRecord> = {}): SpecialReliefRecord {
  return {
    reasonableCost: '85000.00',
    ratio: '0.50',
    amount: '42500.00',
    burdenAfter: '42500.00',
    burdenCap: '50000.00',
    capRemaining: '57500.00',
    ...overrides,
  };
}

/** DIBAO, reasonable cost 120000: relief 60000 leaves 60000, above the cap. */
const HEAVY = specialRelief({
  reasonableCost: '120000.00',
  amount: '60000.00',
  burdenAfter: '60000.00',
  capRemaining: '40000.00',
});

/** An event as the engine sends it: the payload plus `actor` and `at`. */
function ev<T extends HardshipHearingEvent['type']>(
  type: T,
  actor: string,
  ...payload: keyof Payload<T> extends never ? [] : [Payload<T>]
): HardshipHearingEvent {
  return { type, ...(payload[0] ?? {}), actor, at: nextAt() } as HardshipHearingEvent;
}

const convene = (panel: PanelMember[] = PANEL): HardshipHearingEvent =>
  ev('CONVENE', CASEWORKER_USER, { panel, draw: draw(panel) });

const opinion = (
  expert: string,
  reasonableCost: string,
  overrides: Partial<Payload<'OPINION'>> = {},
): HardshipHearingEvent =>
  ev('OPINION', expert, { reasonableCost, support: true, comment: '靶向药合理必要', ...overrides });

const decide = (overrides: Partial<Payload<'DECIDE'>> = {}): HardshipHearingEvent =>
  ev('DECIDE', MANAGER_USER, {
    reasonableCost: '85000.00',
    specialRelief: specialRelief(),
    ...overrides,
  });

const resolve = (extraAmount: string): HardshipHearingEvent =>
  ev('RESOLVE', MANAGER_USER, {
    extraAmount,
    meetingDate: '2026-07-15',
    minutesRef: '西湖联席〔2026〕3号',
  });

const pay = (amount: string): HardshipHearingEvent =>
  ev('RECORD_PAYMENT', CASEWORKER_USER, { amount, reference: 'BANK-2026-H-0001' });

const panelDeadline = (
  replacements?: PanelReplacement[],
  redraw: PanelDraw | undefined = replacements === undefined
    ? undefined
    : draw(
        replacements.map((r) => ({ userId: r.userId, expertField: r.expertField })),
        'seed-2026-0001-r1',
      ),
): HardshipHearingEvent =>
  ev('DEADLINE_PANEL_REVIEW', SYSTEM_ACTOR, {
    deadline: 'panel_review',
    ...(replacements !== undefined ? { replacements } : {}),
    ...(redraw !== undefined ? { draw: redraw } : {}),
  });

function start(input: HardshipHearingInput = hearingInput()): Snapshot {
  return initialTransition(hardshipHearingMachine, input)[0];
}

function send(snapshot: Snapshot, ...events: HardshipHearingEvent[]): Snapshot {
  return events.reduce((s, e) => transition(hardshipHearingMachine, s, e)[0], snapshot);
}

/** A hearing walked to `state` along the usual path (opinions 80000, 90000, 85000). */
function caseIn(state: 'panel_review' | 'decision' | 'publicity' | 'disbursement'): Snapshot {
  const order = ['panel_review', 'decision', 'publicity', 'disbursement'];
  const make: Array<() => HardshipHearingEvent[]> = [
    () => [convene()],
    () => [
      opinion(MEDICAL, '80000.00'),
      opinion(INSURANCE, '90000.00'),
      opinion(FINANCE, '85000.00'),
    ],
    () => [decide()],
    () => [ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {})],
  ];
  const steps = make.slice(0, order.indexOf(state) + 1).flatMap((m) => m());
  const snapshot = send(start(), ...steps);
  expect(snapshot.value).toBe(state);
  return snapshot;
}

/** A hearing in joint_meeting: the decided cost leaves a burden of 60000 above the 50000 cap. */
function jointMeeting(): Snapshot {
  const snapshot = send(
    caseIn('decision'),
    decide({ reasonableCost: '120000.00', reason: '补充住院票据', specialRelief: HEAVY }),
  );
  expect(snapshot.value).toBe('joint_meeting');
  return snapshot;
}

/** The pure step refused the event: same state, same context (the engine answers 422). */
function expectRefused(snapshot: Snapshot, event: HardshipHearingEvent): void {
  expect(snapshot.can(event)).toBe(false);
  const [next] = transition(hardshipHearingMachine, snapshot, event);
  expect(next.value).toBe(snapshot.value);
  expect(next.context).toEqual(snapshot.context);
}

/** The effects a step asks the engine for (`emit(...)` comes back as `xstate.emit` actions). */
function emitted(snapshot: Snapshot, event: HardshipHearingEvent): unknown[] {
  const [, actions] = transition(hardshipHearingMachine, snapshot, event);
  return (actions as ReadonlyArray<{ type: string; params?: { event?: unknown } }>)
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => a.params?.event);
}

// ---------------------------------------------------------------- the machine

describe('hardship-hearing machine', () => {
  describe('opening a case', () => {
    it('should open in referred with the referral and no panel yet', () => {
      const input = hearingInput();
      const snapshot = start(input);
      expect(snapshot.value).toBe('referred');
      expect(snapshot.status).toBe('active');
      expect(snapshot.context).toEqual({
        reliefCaseId: 'case-relief-1',
        applicant: input.applicant,
        streetCode: '330106001',
        year: 2026,
        institutions: ['H330106001', 'H330106007'],
        burden: '86000.00',
        links: [{ rel: 'relief-application', caseId: 'case-relief-1' }],
        panel: [],
        draws: [],
        opinions: {},
        opinionHistory: [],
        objections: [],
      });
    });

    it('should leave reliefCaseId out for a hearing opened without a relief case', () => {
      const { reliefCaseId: _omitted, ...input } = hearingInput({ links: [] });
      expect(Object.keys(start(input).context)).not.toContain('reliefCaseId');
    });

    it('should keep plain JSON in the context (the engine persists it as data)', () => {
      const snapshot = send(caseIn('disbursement'), pay('42500.00'));
      expect(snapshot.value).toBe('paid');
      expect(JSON.parse(JSON.stringify(snapshot.context))).toEqual(snapshot.context);
    });
  });

  describe('the happy path', () => {
    it('should walk a hearing to paid and keep the whole trail', () => {
      const input = hearingInput();
      const conveneEvent = convene();
      const med = opinion(MEDICAL, '80000');
      const ins = opinion(INSURANCE, '90000.00', { support: false, comment: '部分自费项目不必要' });
      const fin = opinion(FINANCE, '85000.0');
      const decideEvent = decide();
      const publicityEnds = ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {
        deadline: 'publicity',
        dueAt: '2026-06-09T16:00:00.000Z',
        entrySeq: 6,
      });
      const payment = pay('42500.00');

      const states: unknown[] = [];
      let snapshot = start(input);
      for (const event of [conveneEvent, med, ins, fin, decideEvent, publicityEnds, payment]) {
        snapshot = send(snapshot, event);
        states.push(snapshot.value);
      }

      expect(states).toEqual([
        'panel_review',
        'panel_review',
        'panel_review',
        'decision',
        'publicity',
        'disbursement',
        'paid',
      ]);
      expect(snapshot.status).toBe('done');
      const medOpinion = {
        expertField: 'MEDICAL',
        reasonableCost: '80000.00',
        support: true,
        comment: '靶向药合理必要',
        revision: 1,
        by: MEDICAL,
        at: med.at,
      };
      const insOpinion = {
        expertField: 'INSURANCE',
        reasonableCost: '90000.00',
        support: false,
        comment: '部分自费项目不必要',
        revision: 1,
        by: INSURANCE,
        at: ins.at,
      };
      const finOpinion = {
        expertField: 'FINANCE',
        reasonableCost: '85000.00',
        support: true,
        comment: '靶向药合理必要',
        revision: 1,
        by: FINANCE,
        at: fin.at,
      };
      expect(snapshot.context).toEqual({
        reliefCaseId: 'case-relief-1',
        applicant: input.applicant,
        streetCode: '330106001',
        year: 2026,
        institutions: ['H330106001', 'H330106007'],
        burden: '86000.00',
        links: [{ rel: 'relief-application', caseId: 'case-relief-1' }],
        panel: PANEL,
        draws: [{ kind: 'CONVENE', ...draw(), by: CASEWORKER_USER, at: conveneEvent.at }],
        opinions: { [MEDICAL]: medOpinion, [INSURANCE]: insOpinion, [FINANCE]: finOpinion },
        opinionHistory: [medOpinion, insOpinion, finOpinion],
        panelFigure: '85000.00',
        decision: {
          reasonableCost: '85000.00',
          specialRelief: specialRelief(),
          by: MANAGER_USER,
          at: decideEvent.at,
        },
        objections: [],
        payment: {
          amount: '42500.00',
          reference: 'BANK-2026-H-0001',
          by: CASEWORKER_USER,
          at: payment.at,
        },
      });
    });
  });

  describe('convening (CONVENE)', () => {
    it('should store the drawn panel in data.panel, the field the member scope reads', () => {
      const snapshot = send(start(), convene());
      expect(snapshot.value).toBe('panel_review');
      expect(snapshot.context.panel).toEqual(PANEL);
      expect(snapshot.context.draws).toHaveLength(1);
      expect(snapshot.context.draws[0]).toMatchObject({ kind: 'CONVENE', seed: 'seed-2026-0001' });
    });

    it('should refuse an empty panel or an expert drawn twice (panelDrawn)', () => {
      expectRefused(start(), convene([]));
      expectRefused(start(), convene([PANEL[0], PANEL[1], PANEL[0]]));
    });
  });

  describe('opinions (OPINION)', () => {
    it('should let a second opinion replace the first and keep both in the history', () => {
      const first = opinion(MEDICAL, '80000.00');
      const second = opinion(MEDICAL, '70000.5', { support: false, comment: '复核后调低' });
      const snapshot = send(caseIn('panel_review'), first, second);
      expect(snapshot.value).toBe('panel_review');
      expect(Object.keys(snapshot.context.opinions)).toEqual([MEDICAL]);
      expect(snapshot.context.opinions[MEDICAL]).toEqual({
        expertField: 'MEDICAL',
        reasonableCost: '70000.50',
        support: false,
        comment: '复核后调低',
        revision: 2,
        by: MEDICAL,
        at: second.at,
      });
      expect(snapshot.context.opinionHistory.map((o) => [o.reasonableCost, o.revision])).toEqual([
        ['80000.00', 1],
        ['70000.50', 2],
      ]);
      // The figure follows the latest opinion only.
      expect(snapshot.context.panelFigure).toBe('70000.50');
    });

    it('should stay in panel_review until every panel member answered, then move to decision', () => {
      let snapshot = send(caseIn('panel_review'), opinion(MEDICAL, '80000.00'));
      // The same expert twice is still one answer out of three.
      snapshot = send(snapshot, opinion(MEDICAL, '81000.00'), opinion(INSURANCE, '90000.00'));
      expect(snapshot.value).toBe('panel_review');
      snapshot = send(snapshot, opinion(FINANCE, '85000.00'));
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.panelFigure).toBe('85000.00');
    });

    it('should move a one-expert panel to decision on its single opinion', () => {
      const snapshot = send(start(), convene([PANEL[0]]), opinion(MEDICAL, '1000'));
      expect(snapshot.value).toBe('decision');
    });

    it('should refuse an opinion from an expert not on the panel (fromPanelMember)', () => {
      expectRefused(caseIn('panel_review'), opinion(OUTSIDER, '80000.00'));
      expectRefused(caseIn('panel_review'), opinion(MANAGER_USER, '80000.00'));
    });

    it.each(['80,000.00', '-1', '1e5', '80000.001', ''])(
      'should refuse a reasonable cost of %j (opinionIsAmount)',
      (cost) => {
        expectRefused(caseIn('panel_review'), opinion(MEDICAL, cost));
      },
    );
  });

  describe('the panel figure (median of the latest opinions, in cents)', () => {
    it('should take the middle value of an odd count', () => {
      const snapshot = send(
        caseIn('panel_review'),
        opinion(MEDICAL, '90000.00'),
        opinion(INSURANCE, '10000.00'),
        opinion(FINANCE, '50000.01'),
      );
      expect(snapshot.context.panelFigure).toBe('50000.01');
    });

    it('should take the mean of the two middle values of an even count, rounded half-up', () => {
      let snapshot = send(caseIn('panel_review'), opinion(MEDICAL, '100.00'));
      expect(snapshot.context.panelFigure).toBe('100.00');
      snapshot = send(snapshot, opinion(INSURANCE, '100.01'));
      // (100.00 + 100.01) / 2 = 100.005 -> 100.01
      expect(snapshot.context.panelFigure).toBe('100.01');
    });

    it('should compute medians beyond float precision exactly', () => {
      expect(medianCents([9007199254740993n, 9007199254740995n])).toBe(9007199254740994n);
      expect(medianCents([1n, 2n])).toBe(2n);
      expect(medianCents([3n, 1n, 2n])).toBe(2n);
      expect(medianCents([4n, 1n, 3n, 2n])).toBe(3n);
      expect(medianCents([10n, 20n])).toBe(15n);
      expect(medianCents([])).toBeNull();
    });
  });

  describe('the panel-review deadline (DEADLINE_PANEL_REVIEW)', () => {
    it.each([
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 4],
      [7, 5],
    ])('should need ceil(2/3 × %i) = %i answers for a quorum', (size, quorum) => {
      expect(quorumOf(size)).toBe(quorum);
    });

    it('should move to decision with a quorum (2 of 3) and take the median of those who answered', () => {
      const before = send(
        caseIn('panel_review'),
        opinion(MEDICAL, '80000.00'),
        opinion(FINANCE, '85000.00'),
      );
      const expire = panelDeadline();
      expect(emitted(before, expire)).toEqual([]);
      const snapshot = send(before, expire);
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.panel).toEqual(PANEL);
      expect(snapshot.context.draws).toHaveLength(1);
      expect(snapshot.context.panelFigure).toBe('82500.00');
    });

    it('should replace the non-responders without a quorum and ask the engine to restart the deadline', () => {
      const before = send(caseIn('panel_review'), opinion(MEDICAL, '80000.00'));
      const replacements: PanelReplacement[] = [
        { replacedUserId: INSURANCE, userId: 'u-expert-ins-2', expertField: 'INSURANCE' },
        { replacedUserId: FINANCE, userId: 'u-expert-fin-2', expertField: 'FINANCE' },
      ];
      const expire = panelDeadline(replacements);

      expect(before.can(expire)).toBe(true);
      expect(emitted(before, expire)).toEqual([
        { type: 'engine.restartDeadline', state: 'panel_review' },
      ]);
      const snapshot = send(before, expire);
      expect(snapshot.value).toBe('panel_review');
      expect(snapshot.context.panel).toEqual([
        { userId: MEDICAL, expertField: 'MEDICAL' },
        { userId: 'u-expert-ins-2', expertField: 'INSURANCE' },
        { userId: 'u-expert-fin-2', expertField: 'FINANCE' },
      ]);
      expect(snapshot.context.draws).toEqual([
        expect.objectContaining({ kind: 'CONVENE' }),
        {
          kind: 'REDRAW',
          ...draw(
            [
              { userId: 'u-expert-ins-2', expertField: 'INSURANCE' },
              { userId: 'u-expert-fin-2', expertField: 'FINANCE' },
            ],
            'seed-2026-0001-r1',
          ),
          replacements,
          by: SYSTEM_ACTOR,
          at: expire.at,
        },
      ]);
      // The answer already given still counts.
      expect(snapshot.context.opinions[MEDICAL].reasonableCost).toBe('80000.00');

      // The replaced experts are off the panel; the new ones answer and the case moves on.
      expectRefused(snapshot, opinion(INSURANCE, '90000.00'));
      const done = send(
        snapshot,
        opinion('u-expert-ins-2', '90000.00'),
        opinion('u-expert-fin-2', '85000.00'),
      );
      expect(done.value).toBe('decision');
      expect(done.context.panelFigure).toBe('85000.00');
    });

    it('should refuse a redraw that does not replace exactly the non-responders (redrawValid)', () => {
      const before = send(caseIn('panel_review'), opinion(MEDICAL, '80000.00'));
      const ins2 = {
        replacedUserId: INSURANCE,
        userId: 'u-expert-ins-2',
        expertField: 'INSURANCE',
      } as const;
      const fin2 = {
        replacedUserId: FINANCE,
        userId: 'u-expert-fin-2',
        expertField: 'FINANCE',
      } as const;
      // No replacements, or no draw.
      expectRefused(before, panelDeadline());
      expectRefused(
        before,
        ev('DEADLINE_PANEL_REVIEW', SYSTEM_ACTOR, { replacements: [ins2, fin2] }),
      );
      // A non-responder left on the panel.
      expectRefused(before, panelDeadline([ins2]));
      // An expert who answered replaced.
      expectRefused(
        before,
        panelDeadline([
          ins2,
          fin2,
          { replacedUserId: MEDICAL, userId: 'u-expert-med-2', expertField: 'MEDICAL' },
        ]),
      );
      // Another field, a sitting expert, or the same newcomer twice.
      expectRefused(before, panelDeadline([ins2, { ...fin2, expertField: 'MEDICAL' }]));
      expectRefused(before, panelDeadline([ins2, { ...fin2, userId: MEDICAL }]));
      expectRefused(before, panelDeadline([ins2, { ...fin2, userId: 'u-expert-ins-2' }]));
    });
  });

  describe('the decision (DECIDE)', () => {
    it("should refuse a cost off the panel's median without a reason (decisionJustified)", () => {
      const snapshot = caseIn('decision');
      expect(snapshot.context.panelFigure).toBe('85000.00');
      expectRefused(snapshot, decide({ reasonableCost: '84000.00' }));
      expectRefused(snapshot, decide({ reasonableCost: '84000.00', reason: '  ' }));
      expectRefused(snapshot, decide({ reasonableCost: '85,000.00', reason: '格式错误' }));
    });

    it('should accept the median, written any way, without a reason', () => {
      const snapshot = send(caseIn('decision'), decide({ reasonableCost: '85000' }));
      expect(snapshot.value).toBe('publicity');
      expect(snapshot.context.decision?.reasonableCost).toBe('85000.00');
      expect(snapshot.context.decision?.reason).toBeUndefined();
    });

    it('should accept another cost with a written reason and keep it', () => {
      const relief = specialRelief({
        reasonableCost: '84000.00',
        amount: '42000.00',
        burdenAfter: '42000.00',
        capRemaining: '58000.00',
      });
      const event = decide({
        reasonableCost: '84000.00',
        reason: '一项检查费用重复',
        specialRelief: relief,
      });
      const snapshot = send(caseIn('decision'), event);
      expect(snapshot.value).toBe('publicity');
      expect(snapshot.context.decision).toEqual({
        reasonableCost: '84000.00',
        reason: '一项检查费用重复',
        specialRelief: relief,
        by: MANAGER_USER,
        at: event.at,
      });
    });

    it('should send a burden after special relief above the cap to joint_meeting (burdenAboveCap)', () => {
      const snapshot = jointMeeting();
      expect(snapshot.context.decision?.specialRelief).toEqual(HEAVY);
    });

    it('should go to publicity when the burden after special relief is exactly the cap', () => {
      const atCap = specialRelief({
        reasonableCost: '100000.00',
        amount: '50000.00',
        burdenAfter: '50000.00',
      });
      const snapshot = send(
        caseIn('decision'),
        decide({ reasonableCost: '100000.00', reason: '补充票据', specialRelief: atCap }),
      );
      expect(snapshot.value).toBe('publicity');
    });

    it('should compare burden and cap in cents, not as text or floats', () => {
      const justAbove = specialRelief({ burdenAfter: '50000.01', burdenCap: '50000' });
      expect(send(caseIn('decision'), decide({ specialRelief: justAbove })).value).toBe(
        'joint_meeting',
      );
      const shorter = specialRelief({ burdenAfter: '9999.99', burdenCap: '50000.00' });
      expect(send(caseIn('decision'), decide({ specialRelief: shorter })).value).toBe('publicity');
    });
  });

  describe('the joint meeting (RESOLVE)', () => {
    it('should refuse an extra amount that leaves the burden above the cap (resolutionMeetsCap)', () => {
      const snapshot = jointMeeting();
      expectRefused(snapshot, resolve('9999.99'));
      expectRefused(snapshot, resolve('0'));
      expectRefused(snapshot, resolve('abc'));
    });

    it('should refuse an extra amount larger than the burden left', () => {
      expectRefused(jointMeeting(), resolve('60000.01'));
    });

    it('should accept the minimum extra that brings the burden to the cap and pay both', () => {
      const event = resolve('10000');
      let snapshot = send(jointMeeting(), event);
      expect(snapshot.value).toBe('publicity');
      expect(snapshot.context.resolution).toEqual({
        extraAmount: '10000.00',
        meetingDate: '2026-07-15',
        minutesRef: '西湖联席〔2026〕3号',
        burdenAfter: '50000.00',
        by: MANAGER_USER,
        at: event.at,
      });
      snapshot = send(snapshot, ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {}));
      expect(snapshot.value).toBe('disbursement');
      // Special relief 60000 + the fund's 10000.
      expectRefused(snapshot, pay('60000.00'));
      expect(send(snapshot, pay('70000.00')).value).toBe('paid');
    });

    it('should accept an extra that clears the whole burden', () => {
      const snapshot = send(jointMeeting(), resolve('60000.00'));
      expect(snapshot.context.resolution?.burdenAfter).toBe('0.00');
    });
  });

  describe('publicity (公示) and objections', () => {
    it('should go to disbursement when publicity ends with no objection', () => {
      expect(send(caseIn('publicity'), ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {})).value).toBe(
        'disbursement',
      );
    });

    it('should send an objection back to decision, keeping what it objected to', () => {
      const objection = ev('OBJECTION', CASEWORKER_USER, { details: '申请人另有商业保险赔付' });
      const before = caseIn('publicity');
      let snapshot = send(before, objection);
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.decision).toBeUndefined();
      expect(snapshot.context.objections).toEqual([
        {
          details: '申请人另有商业保险赔付',
          decision: before.context.decision,
          by: CASEWORKER_USER,
          at: objection.at,
        },
      ]);

      const relief = specialRelief({
        reasonableCost: '80000.00',
        amount: '40000.00',
        burdenAfter: '40000.00',
      });
      snapshot = send(
        snapshot,
        decide({ reasonableCost: '80000.00', reason: '扣除商业保险赔付', specialRelief: relief }),
        ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {}),
      );
      expect(snapshot.value).toBe('disbursement');
      expectRefused(snapshot, pay('42500.00'));
      expect(send(snapshot, pay('40000.00')).value).toBe('paid');
    });

    it('should keep the resolution an objection set aside', () => {
      const published = send(jointMeeting(), resolve('10000.00'));
      const snapshot = send(
        published,
        ev('OBJECTION', CASEWORKER_USER, { details: '会议纪要有误' }),
      );
      expect(snapshot.value).toBe('decision');
      expect(snapshot.context.resolution).toBeUndefined();
      expect(snapshot.context.objections[0].resolution).toEqual(published.context.resolution);
    });
  });

  describe('paymentMatchesDecision (exact, in cents, no floats)', () => {
    it.each(['42500.00', '42500.0', '42500'])('should accept %s against 42500.00', (amount) => {
      const snapshot = send(caseIn('disbursement'), pay(amount));
      expect(snapshot.value).toBe('paid');
      expect(snapshot.context.payment?.amount).toBe('42500.00');
    });

    it.each(['42500.01', '42499.99', '42500.001', '4.25e4', 'abc', ''])(
      'should refuse %j against 42500.00',
      (amount) => {
        expectRefused(caseIn('disbursement'), pay(amount));
      },
    );

    it('should compare amounts beyond float precision exactly', () => {
      const big = specialRelief({ amount: '90071992547409.93' });
      const snapshot = send(
        caseIn('decision'),
        decide({ specialRelief: big }),
        ev('DEADLINE_PUBLICITY', SYSTEM_ACTOR, {}),
      );
      expectRefused(snapshot, pay('90071992547409.92'));
      expect(send(snapshot, pay('90071992547409.93')).value).toBe('paid');
    });
  });

  describe('dismissal', () => {
    it.each([
      ['referred', CASEWORKER_USER],
      ['decision', MANAGER_USER],
    ] as const)(
      'should dismiss from %s and record reason, actor, time and stage',
      (stage, actor) => {
        const before = stage === 'referred' ? start() : caseIn('decision');
        const dismiss = ev('DISMISS', actor, { reason: '负担已由其他救助解决' });
        const snapshot = send(before, dismiss);
        expect(snapshot.value).toBe('dismissed');
        expect(snapshot.status).toBe('done');
        expect(snapshot.context.dismissal).toEqual({
          reason: '负担已由其他救助解决',
          stage,
          by: actor,
          at: dismiss.at,
        });
      },
    );
  });

  it('should ignore an event the state does not accept', () => {
    expectRefused(start(), opinion(MEDICAL, '1.00'));
    expectRefused(caseIn('panel_review'), decide());
    expectRefused(caseIn('publicity'), pay('42500.00'));
    expectRefused(jointMeeting(), ev('DISMISS', MANAGER_USER, { reason: 'x' }));
  });
});

// ---------------------------------------------------------------- the definition

/** docs/domain.md §7 hardship-hearing: every state with a deadline, and what its expiry does. */
const DOMAIN_DEADLINES = {
  referred: 'overdue',
  panel_review: 'DEADLINE_PANEL_REVIEW',
  decision: 'overdue',
  joint_meeting: 'overdue',
  publicity: 'DEADLINE_PUBLICITY',
  disbursement: 'overdue',
} as const;

const FINAL_STATES = ['dismissed', 'paid'];

interface NodeLike {
  type: string;
  on: Record<string, unknown>;
  always?: unknown;
}
const nodes = hardshipHearingMachine.root.states as Record<string, NodeLike>;
const allStates = Object.keys(nodes);
const eventsOf = (state: string): string[] => Object.keys(nodes[state].on);

describe('hardship-hearing workflow definition', () => {
  const { permissions, deadlines } = hardshipHearingWorkflow;

  it('should be hardship-hearing version 1', () => {
    expect(hardshipHearingWorkflow.type).toBe('hardship-hearing');
    expect(hardshipHearingWorkflow.version).toBe(1);
    expect(hardshipHearingWorkflow.title).toBe('特殊医疗救助评审 Special-hardship hearing');
    expect(hardshipHearingWorkflow.machine).toBe(hardshipHearingMachine);
  });

  it('should have exactly the states of docs/domain.md §7', () => {
    expect([...allStates].sort()).toEqual(
      [...Object.keys(DOMAIN_DEADLINES), ...FINAL_STATES].sort(),
    );
    expect(allStates.filter((s) => nodes[s].type === 'final').sort()).toEqual(FINAL_STATES);
    // Only panel_review leaves by itself, once every expert answered.
    expect(allStates.filter((s) => nodes[s].always !== undefined)).toEqual(['panel_review']);
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
    expect(rolesOf('referred', 'CONVENE')).toEqual(['CASEWORKER']);
    expect(rolesOf('referred', 'DISMISS')).toEqual(['CASEWORKER']);
    expect(rolesOf('panel_review', 'OPINION')).toEqual(['EXPERT']);
    expect(rolesOf('decision', 'DECIDE')).toEqual(['MANAGER']);
    expect(rolesOf('decision', 'DISMISS')).toEqual(['MANAGER']);
    expect(rolesOf('joint_meeting', 'RESOLVE')).toEqual(['MANAGER']);
    expect(rolesOf('publicity', 'OBJECTION')).toEqual(['CASEWORKER']);
    expect(rolesOf('disbursement', 'RECORD_PAYMENT')).toEqual(['CASEWORKER']);
  });

  it('should let only the experts on the panel (data.panel) give opinions', () => {
    expect(permissions.panel_review.OPINION.scope).toEqual({ members: 'panel' });
    for (const [state, events] of Object.entries(permissions)) {
      for (const [event, permission] of Object.entries(events)) {
        if (permission.roles.includes('EXPERT')) {
          expect([state, event, permission.scope]).toEqual([
            'panel_review',
            'OPINION',
            { members: 'panel' },
          ]);
        }
      }
    }
    // The scope's field is the context's panel: an array of { userId, expertField }.
    expect(send(start(), convene()).context.panel.map((m) => m.userId)).toEqual([
      MEDICAL,
      INSURANCE,
      FINANCE,
    ]);
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

  it('should never pause the SLA clock (no state waits on the applicant)', () => {
    expect(Object.values(deadlines).filter((d) => d.pausesSla === true)).toEqual([]);
  });

  it('should give every non-final state a deadline', () => {
    for (const state of allStates.filter((s) => nodes[s].type !== 'final')) {
      expect(deadlines[state]).toBeDefined();
    }
  });

  it('should label every state in zh-CN', () => {
    expect(hardshipHearingWorkflow.stateLabels).toEqual({
      referred: '待召集评审',
      panel_review: '专家评审中',
      decision: '待决定',
      joint_meeting: '联席会议审议',
      publicity: '公示中',
      disbursement: '待拨付',
      paid: '已拨付',
      dismissed: '不予救助',
    });
    expect(Object.keys(hardshipHearingWorkflow.stateLabels ?? {}).sort()).toEqual(
      [...allStates].sort(),
    );
  });
});

// ---------------------------------------------------------------- graph

describe('hardship-hearing reachability (xstate/graph)', () => {
  const at = '2026-06-01T00:00:00.000Z';
  /** One of each event: a panel of three, their opinions, a redraw of all three, both decisions. */
  const sampleEvents: HardshipHearingEvent[] = [
    { type: 'CONVENE', panel: PANEL, draw: draw(), actor: CASEWORKER_USER, at },
    { type: 'DISMISS', reason: '不予救助', actor: MANAGER_USER, at },
    ...PANEL.map((m): HardshipHearingEvent => ({
      type: 'OPINION',
      reasonableCost: '85000.00',
      support: true,
      comment: '合理',
      actor: m.userId,
      at,
    })),
    {
      type: 'DEADLINE_PANEL_REVIEW',
      replacements: PANEL.map((m) => ({
        replacedUserId: m.userId,
        userId: `${m.userId}-r`,
        expertField: m.expertField,
      })),
      draw: draw(PANEL.map((m) => ({ ...m, userId: `${m.userId}-r` }))),
      actor: SYSTEM_ACTOR,
      at,
    },
    ...PANEL.map((m): HardshipHearingEvent => ({
      type: 'OPINION',
      reasonableCost: '85000.00',
      support: true,
      comment: '合理',
      actor: `${m.userId}-r`,
      at,
    })),
    {
      type: 'DECIDE',
      reasonableCost: '85000.00',
      specialRelief: specialRelief(),
      actor: MANAGER_USER,
      at,
    },
    {
      type: 'DECIDE',
      reasonableCost: '120000.00',
      reason: '补充票据',
      specialRelief: HEAVY,
      actor: MANAGER_USER,
      at,
    },
    {
      type: 'RESOLVE',
      extraAmount: '10000.00',
      meetingDate: '2026-07-15',
      minutesRef: 'M-1',
      actor: MANAGER_USER,
      at,
    },
    { type: 'OBJECTION', details: '有异议', actor: CASEWORKER_USER, at },
    { type: 'DEADLINE_PUBLICITY', actor: SYSTEM_ACTOR, at },
    { type: 'RECORD_PAYMENT', amount: '42500.00', reference: 'B-1', actor: CASEWORKER_USER, at },
    { type: 'RECORD_PAYMENT', amount: '70000.00', reference: 'B-2', actor: CASEWORKER_USER, at },
  ];
  // Told apart by what the guards read: who sits, who answered, and whether the fund pays.
  const byGuardedContext = (snapshot: Snapshot): string =>
    JSON.stringify([
      snapshot.value,
      snapshot.context.panel.map((m) => m.userId),
      Object.keys(snapshot.context.opinions).sort(),
      snapshot.context.decision?.specialRelief.amount,
      snapshot.context.resolution !== undefined,
    ]);

  it('should reach every state', () => {
    const paths = getShortestPaths(hardshipHearingMachine, {
      input: hearingInput(),
      events: sampleEvents,
      serializeState: byGuardedContext,
    });
    expect([...new Set(paths.map((p) => p.state.value as string))].sort()).toEqual(
      [...allStates].sort(),
    );
  });

  it('should let every state end in a final state, each final state being reachable', () => {
    const paths = getSimplePaths(hardshipHearingMachine, {
      input: hearingInput(),
      events: sampleEvents,
      serializeState: byGuardedContext,
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
    // No dead end: every state lies on some path that ends in a final state.
    expect([...onWayToFinal].sort()).toEqual([...allStates].sort());
  });

  it('should reach decision through the redrawn panel, and through a quorum at the deadline', () => {
    const paths = getShortestPaths(hardshipHearingMachine, {
      input: hearingInput(),
      events: sampleEvents,
      serializeState: byGuardedContext,
      toState: (snapshot) => snapshot.value === 'decision',
    });
    const viaQuorum = paths.find((p) => {
      const last = p.steps[p.steps.length - 1];
      return (
        last.event.type === 'DEADLINE_PANEL_REVIEW' &&
        p.state.context.draws.length === 1 &&
        Object.keys(p.state.context.opinions).length === 2
      );
    });
    expect(viaQuorum).toBeDefined();
    const viaRedraw = paths.find((p) =>
      p.state.context.panel.every((m) => m.userId.endsWith('-r')),
    );
    expect(viaRedraw?.state.context.draws.map((d) => d.kind)).toEqual(['CONVENE', 'REDRAW']);
  });
});

describe('hardship-hearing refusals named for the 422', () => {
  it("should name reason when the cost departs from the panel's figure and none is given", () => {
    const context = { panelFigure: '80000.00' };
    expect(decisionRefusals(context, { reasonableCost: '80000.00' })).toEqual([]);
    expect(
      decisionRefusals(context, { reasonableCost: '70000.00', reason: '部分费用不合理' }),
    ).toEqual([]);
    expect(decisionRefusals(context, { reasonableCost: '70000.00' }).map((e) => e.field)).toEqual([
      'reason',
    ]);
    expect(decisionRefusals(context, { reasonableCost: 'x' }).map((e) => e.field)).toEqual([
      'reasonableCost',
    ]);
  });
});
