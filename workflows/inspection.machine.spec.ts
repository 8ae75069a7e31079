import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  conclusionFitsFindings,
  defaultPublicationSummary,
  inspectionMachine,
  inspectionWorkflow,
  type Finding,
  type InspectionConclusion,
  type InspectionEvent,
  type InspectionInput,
} from './inspection.machine';
import type { Sanction, ViolationArticle } from './sanctions';
import { deadlineEventName, SYSTEM_ACTOR } from './workflow-definition';

type Snapshot = SnapshotFrom<typeof inspectionMachine>;
type Payload<T extends InspectionEvent['type']> = Omit<
  Extract<InspectionEvent, { type: T }>,
  'type' | 'actor' | 'at'
>;

// ---------------------------------------------------------------- factories

const OWNER = 'u-manager-owner';
const MANAGER_USER = 'u-manager-1';
const LEAD = 'u-inspector-1';
const SECOND = 'u-inspector-2';
const OUTSIDER = 'u-inspector-9';
const TEAM = [{ userId: LEAD }, { userId: SECOND }];

let clock = 0;
/** A fresh, increasing ISO time for each event, so the trail's `at` values are distinguishable. */
function nextAt(): string {
  clock += 1;
  return new Date(Date.UTC(2026, 2, 2, 1, 0, clock)).toISOString();
}

function inspectionInput(overrides: Partial<InspectionInput> = {}): InspectionInput {
  return {
    planId: 'plan-2026-01',
    planName: '2026年度双随机一公开抽查',
    planKind: 'ROUTINE',
    year: 2026,
    institution: {
      id: 'inst-1',
      code: 'H640105001',
      name: '西夏区人民医院',
      type: 'HOSPITAL',
      district: '西夏区',
    },
    team: TEAM,
    ownerId: OWNER,
    windowDays: 30,
    links: [],
    ...overrides,
  };
}

function finding(article: ViolationArticle, amount: string, description: string): Finding {
  return { article, amount, description };
}

/** The findings that fit each conclusion (amounts as typed, normalised when recorded). */
const FINDINGS: Record<InspectionConclusion, Finding[]> = {
  NO_ISSUE: [],
  ISSUES: [
    finding(38, '12800.5', '串换诊疗项目，将自费项目串换为医保项目结算'),
    finding(39, '0', '未按规定保存病历资料'),
  ],
  SUSPECTED_FRAUD: [
    finding(40, '56000', '虚构住院，患者张某未实际住院'),
    finding(38, '3000.00', '重复收费'),
  ],
};

const SANCTIONS: Sanction[] = [
  { type: 'RECOVERY', article: 40, amount: '56000.00' },
  { type: 'FINE', article: 40, amount: '112000.00' },
  { type: 'SUSPENSION', article: 40, months: 6 },
];

/** An event as the engine sends it: the payload plus `actor` and `at`. */
function ev<T extends InspectionEvent['type']>(
  type: T,
  actor: string,
  ...payload: keyof Payload<T> extends never ? [] : [Payload<T>]
): InspectionEvent {
  return { type, ...(payload[0] ?? {}), actor, at: nextAt() } as InspectionEvent;
}

const startOnSite = (actor = LEAD): InspectionEvent => ev('START_ONSITE', actor);
const record = (
  conclusion: InspectionConclusion,
  findings: Finding[] = FINDINGS[conclusion],
  actor = LEAD,
): InspectionEvent => ev('RECORD_FINDINGS', actor, { conclusion, findings });
const confirm = (): InspectionEvent => ev('CONFIRM', MANAGER_USER);
const revise = (comment = '第二项金额需核实'): InspectionEvent =>
  ev('REVISE', MANAGER_USER, { comment });
const submit = (report = '已退回违规费用并完善病历管理制度', actor = SECOND): InspectionEvent =>
  ev('SUBMIT_RECTIFICATION', actor, { report });
const rectificationDeadline = (): InspectionEvent =>
  ev('DEADLINE_RECTIFICATION', SYSTEM_ACTOR, { deadline: 'rectification' });
const recheckPassed = (comment?: string, actor = LEAD): InspectionEvent =>
  ev('RECHECK_PASSED', actor, comment === undefined ? {} : { comment });
const recheckFailed = (comment = '违规项目仍在结算', actor = LEAD): InspectionEvent =>
  ev('RECHECK_FAILED', actor, { comment });
