import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type PenaltyCaseContext,
  type PenaltyCaseInput,
  penaltyCaseWorkflow,
  runningAppeal,
} from '../../workflows/penalty-case.machine';
import { inspectionWorkflow } from '../../workflows/inspection.machine';
import type { Sanction, ViolationArticle } from '../../workflows/sanctions';
import { DomainError } from '../common/errors/domain-error';
import { PolicyService } from '../config/policy.service';
import type { Actor } from '../engine/actor';
import { caseData, caseEvent, caseInput } from '../engine/case-data';
import { CaseEngine } from '../engine/case-engine.service';
import { CaseQueryService } from '../engine/case-query.service';
import {
  defineHooks,
  type HookContextOf,
  type HookResultOf,
  type CloseHookContextOf,
} from '../engine/define-hooks';
import type { CaseView } from '../engine/dto/case.dto';
import { EventHandlerRegistry } from '../engine/event-handlers';
import { InstitutionsService } from '../institutions/institutions.service';
import type { OpenPenaltyCaseDto } from './dto/penalty.dto';
import { personKey } from '../common/person-key';
import { HearingNoticeService } from './hearing-notice.service';
import { personCaseInput, PersonPartyService } from './person-party';
import { PenaltyLedgerEntryEntity } from './entities/penalty-ledger-entry.entity';
import { appealPausedDays, fineDueAt, lateFee } from './late-fee';
import { PENALTY_EVENT_PAYLOADS } from './penalty-events';
import { parseInstant, shanghaiDate, shanghaiDayNumber } from '../time/shanghai';
import { amountsDue, checkDecision, hearingEligibility } from './sanction-checks';
import { proposeSanctions } from './sanction-ladder';

export const PENALTY_TYPE = penaltyCaseWorkflow.type;

/** What the penalty hook of event E receives, and what it returns (typed by the machine). */
type PenaltyHook<E extends string> = HookContextOf<typeof PENALTY_EVENT_PAYLOADS, E>;
type PenaltyHookResult<E extends string> = HookResultOf<typeof PENALTY_EVENT_PAYLOADS, E>;

/** Which article weighs most on the credit record when a decision covers several. */
const ARTICLE_WEIGHT: Record<ViolationArticle, number> = { 40: 4, 41: 3, 38: 2, 39: 1 };

/** What a caseworker needs to collect: each ledger's due, paid and outstanding, and the late fee now. */
export interface AmountsDueView {
  caseId: string;
  fineDueAt: string | null;
  asOf: string;
  /** `pausedDays`: late days an appeal ran, not counted (Law art. 73). */
  lateFee: { days: number; amount: string; pausedDays: number };
  /** The appeal that runs now: the late fee stands still and there is no enforcement. */
  appeal: { kind: string; filedAt: string; reference: string | null } | null;
  ledgers: {
    FINE: { due: string; paid: string; outstanding: string };
    RECOVERY: { due: string; paid: string; outstanding: string };
  };
  payments: Array<{
    ledger: string;
    amount: string;
    lateFee: string;
    reference: string;
    paidAt: string;
  }>;
}

/**
 * Penalty cases under Decree 735 (医保基金行政处罚): the sanction ladder's proposal on
 * RECORD_INVESTIGATION, the legal ranges and "no heavier for defending oneself" on every
 * change of the sanctions, hearing rights, due dates and late fees, the two ledgers, the
 * institution's credit record, and PENALTY_CLOSED to the inspection that opened the case.
 */
