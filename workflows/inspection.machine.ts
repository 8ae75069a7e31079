import { and, assertEvent, assign, setup } from 'xstate';
import type { CaseLink } from './hardship-hearing.machine';
import { formatCents, hasText, normaliseMoney, toCents } from './money-cents';
import { VIOLATION_ARTICLES, type Sanction, type ViolationArticle } from './sanctions';
import { defineWorkflow } from './workflow-definition';

/**
 * 监督检查 — one inspection of one institution by its team (双随机一公开, docs/domain.md §4, §5 and
 * §7, docs/api.md "Hearings, inspections, penalties").
 *
 * Pure: the engine computes every step with `initialTransition` / `transition` and persists
 * the context as the case's `data`, so the context is plain JSON (money as decimal strings,
 * times as ISO strings). Every event carries the engine's `actor` (user id, or `system`) and
 * `at` (ISO time). The machine decides what it can from its own context: whether the findings
 * fit the conclusion, where the manager's confirmation leads, and why a case is referred for a
 * penalty (`penaltyReferral`). The service does the rest around it: it opens the penalty case
 * when the case enters `awaiting_penalty` (reading `penaltyReferral` and `findings`), and sends
 * PENALTY_CLOSED back when that case closes. The time to publish (20wd from the end of the
 * on-site check) is the case-level clock `publication`, not a state deadline.
 */

// ---------------------------------------------------------------- data

/**
 * docs/api.md "Hearings, inspections, penalties", `POST /inspection-plans`: routine double-random,
 * special, or flight (飞行检查).
 */
export type InspectionPlanKind = 'ROUTINE' | 'SPECIAL' | 'FLIGHT';

/** docs/api.md "Hearings, inspections, penalties", `POST /institutions`. */
import type { InstitutionType } from './institutions';

export type { InstitutionType };

/** The institution inspected, as the draw (or the selection) found it in the directory. */
export interface InspectedInstitution {
  id: string;
  code: string;
  name: string;
  type: InstitutionType;
  district: string | null;
}

/** An inspector on the team. `data.team` is what the engine's member scope reads. */
export interface TeamMember {
  userId: string;
}

export interface InspectionInput {
  planId: string;
  planName: string;
  planKind: InspectionPlanKind;
  year: number;
  institution: InspectedInstitution;
  /** The drawn team: at least 2 inspectors (Decree 735 art. 29), none affiliated (回避). */
  team: TeamMember[];
  /** Who owns the plan: with the team, the only one who sees a FLIGHT case before START_ONSITE. */
  ownerId: string;
  /** The plan's window for the visit in calendar days; without it the policy's default applies. */
  windowDays?: number;
  links: CaseLink[];
}

/** Who did something and when: the engine's `actor` and `at` of the event. */
export interface Trail {
  by: string;
  at: string;
}

export type InspectionConclusion = 'NO_ISSUE' | 'ISSUES' | 'SUSPECTED_FRAUD';

/** One finding of the on-site check: the Decree 735 article it falls under. */
export interface Finding {
  article: ViolationArticle;
  description: string;
  /** The amount involved (fund loss, or amount defrauded), two places; "0.00" when none. */
  amount: string;
}

/** The team's findings as recorded; a REVISE sends them back and a new revision follows. */
export interface FindingsRecord extends Trail {
  conclusion: InspectionConclusion;
  findings: Finding[];
  /** 1 for the first record, 2 for the one after the first REVISE, and so on. */
  revision: number;
}

/** The manager's REVISE: the findings of `revision` went back to the team with `comment`. */
export interface RevisionRecord extends Trail {
  comment: string;
  revision: number;
}

/** The manager's CONFIRM, with the conclusion confirmed (it decided the route). */
export interface Confirmation extends Trail {
  conclusion: InspectionConclusion;
}

/** 整改报告: the institution's rectification, handed in by the team. */
export interface RectificationRecord extends Trail {
  report: string;
}

/** 复查: the team's re-check of the rectification. */
export interface RecheckRecord extends Trail {
  passed: boolean;
  comment?: string;
}

export type PenaltyReferralReason =
  'SUSPECTED_FRAUD' | 'RECTIFICATION_UNANSWERED' | 'RECHECK_FAILED';

/**
 * Why the case waits on a penalty case. `refusedToCorrect` is what the penalty case's ladder
 * reads as `data.refusedToCorrect` (docs/domain.md §7 penalty-case: an art. 39 FINE only then).
 */