const penaltyClosed = (sanctions: Sanction[] = SANCTIONS): InspectionEvent =>
  ev('PENALTY_CLOSED', SYSTEM_ACTOR, {
    penaltyCaseId: 'case-penalty-1',
    outcome: 'DECIDED',
    sanctions,
  });
const publish = (summary?: string): InspectionEvent =>
  ev('PUBLISH', MANAGER_USER, summary === undefined ? {} : { summary });

function start(input: InspectionInput = inspectionInput()): Snapshot {
  return initialTransition(inspectionMachine, input)[0];
}

function send(snapshot: Snapshot, ...events: InspectionEvent[]): Snapshot {
  return events.reduce((s, e) => transition(inspectionMachine, s, e)[0], snapshot);
}

function onSite(input?: InspectionInput): Snapshot {
  return send(start(input), startOnSite());
}

function inReview(conclusion: InspectionConclusion = 'ISSUES'): Snapshot {
  const snapshot = send(onSite(), record(conclusion));
  expect(snapshot.value).toBe('findings_review');
  return snapshot;
}

/** CONFIRM of `conclusion`: publication, rectification or awaiting_penalty. */
function confirmed(conclusion: InspectionConclusion): Snapshot {
  return send(inReview(conclusion), confirm());
}

function inRecheck(): Snapshot {
  const snapshot = send(confirmed('ISSUES'), submit());
  expect(snapshot.value).toBe('recheck');
  return snapshot;
}

/** The pure step refused the event: same state, same context (the engine answers 422). */
function expectRefused(snapshot: Snapshot, event: InspectionEvent): void {
  expect(snapshot.can(event)).toBe(false);
  const [next] = transition(inspectionMachine, snapshot, event);
  expect(next.value).toBe(snapshot.value);
  expect(next.context).toEqual(snapshot.context);
}

// ---------------------------------------------------------------- the machine

