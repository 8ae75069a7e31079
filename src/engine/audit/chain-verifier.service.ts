import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { verifyChain } from './audit-chain';
import { CaseEventEntity } from '../entities/case-event.entity';
import { CaseEntity } from '../entities/case.entity';

/** One case whose chain does not hold, and the first row that breaks it. */
export interface BrokenChain {
  caseId: string;
  type: string;
  seq: number;
  reason: string;
}

export interface AuditVerification {
  /** Cases checked, and their event rows. */
  cases: number;
  events: number;
  valid: boolean;
  /** Cases whose chain does not hold. */
  broken: number;
  /** The first of them, oldest case first; null when every chain holds. */
  firstBroken: BrokenChain | null;
  /** Up to 100 of them, oldest first. */
  brokenCases: BrokenChain[];
  /** Event rows whose case row is gone (a deleted case). */
  orphanEvents: number;
  checkedAt: string;
  durationMs: number;
}

const BATCH = 200;
const LISTED = 100;

/**
 * Recomputes the hash chain of every case (the AUDITOR's `GET /audit/verify`), in batches of
 * cases in creation order so memory stays flat however many cases there are.
 */
@Injectable()
export class ChainVerifier {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The whole check reads one snapshot (REPEATABLE READ): cases and events committed meanwhile
   * are not half seen, so a running service never shows a false break to an auditor.
   */
  verifyAll(filter: { type?: string } = {}): Promise<AuditVerification> {
    return this.dataSource.transaction('REPEATABLE READ', (m) => this.verifyIn(m, filter));
  }

  private async verifyIn(m: EntityManager, filter: { type?: string }): Promise<AuditVerification> {
    const started = Date.now();
    const result: AuditVerification = {
      cases: 0,
      events: 0,
      valid: true,
      broken: 0,
      firstBroken: null,
      brokenCases: [],
      orphanEvents: 0,
      checkedAt: new Date(started).toISOString(),
      durationMs: 0,
    };
    let after: { createdAt: Date; id: string } | null = null;
    for (;;) {
      const qb = m
        .getRepository(CaseEntity)
        .createQueryBuilder('c')
        .select(['c.id', 'c.type', 'c.version', 'c.lastEventHash', 'c.createdAt'])
        .orderBy('c.created_at', 'ASC')
        .addOrderBy('c.id', 'ASC')
        .take(BATCH);
      if (filter.type) {
        qb.andWhere('c.type = :type', { type: filter.type });
      }
      if (after) {
        qb.andWhere('(c.created_at > :at OR (c.created_at = :at AND c.id > :id))', {
          at: after.createdAt,
          id: after.id,
        });
      }
      const rows = await qb.getMany();
      if (rows.length === 0) {
        break;
      }
      const events = await m.getRepository(CaseEventEntity).find({
        where: { caseId: In(rows.map((r) => r.id)) },
        order: { caseId: 'ASC', seq: 'ASC' },
      });
      const byCase = new Map<string, CaseEventEntity[]>();
      for (const e of events) {
        const list = byCase.get(e.caseId) ?? [];
        list.push(e);
        byCase.set(e.caseId, list);
      }
      for (const row of rows) {
        const own = byCase.get(row.id) ?? [];
        result.cases += 1;
        result.events += own.length;
        const check = verifyChain(row, own);
        if (!check.valid) {
          const broken: BrokenChain = {
            caseId: row.id,
            type: row.type,
            seq: check.brokenAt ?? 0,
            reason: check.reason ?? 'the chain does not hold',
          };
          result.broken += 1;
          result.firstBroken ??= broken;
          if (result.brokenCases.length < LISTED) {
            result.brokenCases.push(broken);
          }
        }
      }
      const last = rows[rows.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
    if (!filter.type) {
      const [{ n }]: Array<{ n: string }> = await m.query(
        `SELECT COUNT(*) AS n FROM case_events e LEFT JOIN cases c ON c.id = e.case_id
          WHERE c.id IS NULL`,
      );
      result.orphanEvents = Number(n);
    }
    result.valid = result.broken === 0 && result.orphanEvents === 0;
    result.durationMs = Date.now() - started;
    return result;
  }
}
