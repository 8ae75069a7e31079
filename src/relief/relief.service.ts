import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import Decimal from 'decimal.js';
import { shanghaiDate } from '../time/shanghai';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { formatMoney } from '../common/money';
import type { ReliefEdition } from './relief-policy';
import { PolicyService } from '../config/policy.service';
import type { Role } from '../../workflows/workflow-definition';
import type { Actor } from '../engine/actor';
import { isStreetBound } from '../engine/case-access';
import {
  type ReliefApplicationV2Input,
  reliefApplicationV2Workflow,
} from '../../workflows/relief-application.v2.machine';
import { CaseEngine } from '../engine/case-engine.service';
import { reasonProblem } from '../engine/duties-policy';
import { CaseQueryService } from '../engine/case-query.service';
import { caseInput, linkedCase } from '../engine/case-data';
import { defineHooks, type HookContextOf, type HookResultOf } from '../engine/define-hooks';
import type { CaseView } from '../engine/dto/case.dto';
import type { CaseEntity } from '../engine/entities/case.entity';
import { EventHandlerRegistry } from '../engine/event-handlers';
import { hardshipHearingWorkflow } from '../../workflows/hardship-hearing.machine';
import {
  type ReliefApplicationContext,
  reliefApplicationWorkflow,
} from '../../workflows/relief-application.machine';
import type { CalculateReliefDto } from './dto/calculate-relief.dto';
import type { CreateReliefApplicationDto } from './dto/create-relief-application.dto';
import { calculateRelief, type ReliefCalculation } from './relief-calculator';
import { type LedgerAmounts, ReliefLedgerService } from './relief-ledger.service';
import { RELIEF_EVENT_PAYLOADS } from './relief-events';
import type { ReliefCategoryPolicy } from './relief-policy';
import { YearlyBurdenService } from './yearly-burden.service';

export const RELIEF_TYPE = reliefApplicationWorkflow.type;

/** What the relief hook of event E receives, and what it returns (typed by the machine). */
type ReliefHook<E extends string> = HookContextOf<typeof RELIEF_EVENT_PAYLOADS, E>;
type ReliefHookResult<E extends string> = HookResultOf<typeof RELIEF_EVENT_PAYLOADS, E>;

/** The roles granted POST /relief-applications: only these exempt a street office from its street. */
export const SUBMITTER_ROLES: readonly Role[] = ['STREET_OFFICE', 'CASEWORKER'];

/**
 * Medical-relief applications (医疗救助): submission (idempotent), the calculation, and the
 * hooks that tie the workflow's events to the yearly cap ledger.
 */
@Injectable()
export class ReliefService implements OnModuleInit {
  constructor(
    private readonly engine: CaseEngine,
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
    private readonly ledger: ReliefLedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly cases: CaseQueryService,
    private readonly yearlyBurden: YearlyBurdenService,
  ) {}

  onModuleInit(): void {
    this.handlers.registerHooks(
      defineHooks(RELIEF_EVENT_PAYLOADS, {
        VERIFY: (ctx) => this.onVerify(ctx),
        PROPOSE: (ctx) => this.onPropose(ctx),
        APPROVE: (ctx) => this.onApprove(ctx),
        REVOKE: (ctx) => this.onRevoke(ctx),
        RECORD_PAYMENT: (ctx) => this.onPayment(ctx),
      }),
    );
  }