describe('inspection machine', () => {
  describe('opening a case', () => {
    it('should open in scheduled with the plan, the institution and its team', () => {
      const input = inspectionInput();
      const snapshot = start(input);
      expect(snapshot.value).toBe('scheduled');
      expect(snapshot.status).toBe('active');
      expect(snapshot.context).toEqual({
        ...input,
        confidential: false,
        findingsHistory: [],
        revisions: [],
      });
    });

    it('should open a FLIGHT case confidential', () => {
      expect(start(inspectionInput({ planKind: 'FLIGHT' })).context.confidential).toBe(true);
      expect(start(inspectionInput({ planKind: 'SPECIAL' })).context.confidential).toBe(false);
    });

    it("should leave windowDays out when the plan sets none (the policy's default applies)", () => {
      const { windowDays: _omitted, ...input } = inspectionInput();
      expect(Object.keys(start(input).context)).not.toContain('windowDays');
    });

    it('should keep plain JSON in the context (the engine persists it as data)', () => {
      const snapshot = send(confirmed('SUSPECTED_FRAUD'), penaltyClosed(), publish());
      expect(snapshot.value).toBe('closed');
      expect(JSON.parse(JSON.stringify(snapshot.context))).toEqual(snapshot.context);
    });
  });

  describe('the way through rectification', () => {
    it('should walk an inspection with issues to closed and keep the whole trail', () => {
      const input = inspectionInput();
      const events = {
        onSite: startOnSite(),
        findings: record('ISSUES'),
        confirm: confirm(),
        report: submit(),
        recheck: recheckPassed('整改到位'),
        publish: publish('发现串换项目及病历管理问题，已整改'),
      };
      const states: unknown[] = [];
      let snapshot = start(input);
      for (const event of Object.values(events)) {
        snapshot = send(snapshot, event);
        states.push(snapshot.value);
      }

      expect(states).toEqual([
        'on_site',
        'findings_review',
        'rectification',
        'recheck',
        'publication',
        'closed',
      ]);
      expect(snapshot.status).toBe('done');
      const findings = {
        conclusion: 'ISSUES',
        findings: [
          finding(38, '12800.50', '串换诊疗项目，将自费项目串换为医保项目结算'),
          finding(39, '0.00', '未按规定保存病历资料'),
        ],
        revision: 1,
        by: LEAD,
        at: events.findings.at,
      };
      expect(snapshot.context).toEqual({
        ...input,
        confidential: false,
        onSite: { by: LEAD, at: events.onSite.at },
        findings,
        findingsHistory: [findings],
        revisions: [],
        confirmation: { conclusion: 'ISSUES', by: MANAGER_USER, at: events.confirm.at },
        rectification: {
          report: '已退回违规费用并完善病历管理制度',
          by: SECOND,
          at: events.report.at,
        },
        recheck: { passed: true, comment: '整改到位', by: LEAD, at: events.recheck.at },
        publication: {
          publishedAt: events.publish.at,
          by: MANAGER_USER,
          summary: '发现串换项目及病历管理问题，已整改',
        },
      });
    });
  });

  describe('going on site (START_ONSITE)', () => {
    it('should record who started and when, and lift the confidentiality of a FLIGHT case', () => {
      const before = start(inspectionInput({ planKind: 'FLIGHT' }));
      const event = startOnSite(SECOND);
      const snapshot = send(before, event);
      expect(snapshot.value).toBe('on_site');
      expect(snapshot.context.onSite).toEqual({ by: SECOND, at: event.at });
      expect(snapshot.context.confidential).toBe(false);
    });

    it('should refuse anyone not on the team (byTeamMember)', () => {
      expectRefused(start(), startOnSite(OUTSIDER));
      expectRefused(start(), startOnSite(MANAGER_USER));
      expectRefused(start(inspectionInput({ team: [] })), startOnSite());
    });
  });

  describe('recording findings (RECORD_FINDINGS)', () => {
    it('should record the findings with amounts in two places, as revision 1', () => {
      const event = record('SUSPECTED_FRAUD');
      const snapshot = send(onSite(), event);
      expect(snapshot.value).toBe('findings_review');
      expect(snapshot.context.findings).toEqual({
        conclusion: 'SUSPECTED_FRAUD',
        findings: [
          finding(40, '56000.00', '虚构住院，患者张某未实际住院'),
          finding(38, '3000.00', '重复收费'),
        ],
        revision: 1,
        by: LEAD,
        at: event.at,
      });
      expect(snapshot.context.findingsHistory).toEqual([snapshot.context.findings]);
    });

    it('should accept NO_ISSUE with no finding', () => {
      expect(send(onSite(), record('NO_ISSUE')).context.findings?.findings).toEqual([]);
    });

    it('should refuse findings from anyone not on the team (byTeamMember)', () => {
      expectRefused(onSite(), record('ISSUES', FINDINGS.ISSUES, OUTSIDER));
      expectRefused(onSite(), record('NO_ISSUE', [], MANAGER_USER));
    });

    it.each([
      ['an article outside 38–41', finding(42 as ViolationArticle, '100.00', '其他')],
      ['article 37', finding(37 as ViolationArticle, '100.00', '其他')],
      ['a blank description', finding(38, '100.00', '  ')],
      ['an amount with a thousands separator', finding(38, '1,000.00', '超标准收费')],
      ['a negative amount', finding(38, '-1', '超标准收费')],
      ['three decimal places', finding(38, '1.001', '超标准收费')],
      ['an exponent', finding(38, '1e3', '超标准收费')],
      ['an empty amount', finding(38, '', '超标准收费')],
    ])('should refuse a finding with %s (findingsWellFormed)', (_case, bad) => {
      expectRefused(onSite(), record('ISSUES', [FINDINGS.ISSUES[0], bad]));
    });

    it.each<[string, InspectionConclusion, Finding[]]>([
      ['NO_ISSUE with a finding', 'NO_ISSUE', FINDINGS.ISSUES.slice(0, 1)],
      ['ISSUES without a finding', 'ISSUES', []],
      ['ISSUES with an art. 40 (fraud) finding', 'ISSUES', FINDINGS.SUSPECTED_FRAUD],
      ['SUSPECTED_FRAUD without a finding', 'SUSPECTED_FRAUD', []],
      ['SUSPECTED_FRAUD without an art. 40 finding', 'SUSPECTED_FRAUD', FINDINGS.ISSUES],
      ['an unknown conclusion', 'MINOR' as InspectionConclusion, FINDINGS.ISSUES],
    ])('should refuse %s (findingsFitConclusion)', (_case, conclusion, findings) => {
      expect(conclusionFitsFindings(conclusion, findings)).toBe(false);
      expectRefused(onSite(), record(conclusion, findings));
    });

    it('should accept SUSPECTED_FRAUD with an art. 40 finding among others, or alone', () => {
      expect(conclusionFitsFindings('SUSPECTED_FRAUD', FINDINGS.SUSPECTED_FRAUD)).toBe(true);
      expect(
        send(onSite(), record('SUSPECTED_FRAUD', FINDINGS.SUSPECTED_FRAUD.slice(0, 1))).value,
      ).toBe('findings_review');
    });
  });

  describe('the findings review (CONFIRM)', () => {
    it.each([
      ['NO_ISSUE', 'publication'],
      ['ISSUES', 'rectification'],
      ['SUSPECTED_FRAUD', 'awaiting_penalty'],
    ] as const)('should send confirmed %s findings to %s', (conclusion, target) => {
      const event = confirm();
      const snapshot = send(inReview(conclusion), event);
      expect(snapshot.value).toBe(target);
      expect(snapshot.context.confirmation).toEqual({ conclusion, by: MANAGER_USER, at: event.at });
    });

    it('should refer suspected fraud for a penalty, not as a refusal to correct', () => {
      const event = confirm();
      const snapshot = send(inReview('SUSPECTED_FRAUD'), event);
      expect(snapshot.context.penaltyReferral).toEqual({
        reason: 'SUSPECTED_FRAUD',
        refusedToCorrect: false,
        by: MANAGER_USER,
        at: event.at,
      });
    });

    it('should refer nothing when the findings are only issues, or none', () => {
      expect(confirmed('ISSUES').context.penaltyReferral).toBeUndefined();
      expect(confirmed('NO_ISSUE').context.penaltyReferral).toBeUndefined();
    });
  });

  describe('sending findings back (REVISE)', () => {
    it('should return to on_site, keep the revised findings in the history and the comment', () => {
      const before = inReview('ISSUES');
      const event = revise();
      const snapshot = send(before, event);
      expect(snapshot.value).toBe('on_site');
      expect(snapshot.context.findings).toBeUndefined();
      expect(snapshot.context.findingsHistory).toEqual([before.context.findings]);
      expect(snapshot.context.revisions).toEqual([
        { comment: '第二项金额需核实', revision: 1, by: MANAGER_USER, at: event.at },
      ]);
    });

    it('should take the new findings as the next revision and route by their conclusion', () => {
      let snapshot = send(inReview('ISSUES'), revise(), record('SUSPECTED_FRAUD'));
      expect(snapshot.value).toBe('findings_review');
      expect(snapshot.context.findings?.revision).toBe(2);
      snapshot = send(snapshot, revise('证据不足，补充询问笔录'), record('ISSUES'));
      expect(snapshot.context.findings?.revision).toBe(3);
      expect(snapshot.context.findingsHistory.map((f) => [f.conclusion, f.revision])).toEqual([
        ['ISSUES', 1],
        ['SUSPECTED_FRAUD', 2],
        ['ISSUES', 3],
      ]);
      expect(snapshot.context.revisions.map((r) => [r.comment, r.revision])).toEqual([
        ['第二项金额需核实', 1],
        ['证据不足，补充询问笔录', 2],
      ]);
      snapshot = send(snapshot, confirm());
      expect(snapshot.value).toBe('rectification');
      expect(snapshot.context.penaltyReferral).toBeUndefined();
    });

    it.each(['', '   '])(
      'should refuse a REVISE with comment %j (revisionExplained)',
      (comment) => {
        expectRefused(inReview(), revise(comment));
      },
    );
  });

  describe('rectification (整改)', () => {
    it('should move to recheck on the report the team hands in', () => {
      const event = submit('已退回违规费用', LEAD);
      const snapshot = send(confirmed('ISSUES'), event);
      expect(snapshot.value).toBe('recheck');
      expect(snapshot.context.rectification).toEqual({
        report: '已退回违规费用',
        by: LEAD,
        at: event.at,
      });
    });

    it('should refuse a blank report (reportGiven) or one from outside the team', () => {
      expectRefused(confirmed('ISSUES'), submit(' '));
      expectRefused(confirmed('ISSUES'), submit('已整改', OUTSIDER));
    });

    it('should refer the case for a penalty as a refusal to correct when the deadline passes', () => {
      const event = rectificationDeadline();
      const snapshot = send(confirmed('ISSUES'), event);
      expect(snapshot.value).toBe('awaiting_penalty');
      expect(snapshot.context.rectification).toBeUndefined();
      expect(snapshot.context.penaltyReferral).toEqual({
        reason: 'RECTIFICATION_UNANSWERED',
        refusedToCorrect: true,
        by: SYSTEM_ACTOR,
        at: event.at,
      });
    });
  });

  describe('the re-check (复查)', () => {
    it('should publish a passed re-check, with or without a comment', () => {
      const event = recheckPassed();
      const snapshot = send(inRecheck(), event);
      expect(snapshot.value).toBe('publication');
      expect(snapshot.context.recheck).toEqual({ passed: true, by: LEAD, at: event.at });
      expect(snapshot.context.penaltyReferral).toBeUndefined();
      expect(send(inRecheck(), recheckPassed('已整改')).context.recheck?.comment).toBe('已整改');
    });

    it('should refer a failed re-check for a penalty as a refusal to correct', () => {
      const event = recheckFailed();
      const snapshot = send(inRecheck(), event);
      expect(snapshot.value).toBe('awaiting_penalty');
      expect(snapshot.context.recheck).toEqual({
        passed: false,
        comment: '违规项目仍在结算',
        by: LEAD,
        at: event.at,
      });
      expect(snapshot.context.penaltyReferral).toEqual({
        reason: 'RECHECK_FAILED',
        refusedToCorrect: true,
        by: LEAD,
        at: event.at,
      });
    });

    it('should refuse a failed re-check without a comment (failureExplained)', () => {
      expectRefused(inRecheck(), recheckFailed(''));
      expectRefused(inRecheck(), recheckFailed('  '));
    });

    it('should refuse a re-check from anyone not on the team (byTeamMember)', () => {
      expectRefused(inRecheck(), recheckPassed(undefined, OUTSIDER));
      expectRefused(inRecheck(), recheckFailed('未整改', OUTSIDER));
    });
  });

  describe('waiting on the penalty case (PENALTY_CLOSED)', () => {
    it("should record the penalty case's result and move to publication", () => {
      const snapshot = send(confirmed('SUSPECTED_FRAUD'), penaltyClosed());
      expect(snapshot.value).toBe('publication');
      expect(snapshot.context.penalty).toEqual({
        caseId: 'case-penalty-1',
        outcome: 'DECIDED',
        sanctions: SANCTIONS,
      });
      // The referral stays: it says why the case went through a penalty.
      expect(snapshot.context.penaltyReferral?.reason).toBe('SUSPECTED_FRAUD');
    });

    it('should never refuse the signal, even without an id, an outcome or sanctions', () => {
      const bare = { type: 'PENALTY_CLOSED', actor: SYSTEM_ACTOR, at: nextAt() };
      const snapshot = send(confirmed('SUSPECTED_FRAUD'), bare as InspectionEvent);
      expect(snapshot.value).toBe('publication');
      expect(snapshot.context.penalty).toEqual({ sanctions: [] });
    });

    it('should accept nothing else while the penalty case runs', () => {
      const waiting = send(confirmed('ISSUES'), rectificationDeadline());
      expectRefused(waiting, publish());
      expectRefused(waiting, submit());
      expectRefused(waiting, recheckPassed());
    });
  });

  describe('publication (一公开, PUBLISH)', () => {
    it("should close with the manager's summary", () => {
      const event = publish('未发现问题');
      const snapshot = send(confirmed('NO_ISSUE'), event);
      expect(snapshot.value).toBe('closed');
      expect(snapshot.status).toBe('done');
      expect(snapshot.context.publication).toEqual({
        publishedAt: event.at,
        by: MANAGER_USER,
        summary: '未发现问题',
      });
    });

    it.each([
      ['no finding', () => confirmed('NO_ISSUE'), '未发现违反医疗保障基金使用管理规定的问题。'],
      [
        'a passed re-check',
        () => send(inRecheck(), recheckPassed()),
        '发现问题2项（《医疗保障基金使用监督管理条例》第38条1项、第39条1项），涉及金额12800.50元；已整改并经复查合格。',
      ],
      [
        'a penalty',
        () => send(confirmed('SUSPECTED_FRAUD'), penaltyClosed()),
        '发现问题2项（《医疗保障基金使用监督管理条例》第38条1项、第40条1项），涉及金额59000.00元；已移交行政处罚程序处理。',
      ],
      [
        'an unanswered rectification with no amount',
        () =>
          send(
            onSite(),
            record('ISSUES', [finding(39, '0', '未按规定保存病历资料')]),
            confirm(),
            rectificationDeadline(),
            penaltyClosed([]),
          ),
        '发现问题1项（《医疗保障基金使用监督管理条例》第39条1项）；已移交行政处罚程序处理。',
      ],
    ])('should write a summary without personal data after %s', (_case, make, summary) => {
      const before = make();
      expect(before.value).toBe('publication');
      expect(defaultPublicationSummary(before.context)).toBe(summary);
      for (const given of [publish(), publish('  ')]) {
        const snapshot = send(before, given);
        expect(snapshot.context.publication?.summary).toBe(summary);
        // The descriptions may name patients or staff: never in the public text.
        for (const f of before.context.findings?.findings ?? []) {
          expect(summary).not.toContain(f.description);
        }
      }
    });
  });

  it('should ignore an event the state does not accept', () => {
    expectRefused(start(), record('NO_ISSUE'));
    expectRefused(onSite(), confirm());
    expectRefused(inReview(), submit());
    expectRefused(inReview(), publish());
    expectRefused(confirmed('ISSUES'), recheckPassed());
    expectRefused(confirmed('ISSUES'), penaltyClosed());
    expectRefused(inRecheck(), rectificationDeadline());
    expectRefused(confirmed('NO_ISSUE'), startOnSite());
  });

  it('should ask the engine for no effect: the publication clock is declared, not emitted', () => {
    const effects: unknown[] = [];
    let snapshot = start();
    for (const event of [startOnSite(), record('ISSUES'), revise(), record('ISSUES'), confirm()]) {
      const [next, actions] = transition(inspectionMachine, snapshot, event);
      // Widened: the machine declares no emitted type, so TypeScript alone already says none.
      effects.push(
        ...(actions as ReadonlyArray<{ type: string }>).filter((a) => a.type === 'xstate.emit'),
      );
      snapshot = next;
    }
    expect(effects).toEqual([]);
  });
});

