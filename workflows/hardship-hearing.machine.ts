import { createHash } from 'node:crypto';
import { and, assertEvent, assign, emit, setup } from 'xstate';
import type { ApplicantCategory } from './relief-application.machine';
import { defineWorkflow, type EngineEffect, type RefusedField } from './workflow-definition';
import { formatCents, hasText, normaliseMoney, toCents } from './money-cents';

/**
 * 特殊医疗救助评审 — the special-hardship hearing (docs/domain.md §2 and §7, docs/api.md "Hearings,
 * inspections, penalties").
 *
 * Pure: the engine computes every step with `initialTransition` / `transition` and persists
 * the context as the case's `data`, so the context is plain JSON (money as decimal strings,
 * times as ISO strings). What the machine cannot know itself arrives on the event, added by
 * the engine's domain hooks: the panel draw (CONVENE), the replacement draw when the panel
 * review ends without a quorum (DEADLINE_PANEL_REVIEW), the special-relief numbers (DECIDE).
 * Every event also carries the engine's `actor` (user id, or `system`) and `at` (ISO time).
 * The machine decides what it can from its own context: who sits on the panel, when every
 * expert or a quorum has answered, the panel's figure (median), whether the burden left is
 * above the cap, and whether a payment is exactly what was decided.
 */

// ---------------------------------------------------------------- data

export type ExpertField = 'MEDICAL' | 'INSURANCE' | 'FINANCE';

export interface HearingApplicant {
  name: string;
  /** 18-digit resident ID (experts never see it in full: docs/api.md). */
  idNumber: string;
  /** TEKUN gets 60% special relief, everyone else 50% (the DECIDE hook applies it). */
  category: ApplicantCategory;
}

/** A link to another case, kept both ways (e.g. `{ rel: 'relief-application', caseId }`). */
export interface CaseLink {
  rel: string;
  caseId: string;
}

export interface HardshipHearingInput {
  /** The relief case the hearing was opened for, when there is one. */
  reliefCaseId?: string;
  applicant: HearingApplicant;
  streetCode: string;
  /** The year of the burden and of the yearly caps. */
  year: number;
  /** Codes of the treating institutions: their experts are never drawn (回避). */
  institutions: string[];
  /** The burden the referral measured (in-policy remainder + out-of-policy costs). */
  burden: string;
  /**
   * The paid relief cases of the year whose burdens add up to `burden` (the person's yearly
   * burden, not one case's), with each case's share; absent on hearings opened before.
   */
  burdenCases?: BurdenShare[];
  links: CaseLink[];
}

/** One relief case's part of the yearly burden a hearing weighs. */
export interface BurdenShare {
  caseId: string;
  burden: string;
}

/** One expert sitting on the panel. `data.panel` is what the engine's member scope reads. */
export interface PanelMember {
  userId: string;
  expertField: ExpertField;
}

/**
 * A reproducible random draw as the hook ran it (the same seed and candidates give the same
 * result). The machine reads none of it; whatever else the hook records to reproduce the draw
 * (composition, exclusions, a hash of the candidates) is stored as given.
 */
export interface PanelDraw {
  seed: string;
  algorithm: string;
  /** The eligible experts, after recusal and exclusions, in the order the algorithm reads them. */
  candidates: PanelMember[];
  /** Whom the draw picked. */
  result: PanelMember[];
}

/** A non-responder replaced by a redraw at the panel-review deadline. */
export interface PanelReplacement {
  replacedUserId: string;
  userId: string;
  expertField: ExpertField;
}

/** Who did something and when: the engine's `actor` and `at` of the event. */
export interface Trail {
  by: string;
  at: string;
}

/** A draw kept on the case: the convening draw, or a redraw that replaced non-responders. */
export interface PanelDrawRecord extends PanelDraw, Trail {
  kind: 'CONVENE' | 'REDRAW';
  /** A redraw only: who replaced whom. */
  replacements?: PanelReplacement[];
}

/** An expert's opinion (合理必要); `by` is the expert. */
export interface Opinion extends Trail {
  expertField: ExpertField;
  /** The cost the expert finds reasonable and necessary, two places. */
  reasonableCost: string;
  support: boolean;
  comment: string;
  /** 1 for the expert's first opinion, 2 for the one that replaced it, and so on. */
  revision: number;
}

