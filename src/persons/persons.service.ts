import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { hardshipHearingWorkflow } from '../../workflows/hardship-hearing.machine';
import {
  type ReliefApplicationContext,
  reliefApplicationWorkflow,
} from '../../workflows/relief-application.machine';
import { shanghaiDate, shanghaiYear } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import { normaliseResidentId, validateResidentId } from '../common/id-number';
import { personKey } from '../common/person-key';
import { formatMoney } from '../common/money';
import { PolicyService } from '../config/policy.service';
import type { Actor } from '../engine/actor';
import { caseData } from '../engine/case-data';
import { CaseQueryService } from '../engine/case-query.service';
import type { CaseEntity } from '../engine/entities/case.entity';
import { WorkflowRegistry } from '../engine/workflow-registry';
import { HearingLedgersService } from '../hearings/hearing-ledgers.service';
import { PersonPartyService } from '../penalties/person-party';
import { ReliefLedgerService } from '../relief/relief-ledger.service';
import type { RatedReliefCategory } from '../relief/relief-policy';
import type { LedgerLine, PersonCaseSummary, PersonView } from './dto/person.dto';

const RATED: readonly string[] = ['TEKUN', 'DIBAO', 'DISABLED', 'DIBIAN'];

function line(cap: string | null, paid: string, reserved: string): LedgerLine {
  return {
    cap,
    paid,
    reserved,
    remaining:
      cap === null
        ? null
        : formatMoney(Decimal.max(0, new Decimal(cap).minus(paid).minus(reserved))),
  };
}

/** The relief category whose caps apply: the verified one (ILLNESS_POVERTY: as recognised), else the declared one. */
function categoryOf(data: ReliefApplicationContext): RatedReliefCategory | null {
  const v = data.verification;
  const category =
    v?.verifiedCategory === 'ILLNESS_POVERTY'
      ? v.recognisedAs
      : (v?.verifiedCategory ?? data.applicant.category);
  return category !== undefined && RATED.includes(category)
    ? (category as RatedReliefCategory)
    : null;
}

/** The resident ID a case is about: its applicant (relief, hearing) or its person (outreach). */
function residentIdIn(data: Record<string, unknown>): string | undefined {
  for (const holder of [data.applicant, data.person]) {
    if (typeof holder === 'object' && holder !== null && 'idNumber' in holder) {
      const id = holder.idNumber;
      if (typeof id === 'string') {
        return id;
      }
    }
  }
  return undefined;
}

/** The name on a penalty case against the person (`data.person.name`), when no relief case names it. */
function personName(rows: readonly CaseEntity[]): string | undefined {
  return rows
    .map((r) => r.data.person)
    .map((p) => (typeof p === 'object' && p !== null && 'name' in p ? p.name : undefined))
    .find((n): n is string => typeof n === 'string');
}

/**
 * A person's view for caseworkers and managers (`GET /persons/:idNumber`): every case about
 * the person and this year's ledgers — relief and its outpatient part, special relief, the
 * warm-heart fund — with what is left under each cap.
 */