// ---------------------------------------------------------------- the definition

/** docs/domain.md §7 inspection: every state with a deadline, and what its expiry does. */
const DOMAIN_DEADLINES = {
  scheduled: 'overdue',
  on_site: 'overdue',
  findings_review: 'overdue',
  rectification: 'DEADLINE_RECTIFICATION',
  recheck: 'overdue',
} as const;

/** Non-final states without a state deadline, each for a reason. */
const WITHOUT_DEADLINE = [
  // Waits on the penalty case, which runs its own clocks.
  'awaiting_penalty',
  // Timed by the case-level clock `publication`, from RECORD_FINDINGS.
  'publication',
];

const FINAL_STATES = ['closed'];

interface NodeLike {
  type: string;
  on: Record<string, unknown>;
  always?: unknown;
}
const nodes = inspectionMachine.root.states as Record<string, NodeLike>;
const allStates = Object.keys(nodes);
const eventsOf = (state: string): string[] => Object.keys(nodes[state].on);

describe('inspection workflow definition', () => {
  const { permissions, deadlines } = inspectionWorkflow;

  it('should be inspection version 1', () => {
    expect(inspectionWorkflow.type).toBe('inspection');
    expect(inspectionWorkflow.version).toBe(1);
    expect(inspectionWorkflow.machine).toBe(inspectionMachine);
  });

  it('should have exactly the states of docs/domain.md §7', () => {
    expect([...allStates].sort()).toEqual(
      [...Object.keys(DOMAIN_DEADLINES), ...WITHOUT_DEADLINE, ...FINAL_STATES].sort(),
    );
    expect(allStates.filter((s) => nodes[s].type === 'final')).toEqual(FINAL_STATES);
    expect(allStates.filter((s) => nodes[s].always !== undefined)).toEqual([]);
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
    const team = { roles: ['INSPECTOR'], scope: { members: 'team' } };
    const manager = { roles: ['MANAGER'] };
    const system = { roles: [SYSTEM_ACTOR] };
    expect(permissions).toEqual({
      scheduled: { START_ONSITE: team },
      on_site: { RECORD_FINDINGS: team },
      findings_review: { CONFIRM: manager, REVISE: manager },
      rectification: { SUBMIT_RECTIFICATION: team, DEADLINE_RECTIFICATION: system },
      recheck: { RECHECK_PASSED: team, RECHECK_FAILED: team },
      awaiting_penalty: { PENALTY_CLOSED: system },
      publication: { PUBLISH: manager },
    });
  });

  it('should let only the service send the deadline and the penalty case’s closing', () => {
    const systemEvents = Object.entries(permissions).flatMap(([state, events]) =>
      Object.entries(events)
        .filter(([, permission]) => permission.roles.includes(SYSTEM_ACTOR))
        .map(([event, permission]) => [state, event, permission.roles]),
    );
    expect(systemEvents).toEqual([
      ['rectification', 'DEADLINE_RECTIFICATION', [SYSTEM_ACTOR]],
      ['awaiting_penalty', 'PENALTY_CLOSED', [SYSTEM_ACTOR]],
    ]);
  });

  it('should read the team from data.team, an array of { userId }', () => {
    expect(start().context.team.map((m) => m.userId)).toEqual([LEAD, SECOND]);
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
    expect(Object.values(deadlines).filter((d) => d.pausesSla === true)).toEqual([]);
  });

  it('should time publication by a case-level clock from RECORD_FINDINGS, not a state deadline', () => {
    expect(inspectionWorkflow.clocks).toEqual({
      publication: { startOn: ['RECORD_FINDINGS'], onExpire: 'overdue' },
    });
    expect(deadlines.publication).toBeUndefined();
    // The clock starts on an event the machine handles; a RECORD_FINDINGS after a REVISE
    // restarts it (the engine's rule for startOn): the machine allows that second one.
    expect(eventsOf('on_site')).toContain('RECORD_FINDINGS');
    expect(send(inReview(), revise()).can(record('NO_ISSUE'))).toBe(true);
  });

  it('should give every non-final state a deadline, or a reason not to', () => {
    for (const state of allStates.filter((s) => nodes[s].type !== 'final')) {
      expect([state, deadlines[state] !== undefined || WITHOUT_DEADLINE.includes(state)]).toEqual([
        state,
        true,
      ]);
    }
  });

  describe('confidentiality (飞行检查)', () => {
    const confidential = inspectionWorkflow.confidential!;
    const data = (snapshot: Snapshot): Record<string, unknown> =>
      snapshot.context as unknown as Record<string, unknown>;

    it('should hide a FLIGHT case until the team is on site', () => {
      const flight = start(inspectionInput({ planKind: 'FLIGHT' }));
      expect(confidential.while(data(flight))).toBe(true);
      expect(confidential.while(data(send(flight, startOnSite())))).toBe(false);
      // An outsider's START_ONSITE is refused: the case stays hidden.
      expect(confidential.while(data(send(flight, startOnSite(OUTSIDER))))).toBe(true);
    });

    it.each(['ROUTINE', 'SPECIAL'] as const)('should never hide a %s case', (planKind) => {
      expect(confidential.while(data(start(inspectionInput({ planKind }))))).toBe(false);
    });

    it("should show a hidden case to the plan's owner (the team sees it through member scope)", () => {
      const flight = start(inspectionInput({ planKind: 'FLIGHT' }));
      expect(confidential.viewers(data(flight))).toEqual([OWNER]);
      expect(confidential.viewers({ confidential: true })).toEqual([]);
    });
  });

  describe('the visit window (durationFromData)', () => {
    const durationFromData = inspectionWorkflow.durationFromData!;

    it.each([
      [30, '30d'],
      [45, '45d'],
      [1, '1d'],
    ])("should take windowDays %i as scheduled's deadline %s", (windowDays, duration) => {
      const context = start(inspectionInput({ windowDays })).context;
      expect(durationFromData('scheduled', context as unknown as Record<string, unknown>)).toBe(
        duration,
      );
    });

    it.each([undefined, 0, -5, 2.5, '30'])(
      'should fall back to the policy for windowDays %j (deadlines.inspection.scheduled)',
      (windowDays) => {
        expect(durationFromData('scheduled', { windowDays })).toBeUndefined();
      },
    );

    it('should leave every other state to the policy', () => {
      for (const state of allStates.filter((s) => s !== 'scheduled')) {
        expect(durationFromData(state, { windowDays: 30 })).toBeUndefined();
      }
    });
  });

  it('should label every state in zh-CN', () => {
    expect(inspectionWorkflow.stateLabels).toEqual({
      scheduled: '待检查',
      on_site: '现场检查中',
      findings_review: '待审核',
      rectification: '整改中',
      recheck: '复查中',
      awaiting_penalty: '待处罚结果',
      publication: '待公开',
      closed: '已办结',
    });
    expect(Object.keys(inspectionWorkflow.stateLabels ?? {}).sort()).toEqual([...allStates].sort());
  });
});

