import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager, In, type Repository } from 'typeorm';
import { shanghaiDate } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import { maskIdNumber } from '../common/masking';
import { formatMoney } from '../common/money';
import type { Page } from '../common/pagination/pagination.dto';
import { personKey } from '../common/person-key';
import { PolicyService } from '../config/policy.service';
import { CaseLookup } from '../engine/case-lookup';
import type { Actor } from '../engine/actor';
import { type InstitutionRef, InstitutionsService } from '../institutions/institutions.service';
import { baseCapitation, type CapitationRate } from './capitation-calculator';
import { rowsRefused, type RejectedRow, validateRows } from './capitation-import';
import type { CapitationYear } from './capitation-policy';
import type {
  CapitationInstitutionReport,
  CapitationRateView,
  CapitationReportView,
  SignUpChangeDto,
  SignUpChangeResult,
  SignUpImportResult,
  SignUpView,
  SpendingImportResult,
} from './dto/capitation.dto';
import { SignUpRowDto, SpendingRowDto } from './dto/capitation.dto';
import {
  CapitationMonthEntity,
  CapitationSignUpEntity,
  CapitationSpendingEntity,
} from './entities/capitation.entities';
import { dayBefore, ONE_INSTITUTION_A_YEAR, signUpChangeRefusals } from './sign-up-rules';

const INSERT_CHUNK = 1000;

/** The capitation institutions: primary-care institutions of the directory (社区卫生服务中心、乡镇卫生院). */
export const CAPITATION_INSTITUTION_TYPE = 'PRIMARY_CARE';

export function signUpView(row: CapitationSignUpEntity): SignUpView {
  return {
    id: row.id,
    year: row.year,
    idNumber: maskIdNumber(row.idNumber),
    name: row.name,
    institutionCode: row.institutionCode,
    startDate: row.startDate,
    endDate: row.endDate,
    endedReason: row.endedReason,
    previousId: row.previousId,
  };
}

/**
 * Outpatient capitation (门诊按人头付费): the yearly rate, sign-ups and their changes, the actual
 * spending, and the report of the year so far. The two workflows' cases are opened by
 * CapitationCasesService.
 */
