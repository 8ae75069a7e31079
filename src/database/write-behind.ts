import {
  type DataSource,
  type EntityManager,
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
} from 'typeorm';
import { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';
import { QueryResult } from 'typeorm/query-runner/QueryResult';
import { CommitOutcomeUnknownError, isConnectionLost } from './with-retry';

/**
 * Write-behind transactions: fewer round trips to the database.
 *
 * A transition writes a handful of rows whose results nobody reads (the event, the versioned case
 * update, closing deadlines, outbox rows, the SLA journal's row). In a transaction opened by
 * `writeBehindTransaction` such statements are queued by `deferWrite` and travel to the server
 * together with the next statement that does need its answer — or with the COMMIT — as one
 * multi-statement packet (the pool runs with `multipleStatements`). The server executes them in
 * order inside the same transaction, so every later read sees them; a failing statement fails
 * the packet and the transaction rolls back as before. `START TRANSACTION` itself rides with the
 * first statement. On this machine a round trip (a socket write each way plus the server's
 * statement overhead) costs more CPU than most statements themselves.
 */

interface Deferred {
  sql: string;
  params: unknown[];
  /** Runs on the statement's own result once the packet returns (e.g. a versioned update's row count). */
  check?: (result: unknown) => void;
  /** A row that may share one multi-row INSERT with the packet's other rows of the same head (`deferRow`). */
  row?: { head: string; tuple: string };
}

const START: Deferred = { sql: 'START TRANSACTION', params: [] };

/** What TypeORM tells subscribers and the logger about a query runner's statements. */
const RUNNER_EVENTS = [
  'beforeQuery',
  'afterQuery',
  'beforeTransactionStart',
  'afterTransactionStart',
  'beforeTransactionCommit',
  'afterTransactionCommit',
] as const;

/** Per data source: nobody listens to the runner's events (see WriteBehindQueryRunner.quiet). */
const quietSources = new WeakMap<DataSource, boolean>();

function isQuiet(dataSource: DataSource): boolean {
  let quiet = quietSources.get(dataSource);
  if (quiet === undefined) {
    const { logging, maxQueryExecutionTime } = dataSource.options as {
      logging?: unknown;
      maxQueryExecutionTime?: number;
    };
    quiet =
      !logging &&
      !maxQueryExecutionTime &&
      !dataSource.subscribers.some((s) => RUNNER_EVENTS.some((event) => event in s));
    quietSources.set(dataSource, quiet);
  }
  return quiet;
}

/** The callback API of a pooled mysql2 connection, as far as a packet needs it. */
interface PacketConnection {
  query(sql: string, values: unknown[], callback: (err: unknown, raw: unknown) => void): void;
}

/**
 * A query runner that owns its transaction's statements: it opens the transaction without a
 * round trip of its own, queues deferred writes, and sends them ahead of the next statement or
 * with the COMMIT. Nested transactions (savepoints) are TypeORM's own.
 */
class WriteBehindQueryRunner extends MysqlQueryRunner {
  private readonly queue: Deferred[] = [];
  /** Callbacks run once the transaction has committed (see whenCommitted). */
  private readonly onCommit: Array<() => void> = [];
  /** The length of `onCommit` when each savepoint was set: a rolled-back savepoint drops its own. */
  private readonly savepoints: number[] = [];
  /**
   * No subscriber listens to query or transaction events and nothing logs queries (this
   * service's data source): packets go straight to the mysql2 connection, without TypeORM's
   * broadcasts, logger calls and result copies around each (~2% of a transition's CPU).
   */
  private readonly quiet = isQuiet(this.connection);

  /** Packets sent to the server so far in this transaction (see mark). */
  private packets = 0;

  defer(write: Deferred): void {
    this.queue.push(write);
  }

  mark(): WriteMark {
    return { packets: this.packets, queued: this.queue.length, onCommit: this.onCommit.length };
  }

  undoSince(mark: WriteMark): boolean {
    if (this.packets !== mark.packets || this.queue.length < mark.queued) {
      return false;
    }
    this.queue.splice(mark.queued);
    this.onCommit.splice(mark.onCommit);
    return true;
  }

  whenCommitted(callback: () => void): void {
    this.onCommit.push(callback);
  }

  override async startTransaction(): Promise<void> {
    if (this.transactionDepth > 0) {
      this.savepoints.push(this.onCommit.length);
      return super.startTransaction();
    }
    if (!this.quiet) {
      await this.broadcaster.broadcast('BeforeTransactionStart');
    }
    this.isTransactionActive = true;
    this.transactionDepth = 1;
    this.queue.push(START); // rides with the first statement that reaches the server
    if (!this.quiet) {
      await this.broadcaster.broadcast('AfterTransactionStart');
    }
  }

  override async commitTransaction(): Promise<void> {
    if (this.transactionDepth > 1) {
      this.savepoints.pop();
      return super.commitTransaction();
    }
    if (!this.quiet) {
      await this.broadcaster.broadcast('BeforeTransactionCommit');
    }
    const batch = this.queue.splice(0);
    // Nothing reached the server yet and nothing is queued: there is nothing to commit.
    if (!(batch.length === 1 && batch[0] === START)) {
      try {
        await this.send([...batch, { sql: 'COMMIT', params: [] }]);
      } catch (e) {
        // Lost with the COMMIT in flight: it may have committed; never retried (with-retry.ts).
        throw isConnectionLost(e) ? new CommitOutcomeUnknownError(e) : e;
      }
    }
    this.isTransactionActive = false;
    this.transactionDepth = 0;
    for (const callback of this.onCommit.splice(0)) {
      callback();
    }
    if (!this.quiet) {
      await this.broadcaster.broadcast('AfterTransactionCommit');
    }
  }

  override async rollbackTransaction(): Promise<void> {
    if (this.transactionDepth > 1) {
      this.onCommit.splice(this.savepoints.pop() ?? this.onCommit.length);
      return super.rollbackTransaction();
    }
    await this.broadcaster.broadcast('BeforeTransactionRollback');
    this.onCommit.splice(0);
    const unsent = this.queue.splice(0); // unsent writes are simply dropped
    if (unsent[0] !== START) {
      await super.query('ROLLBACK');
    }
    this.isTransactionActive = false;
    this.transactionDepth = 0;
    await this.broadcaster.broadcast('AfterTransactionRollback');
  }

  /** Every statement TypeORM or the caller sends: queued writes go first, in the same packet. */
  // TypeORM's own signature (its answer is untyped: a raw result or a QueryResult).
  override async query(
    sql: string,
    params?: unknown[],
    structured = false,
  ): ReturnType<MysqlQueryRunner['query']> {
    // A statement with a literal `?` but no parameters must not be merged with parameterised ones.
    const mergeable = (params?.length ?? 0) > 0 || !sql.includes('?');
    if (this.queue.length > 0 && !mergeable) {
      await this.send(this.queue.splice(0));
    }
    if (this.queue.length === 0) {
      const raw = await this.packet(sql, params ?? []);
      return structured ? toQueryResult(raw) : raw;
    }
    const results = await this.send([...this.queue.splice(0), { sql, params: params ?? [] }]);
    return structured ? toQueryResult(results.at(-1)) : results.at(-1);
  }

  /** One packet to the server; an error comes back as TypeORM's QueryFailedError, as before. */
  private async packet(sql: string, params: unknown[]): Promise<unknown> {
    if (!this.quiet) {
      this.packets += 1;
      return super.query(sql, params);
    }
    if (this.isReleased) {
      throw new QueryRunnerAlreadyReleasedError();
    }
    const connection = (await this.connect()) as PacketConnection;
    this.packets += 1;
    return new Promise((resolve, reject) => {
      connection.query(sql, params, (err, raw) =>
        err ? reject(new QueryFailedError(sql, params, err as Error)) : resolve(raw),
      );
    });
  }

  /**
   * A plain read sent on this transaction's connection before its START, when nothing reached the
   * server yet (else in the transaction, like any statement). A transaction that sends nothing
   * more then costs no COMMIT either.
   */
  async readAhead(sql: string, params: unknown[]): Promise<unknown> {
    if (this.queue.length === 1 && this.queue[0] === START) {
      return this.packet(sql, params);
    }
    return this.query(sql, params);
  }

  /** Reads sent as one packet, after the queued writes and in order: each read's rows. */
  async readTogether(reads: ReadonlyArray<{ sql: string; params: unknown[] }>): Promise<unknown[]> {
    const queued = this.queue.splice(0);
    const results = await this.send([...queued, ...reads]);
    return results.slice(-reads.length);
  }

  /** Sends statements as one packet; runs their checks; returns every statement's result. */
  private async send(deferred: Deferred[]): Promise<unknown[]> {
    const batch = mergeRows(deferred);
    const raw = await this.packet(
      batch.map((d) => d.sql).join(';\n'),
      batch.flatMap((d) => d.params),
    );
    const results = batch.length === 1 ? [raw] : (raw as unknown[]);
    batch.forEach((d, i) => d.check?.(results[i]));
    return results;
  }
}

/** Where a write-behind transaction stands: packets sent, writes queued, commit callbacks. */
export interface WriteMark {
  packets: number;
  queued: number;
  onCommit: number;
}

/** Where this write-behind transaction stands now (undefined elsewhere), for `undoSince`. */
export function markWrites(m: EntityManager): WriteMark | undefined {
  return m.queryRunner instanceof WriteBehindQueryRunner ? m.queryRunner.mark() : undefined;
}

/**
 * Forgets what was queued since `mark` (writes, commit callbacks) if nothing reached the server
 * meanwhile, and says whether it could: then the transaction is as it was at the mark. A batch
 * drops one member's work this way when the member fails before sending anything.
 */
export function undoSince(m: EntityManager, mark: WriteMark | undefined): boolean {
  return (
    mark !== undefined &&
    m.queryRunner instanceof WriteBehindQueryRunner &&
    m.queryRunner.undoSince(mark)
  );
}

/** Queues a write in a write-behind transaction; elsewhere (a caller's transaction) runs it now. */
export async function deferWrite(
  m: EntityManager,
  sql: string,
  params: unknown[],
  check?: (result: unknown) => void,
): Promise<void> {
  if (m.queryRunner instanceof WriteBehindQueryRunner) {
    m.queryRunner.defer({ sql, params, check });
    return;
  }
  const result: unknown = await m.query(sql, params);
  check?.(result);
}

/**
 * Queues the INSERT of one row, `${head} ${tuple}` (e.g. `INSERT INTO t (a, b) VALUES` and
 * `(?, ?)`), in a write-behind transaction; elsewhere runs it now. Rows of the same head that
 * travel in one packet go as one multi-row INSERT, sent where the last of them was queued: the
 * earlier ones move later, past the packet's other writes, never past a read or the COMMIT. So
 * only for append-only rows that no write of the same transaction changes or refers to (an
 * audit event, an SLA fact, an outbox row): a burst of deadlines fired in one
 * transaction then costs the server one statement per table, not one per case.
 */
export async function deferRow(
  m: EntityManager,
  head: string,
  tuple: string,
  params: unknown[],
): Promise<void> {
  const sql = `${head} ${tuple}`;
  if (m.queryRunner instanceof WriteBehindQueryRunner) {
    m.queryRunner.defer({ sql, params, row: { head, tuple } });
    return;
  }
  await m.query(sql, params);
}

/** Rows of one head (deferRow) become one statement, at the place of the last of them. */
function mergeRows(batch: Deferred[]): Deferred[] {
  const byHead = new Map<string, Deferred[]>();
  for (const d of batch) {
    if (d.row) {
      const rows = byHead.get(d.row.head);
      if (rows) {
        rows.push(d);
      } else {
        byHead.set(d.row.head, [d]);
      }
    }
  }
  if ([...byHead.values()].every((rows) => rows.length === 1)) {
    return batch;
  }
  return batch.flatMap((d) => {
    const rows = d.row ? (byHead.get(d.row.head) ?? [d]) : [d];
    if (rows.length === 1) {
      return [d];
    }
    if (rows.at(-1) !== d) {
      return [];
    }
    return [
      {
        sql: `${d.row?.head} ${rows.map((r) => r.row?.tuple).join(', ')}`,
        params: rows.flatMap((r) => r.params),
      },
    ];
  });
}

/**
 * Runs reads in order, as one packet in a write-behind transaction (each executes after the one
 * before it, so a read placed after a locking read sees the data under that lock), one by one
 * elsewhere. Returns each read's rows.
 */
export async function readTogether(
  m: EntityManager,
  reads: ReadonlyArray<{ sql: string; params: unknown[] }>,
): Promise<Array<Array<Record<string, unknown>>>> {
  if (m.queryRunner instanceof WriteBehindQueryRunner) {
    return (await m.queryRunner.readTogether(reads)) as Array<Array<Record<string, unknown>>>;
  }
  const results: Array<Array<Record<string, unknown>>> = [];
  for (const read of reads) {
    results.push(await m.query(read.sql, read.params));
  }
  return results;
}

/**
 * A plain read that needs no transaction, in a write-behind transaction sent before its START if
 * nothing else was sent yet (see WriteBehindQueryRunner.readAhead); elsewhere an ordinary query.
 */
export async function readAhead<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T> {
  if (m.queryRunner instanceof WriteBehindQueryRunner) {
    return (await m.queryRunner.readAhead(sql, params)) as T;
  }
  return m.query<T>(sql, params);
}

/** Whether writes deferred in this transaction wait for the next statement (write-behind). */
export function isWriteBehind(m: EntityManager): boolean {
  return m.queryRunner instanceof WriteBehindQueryRunner;
}

/**
 * Runs `callback` once this write-behind transaction has committed (never if it rolls back, nor
 * for a savepoint rolled back); for what a process may remember only about committed data.
 * Returns false, calling nothing, for any other transaction (whose commit the caller owns).
 */
export function whenCommitted(m: EntityManager, callback: () => void): boolean {
  if (!(m.queryRunner instanceof WriteBehindQueryRunner)) {
    return false;
  }
  m.queryRunner.whenCommitted(callback);
  return true;
}

/** Like `dataSource.transaction(fn)`, with `deferWrite` batching the writes (READ COMMITTED, the session default). */
export async function writeBehindTransaction<T>(
  dataSource: DataSource,
  fn: (m: EntityManager) => Promise<T>,
): Promise<T> {
  if (!(dataSource.driver instanceof MysqlDriver)) {
    throw new Error('Write-behind transactions need the MySQL/MariaDB driver');
  }
  const runner = new WriteBehindQueryRunner(dataSource.driver, 'master');
  runner.manager = dataSource.createEntityManager(runner);
  try {
    await runner.startTransaction();
    const result = await fn(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (e) {
    if (runner.isTransactionActive) {
      await runner.rollbackTransaction().catch(() => undefined);
    }
    throw e;
  } finally {
    await runner.release();
  }
}

/** What TypeORM's MysqlQueryRunner builds from one statement's raw result. */
function toQueryResult(raw: unknown): QueryResult {
  const result = new QueryResult();
  result.raw = raw;
  if (Array.isArray(raw)) {
    result.records = raw;
  }
  if (raw !== null && typeof raw === 'object' && 'affectedRows' in raw) {
    result.affected = (raw as { affectedRows: number }).affectedRows;
  }
  return result;
}
