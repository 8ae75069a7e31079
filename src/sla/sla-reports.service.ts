import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import { CaseLookup } from '../engine/case-lookup';
import { WorkflowRegistry } from '../engine/workflow-registry';
import { UsersService } from '../users/users.service';
import { addTo, percentile } from './duration-histogram';
import type { IndicatorQuery, OverdueQuery, SummaryQuery } from './dto/sla.dto';
import type { RollupDim } from './entities/sla-rollup.entity';
import { SlaRecordEntity } from './entities/sla-record.entity';
import { SlaJournal } from './sla-journal.service';
import { addDays, daysBetween, decompose } from './periods';
import { shanghaiDate, shanghaiYear } from '../time/shanghai';
import { indicatorRates } from './relief-indicators';
import { stateLabel, typeLabel } from './labels';

/** The figures of one group (a workflow, a state, a street, an assignee). */
export interface SlaFigures {
  open: number;
  overdue: number;
  /** Stages (or, per workflow and street, cases) finished in the range. */
  closedInRange: number;
  /** Of those, how many were late: their deadline passed before they finished. */
  breached: number;
  /** breached / closedInRange, 4 places; null when nothing finished. */
  breachRate: string | null;
  /** Median and 90th percentile of the time taken (ms, pauses excluded), ±2.5%; null when none. */
  durationP50Ms: number | null;
  durationP90Ms: number | null;
  /** Mean time taken (ms), exact. */
  durationMeanMs: number | null;
}

export interface SlaSummary {
  range: { from: string; to: string; timezone: 'Asia/Shanghai' };
  generatedAt: string;
  totals: SlaFigures;
  byWorkflow: Array<SlaFigures & { type: string; label: string }>;
  byState: Array<SlaFigures & { type: string; state: string; label: string; pausesSla: boolean }>;
  byStreet: Array<SlaFigures & { streetCode: string | null }>;
  byAssignee: Array<SlaFigures & { assigneeId: string | null; displayName: string | null }>;
}

export interface OverdueItem {
  caseId: string;
  type: string;
  typeLabel: string;
  state: string;
  stateLabel: string;
  streetCode: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  /** The earliest overdue deadline and how long ago it passed. */
  dueAt: string;
  overdueMs: number;
  deadlines: string[];
  link: string;
}

/** One stage of a case as the SLA sees it. */
export interface StageRecord {
  state: string;
  stateLabel: string;
  enteredAt: string;
  dueAt: string | null;
  leftAt: string | null;
  /** Time not counted (a state that pauses the SLA: waiting on the applicant). */
  pausedMs: number;
  /** Time counted: left (or now) − entered − paused. */
  durationMs: number;
  breached: boolean;
  /** Open and past its due time, or marked overdue. */
  overdue: boolean;
  assigneeId: string | null;
  assigneeName: string | null;
}

export interface IndicatorRow {
  streetCode: string | null;
  cases: number;
  inPolicyCost: string;
  insurancePaid: string;
  reliefPaid: string;
  personalBurden: string;
  /** 综合保障率 (insurance + relief) / in-policy cost */
  coverageRate: string | null;
  /** 个人负担率 personal burden / in-policy cost */
  burdenRate: string | null;
  meetsCoverageGoal: boolean | null;
  meetsBurdenGoal: boolean | null;
}

export interface IndicatorReport {
  year: number;
  goals: { coverageGoal: string; burdenGoal: string };
  streets: IndicatorRow[];
  total: IndicatorRow;
}

interface Acc {
  open: number;
  overdue: number;
  n: number;
  breached: number;
  totalMs: number;
  histogram: Map<number, number>;
}

const acc = (): Acc => ({
  open: 0,
  overdue: 0,
  n: 0,
  breached: 0,
  totalMs: 0,
  histogram: new Map(),
});

function figures(a: Acc, withPercentiles: boolean): SlaFigures {
  return {
    open: a.open,
    overdue: a.overdue,
    closedInRange: a.n,
    breached: a.breached,
    breachRate: a.n === 0 ? null : new Decimal(a.breached).div(a.n).toFixed(4),
    durationP50Ms: withPercentiles ? percentile(a.histogram, 0.5) : null,
    durationP90Ms: withPercentiles ? percentile(a.histogram, 0.9) : null,
    durationMeanMs: a.n === 0 ? null : Math.round(a.totalMs / a.n),
  };
}

