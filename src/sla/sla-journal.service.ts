import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Environment } from '../config/environment';
import { isSafeToRetry } from '../database/with-retry';
import {
  deferRow,
  deferWrite,
  whenCommitted,
  writeBehindTransaction,
} from '../database/write-behind';
import { foldStageFacts, type SlaFact, type SlaRecordRow } from './stage-fold';

/** Facts folded per transaction: one read of the open records, one write per table. */
const FOLD_BATCH = 1000;
/**
 * A fold runs once no fact has come for FOLD_QUIET_MS, and at the latest FOLD_MAX_DELAY_MS after
 * the first fact it waits for: under load (a burst of deadlines, many clients) one fold takes the
 * facts of hundreds of transitions, after the burst rather than in the middle of it. The figures
 * trail by at most about a second (reports settle first).
 */
const FOLD_QUIET_MS = 200;
const FOLD_MAX_DELAY_MS = 1000;

interface RecordRow {
  id: string;
  case_id: string;
  case_type: string;
  state: string;
  street_code: string | null;
  assignee_id: string | null;
  entry_seq: number;
  entered_at: Date;
  due_at: Date | null;
  left_at: Date | null;
  pauses_sla: number | string;
  duty: number | string;
  paused_ms: number | string;
  duration_ms: number | string | null;
  breached: number | string;
  breached_at: Date | null;
}

const RECORD_COLUMNS = [
  'case_id',
  'case_type',
  'state',
  'street_code',
  'assignee_id',
  'entry_seq',
  'entered_at',
  'due_at',
  'left_at',
  'pauses_sla',
  'duty',
  'paused_ms',
  'duration_ms',
  'breached',
  'breached_at',
  'open_key',
] as const;

function toRecord(r: RecordRow): SlaRecordRow {
  return {
    id: String(r.id),
    caseId: r.case_id,
    caseType: r.case_type,
    state: r.state,
    streetCode: r.street_code,
    assigneeId: r.assignee_id,
    entrySeq: Number(r.entry_seq),
    enteredAt: new Date(r.entered_at),
    dueAt: r.due_at ? new Date(r.due_at) : null,
    leftAt: r.left_at ? new Date(r.left_at) : null,
    pausesSla: Number(r.pauses_sla) === 1,
    duty: Number(r.duty) === 1,
    pausedMs: Number(r.paused_ms),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    breached: Number(r.breached) === 1,
    breachedAt: r.breached_at ? new Date(r.breached_at) : null,
  };
}

function recordValues(r: SlaRecordRow): unknown[] {
  return [
    r.caseId,
    r.caseType,
    r.state,
    r.streetCode,
    r.assigneeId,
    r.entrySeq,
    r.enteredAt,
    r.dueAt,
    r.leftAt,
    r.pausesSla ? 1 : 0,
    r.duty ? 1 : 0,
    r.pausedMs,
    r.durationMs,
    r.breached ? 1 : 0,
    r.breachedAt,
    r.leftAt === null ? r.caseId : null,
  ];
}

/**
 * The SLA journal (台账流水): each transition writes what the SLA bookkeeping needs to know as
 * one `sla_journal` row in its own transaction; the stage records (`sla_records`), the rollups
 * and the relief indicators are folded from those rows after the commit, many transitions per
 * transaction. A transition then no longer waits on, nor locks, the rollup rows every case of a
 * state shares, and pays one insert instead of five statements.
 *
 * Nothing is lost: a fact commits or rolls back with its transition, and a fold applies facts and
 * deletes them in one transaction. Folds are serialised by the journal rows' locks (a second
 * folder waits for the first, then finds the rows gone; on Galera one of two conflicting folds
 * fails certification and is retried). A case's facts fold in the order they were committed (its
 * transitions are serialised by the case's row lock).
 *
 * The figures trail the transitions by a fold (FOLD_QUIET_MS to FOLD_MAX_DELAY_MS after a commit
 * in the process that committed, at the latest by the periodic round in workers). A reader that must see every
 * committed transition (the reports; tests) calls `settle()` first.
 */