/**
 * The special-relief numbers as the DECIDE hook computes them (docs/domain.md §2), decimal strings:
 * `amount` = reasonable cost × ratio within the yearly cap, `burdenAfter` = reasonable cost −
 * amount, `burdenCap` the joint meeting's cap (50,000 by default). The machine reads
 * `amount`, `burdenAfter` and `burdenCap`; the record, with any detail lines, is stored as given.
 */
export interface SpecialReliefRecord {
  reasonableCost: string;
  ratio: string;
  amount: string;
  burdenAfter: string;
  burdenCap: string;
  capRemaining: string;
}

export interface HearingDecision extends Trail {
  /** The reasonable cost the manager decided, two places. */
  reasonableCost: string;
  /** Required when the decided cost is not the panel's figure. */
  reason?: string;
  specialRelief: SpecialReliefRecord;
}

/** 联席会议: the warm-heart fund (暖心无忧基金) pays `extraAmount` on top of the special relief. */
export interface Resolution extends Trail {
  extraAmount: string;
  meetingDate: string;
  minutesRef: string;
  /** The burden left after the special relief and the extra amount: at most the cap. */
  burdenAfter: string;
}

/** An objection during publicity sends the case back to decision; it keeps what it objected to. */
export interface ObjectionRecord extends Trail {
  details: string;
  decision?: HearingDecision;
  resolution?: Resolution;
}

export interface Payment extends Trail {
  amount: string;
  reference: string;
}

/** A state of this workflow in which a hearing can be dismissed. */
export type HearingStage = 'referred' | 'decision';

export interface Dismissal extends Trail {
  reason: string;
  stage: HearingStage;
}

export interface HardshipHearingContext {
  reliefCaseId?: string;
  applicant: HearingApplicant;
  streetCode: string;
  year: number;
  institutions: string[];
  burden: string;
  burdenCases?: BurdenShare[];
  links: CaseLink[];
  /** The experts now sitting; empty until CONVENE. Only they may send OPINION. */
  panel: PanelMember[];
  /** Every draw, in order: the convening one, then any redraw. */
  draws: PanelDrawRecord[];
  /** The latest opinion of each expert, by user id (an expert's latest opinion counts). */
  opinions: Record<string, Opinion>;
  /** Every opinion as given, replaced ones included. */
  opinionHistory: Opinion[];
  /** The median of the panel's latest reasonable costs, two places; unset until an opinion. */
  panelFigure?: string;
  decision?: HearingDecision;
  resolution?: Resolution;
  objections: ObjectionRecord[];
  payment?: Payment;
  dismissal?: Dismissal;
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

export type HardshipHearingEvent =
  | ({
      type: 'CONVENE';
      /** Added by the CONVENE hook: the drawn panel, one expert per field. */
      panel: PanelMember[];
      draw: PanelDraw;
    } & EventMeta)
  | ({ type: 'DISMISS'; reason: string } & EventMeta)
  | ({ type: 'OPINION'; reasonableCost: string; support: boolean; comment: string } & EventMeta)
  | ({
      type: 'DEADLINE_PANEL_REVIEW';
      /**
       * Added by the deadline's hook when no quorum answered: every non-responder with the
       * expert drawn in their place (same field, excluding them), and the draw itself.
       */
      replacements?: PanelReplacement[];
      draw?: PanelDraw;
    } & DeadlineMeta)
  | ({
      type: 'DECIDE';
      reasonableCost: string;
      reason?: string;
      /** Added by the DECIDE hook from the decided reasonable cost and the yearly ledger. */
      specialRelief: SpecialReliefRecord;
    } & EventMeta)
  | ({ type: 'RESOLVE'; extraAmount: string; meetingDate: string; minutesRef: string } & EventMeta)
  | ({ type: 'OBJECTION'; details: string } & EventMeta)
  | ({ type: 'DEADLINE_PUBLICITY' } & DeadlineMeta)
  | ({ type: 'RECORD_PAYMENT'; amount: string; reference: string } & EventMeta);

// ---------------------------------------------------------------- money (no floats)

/**
 * The median in cents: the middle value, or for an even count the mean of the two middle
 * values rounded half-up to the cent (amounts are never negative, so `(a + b + 1) / 2`
 * truncated is half-up). `null` for no values.
 */
export function medianCents(values: readonly bigint[]): bigint | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) {
    return sorted[mid];
  }
  return (sorted[mid - 1] + sorted[mid] + 1n) / 2n;
}