/** The longest range a summary covers (ten years of daily and monthly rollups). */
const MAX_RANGE_DAYS = 3660;

/**
 * The managers' reports. Live counts (open, overdue) come from the index on cases and the open
 * deadlines; what finished in a range comes from `sla_rollups` (whole months, plus the days at
 * the edges), so the cost does not grow with the number of cases (bench/sla-summary.ts).
 */
@Injectable()
export class SlaReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly users: UsersService,
    private readonly policy: PolicyService,
    private readonly cases: CaseLookup,
    private readonly journal: SlaJournal,
  ) {}

  private checkType(type: string | undefined): void {
    if (type !== undefined && !this.registry.all().some((d) => d.type === type)) {
      throw DomainError.validation([{ field: 'type', message: `unknown workflow type "${type}"` }]);
    }
  }

  range(q: Pick<SummaryQuery, 'from' | 'to'>, now = new Date()): { from: string; to: string } {
    const to = q.to ?? shanghaiDate(now);
    const from = q.from ?? addDays(to, -29);
    const errors = [];
    for (const [field, day] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (
        Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ||
        new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day
      ) {
        errors.push({ field, message: `${field} is not a calendar date` });
      }
    }
    if (errors.length === 0 && from > to) {
      errors.push({ field: 'from', message: 'from must not be after to' });
    }
    if (errors.length === 0 && daysBetween(from, to) > MAX_RANGE_DAYS) {
      errors.push({ field: 'from', message: `the range may span at most ${MAX_RANGE_DAYS} days` });
    }
    if (errors.length > 0) {
      throw DomainError.validation(errors);
    }
    return { from, to };
  }

  async summary(q: SummaryQuery, now = new Date()): Promise<SlaSummary> {
    this.checkType(q.type);
    await this.journal.settle(); // every transition committed so far counts
    const { from, to } = this.range(q, now);
    const [live, stateRows, streetRows, assigneeRows] = await Promise.all([
      this.cases.liveCounts(now, q.type),
      this.rollups('state', from, to, q.type),
      this.rollups('street', from, to, q.type),
      this.rollups('assignee', from, to, q.type),
    ]);

    const byType = new Map<string, Acc>();
    const byState = new Map<string, Acc>();
    const byStreet = new Map<string, Acc>();
    const byAssignee = new Map<string, Acc>();
    const get = (map: Map<string, Acc>, key: string): Acc => {
      let a = map.get(key);
      if (!a) {
        a = acc();
        map.set(key, a);
      }
      return a;
    };
    const totals = acc();
    for (const [rows, field] of [
      [live.open, 'open'],
      [live.overdue, 'overdue'],
    ] as const) {
      for (const r of rows) {
        const { n } = r;
        totals[field] += n;
        get(byType, r.type)[field] += n;
        get(byState, `${r.type}\u0000${r.state}`)[field] += n;
        get(byStreet, r.street ?? '')[field] += n;
        get(byAssignee, r.assignee ?? '')[field] += n;
      }
    }
    for (const r of stateRows) {
      const a = get(byState, `${r.type}\u0000${r.key}`);
      a.n += r.n;
      a.breached += r.breached;
      a.totalMs += r.totalMs;
      addTo(a.histogram, r.bucket, r.n);
    }
    for (const r of streetRows) {
      for (const a of [get(byStreet, r.key), get(byType, r.type), totals]) {
        a.n += r.n;
        a.breached += r.breached;
        a.totalMs += r.totalMs;
        addTo(a.histogram, r.bucket, r.n);
      }
    }
    for (const r of assigneeRows) {
      const a = get(byAssignee, r.key);
      a.n += r.n;
      a.breached += r.breached;
      a.totalMs += r.totalMs;
    }
    const assigneeIds = [...byAssignee.keys()].filter((k) => k !== '');
    const names = await this.users.displayNames(assigneeIds);
    const definition = (type: string) => this.registry.all().find((d) => d.type === type);
    return {
      range: { from, to, timezone: 'Asia/Shanghai' },
      generatedAt: now.toISOString(),
      totals: figures(totals, true),
      byWorkflow: [...byType.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, a]) => ({
          type,
          label: typeLabel(definition(type), type),
          ...figures(a, true),
        })),
      byState: [...byState.entries()]
        .map(([key, a]) => {
          const [type, state] = key.split('\u0000');
          const d = definition(type);
          return {
            type,
            state,
            label: stateLabel(d, state),
            pausesSla: d?.deadlines[state]?.pausesSla ?? false,
            ...figures(a, true),
          };
        })
        .sort(
          (a, b) =>
            a.type.localeCompare(b.type) ||
            this.stateOrder(a.type, a.state) - this.stateOrder(b.type, b.state),
        ),
      byStreet: [...byStreet.entries()]
        .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
        .map(([street, a]) => ({ streetCode: street === '' ? null : street, ...figures(a, true) })),
      byAssignee: [...byAssignee.entries()]
        .map(([id, a]) => ({
          assigneeId: id === '' ? null : id,
          displayName: id === '' ? null : (names.get(id) ?? null),
          ...figures(a, false),
        }))
        .sort(
          (a, b) =>
            b.overdue - a.overdue ||
            b.open - a.open ||
            (a.displayName ?? '~').localeCompare(b.displayName ?? '~'),
        ),
    };
  }

  /** States in the order the workflow declares them (its reading order), unknown ones last. */
  private stateOrder(type: string, state: string): number {
    const d = this.registry.all().find((w) => w.type === type);
    const keys = Object.keys(
      (d?.machine.config.states as Record<string, unknown> | undefined) ?? {},
    );
    const i = keys.indexOf(state);
    return i < 0 ? keys.length : i;
  }

  private async rollups(
    dim: RollupDim,
    from: string,
    to: string,
    type: string | undefined,
  ): Promise<
    Array<{
      type: string;
      key: string;
      bucket: number;
      n: number;
      breached: number;
      totalMs: number;
    }>
  > {
    const { months, dayRanges } = decompose(from, to);
    const parts: string[] = [];
    const args: unknown[] = [dim];
    if (months.length > 0) {
      parts.push(`(grain = 'm' AND period IN (${months.map(() => '?').join(', ')}))`);
      args.push(...months);
    }
    for (const [a, b] of dayRanges) {
      parts.push(`(grain = 'd' AND period BETWEEN ? AND ?)`);
      args.push(a, b);
    }
    if (type) {
      args.push(type);
    }
    const rows = await this.dataSource.query<
      Array<{ type: string; k: string; bucket: number; n: string; b: string; t: string }>
    >(
      `SELECT case_type AS type, dim_key AS k, bucket, SUM(n) AS n, SUM(breached) AS b, SUM(total_ms) AS t
       FROM sla_rollups WHERE dim = ? AND (${parts.join(' OR ')})${type ? ' AND case_type = ?' : ''}
       GROUP BY case_type, dim_key, bucket`,
      args,
    );
    return rows.map((r) => ({
      type: r.type,
      key: r.k,
      bucket: Number(r.bucket),
      n: Number(r.n),
      breached: Number(r.b),
      totalMs: Number(r.t),
    }));
  }

  /** Active cases with an overdue deadline, most overdue first (confidential cases left out). */
  async overdue(q: OverdueQuery, now = new Date()): Promise<Page<OverdueItem>> {
    this.checkType(q.type);
    const [rows, count] = await this.cases.overdueCases(now, q);
    const names = await this.users.displayNames([
      ...new Set(rows.map((r) => r.assignee).filter((a): a is string => a !== null)),
    ]);
    const definition = (type: string) => this.registry.all().find((d) => d.type === type);
    return {
      items: rows.map((r) => {
        const due = new Date(r.due);
        return {
          caseId: r.id,
          type: r.type,
          typeLabel: typeLabel(definition(r.type), r.type),
          state: r.state,
          stateLabel: stateLabel(definition(r.type), r.state),
          streetCode: r.street,
          assigneeId: r.assignee,
          assigneeName: r.assignee ? (names.get(r.assignee) ?? null) : null,
          dueAt: due.toISOString(),
          overdueMs: Math.max(0, now.getTime() - due.getTime()),
          deadlines: r.names.split(','),
          link: `/cases/${r.id}`,
        };
      }),
      total: Number(count?.n ?? 0),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** The SLA records of one case, stage by stage (the case must be visible to the caller). */
  async caseRecords(caseId: string, now = new Date()): Promise<StageRecord[]> {
    await this.journal.settle(); // every transition committed so far counts
    const rows = await this.dataSource.getRepository(SlaRecordEntity).find({
      where: { caseId },
      order: { id: 'ASC' },
    });
    const names = await this.users.displayNames([
      ...new Set(rows.map((r) => r.assigneeId).filter((a): a is string => a !== null)),
    ]);
    return rows.map((r) => {
      const d = this.registry.all().find((w) => w.type === r.caseType);
      const end = (r.leftAt ?? now).getTime();
      const paused = r.leftAt ? Number(r.pausedMs) : r.pausesSla ? end - r.enteredAt.getTime() : 0;
      return {
        state: r.state,
        stateLabel: stateLabel(d, r.state),
        enteredAt: r.enteredAt.toISOString(),
        dueAt: r.dueAt ? r.dueAt.toISOString() : null,
        leftAt: r.leftAt ? r.leftAt.toISOString() : null,
        pausedMs: paused,
        durationMs: r.leftAt
          ? Number(r.durationMs)
          : Math.max(0, end - r.enteredAt.getTime() - paused),
        breached: r.breached,
        overdue:
          r.leftAt === null &&
          (r.breached || (r.duty && r.dueAt !== null && r.dueAt.getTime() < now.getTime())),
        assigneeId: r.assigneeId,
        assigneeName: r.assigneeId ? (names.get(r.assigneeId) ?? null) : null,
      };
    });
  }

  /** Seed 002's indicators per street for a year, from the totals kept when cases were paid. */
  async indicators(q: IndicatorQuery, now = new Date()): Promise<IndicatorReport> {
    await this.journal.settle(); // every transition committed so far counts
    const year = q.year ?? shanghaiYear(now);
    const rows = await this.dataSource.query<
      Array<{
        street: string;
        cases: number;
        inPolicy: string;
        insurance: string;
        relief: string;
        burden: string;
      }>
    >(
      `SELECT street_code AS street, cases, in_policy_cost AS inPolicy, insurance_paid AS insurance,
         relief_paid AS relief, personal_burden AS burden
       FROM relief_indicator_totals WHERE year = ? ORDER BY street_code`,
      [year],
    );
    const goals = this.policy.reports();
    const row = (
      street: string | null,
      t: { cases: number; inPolicy: Decimal; insurance: Decimal; relief: Decimal; burden: Decimal },
    ): IndicatorRow => {
      const amounts = {
        inPolicyCost: t.inPolicy.toFixed(2),
        insurancePaid: t.insurance.toFixed(2),
        reliefPaid: t.relief.toFixed(2),
        personalBurden: t.burden.toFixed(2),
      };
      const rates = indicatorRates(amounts);
      return {
        streetCode: street,
        cases: t.cases,
        ...amounts,
        ...rates,
        meetsCoverageGoal:
          rates.coverageRate === null
            ? null
            : new Decimal(rates.coverageRate).gte(goals.coverageGoal),
        meetsBurdenGoal:
          rates.burdenRate === null ? null : new Decimal(rates.burdenRate).lte(goals.burdenGoal),
      };
    };
    const sum = {
      cases: 0,
      inPolicy: new Decimal(0),
      insurance: new Decimal(0),
      relief: new Decimal(0),
      burden: new Decimal(0),
    };
    const streets = rows.map((r) => {
      const t = {
        cases: Number(r.cases),
        inPolicy: new Decimal(r.inPolicy),
        insurance: new Decimal(r.insurance),
        relief: new Decimal(r.relief),
        burden: new Decimal(r.burden),
      };
      sum.cases += t.cases;
      sum.inPolicy = sum.inPolicy.plus(t.inPolicy);
      sum.insurance = sum.insurance.plus(t.insurance);
      sum.relief = sum.relief.plus(t.relief);
      sum.burden = sum.burden.plus(t.burden);
      return row(r.street === '' ? null : r.street, t);
    });
    return { year, goals: { ...goals }, streets, total: row(null, sum) };
  }
}
