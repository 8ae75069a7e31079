import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AssessmentIndicators,
  CapitationReconciliationInput,
  ReconciliationFigures,
} from '../../workflows/capitation-reconciliation.machine';
import type {
  CapitationSettlementInput,
  SettlementFigures,
} from '../../workflows/capitation-settlement.machine';
import { shanghaiDate } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import { formatMoney } from '../common/money';
import { PolicyService } from '../config/policy.service';
import type { Actor } from '../engine/actor';
import { CaseEngine } from '../engine/case-engine.service';
import { CaseLookup } from '../engine/case-lookup';
import { CaseQueryService } from '../engine/case-query.service';
import type { CaseView } from '../engine/dto/case.dto';
import { defineHooks, type HookContextOf, type HookResultOf } from '../engine/define-hooks';
import { EventHandlerRegistry } from '../engine/event-handlers';
import {
  CAPITATION_RECONCILIATION_EVENT_PAYLOADS,
  CAPITATION_SETTLEMENT_EVENT_PAYLOADS,
} from './capitation-events';
import { reconcileYear, settleMonth } from './capitation-calculator';
import { CAPITATION_INSTITUTION_TYPE, CapitationService } from './capitation.service';
import type { OpenReconciliationDto, OpenSettlementDto } from './dto/capitation.dto';
import { CapitationMonthEntity, CapitationSpendingEntity } from './entities/capitation.entities';

export const SETTLEMENT_TYPE = 'capitation-settlement';
export const RECONCILIATION_TYPE = 'capitation-reconciliation';