  /** A street office submits for its own street only; the relief edition of today is recorded. */
  async submit(
    dto: CreateReliefApplicationDto,
    actor: Actor,
    idempotencyKey: string | undefined,
  ): Promise<CaseView> {
    if (isStreetBound(actor, SUBMITTER_ROLES) && dto.streetCode !== actor.streetCode) {
      throw DomainError.forbidden(
        `A street office submits for its own street (${actor.streetCode ?? 'none'}) only.`,
      );
    }
    const edition = this.editionInForce();
    const input: ReliefApplicationV2Input = {
      ...dto,
      origin: 'APPLICATION',
      // Version 2 routes by it; version 1 ignores it. Kept in the opening event either way.
      collectiveReviewAbove: this.policy.current().relief.collectiveReviewAbove,
    };
    let opened: CaseEntity | undefined;
    // Named first, so that the idempotency key's row is written with it.
    const caseId = randomUUID();
    const { resourceId, replayed } = await this.idempotency.run(
      { userId: actor.id, endpoint: 'POST /api/v1/relief-applications', key: idempotencyKey },
      dto,
      async (m) => {
        opened = await this.engine.openCase({
          id: caseId,
          type: RELIEF_TYPE,
          input: caseInput(reliefApplicationV2Workflow, input),
          actor,
          streetCode: dto.streetCode,
          policyVersion: edition.version,
          manager: m,
        });
        // The answer's deadlines ride with the COMMIT; the row is the one just written.
        await this.cases.prefetchRelated(m, opened);
        return opened.id;
      },
      caseId,
    );
    return !replayed && opened?.id === resourceId
      ? this.cases.viewOf(opened, actor)
      : this.cases.getCase(resourceId, actor);
  }

  /** The calculation alone (POST /relief/calculate), with the edition in force today. */
  calculate(dto: CalculateReliefDto): ReliefCalculation {
    return calculateRelief(dto, this.editionInForce());
  }

  private editionInForce(): ReliefEdition {
    const today = shanghaiDate(new Date());
    const edition = this.policy.reliefEditionOn(today);
    if (!edition) {
      throw new DomainError('BUSINESS_RULE', `No relief policy is in force on ${today}.`);
    }
    return edition;
  }

  /** The edition the case was opened under: a new policy year does not change running cases. */
  private editionOf(row: Pick<CaseEntity, 'policyVersion'>): ReliefEdition {
    const edition = this.policy.reliefEdition(row.policyVersion);
    if (!edition) {
      throw new DomainError(
        'BUSINESS_RULE',
        `The relief policy ${row.policyVersion} of this case is no longer configured.`,
      );
    }
    return edition;
  }

  /** VERIFY: compute the relief with the verified category and what this year's ledger already holds. */
  private async onVerify({
    caseRow,
    event: verify,
    manager,
  }: ReliefHook<'VERIFY'>): Promise<ReliefHookResult<'VERIFY'>> {
    const { data } = caseRow;
    const edition = this.editionOf(caseRow);
    const calculation = calculateRelief(
      {
        category: verify.verifiedCategory,
        recognisedAs: verify.recognisedAs,
        recognitionDate: verify.recognitionDate,
        year: data.year,
        expenses: data.expenses,
        alreadyPaidThisYear: await this.ledger.used(manager, data.applicant.idNumber, data.year),
      },
      edition,
    );
    return { calculation, policyVersion: edition.version };
  }

  /**
   * PROPOSE: no more than the case's figures allow (the eligible base, and the yearly cap left
   * before this case), and a stated reason for a departure from the computed relief or a large
   * sum (policy `duties`): 422 naming the field.
   */
  private onPropose({ caseRow, event }: ReliefHook<'PROPOSE'>): Promise<void> {
    const calc = caseRow.data.calculation;
    if (!calc) {
      return Promise.resolve(); // not verified yet: the machine refuses the event
    }
    const { amount, reason } = event;
    const proposed = new Decimal(amount ?? calc.reliefAmount);
    const ceiling =
      calc.annualCapRemaining === null
        ? new Decimal(calc.eligibleBase)
        : Decimal.min(
            calc.eligibleBase,
            new Decimal(calc.reliefAmount).plus(calc.annualCapRemaining),
          );
    const errors: FieldError[] = [];
    if (proposed.gt(ceiling)) {
      errors.push({
        field: 'amount',
        message: `must not exceed ${formatMoney(ceiling)} (the eligible base ${calc.eligibleBase} within the yearly cap left)`,
      });
    }
    const why = reasonProblem(this.policy.duties(), reason, {
      departs: !proposed.eq(calc.reliefAmount),
      amount: formatMoney(proposed),
      computed: calc.reliefAmount,
    });
    if (why !== null) {
      errors.push({ field: 'reason', message: why });
    }
    if (errors.length > 0) {
      return Promise.reject(
        new DomainError('BUSINESS_RULE', 'The proposal is refused: see errors.', { errors }),
      );
    }
    return Promise.resolve();
  }