/** docs/domain.md §2: quorum = ceil(2/3 × panel size), in integers. */
export function quorumOf(panelSize: number): number {
  return Math.ceil((2 * panelSize) / 3);
}

/** The latest opinions of the experts now on the panel. */
function panelOpinions(
  panel: readonly PanelMember[],
  opinions: Readonly<Record<string, Opinion>>,
): Opinion[] {
  return panel.flatMap((member) => {
    const opinion = opinions[member.userId];
    return opinion === undefined ? [] : [opinion];
  });
}

/** The panel's figure: the median of the latest reasonable costs, two places. */
function panelFigureOf(
  panel: readonly PanelMember[],
  opinions: Readonly<Record<string, Opinion>>,
): string | undefined {
  const costs = panelOpinions(panel, opinions).flatMap((o) => {
    const cents = toCents(o.reasonableCost);
    return cents === null ? [] : [cents];
  });
  const median = medianCents(costs);
  return median === null ? undefined : formatCents(median);
}

/** A panel of at least one expert, none twice. */
function isValidPanel(panel: readonly PanelMember[]): boolean {
  return panel.length > 0 && new Set(panel.map((m) => m.userId)).size === panel.length;
}

/** The burden left after the special relief, or null when the hook's figures are not amounts. */
function burdenAfterCents(decision: HearingDecision | undefined): bigint | null {
  return toCents(decision?.specialRelief.burdenAfter);
}

// ---------------------------------------------------------------- machine

/** DECIDE's rule, for its guard and for the 422 that names the field at fault. */
export function decisionRefusals(
  context: Pick<HardshipHearingContext, 'panelFigure'>,
  event: { reasonableCost: string; reason?: string },
): RefusedField[] {
  const decided = toCents(event.reasonableCost);
  if (decided === null) {
    return [{ field: 'reasonableCost', message: 'must be an amount like "80000.00"' }];
  }
  if (decided === toCents(context.panelFigure) || hasText(event.reason)) {
    return [];
  }
  return [
    {
      field: 'reason',
      message: `required when the cost departs from the panel's figure ${context.panelFigure ?? '(none)'}`,
    },
  ];
}

