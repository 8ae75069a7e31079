import { insertWithLateId } from '../../database/late-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { deferWrite, readAhead } from '../../database/write-behind';
import {
  CaseDeadlineEntity,
  type DeadlineKind,
  type DeadlineStatus,
} from '../entities/case-deadline.entity';
import { entityFromRow } from './entity-rows';
import {
  type DeadlineSelection,
  noteDeadlineFired,
  noteDeadlineStarted,
  noteDeadlinesEnded,
  noteRelatedUnknown,
} from './related-rows';

/** A deadline row to insert (always `pending`). */
export type NewDeadline = Pick<
  CaseDeadlineEntity,
  | 'caseId'
  | 'name'
  | 'kind'
  | 'entrySeq'
  | 'restart'
  | 'duration'
  | 'startedAt'
  | 'dueAt'
  | 'onExpireEvent'
>;

/**
 * The index a case's own deadlines are read and closed by, named in their statements. Given
 * `status IN (…)`, the optimizer would otherwise also estimate those ranges in `ix_case_deadlines_due`,
 * `_unqueued` and `_open` (index dives into every pending deadline of every case) on each
 * transition, only to pick this one: with 100,000 pending deadlines that costs the server ~50 µs
 * per transition (bench/index-hints.ts).
 */
export const OPEN_DEADLINES_INDEX = 'ix_case_deadlines_case';

