import { withLateIds } from '../../database/late-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { jsonColumn } from '../../database/json-column';
import { deferRow } from '../../database/write-behind';
import { OutboxEntity } from '../entities/outbox.entity';

/** An outbox row handed over but not settled by its job (a cross-case job to reconcile). */
export interface UnsettledRow {
  id: string;
  job_name: string;
  payload: string | Record<string, unknown>;
}

/**
 * The SQL of the `outbox` table: rows written in a case's transaction (outbox-writer.ts), claimed
 * (leased) and stamped by the relay, settled by the cross-case jobs. Leased rows are found by their unique
 * job id: the engine defers their inserts (write-behind) and never learns their ids.
 */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts a row with the transaction's other writes (deferred: its id stays unknown). */
  async insert(m: EntityManager, row: OutboxEntity): Promise<void> {
    const payload = JSON.stringify(row.payload);
    // A job naming a row inserted in this transaction carries its late id (late-id.ts).
    await deferRow(
      m,
      'INSERT INTO outbox (queue, job_name, job_id, payload, run_at, created_at, claimed_until) VALUES',
      `(?, ?, ${withLateIds(row.jobId)}, ${withLateIds(payload)}, ?, ?, ?)`,
      [row.queue, row.jobName, row.jobId, payload, row.runAt, row.createdAt, row.claimedUntil],
    );
  }

  /** Leased rows reached BullMQ: stamped dispatched, lease ended. */
  async markHandedOver(jobIds: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET dispatched_at = ?, last_error = NULL, handovers = handovers + 1,
         claimed_until = NULL WHERE job_id IN (?) AND dispatched_at IS NULL`,
      [new Date(), jobIds],
    );
  }

  /** Leased rows did not reach BullMQ: the lease is released for the next relay round. */
  async releaseLease(jobIds: string[], error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET claimed_until = NULL, attempts = attempts + 1, last_error = ?
        WHERE job_id IN (?) AND dispatched_at IS NULL`,
      [error.slice(0, 500), jobIds],
    );
  }

  /**
   * Leases undispatched rows — the given ones, or the oldest — to this relay round until
   * `until`, in one short transaction that holds no lock beyond its own UPDATE: the candidates
   * are found by a plain read (no lock on the rows other processes hold the lease of, which a
   * locking scan of the pending index would take), then locked by primary key with `SKIP
   * LOCKED`, re-checked and leased, and the transaction commits before any Redis call. So no
   * request's hand-over ever waits for the relay (a crash of the relay leaves its lease to run
   * out; the rows are sent again after it: job ids make the resend a no-op).
   */
  async lease(ids: string[] | null, limit: number, until: Date): Promise<OutboxEntity[]> {
    const now = new Date();
    // ix_outbox_due: the rows held back (a live lease, or due beyond the horizon) are not scanned.
    const candidates = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM outbox WHERE dispatched_at IS NULL${ids ? ' AND id IN (?)' : ''}
         AND (claimed_until IS NULL OR claimed_until < ?)
       ORDER BY id LIMIT ?`,
      ids ? [ids, now, limit] : [now, limit],
    );
    if (candidates.length === 0) {
      return [];
    }
    return this.dataSource.transaction(async (m) => {
      const locked = await m.query<Array<{ id: string }>>(
        `SELECT id FROM outbox WHERE id IN (?) AND dispatched_at IS NULL
           AND (claimed_until IS NULL OR claimed_until < ?)
         FOR UPDATE SKIP LOCKED`,
        [candidates.map((c) => String(c.id)), now],
      );
      if (locked.length === 0) {
        return [];
      }
      const leased = locked.map((c) => String(c.id));
      await m.query('UPDATE outbox SET claimed_until = ? WHERE id IN (?)', [until, leased]);
      const rows = await m.getRepository(OutboxEntity).find({
        where: { id: In(leased) },
        order: { id: 'ASC' },
      });
      return rows;
    });
  }

  /** Leased rows (by id) reached BullMQ: stamped dispatched, lease ended. */
  async markDispatched(ids: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET dispatched_at = ?, last_error = NULL, handovers = handovers + 1,
         claimed_until = NULL WHERE id IN (?) AND dispatched_at IS NULL`,
      [new Date(), ids],
    );
  }

  /** Leased rows (by id) BullMQ refused: counted, with the error, the lease released. */
  async markFailed(ids: string[], error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET claimed_until = NULL, attempts = attempts + 1, last_error = ?
        WHERE id IN (?) AND dispatched_at IS NULL`,
      [error.slice(0, 500), ids],
    );
  }

  /** Undispatched rows nobody holds (neither being handed over nor held back till later). */
  async backlog(): Promise<number> {
    const [{ n }] = await this.dataSource.query<Array<{ n: string }>>(
      `SELECT COUNT(*) AS n FROM outbox
        WHERE dispatched_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)`,
      [new Date()],
    );
    return Number(n);
  }

  /** A cross-case job's payload, unless its row is settled already (null then). */
  async unsettledPayload<T>(jobId: string): Promise<T | null> {
    const [row] = await this.dataSource.query<
      Array<{ payload: string | T; settled_at: Date | null }>
    >('SELECT payload, settled_at FROM outbox WHERE job_id = ?', [jobId]);
    return row && row.settled_at === null ? jsonColumn<T>(row.payload) : null;
  }

  /** The job's effect is in the database: the row is settled and its payload purged. */
  async settle(where: { jobId: string } | { id: string }): Promise<void> {
    const [column, value] = 'jobId' in where ? ['job_id', where.jobId] : ['id', where.id];
    await this.dataSource.query(
      `UPDATE outbox SET settled_at = ?, payload = '{}' WHERE ${column} = ? AND settled_at IS NULL`,
      [new Date(), value],
    );
  }

  /** Rows of a queue handed over before `before` and never settled by their job. */
  async unsettled(queue: string, before: Date, limit: number): Promise<UnsettledRow[]> {
    return this.dataSource.query<UnsettledRow[]>(
      `SELECT id, job_name, payload FROM outbox
        WHERE queue = ? AND settled_at IS NULL AND dispatched_at IS NOT NULL AND dispatched_at < ?
        ORDER BY id LIMIT ?`,
      [queue, before, limit],
    );
  }
}