@Injectable()
export class SlaJournal implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SlaJournal.name);
  /** Folds in this process run one after the other. */
  private chain: Promise<unknown> = Promise.resolve();
  private soonTimer?: NodeJS.Timeout;
  /** When the fold `soonTimer` waits for was first asked for (the quiet period's upper bound). */
  private firstAsked?: number;
  private roundTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  onApplicationBootstrap(): void {
    // Facts of a process that stopped before folding them, or committed in a transaction whose
    // commit this process did not see (a caller-owned one): the periodic round folds them.
    if (this.config.get('ROLE', { infer: true }) === 'api') {
      return;
    }
    this.roundTimer = setInterval(
      () => this.soon(),
      this.config.get('OUTBOX_RELAY_INTERVAL_MS', { infer: true }),
    );
    this.roundTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.soonTimer);
    clearInterval(this.roundTimer);
    await this.chain;
  }

  /** Writes a fact in the transaction of `m`; it is folded soon after that transaction commits. */
  async append(
    m: EntityManager,
    caseId: string,
    caseVersion: number,
    fact: SlaFact,
  ): Promise<void> {
    await deferRow(m, 'INSERT INTO sla_journal (case_id, case_version, fact) VALUES', '(?, ?, ?)', [
      caseId,
      caseVersion,
      JSON.stringify(fact),
    ]);
    if (!whenCommitted(m, () => this.soon())) {
      this.soon();
    }
  }

  /** Folds every fact committed before this call (for readers that need exact figures). */
  async settle(): Promise<void> {
    const [{ last }] = await this.dataSource.query<Array<{ last: string | null }>>(
      'SELECT MAX(id) AS last FROM sla_journal',
    );
    if (last === null) {
      return;
    }
    for (let round = 0; round < 100; round++) {
      const folded = await this.enqueue(() => this.foldOnce(last));
      if (folded < FOLD_BATCH) {
        return;
      }
    }
  }

  /** Facts not folded yet (the `sla_journal_backlog` metric: it should stay near zero). */
  async backlog(): Promise<number> {
    const [{ n }] = await this.dataSource.query<Array<{ n: string }>>(
      'SELECT COUNT(*) AS n FROM sla_journal',
    );
    return Number(n);
  }

  /** Runs one fold now (tests and the periodic round); returns how many facts it folded. */
  fold(): Promise<number> {
    return this.enqueue(() => this.foldOnce());
  }

  /** Folds after a quiet period (FOLD_QUIET_MS, at most FOLD_MAX_DELAY_MS), or after `delayMs`. */
  private soon(delayMs?: number): void {
    if (this.stopped) {
      return;
    }
    const now = Date.now();
    this.firstAsked ??= now;
    const delay =
      delayMs ?? Math.max(0, Math.min(FOLD_QUIET_MS, this.firstAsked + FOLD_MAX_DELAY_MS - now));
    clearTimeout(this.soonTimer);
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.firstAsked = undefined;
      void this.enqueue(async () => {
        // A full batch means more are waiting: go on at once.
        if ((await this.foldOnce()) === FOLD_BATCH) {
          this.soon(0);
        }
        return 0;
      }).catch((e: unknown) => {
        if (!this.stopped) {
          this.logger.warn(`SLA journal fold failed: ${(e as Error).message}`);
          this.soon(1000);
        }
      });
    }, delay);
    this.soonTimer.unref();
  }

  private enqueue(fold: () => Promise<number>): Promise<number> {
    const run = this.chain.then(fold, fold);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async foldOnce(upTo?: string): Promise<number> {
    if (this.stopped) {
      return 0;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeBehindTransaction(this.dataSource, (m) => this.foldIn(m, upTo));
      } catch (e) {
        // Another fold (another node) took the same rows first: the next attempt finds the rest.
        if (attempt >= 5 || !isSafeToRetry(e)) {
          throw e;
        }
      }
    }
  }

  private async foldIn(m: EntityManager, upTo?: string): Promise<number> {
    // Locking read. A settling fold (upTo) waits for a fold holding these rows, then skips the
    // rows it deleted. The background fold skips locked rows: another fold's, and the facts of
    // transactions not committed yet (a deadline batch held until its due time must not find a
    // fold waiting for it). A case's facts still fold in order: its transitions commit one after
    // another, so a later fact of a case is never committed while an earlier one is not.
    const rows = await m.query<
      Array<{ id: string; case_id: string; case_version: number; fact: string | SlaFact }>
    >(
      `SELECT id, case_id, case_version, fact FROM sla_journal
        ${upTo === undefined ? '' : 'WHERE id <= ?'} ORDER BY id LIMIT ${FOLD_BATCH} FOR UPDATE
        ${upTo === undefined ? 'SKIP LOCKED' : ''}`,
      upTo === undefined ? [] : [upTo],
    );
    if (rows.length === 0) {
      return 0;
    }
    const facts = rows.map((r) => ({
      id: BigInt(r.id),
      caseId: r.case_id,
      version: Number(r.case_version),
      fact: (typeof r.fact === 'string' ? JSON.parse(r.fact) : r.fact) as SlaFact,
    }));
    const caseIds = [...new Set(facts.map((f) => f.caseId))];
    const closing = [
      ...new Set(
        facts.filter((f) => f.fact.kind === 'stage' && f.fact.caseClosed).map((f) => f.caseId),
      ),
    ];
    const open = await m.query<RecordRow[]>('SELECT * FROM sla_records WHERE open_key IN (?)', [
      caseIds,
    ]);
    const left = new Map<string, Array<{ durationMs: number; breached: boolean }>>();
    const clockOverdue = new Set<string>();
    if (closing.length > 0) {
      const earlier = await m.query<
        Array<{ case_id: string; duration_ms: string | null; breached: number | string }>
      >(
        'SELECT case_id, duration_ms, breached FROM sla_records WHERE case_id IN (?) AND open_key IS NULL',
        [closing],
      );
      for (const r of earlier) {
        const list = left.get(r.case_id) ?? [];
        list.push({ durationMs: Number(r.duration_ms ?? 0), breached: Number(r.breached) === 1 });
        left.set(r.case_id, list);
      }
      const overdue = await m.query<Array<{ case_id: string }>>(
        "SELECT DISTINCT case_id FROM case_deadlines WHERE case_id IN (?) AND status = 'overdue'",
        [closing],
      );
      overdue.forEach((r) => clockOverdue.add(r.case_id));
    }
    const result = foldStageFacts({
      facts: stableByCase(facts),
      open: new Map(open.map((r) => [r.case_id, toRecord(r)])),
      left,
      clockOverdue,
    });
    // The writes and the removal travel with the COMMIT (write-behind): one round trip.
    await this.write(m, result);
    await deferWrite(m, 'DELETE FROM sla_journal WHERE id IN (?)', [rows.map((r) => r.id)]);
    return rows.length;
  }

  private async write(m: EntityManager, r: ReturnType<typeof foldStageFacts>): Promise<void> {
    const columns = RECORD_COLUMNS.join(', ');
    const tuple = `(${RECORD_COLUMNS.map(() => '?').join(', ')})`;
    if (r.changed.length > 0) {
      // Rows that exist, by id: closed ones first give up `open_key` (unique) for the new ones.
      await deferWrite(
        m,
        `INSERT INTO sla_records (id, ${columns}) VALUES ${r.changed.map(() => `(?, ${tuple.slice(1)}`).join(', ')}
         ON DUPLICATE KEY UPDATE assignee_id = VALUES(assignee_id), due_at = VALUES(due_at),
           left_at = VALUES(left_at), paused_ms = VALUES(paused_ms), duration_ms = VALUES(duration_ms),
           breached = VALUES(breached), breached_at = VALUES(breached_at), open_key = VALUES(open_key)`,
        r.changed.flatMap((rec) => [rec.id, ...recordValues(rec)]),
      );
    }
    if (r.created.length > 0) {
      await deferWrite(
        m,
        `INSERT INTO sla_records (${columns}) VALUES ${r.created.map(() => tuple).join(', ')}`,
        r.created.flatMap(recordValues),
      );
    }
    if (r.rollups.length > 0) {
      await deferWrite(
        m,
        `INSERT INTO sla_rollups (dim, grain, period, case_type, dim_key, bucket, n, breached, total_ms)
         VALUES ${r.rollups.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON DUPLICATE KEY UPDATE n = n + VALUES(n), breached = breached + VALUES(breached),
           total_ms = total_ms + VALUES(total_ms)`,
        r.rollups.flatMap((x) => [
          x.dim,
          x.grain,
          x.period,
          x.caseType,
          x.key,
          x.bucket,
          x.n,
          x.breached,
          x.totalMs,
        ]),
      );
    }
    if (r.indicators.length > 0) {
      await deferWrite(
        m,
        `INSERT INTO relief_indicator_totals
           (year, street_code, cases, in_policy_cost, insurance_paid, relief_paid, personal_burden)
         VALUES ${r.indicators.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON DUPLICATE KEY UPDATE cases = cases + VALUES(cases),
           in_policy_cost = in_policy_cost + VALUES(in_policy_cost),
           insurance_paid = insurance_paid + VALUES(insurance_paid),
           relief_paid = relief_paid + VALUES(relief_paid),
           personal_burden = personal_burden + VALUES(personal_burden)`,
        r.indicators.flatMap((x) => [
          x.year,
          x.streetCode,
          x.cases,
          x.inPolicyCost,
          x.insurancePaid,
          x.reliefPaid,
          x.personalBurden,
        ]),
      );
    }
  }
}

/** The facts in journal order, except that each case's own facts follow its versions. */
function stableByCase<T extends { caseId: string; version: number; id: bigint }>(facts: T[]): T[] {
  const byCase = new Map<string, T[]>();
  for (const f of facts) {
    const list = byCase.get(f.caseId) ?? [];
    list.push(f);
    byCase.set(f.caseId, list);
  }
  for (const list of byCase.values()) {
    list.sort((a, b) => a.version - b.version || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  // Each position in journal order takes the next fact of the same case in that case's order.
  const next = new Map<string, number>();
  return facts.map((f) => {
    const i = next.get(f.caseId) ?? 0;
    next.set(f.caseId, i + 1);
    return byCase.get(f.caseId)![i];
  });
}