/** `2026-03`. */
function monthName(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** At most one settlement per institution and month, ever (the case's unique origin key). */
export function settlementOriginKey(code: string, year: number, month: number): string {
  return `${SETTLEMENT_TYPE}#${code}#${monthName(year, month)}`;
}

/** At most one reconciliation per institution and year, ever. */
export function reconciliationOriginKey(code: string, year: number): string {
  return `${RECONCILIATION_TYPE}#${code}#${year}`;
}

type SettlementHook<E extends string> = HookContextOf<
  typeof CAPITATION_SETTLEMENT_EVENT_PAYLOADS,
  E
>;
type SettlementHookResult<E extends string> = HookResultOf<
  typeof CAPITATION_SETTLEMENT_EVENT_PAYLOADS,
  E
>;
type ReconciliationHook<E extends string> = HookContextOf<
  typeof CAPITATION_RECONCILIATION_EVENT_PAYLOADS,
  E
>;
type ReconciliationHookResult<E extends string> = HookResultOf<
  typeof CAPITATION_RECONCILIATION_EVENT_PAYLOADS,
  E
>;

function isDuplicate(e: unknown): boolean {
  return (e as { driverError?: { code?: string } }).driverError?.code === 'ER_DUP_ENTRY';
}

/**
 * The capitation cases: a month's settlement (月度结算) and a year's reconciliation (年终清算),
 * opened here with their figures; the hooks recompute on RETURN and keep the month table the
 * reports read in step with payments.
 */
@Injectable()
export class CapitationCasesService implements OnModuleInit {
  private readonly logger = new Logger(CapitationCasesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: CaseEngine,
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
    private readonly capitation: CapitationService,
    private readonly cases: CaseQueryService,
    private readonly lookup: CaseLookup,
  ) {}

  onModuleInit(): void {
    this.handlers.registerHooks(
      defineHooks(CAPITATION_SETTLEMENT_EVENT_PAYLOADS, {
        RETURN: (ctx) => this.onSettlementReturn(ctx),
        RECORD_PAYMENT: (ctx) => this.onSettlementPayment(ctx),
      }),
    );
    this.handlers.registerHooks(
      defineHooks(CAPITATION_RECONCILIATION_EVENT_PAYLOADS, {
        RETURN: (ctx) => this.onReconciliationReturn(ctx),
      }),
    );
  }

  // ---------------------------------------------------------------- settlements

  /** The month's figures from the sign-ups as they are now. */
  private async settlementFigures(
    m: EntityManager,
    code: string,
    year: number,
    month: number,
    now: Date,
  ): Promise<SettlementFigures> {
    const rate = this.capitation.rate(year);
    const spans = await this.capitation.spansOf(m, code, year, month);
    const s = settleMonth(year, month, rate, spans);
    return {
      daysInMonth: s.daysInMonth,
      fullMonthPersons: s.fullMonthPersons,
      proRataPersons: s.proRataPersons,
      personDays: s.personDays,
      personMonths: s.personMonths,
      rate: {
        baseCapitation: rate.baseCapitation,
        fundSignUpFee: rate.fundSignUpFee,
        policyVersion: rate.policyVersion,
      },
      baseCapitation: s.baseCapitation,
      fundSignUpFee: s.fundSignUpFee,
      lines: s.lines,
      total: s.total,
      computedAt: now.toISOString(),
    };
  }

  /**
   * Opens the month's settlement in `computed` (POST /capitation/settlements, and the monthly
   * job). The month must have begun; a second opening of the same month is 409.
   */
  async openSettlement(
    dto: OpenSettlementDto,
    actor: Actor,
    openedBy: CapitationSettlementInput['openedBy'],
    now = new Date(),
  ): Promise<CaseView> {
    const { year, month } = dto;
    this.capitation.yearFigures(year);
    if (`${year}-${String(month).padStart(2, '0')}-01` > shanghaiDate(now)) {
      throw new DomainError(
        'BUSINESS_RULE',
        `${monthName(year, month)} has not begun: it cannot be settled yet.`,
        {
          errors: [{ field: 'month', message: 'the month has not begun' }],
        },
      );
    }
    let caseId: string;
    try {
      caseId = await this.dataSource.transaction(async (m) => {
        const institution = await this.capitation.institution(m, dto.institutionCode);
        const originKey = settlementOriginKey(institution.code, year, month);
        await this.refuseExisting(m, originKey, `${institution.code} ${monthName(year, month)}`);
        const figures = await this.settlementFigures(m, institution.code, year, month, now);
        const input: CapitationSettlementInput = {
          institutionCode: institution.code,
          institutionName: institution.name,
          year,
          month,
          openedBy,
          figures,
        };
        const row = await this.engine.openCase({
          type: SETTLEMENT_TYPE,
          input: { ...input },
          actor,
          policyVersion: figures.rate.policyVersion,
          originKey,
          manager: m,
        });
        await m.insert(CapitationMonthEntity, {
          institutionCode: institution.code,
          year,
          month,
          caseId: row.id,
          baseAmount: figures.baseCapitation,
          feeAmount: figures.fundSignUpFee,
          personDays: figures.personDays,
          paidAt: null,
        });
        return row.id;
      });
    } catch (e) {
      if (isDuplicate(e)) {
        throw new DomainError(
          'CONFLICT',
          `The settlement of ${dto.institutionCode} for ${monthName(year, month)} is already open: a month is settled once.`,
        );
      }
      throw e;
    }
    return this.cases.getCase(caseId, actor);
  }

  private async refuseExisting(m: EntityManager, originKey: string, what: string): Promise<void> {
    const existing = await this.lookup.withOriginKey(m, originKey);
    if (existing !== null) {
      throw new DomainError(
        'CONFLICT',
        `The case of ${what} already exists (${existing}): it is opened once.`,
        {
          caseId: existing,
        },
      );
    }
  }

  /** RETURN: the month recomputed from today's sign-ups (a change recorded since counts). */
  private async onSettlementReturn({
    caseRow: { data },
    manager,
    now,
  }: SettlementHook<'RETURN'>): Promise<SettlementHookResult<'RETURN'>> {
    const figures = await this.settlementFigures(
      manager,
      data.institutionCode,
      data.year,
      data.month,
      now,
    );
    await manager.update(
      CapitationMonthEntity,
      { institutionCode: data.institutionCode, year: data.year, month: data.month },
      {
        baseAmount: figures.baseCapitation,
        feeAmount: figures.fundSignUpFee,
        personDays: figures.personDays,
      },
    );
    return { figures };
  }

  /** RECORD_PAYMENT: the month counts as prepaid in the reports (the machine checks the amount). */
  private async onSettlementPayment({
    caseRow: { data },
    manager,
    now,
  }: SettlementHook<'RECORD_PAYMENT'>): Promise<void> {
    await manager.update(
      CapitationMonthEntity,
      { institutionCode: data.institutionCode, year: data.year, month: data.month },
      { paidAt: now },
    );
  }

  /**
   * The monthly job: this month's settlement of every capitation institution with a sign-up
   * touching it, as `system`; a month already open is skipped (origin key), a failure logged.
   */
  async openMonth(
    year: number,
    month: number,
    actor: Actor,
  ): Promise<{ opened: number; skipped: number }> {
    if (!this.policy.capitation().years[String(year)]) {
      this.logger.warn(
        `capitation opening for ${monthName(year, month)} skipped: no figures in the policy`,
      );
      return { opened: 0, skipped: 0 };
    }
    const first = `${year}-${String(month).padStart(2, '0')}-01`;
    const codes = await this.dataSource.query<Array<{ code: string }>>(
      `SELECT DISTINCT i.code FROM capitation_sign_ups s JOIN institutions i ON i.code = s.institution_code
        WHERE i.type = ? AND s.year = ? AND s.end_date >= ? AND s.start_date <= LAST_DAY(?)
        ORDER BY i.code`,
      [CAPITATION_INSTITUTION_TYPE, year, first, first],
    );
    let opened = 0;
    let skipped = 0;
    for (const { code } of codes) {
      try {
        await this.openSettlement({ institutionCode: code, year, month }, actor, 'SCHEDULER');
        opened++;
      } catch (e) {
        if (e instanceof DomainError && e.code === 'CONFLICT') {
          skipped++;
        } else {
          this.logger.error(
            `capitation settlement of ${code} ${monthName(year, month)} not opened: ${(e as Error).message}`,
          );
        }
      }
    }
    return { opened, skipped };
  }

  // ---------------------------------------------------------------- reconciliations

  /**
   * The year's figures: the base capitation paid (every opened month must be paid, December
   * included) against the spending imported, the score's band.
   */
  private async reconciliationFigures(
    m: EntityManager,
    code: string,
    year: number,
    score: number,
    now: Date,
  ): Promise<ReconciliationFigures> {
    const figures = this.capitation.yearFigures(year);
    const months = await this.capitation.monthsOf(m, code, year);
    const december = months.find((r) => r.month === 12);
    if (!december?.paidAt) {
      throw new DomainError(
        'BUSINESS_RULE',
        `December ${year} of ${code} is not settled (paid) yet: the year cannot be reconciled.`,
        {
          errors: [{ field: 'year', message: `December ${year} is not settled yet` }],
        },
      );
    }
    const unpaid = months.filter((r) => r.paidAt === null).map((r) => r.month);
    if (unpaid.length > 0) {
      throw new DomainError(
        'BUSINESS_RULE',
        `Months ${unpaid.join(', ')} of ${year} are not paid yet.`,
        {
          errors: [{ field: 'year', message: `months ${unpaid.join(', ')} are not paid yet` }],
        },
      );
    }
    const spending = await m.find(CapitationSpendingEntity, {
      where: { institutionCode: code, year },
    });
    if (spending.length === 0) {
      throw new DomainError(
        'BUSINESS_RULE',
        `No spending of ${code} in ${year} is imported (POST /capitation/spending).`,
        {
          errors: [{ field: 'institutionCode', message: `no spending imported for ${year}` }],
        },
      );
    }
    const prepaid = months.reduce((acc, r) => acc.plus(r.baseAmount), new Decimal(0));
    const spent = spending.reduce((acc, r) => acc.plus(r.amount), new Decimal(0));
    const r = reconcileYear(formatMoney(prepaid), formatMoney(spent), score, figures.bands);
    return { ...r, policyVersion: this.policy.capitation().version, computedAt: now.toISOString() };
  }

  async openReconciliation(dto: OpenReconciliationDto, actor: Actor): Promise<CaseView> {
    const now = new Date();
    let caseId: string;
    try {
      caseId = await this.dataSource.transaction(async (m) => {
        const institution = await this.capitation.institution(m, dto.institutionCode);
        const originKey = reconciliationOriginKey(institution.code, dto.year);
        await this.refuseExisting(m, originKey, `${institution.code} ${dto.year}`);
        const figures = await this.reconciliationFigures(
          m,
          institution.code,
          dto.year,
          dto.score,
          now,
        );
        const indicators: AssessmentIndicators = { ...dto.indicators };
        const input: CapitationReconciliationInput = {
          institutionCode: institution.code,
          institutionName: institution.name,
          year: dto.year,
          score: dto.score,
          indicators,
          figures,
        };
        const row = await this.engine.openCase({
          type: RECONCILIATION_TYPE,
          input: { ...input },
          actor,
          policyVersion: figures.policyVersion,
          originKey,
          manager: m,
        });
        return row.id;
      });
    } catch (e) {
      if (isDuplicate(e)) {
        throw new DomainError(
          'CONFLICT',
          `The reconciliation of ${dto.institutionCode} for ${dto.year} is already open: a year is reconciled once.`,
        );
      }
      throw e;
    }
    return this.cases.getCase(caseId, actor);
  }

  /** RETURN: the year recomputed from the spending as imported now. */
  private async onReconciliationReturn({
    caseRow: { data },
    manager,
    now,
  }: ReconciliationHook<'RETURN'>): Promise<ReconciliationHookResult<'RETURN'>> {
    return {
      figures: await this.reconciliationFigures(
        manager,
        data.institutionCode,
        data.year,
        data.score,
        now,
      ),
    };
  }
}
