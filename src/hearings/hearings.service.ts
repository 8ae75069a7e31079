import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type HardshipHearingContext,
  hardshipHearingWorkflow,
  type PanelReplacement,
} from '../../workflows/hardship-hearing.machine';
import { reliefApplicationWorkflow } from '../../workflows/relief-application.machine';
import Decimal from 'decimal.js';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import { formatMoney } from '../common/money';
import { PolicyService } from '../config/policy.service';
import type { Actor } from '../engine/actor';
import { caseData, caseInput } from '../engine/case-data';
import { CaseEngine } from '../engine/case-engine.service';
import { reasonProblem } from '../engine/duties-policy';
import { CaseQueryService } from '../engine/case-query.service';
import { defineHooks, type HookContextOf, type HookResultOf } from '../engine/define-hooks';
import type { CaseView } from '../engine/dto/case.dto';
import { EventHandlerRegistry } from '../engine/event-handlers';
import { hardshipBurden } from '../relief/hardship-burden';
import { UsersService } from '../users/users.service';
import { compositionOf, drawExpertPanel, type PanelDrawRecord } from './draw-expert-panel';
import {
  SpecialReliefLedgerEntity,
  WarmHeartFundLedgerEntity,
} from './entities/hearing-ledgers.entity';
import { hearingInputFromRelief } from '../relief/hearing-input';
import { HEARING_EVENT_PAYLOADS } from './hearing-events';
import { HearingLedgersService } from './hearing-ledgers.service';
import { checkJointMeetingExtra, computeSpecialRelief, hasQuorum } from './special-relief';

export const HEARING_TYPE = hardshipHearingWorkflow.type;

/** What the hearing hook of event E receives, and what it returns (typed by the machine). */
type HearingHook<E extends string> = HookContextOf<typeof HEARING_EVENT_PAYLOADS, E>;
type HearingHookResult<E extends string> = HookResultOf<typeof HEARING_EVENT_PAYLOADS, E>;

/** What the machine stores of a draw (the full record, with the picked experts as `result`). */
function asMachineDraw(
  record: PanelDrawRecord,
): PanelDrawRecord & { result: PanelDrawRecord['panel'] } {
  return { ...record, result: record.panel };
}

/**
 * Special-hardship hearings (特殊医疗救助): the panel draw on CONVENE, the redraw when a panel
 * misses its quorum, special relief on DECIDE and the warm-heart fund on RESOLVE, each through
 * its ledger inside the case transaction.
 */
@Injectable()
export class HearingsService implements OnModuleInit {
  constructor(
    private readonly engine: CaseEngine,
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
    private readonly ledgers: HearingLedgersService,
    private readonly users: UsersService,
    private readonly cases: CaseQueryService,
  ) {}

  onModuleInit(): void {
    this.handlers.registerHooks(
      defineHooks(HEARING_EVENT_PAYLOADS, {
        CONVENE: (ctx) => this.onConvene(ctx),
        DEADLINE_PANEL_REVIEW: (ctx) => this.onPanelDeadline(ctx),
        OPINION: (ctx) => this.onOpinion(ctx),
        DECIDE: (ctx) => this.onDecide(ctx),
        RESOLVE: (ctx) => this.onResolve(ctx),
        OBJECTION: (ctx) => this.onObjection(ctx),
        RECORD_PAYMENT: (ctx) => this.onPayment(ctx),
      }),
    );
  }