@Injectable()
export class CapitationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(CapitationSignUpEntity)
    private readonly signUps: Repository<CapitationSignUpEntity>,
    private readonly policy: PolicyService,
    private readonly lookup: CaseLookup,
    private readonly institutions: InstitutionsService,
  ) {}

  /** The figures of a sign-up year, or 422 naming `year` when the policy has none. */
  yearFigures(year: number): CapitationYear {
    const figures = this.policy.capitation().years[String(year)];
    if (!figures) {
      throw new DomainError('BUSINESS_RULE', `The policy has no capitation figures for ${year}.`, {
        errors: [{ field: 'year', message: `no capitation figures for ${year} in the policy` }],
      });
    }
    return figures;
  }

  rate(year: number): CapitationRate {
    return baseCapitation(year, this.yearFigures(year), this.policy.capitation().version);
  }

  /** GET /capitation/rates/:year — a year the policy does not configure is 404. */
  rateView(year: number): CapitationRateView {
    const figures = this.policy.capitation().years[String(year)];
    if (!figures) {
      throw DomainError.notFound(`The capitation rate of ${year}`);
    }
    return { ...this.rate(year), startDate: figures.startDate };
  }

  /** A capitation institution of the directory (its stored spelling of the code), or 422. */
  async institution(
    m: EntityManager,
    code: string,
    field = 'institutionCode',
  ): Promise<InstitutionRef> {
    const found = await this.institutions.byCode(m, code);
    if (!found || found.type !== CAPITATION_INSTITUTION_TYPE) {
      throw new DomainError(
        'BUSINESS_RULE',
        `${code} is not a primary-care institution of the directory: capitation pays only those.`,
        {
          errors: [
            {
              field,
              message: `${code} is not a primary-care (PRIMARY_CARE) institution of the directory`,
            },
          ],
        },
      );
    }
    return found;
  }

  private async capitationCodes(codes: string[]): Promise<Map<string, string>> {
    const found = await this.institutions.byCodes(codes, CAPITATION_INSTITUTION_TYPE);
    return new Map(found.map((i) => [i.code.toUpperCase(), i.code]));
  }

  // ---------------------------------------------------------------- sign-ups

  /**
   * 签约 in bulk: all rows or none. A person signs up once a year (a second row of the same
   * person and year, in the file or already stored, is refused); the institution must be a
   * primary-care one; the first day defaults to the sign-up year's (1 January, or the start of
   * payment in the first pilot year) and may not precede it.
   */
  async importSignUps(input: unknown, actor: Actor): Promise<SignUpImportResult> {
    const { rows, rejected } = await validateRows(SignUpRowDto, input, {
      field: 'idNumber',
      keyOf: (r) => `${r.year}#${personKey(r.idNumber)}`,
    });
    const codes = await this.capitationCodes(rows.map((r) => r.value.institutionCode));
    const stored = rows.length
      ? await this.signUps.find({
          where: { personKey: In(rows.map((r) => personKey(r.value.idNumber))) },
          select: { personKey: true, year: true },
        })
      : [];
    const signedUp = new Set(stored.map((s) => `${s.year}#${s.personKey}`));
    const now = new Date();
    const entities: CapitationSignUpEntity[] = [];
    for (const { row, value } of rows) {
      const errors: RejectedRow['errors'] = [];
      const figures = this.policy.capitation().years[String(value.year)];
      const key = personKey(value.idNumber);
      const code = codes.get(value.institutionCode.toUpperCase());
      if (!figures) {
        errors.push({
          field: 'year',
          message: `no capitation figures for ${value.year} in the policy`,
        });
      }
      if (code === undefined) {
        errors.push({
          field: 'institutionCode',
          message: `${value.institutionCode} is not a primary-care (PRIMARY_CARE) institution of the directory`,
        });
      }
      if (signedUp.has(`${value.year}#${key}`)) {
        errors.push({
          field: 'idNumber',
          message: `${ONE_INSTITUTION_A_YEAR}: already signed up for ${value.year}; a change goes through POST /capitation/sign-ups/{id}/change`,
        });
      }
      const startDate = value.startDate ?? figures?.startDate;
      if (figures && value.startDate !== undefined) {
        if (value.startDate < figures.startDate || !value.startDate.startsWith(`${value.year}-`)) {
          errors.push({
            field: 'startDate',
            message: `must fall in the sign-up year ${value.year}, from ${figures.startDate}`,
          });
        }
      }
      if (errors.length > 0 || code === undefined || startDate === undefined) {
        rejected.push({ row, errors });
        continue;
      }
      entities.push({
        id: randomUUID(),
        year: value.year,
        personKey: key,
        idNumber: value.idNumber,
        name: value.name,
        institutionCode: code,
        startDate,
        endDate: `${value.year}-12-31`,
        changeNo: 0,
        endedReason: null,
        previousId: null,
        createdBy: actor.id,
        createdAt: now,
      });
    }
    if (rejected.length > 0) {
      throw rowsRefused([...rejected].sort((a, b) => a.row - b.row));
    }
    try {
      await this.dataSource.transaction(async (m) => {
        for (let i = 0; i < entities.length; i += INSERT_CHUNK) {
          await m.insert(CapitationSignUpEntity, entities.slice(i, i + INSERT_CHUNK));
        }
      });
    } catch (e) {
      if ((e as { driverError?: { code?: string } }).driverError?.code === 'ER_DUP_ENTRY') {
        throw new DomainError(
          'CONFLICT',
          'Another import signed up some of these persons for the same year meanwhile: nothing was imported.',
        );
      }
      throw e;
    }
    return {
      created: entities.length,
      items: entities.map((e) => ({ id: e.id, idNumber: maskIdNumber(e.idNumber) })),
    };
  }

  async listSignUps(q: {
    institutionCode: string;
    year: number;
    page: number;
    pageSize: number;
  }): Promise<Page<SignUpView>> {
    const [rows, total] = await this.signUps.findAndCount({
      where: { institutionCode: q.institutionCode, year: q.year },
      order: { startDate: 'ASC', createdAt: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(signUpView), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * 签约变更: only for moving home, a new workplace or death (422 naming the rule otherwise). The
   * sign-up ends the day before `date`; the new one (none after a death) runs from `date` to the
   * year's end. Under a row lock, so two changes of one sign-up cannot both pass.
   */
  async changeSignUp(id: string, dto: SignUpChangeDto, actor: Actor): Promise<SignUpChangeResult> {
    return this.dataSource.transaction(async (m) => {
      const current = await m.findOne(CapitationSignUpEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) {
        throw DomainError.notFound(`Sign-up ${id}`);
      }
      const refusals = signUpChangeRefusals(current, dto);
      if (refusals.length > 0) {
        throw new DomainError(
          'BUSINESS_RULE',
          `The change is refused: ${refusals.map((r) => `${r.field} ${r.message}`).join('; ')}.`,
          { errors: refusals, rule: ONE_INSTITUTION_A_YEAR },
        );
      }
      const next =
        dto.institutionCode === undefined
          ? undefined
          : await this.institution(m, dto.institutionCode);
      const date = dto.date;
      current.endDate = dayBefore(date);
      current.endedReason = dto.reason ?? null;
      await m.update(
        CapitationSignUpEntity,
        { id: current.id },
        { endDate: current.endDate, endedReason: current.endedReason },
      );
      if (!next) {
        return { ended: signUpView(current), current: null };
      }
      const successor: CapitationSignUpEntity = {
        ...current,
        id: randomUUID(),
        institutionCode: next.code,
        startDate: date,
        endDate: `${current.year}-12-31`,
        changeNo: current.changeNo + 1,
        endedReason: null,
        previousId: current.id,
        createdBy: actor.id,
        createdAt: new Date(),
      };
      await m.insert(CapitationSignUpEntity, successor);
      return { ended: signUpView(current), current: signUpView(successor) };
    });
  }

  /** The sign-ups of an institution that touch a month, as inclusive day spans. */
  async spansOf(
    m: EntityManager,
    institutionCode: string,
    year: number,
    month: number,
  ): Promise<Array<{ start: string; end: string }>> {
    const first = `${year}-${String(month).padStart(2, '0')}-01`;
    const rows: Array<{ start: string; end: string }> = await m.query(
      `SELECT DATE_FORMAT(start_date, '%Y-%m-%d') AS start, DATE_FORMAT(end_date, '%Y-%m-%d') AS end
         FROM capitation_sign_ups
        WHERE institution_code = ? AND year = ? AND end_date >= ? AND start_date <= LAST_DAY(?)`,
      [institutionCode, year, first, first],
    );
    return rows;
  }

  // ---------------------------------------------------------------- spending

  /**
   * 实际支出 in bulk, per institution and month: all rows or none; a month imported again
   * replaces its figure (a correction), as the early-warning expense records do.
   */
  async importSpending(input: unknown, actor: Actor): Promise<SpendingImportResult> {
    const { rows, rejected } = await validateRows(SpendingRowDto, input, {
      field: 'month',
      keyOf: (r) => `${r.institutionCode.toUpperCase()}#${r.year}#${r.month}`,
    });
    const codes = await this.capitationCodes(rows.map((r) => r.value.institutionCode));
    const today = shanghaiDate(new Date());
    const entities: CapitationSpendingEntity[] = [];
    const now = new Date();
    for (const { row, value } of rows) {
      const code = codes.get(value.institutionCode.toUpperCase());
      const errors: RejectedRow['errors'] = [];
      if (code === undefined) {
        errors.push({
          field: 'institutionCode',
          message: `${value.institutionCode} is not a primary-care (PRIMARY_CARE) institution of the directory`,
        });
      }
      if (!this.policy.capitation().years[String(value.year)]) {
        errors.push({
          field: 'year',
          message: `no capitation figures for ${value.year} in the policy`,
        });
      }
      if (`${value.year}-${String(value.month).padStart(2, '0')}-01` > today) {
        errors.push({ field: 'month', message: 'a month that has not begun has no spending yet' });
      }
      if (errors.length > 0 || code === undefined) {
        rejected.push({ row, errors });
        continue;
      }
      entities.push({
        institutionCode: code,
        year: value.year,
        month: value.month,
        amount: formatMoney(value.amount),
        importedBy: actor.id,
        importedAt: now,
      });
    }
    if (rejected.length > 0) {
      throw rowsRefused([...rejected].sort((a, b) => a.row - b.row));
    }
    let replaced = 0;
    await this.dataSource.transaction(async (m) => {
      for (let i = 0; i < entities.length; i += INSERT_CHUNK) {
        const chunk = entities.slice(i, i + INSERT_CHUNK);
        const existing = await m.find(CapitationSpendingEntity, {
          where: chunk.map((e) => ({
            institutionCode: e.institutionCode,
            year: e.year,
            month: e.month,
          })),
          lock: { mode: 'pessimistic_write' },
        });
        replaced += existing.length;
        await m.upsert(CapitationSpendingEntity, chunk, ['institutionCode', 'year', 'month']);
      }
    });
    return { imported: entities.length, replaced };
  }

  // ---------------------------------------------------------------- the report

  /**
   * The year so far (managers' view): per capitation institution and month, the base capitation
   * settled and paid (prepaid), the spending imported and the balance; plus each institution's
   * reconciliation case when there is one.
   */
  async report(year: number): Promise<CapitationReportView> {
    const rate = this.rateView(year);
    const months = await this.dataSource.query<
      Array<{
        institution_code: string;
        month: number;
        case_id: string;
        base_amount: string;
        fee_amount: string;
        paid_at: Date | null;
      }>
    >(
      `SELECT m.institution_code, m.month, m.case_id, m.base_amount, m.fee_amount, m.paid_at
         FROM capitation_months m
        WHERE m.year = ?`,
      [year],
    );
    const states = await this.lookup.statesOf(months.map((m) => m.case_id));
    const spending = await this.dataSource
      .getRepository(CapitationSpendingEntity)
      .find({ where: { year } });
    const signed = await this.dataSource.query<Array<{ institution_code: string; n: string }>>(
      `SELECT institution_code, COUNT(*) AS n FROM capitation_sign_ups
        WHERE year = ? AND ended_reason IS NULL GROUP BY institution_code`,
      [year],
    );
    const reconciliations = await this.lookup.withOriginKeyLike(
      'capitation-reconciliation',
      `capitation-reconciliation#%#${year}`,
    );
    const codes = new Set<string>([
      ...months.map((r) => r.institution_code),
      ...spending.map((s) => s.institutionCode),
      ...signed.map((s) => s.institution_code),
    ]);
    const institutions = await this.institutions.byCodes([...codes]);
    const names = new Map(institutions.map((i) => [i.code, i.name]));
    const zero = new Decimal(0);
    const reports: CapitationInstitutionReport[] = [...codes].sort().map((code) => {
      let prepaid = zero;
      let spent = zero;
      const monthViews = Array.from({ length: 12 }, (_, i) => i + 1).map((month) => {
        const m = months.find((r) => r.institution_code === code && Number(r.month) === month);
        const s = spending.find((r) => r.institutionCode === code && r.month === month);
        const paid = m?.paid_at ? new Decimal(m.base_amount) : zero;
        const feePaid = m?.paid_at ? new Decimal(m.fee_amount) : zero;
        const spentHere = s ? new Decimal(s.amount) : zero;
        prepaid = prepaid.plus(paid);
        spent = spent.plus(spentHere);
        return {
          month,
          caseId: m?.case_id ?? null,
          state: (m && states.get(m.case_id)) ?? null,
          settled: formatMoney(m ? m.base_amount : 0),
          prepaid: formatMoney(paid),
          signUpFeePaid: formatMoney(feePaid),
          spent: formatMoney(spentHere),
          balance: formatMoney(paid.minus(spentHere)),
        };
      });
      const rec = reconciliations.find(
        (r) => r.originKey === `capitation-reconciliation#${code}#${year}`,
      );
      return {
        institutionCode: code,
        institutionName: names.get(code) ?? code,
        signedPersons: Number(signed.find((s) => s.institution_code === code)?.n ?? 0),
        months: monthViews,
        prepaid: formatMoney(prepaid),
        spent: formatMoney(spent),
        balance: formatMoney(prepaid.minus(spent)),
        reconciliationCaseId: rec?.id ?? null,
        reconciliationState: rec?.state ?? null,
      };
    });
    const sum = (f: (r: CapitationInstitutionReport) => string): Decimal =>
      reports.reduce((acc, r) => acc.plus(f(r)), zero);
    const prepaid = sum((r) => r.prepaid);
    const spent = sum((r) => r.spent);
    return {
      year,
      rate,
      institutions: reports,
      prepaid: formatMoney(prepaid),
      spent: formatMoney(spent),
      balance: formatMoney(prepaid.minus(spent)),
    };
  }

  /** The month rows of an institution's year (for the reconciliation). */
  monthsOf(
    m: EntityManager,
    institutionCode: string,
    year: number,
  ): Promise<CapitationMonthEntity[]> {
    return m.find(CapitationMonthEntity, {
      where: { institutionCode, year },
      order: { month: 'ASC' },
    });
  }
}