  /** APPROVE: reserve the amount in the person's yearly ledger (refused past the caps). */
  private async onApprove({ caseRow, manager }: ReliefHook<'APPROVE'>): Promise<void> {
    const { data } = caseRow;
    await this.ledger.reserve(
      manager,
      data.applicant.idNumber,
      data.year,
      this.amountsOf(data, data.proposedAmount),
      this.capsOf(data, caseRow),
    );
  }

  /** REVOKE after an objection: give the reservation back. */
  private async onRevoke({ caseRow, manager }: ReliefHook<'REVOKE'>): Promise<void> {
    const { data } = caseRow;
    await this.ledger.release(
      manager,
      data.applicant.idNumber,
      data.year,
      this.amountsOf(data, data.approvedAmount),
    );
  }

  /**
   * RECORD_PAYMENT: the reservation becomes relief paid, and a burden left at or above the
   * hardship threshold is referred to a special-hardship hearing (recorded on the case until the
   * hearings module opens and links the hearing).
   */
  private async onPayment({
    caseRow,
    event,
    manager,
    openLinkedCase,
  }: ReliefHook<'RECORD_PAYMENT'>): Promise<ReliefHookResult<'RECORD_PAYMENT'>> {
    const { data } = caseRow;
    const paid = event.amount;
    if (data.approvedAmount === undefined || !new Decimal(paid).equals(data.approvedAmount)) {
      throw new DomainError(
        'BUSINESS_RULE',
        `The payment ${paid} must equal the approved amount ${data.approvedAmount ?? '(none)'}.`,
        {
          errors: [
            {
              field: 'amount',
              message: `must equal the approved amount ${data.approvedAmount ?? ''}`,
            },
          ],
        },
      );
    }
    await this.ledger.settle(
      manager,
      data.applicant.idNumber,
      data.year,
      this.amountsOf(data, data.approvedAmount),
    );
    // 个人年度负担: the person's paid cases of the year together, not this case alone.
    const threshold = this.policy.hardshipThreshold();
    const referral = await this.yearlyBurden.referral(manager, caseRow.id, data, threshold);
    if (referral.hearingInput === undefined) {
      return {};
    }
    // 特殊医疗救助: the hearing is opened (or the person-year's open one joined) by the worker
    // once this payment commits, linked both ways.
    openLinkedCase(
      linkedCase(hardshipHearingWorkflow, {
        rel: 'hardship-hearing',
        backRel: 'relief-application',
        input: referral.hearingInput,
        streetCode: caseRow.streetCode,
      }),
    );
    return {
      hardshipReferral: {
        burden: referral.burden.total,
        threshold,
        caseBurden: referral.burden.cases.at(-1)?.burden,
        cases: referral.burden.cases.map((c) => c.caseId),
      },
    };
  }

  /** The outpatient share of an amount: at most the computed outpatient relief. */
  private amountsOf(data: ReliefApplicationContext, amount: string | undefined): LedgerAmounts {
    const total = new Decimal(amount ?? '0');
    const outpatient = Decimal.min(total, data.calculation?.outpatientReliefAmount ?? '0');
    return { total: formatMoney(total), outpatient: formatMoney(outpatient) };
  }

  private capsOf(
    data: ReliefApplicationContext,
    caseRow: Pick<CaseEntity, 'policyVersion'>,
  ): ReliefCategoryPolicy {
    const verification = data.verification;
    const category =
      verification?.verifiedCategory === 'ILLNESS_POVERTY'
        ? verification.recognisedAs
        : verification?.verifiedCategory;
    if (!category) {
      throw new DomainError('BUSINESS_RULE', 'The case has no verified relief category.');
    }
    return this.editionOf(caseRow).categories[category];
  }
}