  /** A caseworker opens a hearing for a paid relief case (the relief workflow also does it by itself). */
  async open(reliefCaseId: string, actor: Actor): Promise<CaseView> {
    const relief = await this.cases.getCase(reliefCaseId, actor);
    if (relief.type !== 'relief-application' || relief.state !== 'paid') {
      throw new DomainError(
        'BUSINESS_RULE',
        'A hearing weighs the costs left after relief: open it for a paid relief case.',
        {
          errors: [
            { field: 'reliefCaseId', message: `is a ${relief.type} case in state ${relief.state}` },
          ],
        },
      );
    }
    const existing = (relief.data.links as Array<{ rel: string; caseId: string }>).find(
      (l) => l.rel === HEARING_TYPE,
    );
    if (existing) {
      throw new DomainError(
        'CONFLICT',
        `This relief case already has a hearing (${existing.caseId}).`,
        {
          caseId: existing.caseId,
        },
      );
    }
    const data = caseData(
      reliefApplicationWorkflow,
      await this.cases.visibleCase(reliefCaseId, actor),
    );
    const id = await this.engine.openLinkedCase({
      sourceCaseId: reliefCaseId,
      sourceSeq: 0,
      type: HEARING_TYPE,
      rel: HEARING_TYPE,
      backRel: 'relief-application',
      input: caseInput(
        hardshipHearingWorkflow,
        hearingInputFromRelief(reliefCaseId, data, hardshipBurden(data)),
      ),
      streetCode: relief.streetCode,
    });
    return this.cases.getCase(id, actor);
  }

  /** CONVENE: draw one expert per field (policy), never one affiliated with a treating institution. */
  private async onConvene({
    caseRow: { data },
  }: HearingHook<'CONVENE'>): Promise<HearingHookResult<'CONVENE'>> {
    const record = drawExpertPanel({
      seed: randomBytes(16).toString('hex'),
      candidates: await this.users.experts(),
      composition: this.policy.hearing().panelComposition,
      excludeAffiliations: data.institutions,
    });
    return { panel: record.panel, draw: asMachineDraw(record) };
  }

  /** The panel-review deadline: with a quorum the case moves on; without, non-responders are replaced. */
  private async onPanelDeadline({
    caseRow: { data },
  }: HearingHook<'DEADLINE_PANEL_REVIEW'>): Promise<HearingHookResult<'DEADLINE_PANEL_REVIEW'>> {
    const answered = data.panel.filter((p) => data.opinions[p.userId] !== undefined);
    if (hasQuorum(answered.length, data.panel.length, this.policy.hearing())) {
      return {};
    }
    const missing = data.panel.filter((p) => data.opinions[p.userId] === undefined);
    const record = drawExpertPanel({
      seed: randomBytes(16).toString('hex'),
      candidates: await this.users.experts(),
      composition: compositionOf(missing),
      excludeAffiliations: data.institutions,
      excludeUserIds: [
        ...data.panel.map((p) => p.userId),
        ...data.draws.flatMap((d) => d.replacements?.map((r) => r.replacedUserId) ?? []),
      ],
    });
    const drawn = [...record.panel];
    const replacements: PanelReplacement[] = missing.map((m) => {
      const index = drawn.findIndex((d) => d.expertField === m.expertField);
      const [replacement] = drawn.splice(index, 1);
      return { replacedUserId: m.userId, userId: replacement.userId, expertField: m.expertField };
    });
    return { replacements, draw: asMachineDraw(record) };
  }

  /** DECIDE: special relief from the decided reasonable cost, reserved in the person's yearly ledger. */
  private async onDecide({
    caseRow: { data },
    event: decision,
    manager,
  }: HearingHook<'DECIDE'>): Promise<HearingHookResult<'DECIDE'>> {
    const { reasonableCost } = decision;
    this.checkDecision(data, decision);
    const calc = computeSpecialRelief(
      {
        category: data.applicant.category,
        reasonableCost,
        alreadyUsedThisYear: await this.ledgers.specialReliefUsed(
          manager,
          data.applicant.idNumber,
          data.year,
        ),
      },
      this.policy.hearing(),
    );
    await this.ledgers.reserve(
      manager,
      SpecialReliefLedgerEntity,
      data.applicant.idNumber,
      data.year,
      calc.amount,
    );
    return {
      specialRelief: {
        reasonableCost: calc.reasonableCost,
        ratio: calc.ratio,
        amount: calc.amount,
        burdenAfter: calc.burdenAfter,
        burdenCap: calc.burdenCap,
        capRemaining: calc.capRemaining,
      },
    };
  }

