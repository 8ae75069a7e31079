import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { withRetry } from '../database/with-retry';
import { maskIdNumber, maskPhone } from '../common/masking';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import type { Actor } from '../engine/actor';
import type { FlagListQuery, FlagView, RunView } from './dto/monitoring.dto';
import { MonitoringFlagEntity } from './entities/monitoring-flag.entity';
import { MonitoringRunEntity } from './entities/monitoring-run.entity';
import {
  displayAmount,
  flagConditionSql,
  thresholdsFor,
  type YearThresholds,
} from './monitoring-thresholds';
import { OutreachCasesService } from './outreach-cases.service';

function toRunView(r: MonitoringRunEntity): RunView {
  return {
    id: r.id,
    year: r.year,
    status: r.status,
    startedBy: r.startedBy,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    policyVersion: r.policyVersion,
    scanned: r.scanned,
    flagged: r.flagged,
    newlyFlagged: r.newlyFlagged,
    casesOpened: r.casesOpened,
    casesFailed: r.casesFailed,
    scanMs: r.scanMs,
    casesMs: r.casesMs,
    thresholds: r.thresholds,
    ...(r.error !== null ? { error: r.error } : {}),
  };
}

const money = (v: string | null): string | null => (v === null ? null : displayAmount(v));

/**
 * Personal data masked (docs/api.md): the ID's first 6 and last 4, the phone's first 3 and last 4.
 */
function toFlagView(f: MonitoringFlagEntity): FlagView {
  return {
    id: String(f.id),
    year: f.year,
    source: f.source,
    rule: f.rule,
    idNumber: maskIdNumber(f.idNumber),
    name: f.name,
    phone: f.phone === null ? null : maskPhone(f.phone),
    streetCode: f.streetCode,
    insuranceType: f.insuranceType,
    category: f.category,
    burden: money(f.burden),
    threshold: money(f.threshold),
    inPolicyBurden: money(f.inPolicyBurden),
    totalBurden: money(f.totalBurden),
    runId: f.runId,
    reportId: f.reportId,
    flaggedBy: f.flaggedBy,
    flaggedAt: f.flaggedAt.toISOString(),
    caseId: f.caseId,
  };
}

/**
 * The early-warning run (因病致贫返贫监测, docs/domain.md §3): the year's thresholds applied to every
 * record of the year in ONE `INSERT IGNORE … SELECT` inside the database (exact DECIMAL
 * arithmetic, no row leaves MariaDB), which flags each person at most once a year (unique
 * person and year); then one proactive relief case per flag that has none.
 */
@Injectable()
export class MonitoringRunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(MonitoringRunEntity) private readonly runs: Repository<MonitoringRunEntity>,
    @InjectRepository(MonitoringFlagEntity)
    private readonly flags: Repository<MonitoringFlagEntity>,
    private readonly policy: PolicyService,
    private readonly outreach: OutreachCasesService,
  ) {}

  async run(year: number, actor: Actor): Promise<RunView> {
    const thresholds = thresholdsFor(this.policy.monitoring(), year);
    const run = this.runs.create({
      id: randomUUID(),
      year,
      status: 'running',
      startedBy: actor.id,
      startedAt: new Date(),
      finishedAt: null,
      policyVersion: thresholds.policyVersion,
      thresholds,
      scanned: null,
      flagged: null,
      newlyFlagged: null,
      casesOpened: null,
      casesFailed: null,
      scanMs: null,
      casesMs: null,
      error: null,
    });
    await this.runs.insert(run);
    try {
      const scanStart = performance.now();
      const found = await this.scan(run, thresholds, actor);
      run.scanMs = Math.round(performance.now() - scanStart);
      Object.assign(run, found);
      const casesStart = performance.now();
      const { opened, failed } = await this.outreach.openPending(year, actor);
      run.casesMs = Math.round(performance.now() - casesStart);
      run.casesOpened = opened;
      run.casesFailed = failed;
      run.status = 'completed';
    } catch (e) {
      run.status = 'failed';
      run.error = (e as Error).message.slice(0, 500);
      throw e;
    } finally {
      run.finishedAt = new Date();
      await this.runs.save(run);
    }
    return toRunView(run);
  }

  /** Counts the year's records and those over their threshold, and flags the new ones. */
  private async scan(
    run: MonitoringRunEntity,
    thresholds: YearThresholds,
    actor: Actor,
  ): Promise<Pick<MonitoringRunEntity, 'scanned' | 'flagged' | 'newlyFlagged'>> {
    const sql = flagConditionSql(thresholds, 'r');
    return withRetry(async () => {
      return await this.dataSource.transaction(async (m) => {
        const [counts]: Array<{ scanned: string; flagged: string }> = await m.query(
          `SELECT COUNT(*) AS scanned, COALESCE(SUM(${sql.condition}), 0) AS flagged
           FROM monitoring_expense_records r WHERE r.year = ?`,
          [run.year],
        );
        // READ COMMITTED: the SELECT side is a consistent read, so imports are not blocked.
        const inserted: { affectedRows: number } = await m.query(
          `INSERT IGNORE INTO monitoring_flags
           (person_key, year, source, rule, id_number, name, street_code, insurance_type,
            category, in_policy_cost, insurance_paid, relief_paid, out_of_policy_cost,
            in_policy_burden, total_burden, burden, threshold, run_id, flagged_by, flagged_at)
         SELECT LOWER(HEX(r.person_key)), r.year, 'RUN', ${sql.rule}, r.id_number, r.name, r.street_code,
            r.insurance_type, r.category, r.in_policy_cost, r.insurance_paid, r.relief_paid,
            r.out_of_policy_cost, ${sql.inPolicyBurden}, ${sql.totalBurden}, ${sql.burden},
            ${sql.threshold}, ?, ?, ?
           FROM monitoring_expense_records r
          WHERE r.year = ? AND ${sql.condition}`,
          [run.id, actor.id, run.startedAt, run.year],
        );
        return {
          scanned: Number(counts.scanned),
          flagged: Number(counts.flagged),
          newlyFlagged: inserted.affectedRows,
        };
      });
    });
  }

  async getRun(id: string): Promise<RunView> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.runs.findOneBy({ id }) : null;
    if (!row) {
      throw DomainError.notFound('Monitoring run');
    }
    return toRunView(row);
  }

  async listRuns(q: { year?: number; page: number; pageSize: number }): Promise<Page<RunView>> {
    const [rows, total] = await this.runs.findAndCount({
      where: q.year !== undefined ? { year: q.year } : {},
      order: { startedAt: 'DESC', id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(toRunView), total, page: q.page, pageSize: q.pageSize };
  }

  /** Who was flagged and by which rule, newest first. */
  async listFlags(q: FlagListQuery): Promise<Page<FlagView>> {
    const qb = this.flags.createQueryBuilder('f');
    if (q.year !== undefined) {
      qb.andWhere('f.year = :year', { year: q.year });
    }
    if (q.streetCode !== undefined) {
      qb.andWhere('f.street_code = :street', { street: q.streetCode });
    }
    if (q.rule !== undefined) {
      qb.andWhere('f.rule = :rule', { rule: q.rule });
    }
    if (q.source !== undefined) {
      qb.andWhere('f.source = :source', { source: q.source });
    }
    if (q.runId !== undefined) {
      qb.andWhere('f.run_id = :runId', { runId: q.runId });
    }
    qb.orderBy('f.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toFlagView), total, page: q.page, pageSize: q.pageSize };
  }
}