@Injectable()
export class PersonsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cases: CaseQueryService,
    private readonly registry: WorkflowRegistry,
    private readonly policy: PolicyService,
    private readonly reliefLedger: ReliefLedgerService,
    private readonly hearingLedgers: HearingLedgersService,
    private readonly personParty: PersonPartyService,
  ) {}

  /**
   * The view by person key (a link or bookmark names no resident ID): the ID comes from a case
   * the caller may read; none such answers 404, as for a key nobody has.
   */
  async viewByKey(key: string, actor: Actor, year?: number): Promise<PersonView> {
    const rows = await this.cases.casesOfPersonKey(key.toLowerCase(), actor);
    const idNumber = rows
      .map((r) => residentIdIn(r.data))
      .find((id): id is string => id !== undefined && personKey(id) === key.toLowerCase());
    if (idNumber === undefined) {
      throw DomainError.notFound('Person');
    }
    return this.view(idNumber, actor, year);
  }

  async view(rawId: string, actor: Actor, year?: number): Promise<PersonView> {
    const problem = validateResidentId(rawId);
    if (problem !== null) {
      throw DomainError.validation([{ field: 'idNumber', message: problem }]);
    }
    const idNumber = normaliseResidentId(rawId);
    const ledgerYear = year ?? shanghaiYear(new Date());
    const rows = await this.cases.casesOfPerson(idNumber, actor);
    const reliefOfYear = rows
      .filter((r) => r.type === reliefApplicationWorkflow.type)
      .map((row) => ({ row, data: caseData(reliefApplicationWorkflow, row) }))
      .filter(({ data }) => data.year === ledgerYear);
    // The newest relief case of the year says which category's caps apply, and its edition.
    const newest = reliefOfYear.find(({ data }) => categoryOf(data) !== null);
    const category = newest ? categoryOf(newest.data) : null;
    const edition =
      (newest && this.policy.reliefEdition(newest.row.policyVersion)) ??
      this.policy.reliefEditionOn(`${ledgerYear}-12-31`) ??
      this.policy.reliefEditionOn(shanghaiDate(new Date()));
    const caps = category && edition ? edition.categories[category] : null;

    const m = this.dataSource.manager;
    const relief = await this.reliefLedger.balance(m, idNumber, ledgerYear);
    const hearing = await this.hearingLedgers.balances(m, idNumber, ledgerYear);
    const name = rows
      .map((r) => (r.data as { applicant?: { name?: unknown } }).applicant?.name)
      .find((n): n is string => typeof n === 'string');
    const visible = new Set(rows.map((r) => r.id));
    const sanctions = (await this.personParty.sanctions(idNumber)).filter((x) =>
      visible.has(x.caseId),
    );
    return {
      idNumber,
      personKey: personKey(idNumber),
      name: name ?? personName(rows) ?? null,
      year: ledgerYear,
      category,
      ledgers: {
        relief: line(caps?.annualCap ?? null, relief.paid.total, relief.reserved.total),
        outpatientRelief: line(
          caps?.outpatientCap ?? null,
          relief.paid.outpatient,
          relief.reserved.outpatient,
        ),
        specialRelief: line(
          this.policy.hearing().annualCap,
          hearing.specialRelief.paid,
          hearing.specialRelief.reserved,
        ),
        warmHeartFund: line(null, hearing.warmHeartFund.paid, hearing.warmHeartFund.reserved),
      },
      cases: rows.map((r) => this.summary(r)),
      sanctions,
      runningSuspension: sanctions.find((x) => x.suspension?.running)?.suspension ?? null,
    };
  }

  private summary(row: CaseEntity): PersonCaseSummary {
    const definition = this.registry.get(row.type, row.machineVersion);
    let amount: string | null = null;
    let paid: string | null = null;
    if (row.type === reliefApplicationWorkflow.type) {
      const d = caseData(reliefApplicationWorkflow, row);
      amount = d.approvedAmount ?? d.proposedAmount ?? d.calculation?.reliefAmount ?? null;
      paid = d.payment?.amount ?? null;
    } else if (row.type === hardshipHearingWorkflow.type) {
      const d = caseData(hardshipHearingWorkflow, row);
      const special = d.decision?.specialRelief.amount;
      amount =
        special === undefined
          ? null
          : formatMoney(new Decimal(special).plus(d.resolution?.extraAmount ?? 0));
      paid = d.payment?.amount ?? null;
    }
    const year = (row.data as { year?: unknown }).year;
    return {
      id: row.id,
      type: row.type,
      state: row.state,
      stateLabel: definition.stateLabels?.[row.state] ?? null,
      status: row.status,
      year: typeof year === 'number' ? year : null,
      streetCode: row.streetCode,
      assignee: row.assigneeId,
      amount,
      paid,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