  /**
   * An expert's reasonable cost is bounded like the decision's: no more than the burden the
   * referral measured (an opinion above it would pull the panel's figure past what the person bears).
   */
  private onOpinion({
    caseRow: { data },
    event: { reasonableCost },
  }: HearingHook<'OPINION'>): Promise<void> {
    if (new Decimal(reasonableCost).gt(data.burden)) {
      throw new DomainError('BUSINESS_RULE', 'The opinion is refused: see errors.', {
        errors: [
          {
            field: 'reasonableCost',
            message: `must not exceed the burden measured for the hearing (${formatMoney(data.burden)})`,
          },
        ],
      });
    }
    return Promise.resolve();
  }

  /**
   * DECIDE may not find more reasonable cost than the burden the referral measured (the costs the
   * person still bears), and departing from the panel's figure needs a stated reason (policy
   * `duties.reasonMinLength`): 422 naming the field.
   */
  private checkDecision(
    data: HardshipHearingContext,
    decision: HearingHook<'DECIDE'>['event'],
  ): void {
    const errors: FieldError[] = [];
    if (new Decimal(decision.reasonableCost).gt(data.burden)) {
      errors.push({
        field: 'reasonableCost',
        message: `must not exceed the burden measured for the hearing (${formatMoney(data.burden)})`,
      });
    }
    const departs =
      data.panelFigure === undefined || !new Decimal(decision.reasonableCost).eq(data.panelFigure);
    const why = reasonProblem(this.policy.duties(), decision.reason, { departs });
    if (why !== null) {
      errors.push({ field: 'reason', message: why });
    }
    if (errors.length > 0) {
      throw new DomainError('BUSINESS_RULE', 'The decision is refused: see errors.', { errors });
    }
  }

  /** RESOLVE (联席会议): the extra must bring the burden to the cap; the warm-heart fund reserves it. */
  private async onResolve({
    caseRow: { data },
    event: { extraAmount },
    manager,
  }: HearingHook<'RESOLVE'>): Promise<void> {
    if (!data.decision) {
      throw new DomainError('BUSINESS_RULE', 'The hearing has no decision to resolve.');
    }
    checkJointMeetingExtra(
      { burdenAfter: data.decision.specialRelief.burdenAfter, extraAmount },
      this.policy.hearing(),
    );
    await this.ledgers.reserve(
      manager,
      WarmHeartFundLedgerEntity,
      data.applicant.idNumber,
      data.year,
      extraAmount,
    );
  }

  /** An objection during publicity sends the case back to decision: the reservations are released. */
  private async onObjection({ caseRow, manager }: HearingHook<'OBJECTION'>): Promise<void> {
    for (const r of reservationsOf(caseRow.data)) {
      await this.ledgers.release(manager, r.ledger, r.idNumber, r.year, r.amount);
    }
  }

  /** RECORD_PAYMENT: both reservations become paid (the machine checks the amount). */
  private async onPayment({ caseRow, manager }: HearingHook<'RECORD_PAYMENT'>): Promise<void> {
    for (const r of reservationsOf(caseRow.data)) {
      await this.ledgers.settle(manager, r.ledger, r.idNumber, r.year, r.amount);
    }
  }
}

/** What a hearing holds in reserve: its special relief, and the warm-heart fund's extra if resolved. */
function reservationsOf(data: HardshipHearingContext): Array<{
  ledger: typeof SpecialReliefLedgerEntity | typeof WarmHeartFundLedgerEntity;
  idNumber: string;
  year: number;
  amount: string;
}> {
  const { idNumber } = data.applicant;
  return [
    ...(data.decision
      ? [
          {
            ledger: SpecialReliefLedgerEntity,
            idNumber,
            year: data.year,
            amount: data.decision.specialRelief.amount,
          },
        ]
      : []),
    ...(data.resolution
      ? [
          {
            ledger: WarmHeartFundLedgerEntity,
            idNumber,
            year: data.year,
            amount: data.resolution.extraAmount,
          },
        ]
      : []),
  ];
}