// ---------------------------------------------------------------- graph

describe('inspection reachability (xstate/graph)', () => {
  const at = '2026-03-02T00:00:00.000Z';
  /** One of each event, and findings for each conclusion. */
  const sampleEvents: InspectionEvent[] = [
    { type: 'START_ONSITE', actor: LEAD, at },
    ...(['NO_ISSUE', 'ISSUES', 'SUSPECTED_FRAUD'] as const).map((conclusion): InspectionEvent => ({
      type: 'RECORD_FINDINGS',
      conclusion,
      findings: FINDINGS[conclusion],
      actor: LEAD,
      at,
    })),
    { type: 'CONFIRM', actor: MANAGER_USER, at },
    { type: 'REVISE', comment: '补充证据', actor: MANAGER_USER, at },
    { type: 'SUBMIT_RECTIFICATION', report: '已整改', actor: SECOND, at },
    { type: 'DEADLINE_RECTIFICATION', actor: SYSTEM_ACTOR, at },
    { type: 'RECHECK_PASSED', actor: LEAD, at },
    { type: 'RECHECK_FAILED', comment: '未整改', actor: LEAD, at },
    {
      type: 'PENALTY_CLOSED',
      penaltyCaseId: 'case-penalty-1',
      outcome: 'DECIDED',
      sanctions: SANCTIONS,
      actor: SYSTEM_ACTOR,
      at,
    },
    { type: 'PUBLISH', actor: MANAGER_USER, at },
  ];
  // Told apart by what the guards and the routes read: the standing conclusion, why a penalty
  // was referred, and whether findings were ever sent back (a yes/no, not the growing history,
  // so the REVISE loop is walked once and the graph stays finite).
  const byGuardedContext = (snapshot: Snapshot): string =>
    JSON.stringify([
      snapshot.value,
      snapshot.context.findings?.conclusion,
      snapshot.context.penaltyReferral?.reason,
      snapshot.context.recheck?.passed,
      snapshot.context.revisions.length > 0,
    ]);
  const options = { events: sampleEvents, serializeState: byGuardedContext };

  it('should reach every state', () => {
    const paths = getShortestPaths(inspectionMachine, { ...options, input: inspectionInput() });
    expect([...new Set(paths.map((p) => p.state.value as string))].sort()).toEqual(
      [...allStates].sort(),
    );
  });

  it('should let every reachable state end in closed (no dead end)', () => {
    const reachable = getShortestPaths(inspectionMachine, {
      ...options,
      input: inspectionInput({ planKind: 'FLIGHT' }),
    });
    expect(reachable.length).toBeGreaterThan(allStates.length);
    for (const { state } of reachable) {
      const toClosed = getShortestPaths(inspectionMachine, {
        ...options,
        fromState: state,
        toState: (snapshot) => snapshot.value === 'closed',
      });
      expect([byGuardedContext(state), toClosed.length > 0]).toEqual([
        byGuardedContext(state),
        true,
      ]);
    }
  });

  it('should end every complete path in closed, through every route of docs/domain.md §7', () => {
    const paths = getSimplePaths(inspectionMachine, {
      ...options,
      input: inspectionInput(),
      toState: (snapshot) => snapshot.status === 'done',
    });
    const onWayToClosed = new Set<string>();
    for (const path of paths) {
      expect(path.state.value).toBe('closed');
      for (const step of path.steps) {
        onWayToClosed.add(step.state.value);
      }
    }
    expect([...onWayToClosed].sort()).toEqual([...allStates].sort());

    // Every route to publication: no issue, passed re-check, and the three penalty referrals.
    const routes = new Set(
      paths.map((p) =>
        [
          p.state.context.confirmation?.conclusion,
          p.state.context.recheck?.passed ?? '-',
          p.state.context.penaltyReferral?.reason ?? '-',
        ].join(' '),
      ),
    );
    expect([...routes].sort()).toEqual(
      [
        'ISSUES - RECTIFICATION_UNANSWERED',
        'ISSUES false RECHECK_FAILED',
        'ISSUES true -',
        'NO_ISSUE - -',
        'SUSPECTED_FRAUD - SUSPECTED_FRAUD',
      ].sort(),
    );
  });

  it('should come back from a REVISE and still reach closed', () => {
    const paths = getSimplePaths(inspectionMachine, {
      ...options,
      input: inspectionInput(),
      toState: (snapshot) => snapshot.status === 'done',
    });
    expect(paths.some((p) => p.steps.some((step) => step.event.type === 'REVISE'))).toBe(true);
  });
});