export interface PenaltyReferral extends Trail {
  reason: PenaltyReferralReason;
  refusedToCorrect: boolean;
}

/** What the penalty case decided, as PENALTY_CLOSED reported it; public with the result. */
export interface PenaltyResult {
  caseId?: string;
  outcome?: string;
  sanctions: Sanction[];
}

/** 一公开: what the public endpoint shows (no personal data in `summary`). */
export interface Publication {
  publishedAt: string;
  by: string;
  summary: string;
}

export interface InspectionContext extends InspectionInput {
  /** A FLIGHT case is secret until the team arrives (START_ONSITE). */
  confidential: boolean;
  onSite?: Trail;
  /** The findings now standing; unset before RECORD_FINDINGS and after a REVISE. */
  findings?: FindingsRecord;
  /** Every findings record as given, in order, revised ones included. */
  findingsHistory: FindingsRecord[];
  revisions: RevisionRecord[];
  confirmation?: Confirmation;
  rectification?: RectificationRecord;
  recheck?: RecheckRecord;
  penaltyReferral?: PenaltyReferral;
  penalty?: PenaltyResult;
  publication?: Publication;
}

// ---------------------------------------------------------------- events

/** What the engine adds to every event. */
interface EventMeta {
  actor: string;
  at: string;
}

/** What the engine adds to a deadline's event (the case's deadline row). */
interface DeadlineMeta extends EventMeta {
  deadline?: string;
  dueAt?: string;
  entrySeq?: number;
}

export type InspectionEvent =
  | ({ type: 'START_ONSITE' } & EventMeta)
  | ({ type: 'RECORD_FINDINGS'; conclusion: InspectionConclusion; findings: Finding[] } & EventMeta)
  | ({ type: 'CONFIRM' } & EventMeta)
  | ({ type: 'REVISE'; comment: string } & EventMeta)
  | ({ type: 'SUBMIT_RECTIFICATION'; report: string } & EventMeta)
  | ({ type: 'DEADLINE_RECTIFICATION' } & DeadlineMeta)
  | ({ type: 'RECHECK_PASSED'; comment?: string } & EventMeta)
  | ({ type: 'RECHECK_FAILED'; comment: string } & EventMeta)
  | ({
      type: 'PENALTY_CLOSED';
      /** Sent by the service (actor `system`) when the linked penalty case closes. */
      penaltyCaseId: string;
      outcome: string;
      sanctions: Sanction[];
    } & EventMeta)
  | ({ type: 'PUBLISH'; summary?: string } & EventMeta);

// ---------------------------------------------------------------- rules

/**
 * A refusal to correct climbs the sanction ladder (docs/domain.md §5); suspected fraud is not one.
 */
const REFUSED_TO_CORRECT: Record<PenaltyReferralReason, boolean> = {
  SUSPECTED_FRAUD: false,
  RECTIFICATION_UNANSWERED: true,
  RECHECK_FAILED: true,
};

/** The fraud article of Decree 735 (骗取医保基金). */
const FRAUD_ARTICLE: ViolationArticle = 40;

function isWellFormed(finding: Finding): boolean {
  return (
    (VIOLATION_ARTICLES as readonly number[]).includes(finding.article) &&
    hasText(finding.description) &&
    toCents(finding.amount) !== null
  );
}

/**
 * The conclusion must say what the findings say:
 * - NO_ISSUE has no finding (every finding is a violation of an article);
 * - ISSUES has at least one, none under art. 40: fraud is never only rectified, Decree 735
 *   art. 40 has no order-to-correct route (return + fine + suspension);
 * - SUSPECTED_FRAUD has at least one art. 40 finding (it may list others beside it).
 */
export function conclusionFitsFindings(
  conclusion: InspectionConclusion,
  findings: readonly Finding[],
): boolean {
  const fraud = findings.some((f) => f.article === FRAUD_ARTICLE);
  switch (conclusion) {
    case 'NO_ISSUE':
      return findings.length === 0;
    case 'ISSUES':
      return findings.length > 0 && !fraud;
    case 'SUSPECTED_FRAUD':
      return fraud;
  }
  // A conclusion outside the union (a payload the DTO let through) fits nothing.
  return false;
}

/**
 * The public summary when the manager writes none: the conclusion, the number of findings per
 * article, the amount involved and how the case ended. Never the descriptions: they may name
 * patients or staff, and the public result carries no personal data (docs/api.md).
 */