@Injectable()
export class PenaltiesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueryService,
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
    private readonly institutions: InstitutionsService,
    private readonly hearingNotice: HearingNoticeService,
    private readonly personParty: PersonPartyService,
  ) {}

  onModuleInit(): void {
    this.handlers.registerHooks(
      defineHooks(
        PENALTY_EVENT_PAYLOADS,
        {
          RECORD_INVESTIGATION: (ctx) => this.onInvestigation(ctx),
          APPROVE_PROPOSAL: (ctx) => this.onApprove(ctx),
          REQUEST_HEARING: (ctx) => this.onHearingRequest(ctx),
          HEARING_HELD: (ctx) => this.onHearingHeld(ctx),
          DECIDE: (ctx) => this.onDecide(ctx),
          RECORD_PAYMENT: (ctx) => this.onPayment(ctx),
          ENFORCE: (ctx) => this.onEnforce(ctx),
          APPEAL_FILED: (ctx) => this.onAppealFiled(ctx),
          APPEAL_DECIDED: (ctx) => this.onAppealDecided(ctx),
        },
        { onClose: (ctx) => this.onClosed(ctx) },
      ),
    );
  }

  /** Files a penalty case (立案) against an institution of the directory or an insured person. */
  async open(dto: OpenPenaltyCaseDto, actor: Actor): Promise<CaseView> {
    if (dto.person !== undefined) {
      const input = personCaseInput(dto, dto.person);
      const row = await this.engine.openCase({ type: PENALTY_TYPE, input, actor });
      return this.cases.getCase(row.id, actor);
    }
    const institution = await this.institutions.get(dto.institutionId ?? '').catch((e: unknown) => {
      throw e instanceof DomainError && e.code === 'NOT_FOUND'
        ? new DomainError('BUSINESS_RULE', 'No institution of the directory has this id.', {
            errors: [{ field: 'institutionId', message: 'is not in the institution directory' }],
          })
        : e;
    });
    const input: PenaltyCaseInput = {
      institution: { id: institution.id, code: institution.code, name: institution.name },
      respondent: 'INSTITUTION',
      source: dto.source,
      summary: dto.summary,
      refusedToCorrect: false,
      links: [],
    };
    const row = await this.engine.openCase({
      type: PENALTY_TYPE,
      input: caseInput(penaltyCaseWorkflow, input),
      actor,
    });
    return this.cases.getCase(row.id, actor);
  }

  /** Due, paid and outstanding per ledger, with the late fee as of now (Law art. 72). */
  async amountsDue(caseId: string, actor: Actor, now = new Date()): Promise<AmountsDueView> {
    const row = await this.cases.visibleCase(caseId, actor);
    if (row.type !== PENALTY_TYPE) {
      throw DomainError.notFound('Penalty case');
    }
    const data = caseData(penaltyCaseWorkflow, row);
    const due = data.decision?.amountsDue ?? { FINE: '0.00', RECOVERY: '0.00' };
    const paid = data.paid ?? { FINE: '0.00', RECOVERY: '0.00' };
    const fee =
      data.decision?.fineDueAt && new Decimal(due.FINE).gt(paid.FINE)
        ? this.lateFeeAt(data, now)
        : { days: 0, amount: data.lateFee ?? '0.00', pausedDays: 0 };
    const appeal = runningAppeal(data);
    const fineOwed = new Decimal(due.FINE).plus(fee.amount);
    const outstanding = (owed: Decimal.Value, got: string): string =>
      Decimal.max(0, new Decimal(owed).minus(got)).toFixed(2);
    const payments = await this.dataSource.getRepository(PenaltyLedgerEntryEntity).find({
      where: { caseId: row.id },
      order: { paidAt: 'ASC', id: 'ASC' },
    });
    return {
      caseId: row.id,
      fineDueAt: data.decision?.fineDueAt ?? null,
      asOf: now.toISOString(),
      lateFee: fee,
      appeal: appeal
        ? { kind: appeal.kind, filedAt: appeal.filedAt, reference: appeal.reference ?? null }
        : null,
      ledgers: {
        FINE: {
          due: fineOwed.toFixed(2),
          paid: paid.FINE,
          outstanding: outstanding(fineOwed, paid.FINE),
        },
        RECOVERY: {
          due: due.RECOVERY,
          paid: paid.RECOVERY,
          outstanding: outstanding(due.RECOVERY, paid.RECOVERY),
        },
      },
      payments: payments.map((p) => ({
        ledger: p.ledger,
        amount: p.amount,
        lateFee: p.lateFee,
        reference: p.reference,
        paidAt: p.paidAt.toISOString(),
      })),
    };
  }

  // ---------------------------------------------------------------- hooks

  /** The ladder proposes from the violations and the institution's sanctions of the past. */
  private async onInvestigation({
    caseRow: { id, data },
    event: payload,
    manager,
    now,
  }: PenaltyHook<'RECORD_INVESTIGATION'>): Promise<PenaltyHookResult<'RECORD_INVESTIGATION'>> {
    // The repeat rule reads the party's own past: the institution's credit record, or the
    // person's decided art. 41 cases.
    const history = data.person
      ? await this.personParty.history(manager, data.person.idNumber, id)
      : (await this.institutions.history(manager, data.institution?.id ?? '')).flatMap((h) =>
          h.kind === 'SANCTION'
            ? [{ article: h.article, decidedAt: h.decidedAt, sanctions: h.sanctions }]
            : [],
        );
    const proposedSanctions = proposeSanctions(
      {
        violations: payload.violations,
        respondent: data.respondent,
        refusedToCorrect: data.refusedToCorrect,
        seriousConsequences: payload.seriousConsequences ?? false,
        history,
        now,
      },
      this.policy.penalty(),
    );
    return { proposedSanctions };
  }

  /** Legal review may amend the proposal, within the law's ranges. */
  private onApprove({
    caseRow: { data },
    event: { sanctions },
  }: PenaltyHook<'APPROVE_PROPOSAL'>): Promise<PenaltyHookResult<'APPROVE_PROPOSAL'>> {
    if (sanctions === undefined) {
      return Promise.resolve({});
    }
    return Promise.resolve({ sanctions: this.checked(data, sanctions, false) });
  }

  /** 听证: only when a proposed sanction is hearing-eligible (Law art. 63); otherwise 422 saying why. */
  private onHearingRequest({
    caseRow: { data },
  }: PenaltyHook<'REQUEST_HEARING'>): Promise<PenaltyHookResult<'REQUEST_HEARING'>> {
    const eligibility = hearingEligibility(
      data.proposedSanctions,
      data.respondent,
      this.policy.penalty(),
    );
    if (!eligibility.eligible) {
      throw new DomainError('BUSINESS_RULE', `No right to a hearing: ${eligibility.reason}`, {
        errors: [{ field: 'type', message: eligibility.reason }],
      });
    }
    return Promise.resolve({ hearingEligible: true, reason: eligibility.reason });
  }

  /** A hearing may lighten the proposal, never make it heavier. */
  private onHearingHeld({
    caseRow: { data },
    event: { sanctions, outcome },
    now,
  }: PenaltyHook<'HEARING_HELD'>): Promise<PenaltyHookResult<'HEARING_HELD'>> {
    this.hearingNotice.checkHeld(data, outcome, sanctions, now);
    if (sanctions === undefined) {
      return Promise.resolve({});
    }
    return Promise.resolve({ sanctions: this.checked(data, sanctions, true) });
  }

  /**
   * DECIDE: within the legal ranges, no heavier than proposed once the party defended itself
   * (Law art. 45); the fine falls due 15 days after service; the credit record takes it.
   */
  private async onDecide({
    caseRow,
    event: payload,
    manager,
    now,
  }: PenaltyHook<'DECIDE'>): Promise<PenaltyHookResult<'DECIDE'>> {
    const { data } = caseRow;
    const defended = data.statementMade || data.hearing !== undefined;
    const sanctions = this.checked(data, payload.sanctions, defended);
    const servedAt = payload.servedAt ?? now.toISOString();
    checkServedAt(servedAt, await this.decisionStageSince(manager, caseRow.id, now), now);
    const due = amountsDue(sanctions);
    const fineDue = new Decimal(due.FINE).gt(0)
      ? fineDueAt(servedAt, this.policy.penalty())
      : undefined;
    const article = [...new Set(sanctions.map((s) => s.article))].sort(
      (a, b) => ARTICLE_WEIGHT[b] - ARTICLE_WEIGHT[a],
    )[0];
    const fraud = data.violations
      .reduce((sum, v) => sum.plus(v.fraudAmount), new Decimal(0))
      .toFixed(2);
    // A person has no credit grade here (the grade weights the institutions' draw): the person
    // view lists the decision from the case itself.
    if (data.institution) {
      await this.institutions.recordCredit(manager, {
        institutionId: data.institution.id,
        kind: 'SANCTION',
        sourceCaseId: caseRow.id,
        detail: {
          article,
          sanctions: [...new Set(sanctions.map((s) => s.type))],
          fraudAmount: fraud,
        },
        occurredAt: now,
      });
    }
    return {
      sanctions,
      servedAt,
      ...(fineDue !== undefined ? { fineDueAt: fineDue } : {}),
      amountsDue: due,
    };
  }

  /** When the case last entered `decision` (its decision cannot have been served before). */
  private async decisionStageSince(m: EntityManager, caseId: string, now: Date): Promise<Date> {
    const [row] = await m.query<Array<{ at: Date | string | null }>>(
      `SELECT MAX(at) AS at FROM case_events
        WHERE case_id = ? AND to_state = 'decision' AND (from_state IS NULL OR from_state <> 'decision')`,
      [caseId],
    );
    return row?.at ? new Date(row.at) : now;
  }

  /** A payment to one ledger, with the late fee owed at this moment on the fine. */
  private async onPayment({
    caseRow,
    event: payment,
    actor,
    manager,
    now,
  }: PenaltyHook<'RECORD_PAYMENT'>): Promise<PenaltyHookResult<'RECORD_PAYMENT'>> {
    const { data } = caseRow;
    const fine = data.decision?.amountsDue.FINE ?? '0.00';
    const fee =
      data.decision?.fineDueAt && new Decimal(fine).gt(0)
        ? this.lateFeeAt(data, now).amount
        : '0.00';
    await manager
      .createQueryBuilder()
      .insert()
      .into(PenaltyLedgerEntryEntity)
      .values({
        caseId: caseRow.id,
        institutionId: data.institution?.id ?? null,
        personKey: data.person ? personKey(data.person.idNumber) : null,
        ledger: payment.ledger,
        amount: new Decimal(payment.amount).toFixed(2),
        lateFee: fee,
        reference: payment.reference,
        recordedBy: actor.id,
        paidAt: now,
      })
      .execute()
      .catch((e: unknown) => {
        if ((e as { driverError?: { code?: string } }).driverError?.code === 'ER_DUP_ENTRY') {
          throw new DomainError(
            'CONFLICT',
            'This payment reference is already recorded on this ledger.',
            { errors: [{ field: 'reference', message: 'already recorded' }] },
          );
        }
        throw e;
      });
    return { lateFee: fee };
  }

  /** No enforcement while an appeal runs (Administrative Compulsion Law art. 53): say so. */
  private onEnforce({ caseRow }: PenaltyHook<'ENFORCE'>): Promise<void> {
    const running = runningAppeal(caseRow.data);
    if (running) {
      throw new DomainError(
        'BUSINESS_RULE',
        `A ${running.kind} filed ${running.filedAt} is running: the decision is not enforced until it is decided.`,
        { allowedEvents: ['APPEAL_DECIDED'] },
      );
    }
    return Promise.resolve();
  }

  /**
   * 行政复议 / 行政诉讼 filed: one at a time, not before the decision was served, not in the
   * future. The filing time is stored as an instant (a bare date is 00:00 Asia/Shanghai).
   */
  private onAppealFiled({
    caseRow: { data },
    event: payload,
    now,
  }: PenaltyHook<'APPEAL_FILED'>): Promise<PenaltyHookResult<'APPEAL_FILED'>> {
    const running = runningAppeal(data);
    if (running) {
      throw new DomainError(
        'BUSINESS_RULE',
        `A ${running.kind} filed ${running.filedAt} is still running: record its outcome (APPEAL_DECIDED) first.`,
        { errors: [{ field: 'kind', message: 'an appeal is already running' }] },
      );
    }
    const filed = parseInstant(payload.filedAt);
    if (filed === null) {
      throw DomainError.validation([
        { field: 'filedAt', message: 'must be a date or a date-time with a zone' },
      ]);
    }
    if (filed.getTime() > now.getTime()) {
      throw DomainError.validation([{ field: 'filedAt', message: 'is in the future' }]);
    }
    const served = parseInstant(data.decision?.servedAt);
    if (served && shanghaiDayNumber(filed) < shanghaiDayNumber(served)) {
      throw new DomainError(
        'BUSINESS_RULE',
        `An appeal cannot be filed before the decision was served (${data.decision!.servedAt}).`,
        { errors: [{ field: 'filedAt', message: 'is before the decision was served' }] },
      );
    }
    return Promise.resolve({ filedAt: filed.toISOString() });
  }

  /**
   * The appeal's outcome (default: decided now). ANNULLED takes the decision's sanction back
   * from the institution's credit record; the machine returns the case to decision.
   */
  private async onAppealDecided({
    caseRow,
    event: payload,
    manager,
    now,
  }: PenaltyHook<'APPEAL_DECIDED'>): Promise<PenaltyHookResult<'APPEAL_DECIDED'>> {
    const { data } = caseRow;
    const running = runningAppeal(data);
    if (!running) {
      throw new DomainError(
        'BUSINESS_RULE',
        'No appeal is running: file one (APPEAL_FILED) first.',
        {
          errors: [{ field: 'type', message: 'no appeal is running' }],
        },
      );
    }
    const decided = payload.decidedAt === undefined ? now : parseInstant(payload.decidedAt);
    if (decided === null) {
      throw DomainError.validation([
        { field: 'decidedAt', message: 'must be a date or a date-time with a zone' },
      ]);
    }
    if (decided.getTime() > now.getTime()) {
      throw DomainError.validation([{ field: 'decidedAt', message: 'is in the future' }]);
    }
    if (shanghaiDayNumber(decided) < shanghaiDayNumber(new Date(running.filedAt))) {
      throw DomainError.validation([
        { field: 'decidedAt', message: `is before the appeal was filed (${running.filedAt})` },
      ]);
    }
    if (payload.outcome === 'ANNULLED' && data.institution) {
      await this.institutions.revokeCredit(
        manager,
        { institutionId: data.institution.id, sourceCaseId: caseRow.id, kind: 'SANCTION' },
        now,
      );
    }
    return { decidedAt: decided.toISOString() };
  }

  /** The late fee on the fine at `now`, without the late days an appeal ran (Law arts. 72, 73). */
  private lateFeeAt(
    data: PenaltyCaseContext,
    now: Date,
  ): { days: number; amount: string; pausedDays: number } {
    const dueAt = data.decision!.fineDueAt!;
    const pausedDays = appealPausedDays(
      (data.appeals ?? []).map((a) => ({ filedAt: a.filedAt, decidedAt: a.decided?.decidedAt })),
      dueAt,
      now,
    );
    const fee = lateFee(
      { fine: data.decision!.amountsDue.FINE, dueAt, now, pausedDays },
      this.policy.penalty(),
    );
    return { ...fee, pausedDays };
  }

  /** The case closed: the inspection that opened it goes on to publication with the sanctions. */
  private onClosed({
    caseRow,
    signalCase,
  }: CloseHookContextOf<typeof PENALTY_EVENT_PAYLOADS>): Promise<void> {
    const { data } = caseRow;
    if (data.inspectionCaseId) {
      signalCase(
        data.inspectionCaseId,
        caseEvent(inspectionWorkflow, {
          type: 'PENALTY_CLOSED',
          penaltyCaseId: caseRow.id,
          outcome: data.closure?.reason ?? 'CLOSED',
          sanctions: data.sanctions,
        }),
      );
    }
    return Promise.resolve();
  }

  private checked(data: PenaltyCaseContext, decided: Sanction[], defended: boolean): Sanction[] {
    return checkDecision(
      {
        decided,
        proposed: data.proposedSanctions,
        statementMade: defended,
        respondent: data.respondent,
      },
      this.policy.penalty(),
    );
  }
}

/**
 * When the decision was served (送达) starts the 15 days to pay and then the late fee: never in
 * the future (no late fee would ever run), never before the case reached its decision (the last
 * event before DECIDE), compared by day in Asia/Shanghai. 422 naming `servedAt`.
 */
export function checkServedAt(servedAt: string, decisionStageSince: Date, now: Date): void {
  const served = parseInstant(servedAt);
  const problem =
    served === null
      ? 'must be an ISO date-time with a zone or a date YYYY-MM-DD'
      : served.getTime() > now.getTime()
        ? `must not be in the future (now is ${now.toISOString()})`
        : shanghaiDayNumber(served) < shanghaiDayNumber(decisionStageSince)
          ? `must not be before the decision (the case reached it on ${shanghaiDate(decisionStageSince)})`
          : null;
  if (problem !== null) {
    throw new DomainError('BUSINESS_RULE', `servedAt ${problem}.`, {
      errors: [{ field: 'servedAt', message: problem }],
    });
  }
}