/** The SQL of `case_deadlines`: state deadlines and case clocks, in the engine's transaction. */
@Injectable()
export class DeadlineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The lock-wait query this server understands (lockWaitBlockers), once asked. */
  private lockWaitsQuery?: string;

  /** A deadline row, locked for this transaction (raw SQL: every deadline firing starts here). */
  async lock(m: EntityManager, id: string): Promise<CaseDeadlineEntity | null> {
    const [r] = await m.query<Array<Record<string, unknown>>>(
      'SELECT * FROM case_deadlines WHERE id = ? FOR UPDATE',
      [id],
    );
    return r ? entityFromRow(m, CaseDeadlineEntity, r) : null;
  }

  /**
   * Deadlines whose reminder time has come, earliest first: `open`, or closed since (a stage left
   * before its reminder) and only to be forgotten (`forgetReminders`). By `ix_case_deadlines_remind`.
   */
  async remindersDue(now: Date, limit: number): Promise<Array<{ id: string; open: boolean }>> {
    const rows = await this.dataSource.query<Array<{ id: string; closed_at: Date | null }>>(
      'SELECT id, closed_at FROM case_deadlines WHERE remind_at <= ? ORDER BY remind_at LIMIT ?',
      [now, limit],
    );
    return rows.map((r) => ({ id: String(r.id), open: r.closed_at === null }));
  }

  /** The reminders of deadlines that closed before them: nobody needs them any more. One statement. */
  async forgetReminders(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) {
      await this.dataSource.query(
        'UPDATE case_deadlines SET remind_at = NULL WHERE id IN (?) AND closed_at IS NOT NULL',
        [ids],
      );
    }
  }

  /**
   * A deadline whose reminder is due by `now` and still to be sent, locked, its reminder taken
   * (cleared with this transaction): whoever takes it sends it, once. Null when there is none.
   */
  async takeReminder(m: EntityManager, id: string, now: Date): Promise<CaseDeadlineEntity | null> {
    const d = await this.lock(m, id);
    if (!d || d.remindAt === null || d.remindAt.getTime() > now.getTime()) {
      return null;
    }
    await deferWrite(m, 'UPDATE case_deadlines SET remind_at = NULL WHERE id = ?', [id]);
    return d;
  }

  /** Records a deadline's new status (fired or overdue) with the transition's other writes. */
  async markFired(m: EntityManager, d: CaseDeadlineEntity): Promise<void> {
    noteDeadlineFired(m, d.caseId, d);
    await deferWrite(m, 'UPDATE case_deadlines SET status = ?, fired_at = ? WHERE id = ?', [
      d.status,
      d.firedAt,
      d.id,
    ]);
  }

  /**
   * Inserts a pending deadline; returns its id (the job that fires it names it), in a write-behind
   * transaction a late id (database/late-id.ts) known by the COMMIT. `queuedAt`: when
   * its job is handed over with this transaction, or null beyond the horizon (promoted later).
   * `remindAt`: when to remind (EngineObserver.reminderAt), or null.
   */
  async insert(
    m: EntityManager,
    d: NewDeadline,
    queuedAt: Date | null,
    remindAt: Date | null,
  ): Promise<string> {
    noteDeadlineStarted(m, d.caseId, d);
    // Deferred with the transaction's other writes; the id may be a late one (late-id.ts).
    return insertWithLateId(
      m,
      `INSERT INTO case_deadlines (case_id, name, kind, entry_seq, restart, duration, started_at,
         due_at, on_expire_event, status, queued_at, remind_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      [
        d.caseId,
        d.name,
        d.kind,
        d.entrySeq,
        d.restart,
        d.duration,
        d.startedAt,
        d.dueAt,
        d.onExpireEvent,
        queuedAt,
        remindAt,
      ],
    );
  }

  /**
   * Ends open deadlines (all of the case's, or those of one kind and names): a pending timer
   * becomes stale (cancelled), a fired or overdue one closes. One statement, on every transition
   * that leaves a state: `FORCE INDEX` spares the optimizer an estimate of the `status IN (…)`
   * ranges of the table's three status indexes, which grows with the pending backlog (see
   * OPEN_DEADLINES_INDEX).
   */
  async end(m: EntityManager, caseId: string, only: DeadlineSelection, now: Date): Promise<void> {
    noteDeadlinesEnded(m, caseId, only);
    await deferWrite(
      m,
      `UPDATE case_deadlines FORCE INDEX (${OPEN_DEADLINES_INDEX})
          SET status = IF(status = 'pending', 'cancelled', status), closed_at = ?
        WHERE case_id = ? AND closed_at IS NULL AND status IN ('pending', 'overdue', 'fired')
        ${only.kind ? 'AND kind = ?' : ''} ${only.names ? 'AND name IN (?)' : ''}`,
      [now, caseId, ...(only.kind ? [only.kind] : []), ...(only.names ? [only.names] : [])],
    );
  }

  /** The newest deadline of this kind and name not closed yet. */
  async latestOpen(
    m: EntityManager,
    caseId: string,
    kind: DeadlineKind,
    name: string,
  ): Promise<CaseDeadlineEntity | null> {
    return m.findOne(CaseDeadlineEntity, {
      where: { caseId, kind, name, closedAt: IsNull() },
      order: { id: 'DESC' },
    });
  }

  /** The newest paused row of a case clock (its `due_at − closed_at` is the time left). */
  async latestPaused(
    m: EntityManager,
    caseId: string,
    name: string,
  ): Promise<CaseDeadlineEntity | null> {
    return m.findOne(CaseDeadlineEntity, {
      where: { caseId, kind: 'case', name, status: 'paused' },
      order: { id: 'DESC' },
    });
  }

  /** How many rows of a case clock are open (running, fired or overdue). */
  async countOpenClock(m: EntityManager, caseId: string, name: string): Promise<number> {
    return m.count(CaseDeadlineEntity, {
      where: { caseId, kind: 'case', name, closedAt: IsNull() },
    });
  }

  /** A running case clock stands still: its pending row becomes `paused`, closed now. */
  async pauseClock(m: EntityManager, caseId: string, name: string, now: Date): Promise<void> {
    noteRelatedUnknown(m, caseId);
    await m.update(
      CaseDeadlineEntity,
      { caseId, kind: 'case', name, closedAt: IsNull(), status: 'pending' },
      { status: 'paused', closedAt: now },
    );
  }

  /** Closes one deadline row with this status (an extended clock's old row). */
  async close(m: EntityManager, id: string, status: DeadlineStatus, now: Date): Promise<void> {
    noteRelatedUnknown(m);
    await m.update(CaseDeadlineEntity, { id }, { status, closedAt: now });
  }

  /** Moves a row's due date (a paused clock extended keeps the longer remainder). */
  async moveDue(m: EntityManager, id: string, dueAt: Date): Promise<void> {
    noteRelatedUnknown(m);
    await m.update(CaseDeadlineEntity, { id }, { dueAt });
  }

  /** Pending deadlines due by `cutoff`, oldest first (their job never ran). */
  async dueIds(cutoff: Date, limit: number): Promise<string[]> {
    const due = await this.dataSource
      .getRepository(CaseDeadlineEntity)
      .createQueryBuilder('d')
      .select(['d.id'])
      .where('d.status = :status AND d.due_at <= :cutoff', { status: 'pending', cutoff })
      .orderBy('d.due_at', 'ASC')
      .limit(limit)
      .getMany();
    return due.map((d) => d.id);
  }

  /**
   * Pending deadlines due by `cutoff` whose job was never queued (beyond the horizon when they
   * started), soonest first: what the promotion round hands to BullMQ.
   */
  async unqueued(cutoff: Date, limit: number): Promise<CaseDeadlineEntity[]> {
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT * FROM case_deadlines WHERE status = 'pending' AND queued_at IS NULL AND due_at <= ?
        ORDER BY due_at LIMIT ?`,
      [cutoff, limit],
    );
    return rows.map((r) => entityFromRow(this.dataSource.manager, CaseDeadlineEntity, r));
  }

  /** Their jobs reached BullMQ (a second promotion of the same row changes nothing). */
  async markQueued(ids: string[], at: Date): Promise<void> {
    await this.dataSource.query(
      'UPDATE case_deadlines SET queued_at = ? WHERE id IN (?) AND queued_at IS NULL',
      [at, ids],
    );
  }

  /**
   * Whether a pending deadline is due by `cutoff` (other than `excluded`), by a plain read: no
   * locks, so a sweep with nothing to do never holds the row that ends its index range, which a
   * claim running at the same moment would skip (`SKIP LOCKED`) though it is due.
   */
  async anyDue(cutoff: Date, excluded: string[]): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT id FROM case_deadlines WHERE status = 'pending' AND due_at <= ?
        ${excluded.length > 0 ? 'AND id NOT IN (?)' : ''} LIMIT 1`,
      excluded.length > 0 ? [cutoff, excluded] : [cutoff],
    );
    return rows.length > 0;
  }

  /**
   * The connections (their ids) that other transactions wait for a lock of, from InnoDB's
   * lock-wait tables (the PROCESS privilege): MariaDB's in information_schema, MySQL 8's in
   * performance_schema. A plain read outside any transaction.
   */
  async lockWaitBlockers(): Promise<string[]> {
    const query = (this.lockWaitsQuery ??= await this.lockWaitsSql());
    const rows = await this.dataSource.query<Array<{ thread: number | string }>>(query);
    return rows.map((r) => String(r.thread));
  }

  private async lockWaitsSql(): Promise<string> {
    const [{ n }] = await this.dataSource.query<Array<{ n: number | string }>>(
      `SELECT COUNT(*) AS n FROM information_schema.tables
        WHERE table_schema = 'information_schema' AND table_name = 'INNODB_LOCK_WAITS'`,
    );
    return Number(n) > 0
      ? `SELECT DISTINCT t.trx_mysql_thread_id AS thread FROM information_schema.INNODB_LOCK_WAITS w
           JOIN information_schema.INNODB_TRX t ON t.trx_id = w.blocking_trx_id`
      : `SELECT DISTINCT t.PROCESSLIST_ID AS thread FROM performance_schema.data_lock_waits w
           JOIN performance_schema.threads t ON t.THREAD_ID = w.BLOCKING_THREAD_ID`;
  }

  /** The due time of the soonest pending deadline due by `cutoff`, by a plain read. */
  async earliestPending(cutoff: Date): Promise<Date | null> {
    const [row] = await this.dataSource.query<Array<{ first: Date | null }>>(
      "SELECT MIN(due_at) AS first FROM case_deadlines WHERE status = 'pending' AND due_at <= ?",
      [cutoff],
    );
    return row?.first ?? null;
  }

  /**
   * The due times of the `limit` soonest pending deadlines due by `cutoff` (other than `skip`, and
   * after `after` if given), by a plain read (ahead of the transaction's START, write-behind.ts):
   * rows another batch is firing still count, so parallel batches prepared ahead of their time
   * agree on the moment they prepare.
   */
  async soonestDue(
    m: EntityManager,
    cutoff: Date,
    skip: string[],
    limit: number,
    after?: Date,
  ): Promise<Date[]> {
    const rows = await readAhead<Array<{ due_at: Date }>>(
      m,
      `SELECT due_at FROM case_deadlines WHERE status = 'pending' AND due_at <= ?
        ${after ? 'AND due_at > ?' : ''} ${skip.length > 0 ? 'AND id NOT IN (?)' : ''}
        ORDER BY due_at LIMIT ?`,
      [cutoff, ...(after ? [after] : []), ...(skip.length > 0 ? [skip] : []), limit],
    );
    return rows.map((r) => r.due_at);
  }

  /**
   * Claims up to `limit` pending deadlines due by `cutoff` for this transaction, soonest first,
   * skipping rows another transaction holds (`FOR UPDATE SKIP LOCKED`): parallel batches, in one
   * worker or several, each take their own share of a burst and never the same row. `from`: none
   * due before it (a moment prepared ahead, not the moments before it).
   */
  async claimDue(
    m: EntityManager,
    cutoff: Date,
    limit: number,
    excluded: string[],
    from?: Date,
  ): Promise<CaseDeadlineEntity[]> {
    const rows = await m.query<Array<Record<string, unknown>>>(
      `SELECT * FROM case_deadlines WHERE status = 'pending' AND due_at <= ?
        ${from ? 'AND due_at >= ?' : ''} ${excluded.length > 0 ? 'AND id NOT IN (?)' : ''}
        ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED`,
      [cutoff, ...(from ? [from] : []), ...(excluded.length > 0 ? [excluded] : []), limit],
    );
    return rows.map((r) => entityFromRow(m, CaseDeadlineEntity, r));
  }
}