export function defaultPublicationSummary(context: InspectionContext): string {
  const findings = context.findings?.findings ?? [];
  if (findings.length === 0) {
    return '未发现违反医疗保障基金使用管理规定的问题。';
  }
  const perArticle = VIOLATION_ARTICLES.flatMap((article) => {
    const count = findings.filter((f) => f.article === article).length;
    return count === 0 ? [] : [`第${article}条${count}项`];
  });
  const total = findings.reduce((sum, f) => sum + (toCents(f.amount) ?? 0n), 0n);
  const amount = total > 0n ? `，涉及金额${formatCents(total)}元` : '';
  const outcome =
    context.penaltyReferral !== undefined ? '已移交行政处罚程序处理' : '已整改并经复查合格';
  return `发现问题${findings.length}项（《医疗保障基金使用监督管理条例》${perArticle.join('、')}）${amount}；${outcome}。`;
}

// ---------------------------------------------------------------- machine

export const inspectionMachine = setup({
  types: {
    context: {} as InspectionContext,
    events: {} as InspectionEvent,
    input: {} as InspectionInput,
  },
  guards: {
    /**
     * Only an inspector on the team acts for it (the engine's member scope checks it too): the
     * trail's `by` is always a team member.
     */
    byTeamMember: ({ context, event }) =>
      context.team.some((member) => member.userId === event.actor),
    /** Every finding names an article of Decree 735, says what was found, and a valid amount. */
    findingsWellFormed: ({ event }) => {
      assertEvent(event, 'RECORD_FINDINGS');
      return event.findings.every(isWellFormed);
    },
    findingsFitConclusion: ({ event }) => {
      assertEvent(event, 'RECORD_FINDINGS');
      return conclusionFitsFindings(event.conclusion, event.findings);
    },
    /** The standing findings' conclusion picks CONFIRM's route. */
    concluded: ({ context }, params: { conclusion: InspectionConclusion }) =>
      context.findings?.conclusion === params.conclusion,
    /** A REVISE tells the team what to look at again. */
    revisionExplained: ({ event }) => {
      assertEvent(event, 'REVISE');
      return hasText(event.comment);
    },
    reportGiven: ({ event }) => {
      assertEvent(event, 'SUBMIT_RECTIFICATION');
      return hasText(event.report);
    },
    /** A failed re-check sends the institution to a penalty: the team says why. */
    failureExplained: ({ event }) => {
      assertEvent(event, 'RECHECK_FAILED');
      return hasText(event.comment);
    },
  },
  actions: {
    /** The team is on site: a FLIGHT case is no longer secret (飞行检查 announced by arriving). */
    recordOnSite: assign(({ event }) => {
      assertEvent(event, 'START_ONSITE');
      return { onSite: { by: event.actor, at: event.at }, confidential: false };
    }),
    recordFindings: assign(({ context, event }) => {
      assertEvent(event, 'RECORD_FINDINGS');
      const record: FindingsRecord = {
        conclusion: event.conclusion,
        findings: event.findings.map((f) => ({
          article: f.article,
          description: f.description,
          amount: normaliseMoney(f.amount),
        })),
        revision: context.findingsHistory.length + 1,
        by: event.actor,
        at: event.at,
      };
      return { findings: record, findingsHistory: [...context.findingsHistory, record] };
    }),
    /** The findings go back to the team; they stay in the history, with the manager's comment. */
    recordRevision: assign(({ context, event }) => {
      assertEvent(event, 'REVISE');
      const revision: RevisionRecord = {
        comment: event.comment,
        revision: context.findings?.revision ?? context.findingsHistory.length,
        by: event.actor,
        at: event.at,
      };
      return { revisions: [...context.revisions, revision], findings: undefined };
    }),
    recordConfirmation: assign(({ context, event }) => {
      assertEvent(event, 'CONFIRM');
      if (context.findings === undefined) {
        // Unreachable: findings_review is entered only by RECORD_FINDINGS.
        throw new Error('CONFIRM without findings');
      }
      return {
        confirmation: { conclusion: context.findings.conclusion, by: event.actor, at: event.at },
      };
    }),
    /**
     * The referral the service opens the penalty case from; the machine only records it. The
     * event is CONFIRM, DEADLINE_RECTIFICATION or RECHECK_FAILED: its actor and time.
     */
    referToPenalty: assign({
      penaltyReferral: ({ event }, params: { reason: PenaltyReferralReason }) => ({
        reason: params.reason,
        refusedToCorrect: REFUSED_TO_CORRECT[params.reason],
        by: event.actor,
        at: event.at,
      }),
    }),
    recordRectification: assign({
      rectification: ({ event }) => {
        assertEvent(event, 'SUBMIT_RECTIFICATION');
        return { report: event.report, by: event.actor, at: event.at };
      },
    }),
    recordRecheck: assign({
      recheck: ({ event }) => {
        assertEvent(event, ['RECHECK_PASSED', 'RECHECK_FAILED']);
        return {
          passed: event.type === 'RECHECK_PASSED',
          ...(event.comment !== undefined ? { comment: event.comment } : {}),
          by: event.actor,
          at: event.at,
        };
      },
    }),
    /**
     * Kept as reported. Tolerant on purpose: a signal the worker cannot apply would leave the
     * case waiting for ever, so a missing id or outcome is left out rather than refused.
     */
    recordPenalty: assign({
      penalty: ({ event }) => {
        assertEvent(event, 'PENALTY_CLOSED');
        return {
          ...(event.penaltyCaseId !== undefined ? { caseId: event.penaltyCaseId } : {}),
          ...(event.outcome !== undefined ? { outcome: event.outcome } : {}),
          sanctions: event.sanctions ?? [],
        };
      },
    }),
    recordPublication: assign({
      publication: ({ context, event }) => {
        assertEvent(event, 'PUBLISH');
        return {
          publishedAt: event.at,
          by: event.actor,
          summary: hasText(event.summary) ? event.summary : defaultPublicationSummary(context),
        };
      },
    }),
  },
}).createMachine({
  id: 'inspection',
  context: ({ input }) => ({
    planId: input.planId,
    planName: input.planName,
    planKind: input.planKind,
    year: input.year,
    institution: input.institution,
    team: input.team,
    ownerId: input.ownerId,
    ...(input.windowDays !== undefined ? { windowDays: input.windowDays } : {}),
    links: input.links,
    confidential: input.planKind === 'FLIGHT',
    findingsHistory: [],
    revisions: [],
  }),
  initial: 'scheduled',
  states: {
    scheduled: {
      description:
        "The team visits within the plan's window; a FLIGHT case stays secret until it arrives.",
      on: {
        START_ONSITE: { guard: 'byTeamMember', target: 'on_site', actions: 'recordOnSite' },
      },
    },
    on_site: {
      description: 'The team checks on site and records its conclusion and findings.',
      on: {
        RECORD_FINDINGS: {
          guard: and(['byTeamMember', 'findingsWellFormed', 'findingsFitConclusion']),
          target: 'findings_review',
          actions: 'recordFindings',
        },
      },
    },
    findings_review: {
      description:
        'The manager confirms the findings (the conclusion picks the route) or sends them back.',
      on: {
        CONFIRM: [
          {
            guard: { type: 'concluded', params: { conclusion: 'NO_ISSUE' } },
            target: 'publication',
            actions: 'recordConfirmation',
          },
          {
            guard: { type: 'concluded', params: { conclusion: 'ISSUES' } },
            target: 'rectification',
            actions: 'recordConfirmation',
          },
          {
            guard: { type: 'concluded', params: { conclusion: 'SUSPECTED_FRAUD' } },
            target: 'awaiting_penalty',
            actions: [
              'recordConfirmation',
              { type: 'referToPenalty', params: { reason: 'SUSPECTED_FRAUD' } },
            ],
          },
        ],
        REVISE: { guard: 'revisionExplained', target: 'on_site', actions: 'recordRevision' },
      },
    },
    rectification: {
      description:
        '责令整改: the institution corrects; no report by the deadline counts as refusing to correct.',
      on: {
        SUBMIT_RECTIFICATION: {
          guard: and(['byTeamMember', 'reportGiven']),
          target: 'recheck',
          actions: 'recordRectification',
        },
        DEADLINE_RECTIFICATION: {
          target: 'awaiting_penalty',
          actions: { type: 'referToPenalty', params: { reason: 'RECTIFICATION_UNANSWERED' } },
        },
      },
    },
    recheck: {
      description:
        'The team re-checks the rectification: passed is published, failed is penalised.',
      on: {
        RECHECK_PASSED: { guard: 'byTeamMember', target: 'publication', actions: 'recordRecheck' },
        RECHECK_FAILED: {
          guard: and(['byTeamMember', 'failureExplained']),
          target: 'awaiting_penalty',
          actions: [
            'recordRecheck',
            { type: 'referToPenalty', params: { reason: 'RECHECK_FAILED' } },
          ],
        },
      },
    },
    awaiting_penalty: {
      description:
        'The service has opened a penalty case from `penaltyReferral`; its closing is reported here.',
      on: {
        PENALTY_CLOSED: { target: 'publication', actions: 'recordPenalty' },
      },
    },
    publication: {
      description: '一公开: the manager publishes the result (the case-level clock `publication`).',
      on: {
        PUBLISH: { target: 'closed', actions: 'recordPublication' },
      },
    },
    closed: { type: 'final', description: 'Published; `publication` holds what the public sees.' },
  },
});