export const hardshipHearingMachine = setup({
  types: {
    context: {} as HardshipHearingContext,
    events: {} as HardshipHearingEvent,
    input: {} as HardshipHearingInput,
    emitted: {} as EngineEffect,
  },
  guards: {
    /** The drawn panel has at least one expert and no expert twice (the hook draws it). */
    panelDrawn: ({ event }) => {
      assertEvent(event, 'CONVENE');
      return isValidPanel(event.panel);
    },
    /** Only an expert now on the panel gives an opinion (the engine's member scope checks it too). */
    fromPanelMember: ({ context, event }) =>
      context.panel.some((member) => member.userId === event.actor),
    opinionIsAmount: ({ event }) => {
      assertEvent(event, 'OPINION');
      return toCents(event.reasonableCost) !== null;
    },
    /**
     * Read on the context *after* the opinion was recorded: the `always` transition of
     * panel_review leaves as soon as every expert on the panel has an opinion.
     */
    allOpinionsIn: ({ context }) =>
      context.panel.length > 0 &&
      context.panel.every((member) => context.opinions[member.userId] !== undefined),
    /** ceil(2/3 × panel size) of the experts now on the panel have answered. */
    hasQuorum: ({ context }) =>
      context.panel.length > 0 &&
      panelOpinions(context.panel, context.opinions).length >= quorumOf(context.panel.length),
    /**
     * The deadline's redraw replaces exactly the non-responders, each by a new expert of the
     * same field who is not on the panel (nor replaced), and comes with its draw.
     */
    redrawValid: ({ context, event }) => {
      assertEvent(event, 'DEADLINE_PANEL_REVIEW');
      const replacements = event.replacements ?? [];
      if (event.draw === undefined || replacements.length === 0) {
        return false;
      }
      const silent = context.panel.filter((m) => context.opinions[m.userId] === undefined);
      const replaced = replacements.map((r) => r.replacedUserId);
      const sameSet =
        new Set(replaced).size === replaced.length &&
        replaced.length === silent.length &&
        silent.every((m) => replaced.includes(m.userId));
      const fieldsKept = replacements.every(
        (r) => silent.find((m) => m.userId === r.replacedUserId)?.expertField === r.expertField,
      );
      const newcomers = replacements.map((r) => r.userId);
      const newcomersFresh =
        new Set(newcomers).size === newcomers.length &&
        newcomers.every((id) => !context.panel.some((m) => m.userId === id));
      return sameSet && fieldsKept && newcomersFresh;
    },
    /** The panel's figure stands unless the manager writes why another cost is right. */
    decisionJustified: ({ context, event }) => {
      assertEvent(event, 'DECIDE');
      return decisionRefusals(context, event).length === 0;
    },
    /** The burden after special relief is still above the cap (封顶): the joint meeting decides. */
    burdenAboveCap: ({ event }) => {
      assertEvent(event, 'DECIDE');
      const after = toCents(event.specialRelief.burdenAfter);
      const cap = toCents(event.specialRelief.burdenCap);
      return after !== null && cap !== null && after > cap;
    },
    /**
     * The warm-heart fund's extra brings the burden to the cap or below (burdenAfter − extra ≤
     * cap), and never pays more than the burden left.
     */
    resolutionMeetsCap: ({ context, event }) => {
      assertEvent(event, 'RESOLVE');
      const extra = toCents(event.extraAmount);
      const after = burdenAfterCents(context.decision);
      const cap = toCents(context.decision?.specialRelief.burdenCap);
      if (extra === null || after === null || cap === null) {
        return false;
      }
      return extra <= after && after - extra <= cap;
    },
    /** The payment is exactly special relief + the fund's extra, compared in cents. */
    paymentMatchesDecision: ({ context, event }) => {
      assertEvent(event, 'RECORD_PAYMENT');
      const paid = toCents(event.amount);
      const relief = toCents(context.decision?.specialRelief.amount);
      const extra = context.resolution === undefined ? 0n : toCents(context.resolution.extraAmount);
      return paid !== null && relief !== null && extra !== null && paid === relief + extra;
    },
  },
  actions: {
    recordPanel: assign(({ context, event }) => {
      assertEvent(event, 'CONVENE');
      const draw: PanelDrawRecord = {
        kind: 'CONVENE',
        ...event.draw,
        by: event.actor,
        at: event.at,
      };
      return { panel: event.panel, draws: [...context.draws, draw] };
    }),
    /** The expert's latest opinion counts; every one stays in the history; the figure follows. */
    recordOpinion: assign(({ context, event }) => {
      assertEvent(event, 'OPINION');
      const previous = context.opinions[event.actor];
      const member = context.panel.find((m) => m.userId === event.actor);
      if (member === undefined) {
        // Unreachable: the transition's `fromPanelMember` guard refuses outsiders first.
        throw new Error(`OPINION from ${event.actor}, who is not on the panel`);
      }
      const opinion: Opinion = {
        expertField: member.expertField,
        reasonableCost: normaliseMoney(event.reasonableCost),
        support: event.support,
        comment: event.comment,
        revision: (previous?.revision ?? 0) + 1,
        by: event.actor,
        at: event.at,
      };
      const opinions = { ...context.opinions, [event.actor]: opinion };
      return {
        opinions,
        opinionHistory: [...context.opinionHistory, opinion],
        panelFigure: panelFigureOf(context.panel, opinions),
      };
    }),
    /** No quorum at the deadline: the non-responders give way to the redrawn experts. */
    redrawPanel: assign(({ context, event }) => {
      assertEvent(event, 'DEADLINE_PANEL_REVIEW');
      const replacements = event.replacements ?? [];
      if (event.draw === undefined) {
        // Unreachable: the transition's `redrawValid` guard requires the draw.
        throw new Error('DEADLINE_PANEL_REVIEW redraw without its draw');
      }
      const panel = context.panel.map((member): PanelMember => {
        const replacement = replacements.find((r) => r.replacedUserId === member.userId);
        return replacement === undefined
          ? member
          : { userId: replacement.userId, expertField: replacement.expertField };
      });
      const draw: PanelDrawRecord = {
        kind: 'REDRAW',
        ...event.draw,
        replacements,
        by: event.actor,
        at: event.at,
      };
      return { panel, draws: [...context.draws, draw] };
    }),
    /** The redrawn panel gets a full review period: the engine restarts panel_review's deadline. */
    restartPanelDeadline: emit({ type: 'engine.restartDeadline', state: 'panel_review' }),
    recordDecision: assign({
      decision: ({ event }) => {
        assertEvent(event, 'DECIDE');
        return {
          reasonableCost: normaliseMoney(event.reasonableCost),
          ...(event.reason !== undefined ? { reason: event.reason } : {}),
          specialRelief: event.specialRelief,
          by: event.actor,
          at: event.at,
        };
      },
    }),
    recordResolution: assign({
      resolution: ({ context, event }) => {
        assertEvent(event, 'RESOLVE');
        const after = burdenAfterCents(context.decision);
        const extra = toCents(event.extraAmount);
        if (after === null || extra === null) {
          // Unreachable: the transition's `resolutionMeetsCap` guard checks both amounts.
          throw new Error('RESOLVE without a burden or an extra amount');
        }
        return {
          extraAmount: formatCents(extra),
          meetingDate: event.meetingDate,
          minutesRef: event.minutesRef,
          burdenAfter: formatCents(after - extra),
          by: event.actor,
          at: event.at,
        };
      },
    }),
    /** The objection keeps the decision it objected to; the manager decides afresh. */
    recordObjection: assign(({ context, event }) => {
      assertEvent(event, 'OBJECTION');
      const objection: ObjectionRecord = {
        details: event.details,
        ...(context.decision !== undefined ? { decision: context.decision } : {}),
        ...(context.resolution !== undefined ? { resolution: context.resolution } : {}),
        by: event.actor,
        at: event.at,
      };
      return {
        objections: [...context.objections, objection],
        decision: undefined,
        resolution: undefined,
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
    recordDismissal: assign({
      dismissal: ({ event }, params: { stage: HearingStage }) => {
        assertEvent(event, 'DISMISS');
        return { reason: event.reason, stage: params.stage, by: event.actor, at: event.at };
      },
    }),
  },
}).createMachine({
  id: 'hardship-hearing',
  context: ({ input }) => ({
    ...(input.reliefCaseId !== undefined ? { reliefCaseId: input.reliefCaseId } : {}),
    applicant: input.applicant,
    streetCode: input.streetCode,
    year: input.year,
    institutions: input.institutions,
    burden: input.burden,
    ...(input.burdenCases !== undefined ? { burdenCases: input.burdenCases } : {}),
    links: input.links,
    panel: [],
    draws: [],
    opinions: {},
    opinionHistory: [],
    objections: [],
  }),
  initial: 'referred',
  states: {
    referred: {
      description:
        'The caseworker convenes a random expert panel (the service draws it), or dismisses.',
      on: {
        CONVENE: { guard: 'panelDrawn', target: 'panel_review', actions: 'recordPanel' },
        DISMISS: {
          target: 'dismissed',
          actions: { type: 'recordDismissal', params: { stage: 'referred' } },
        },
      },
    },
    panel_review: {
      description:
        'Each expert on the panel gives an opinion; the case moves on when all have, or at the deadline with a quorum.',
      // Checked after every step that stays here: an OPINION is recorded first (its transition
      // has no target), then this sees the context with it and leaves once every expert answered.
      always: { guard: 'allOpinionsIn', target: 'decision' },
      on: {
        OPINION: { guard: and(['fromPanelMember', 'opinionIsAmount']), actions: 'recordOpinion' },
        DEADLINE_PANEL_REVIEW: [
          { guard: 'hasQuorum', target: 'decision' },
          // No quorum: the non-responders are replaced and the review period starts again.
          { guard: 'redrawValid', actions: ['redrawPanel', 'restartPanelDeadline'] },
        ],
      },
    },
    decision: {
      description:
        "The manager decides the reasonable cost (the panel's median, or another with a reason), or dismisses.",
      on: {
        DECIDE: [
          {
            guard: and(['decisionJustified', 'burdenAboveCap']),
            target: 'joint_meeting',
            actions: 'recordDecision',
          },
          { guard: 'decisionJustified', target: 'publicity', actions: 'recordDecision' },
        ],
        DISMISS: {
          target: 'dismissed',
          actions: { type: 'recordDismissal', params: { stage: 'decision' } },
        },
      },
    },
    joint_meeting: {
      description:
        '联席会议: the warm-heart fund pays enough extra for the burden to end at or below the cap.',
      on: {
        RESOLVE: { guard: 'resolutionMeetsCap', target: 'publicity', actions: 'recordResolution' },
      },
    },
    publicity: {
      description: '公示: the decision is published; an objection sends it back to the manager.',
      on: {
        OBJECTION: { target: 'decision', actions: 'recordObjection' },
        DEADLINE_PUBLICITY: 'disbursement',
      },
    },
    disbursement: {
      description: 'The caseworker records the payment of exactly special relief + the extra.',
      on: {
        RECORD_PAYMENT: {
          guard: 'paymentMatchesDecision',
          target: 'paid',
          actions: 'recordPayment',
        },
      },
    },
    paid: { type: 'final', description: 'Special relief (and any extra) paid.' },
    dismissed: {
      type: 'final',
      description: 'No special relief; `dismissal` says why, by whom, at which stage.',
    },
  },
});

// ---------------------------------------------------------------- workflow

const CASEWORKER = { roles: ['CASEWORKER'] } as const;
const MANAGER = { roles: ['MANAGER'] } as const;
const PANEL_EXPERT = { roles: ['EXPERT'], scope: { members: 'panel' } } as const;
const SYSTEM = { roles: ['system'] } as const;

export const hardshipHearingWorkflow = defineWorkflow({
  type: 'hardship-hearing',
  version: 1,
  title: '特殊医疗救助评审 Special-hardship hearing',
  machine: hardshipHearingMachine,
  explainRefusal: (snapshot, event) =>
    event.type === 'DECIDE' ? decisionRefusals(snapshot.context, event) : [],
  stateLabels: {
    referred: '待召集评审',
    panel_review: '专家评审中',
    decision: '待决定',
    joint_meeting: '联席会议审议',
    publicity: '公示中',
    disbursement: '待拨付',
    paid: '已拨付',
    dismissed: '不予救助',
  },
  eventLabels: {
    CONVENE: '召集评审',
    DISMISS: '不予救助',
    OPINION: '提交评审意见',
    DEADLINE_PANEL_REVIEW: '评审期限届满',
    DECIDE: '作出决定',
    RESOLVE: '联席会议决议',
    OBJECTION: '提出异议',
    DEADLINE_PUBLICITY: '公示期满',
    RECORD_PAYMENT: '登记发放',
  },
  // docs/domain.md §2: a person has at most one open hearing per year.
  persons: (input) => [input.applicant.idNumber],
  exclusiveKey: (input) => {
    const { applicant, year } = input;
    // Hashed: an index entry need not carry the resident ID itself.
    const person = createHash('sha256').update(applicant.idNumber.toUpperCase()).digest('hex');
    return `hardship-hearing#${person}#${year}`;
  },
  permissions: {
    referred: { CONVENE: CASEWORKER, DISMISS: CASEWORKER },
    panel_review: { OPINION: PANEL_EXPERT, DEADLINE_PANEL_REVIEW: SYSTEM },
    decision: { DECIDE: MANAGER, DISMISS: MANAGER },
    joint_meeting: { RESOLVE: MANAGER },
    publicity: { OBJECTION: CASEWORKER, DEADLINE_PUBLICITY: SYSTEM },
    disbursement: { RECORD_PAYMENT: CASEWORKER },
  },
  // Durations are policy (`deadlines.hardship-hearing.<state>`), never code.
  deadlines: {
    referred: { onExpire: 'overdue' },
    panel_review: { onExpire: { event: 'DEADLINE_PANEL_REVIEW' } },
    decision: { onExpire: 'overdue' },
    joint_meeting: { onExpire: 'overdue' },
    publicity: { onExpire: { event: 'DEADLINE_PUBLICITY' } },
    disbursement: { onExpire: 'overdue' },
  },
});