// ---------------------------------------------------------------- workflow

const TEAM_INSPECTOR = { roles: ['INSPECTOR'], scope: { members: 'team' } } as const;
const MANAGER = { roles: ['MANAGER'] } as const;
const SYSTEM = { roles: ['system'] } as const;

export const inspectionWorkflow = defineWorkflow({
  type: 'inspection',
  version: 1,
  title: '双随机检查 Inspection',
  machine: inspectionMachine,
  stateLabels: {
    scheduled: '待检查',
    on_site: '现场检查中',
    findings_review: '待审核',
    rectification: '整改中',
    recheck: '复查中',
    awaiting_penalty: '待处罚结果',
    publication: '待公开',
    closed: '已办结',
  },
  eventLabels: {
    START_ONSITE: '开始现场检查',
    RECORD_FINDINGS: '记录检查发现',
    CONFIRM: '审核确认',
    REVISE: '退回修改',
    SUBMIT_RECTIFICATION: '提交整改情况',
    DEADLINE_RECTIFICATION: '整改期限届满',
    RECHECK_PASSED: '复查通过',
    RECHECK_FAILED: '复查未通过',
    PENALTY_CLOSED: '处罚案件办结',
    PUBLISH: '公开检查结果',
  },
  permissions: {
    scheduled: { START_ONSITE: TEAM_INSPECTOR },
    on_site: { RECORD_FINDINGS: TEAM_INSPECTOR },
    findings_review: { CONFIRM: MANAGER, REVISE: MANAGER },
    rectification: { SUBMIT_RECTIFICATION: TEAM_INSPECTOR, DEADLINE_RECTIFICATION: SYSTEM },
    recheck: { RECHECK_PASSED: TEAM_INSPECTOR, RECHECK_FAILED: TEAM_INSPECTOR },
    // Sent by the service when the linked penalty case closes (a cross-case signal).
    awaiting_penalty: { PENALTY_CLOSED: SYSTEM },
    publication: { PUBLISH: MANAGER },
  },
  // Durations are policy (`deadlines.inspection.<state>`), never code. awaiting_penalty waits on
  // the penalty case, which has its own clocks; publication is timed by the clock below.
  deadlines: {
    scheduled: { onExpire: 'overdue' },
    on_site: { onExpire: 'overdue' },
    findings_review: { onExpire: 'overdue' },
    rectification: { onExpire: { event: 'DEADLINE_RECTIFICATION' } },
    recheck: { onExpire: 'overdue' },
  },
  clocks: {
    // Results are published within 20wd of the end of the on-site check (国办发〔2015〕58号
    // practice): counted from RECORD_FINDINGS, restarted by a RECORD_FINDINGS after a REVISE;
    // duration `deadlines.inspection.publication`.
    publication: { startOn: ['RECORD_FINDINGS'], onExpire: 'overdue' },
  },
  // LEGAL (法制审核) reads inspection cases, whose findings its penalty cases rest on.
  readers: ['LEGAL'],
  confidential: {
    // 飞行检查: secret to all but the team (member scope) and the plan's owner until on site.
    while: (data) => data.confidential === true,
    viewers: (data) => (typeof data.ownerId === 'string' ? [data.ownerId] : []),
  },
  // The plan's own window for the visit, in calendar days; else `deadlines.inspection.scheduled`.
  durationFromData: (state, data) => {
    const { windowDays } = data;
    return state === 'scheduled' &&
      typeof windowDays === 'number' &&
      Number.isInteger(windowDays) &&
      windowDays > 0
      ? `${windowDays}d`
      : undefined;
  },
});
