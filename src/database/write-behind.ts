import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { QueryResult } from 'typeorm/query-runner/QueryResult';

/**
 * Write-behind transactions: fewer round trips to the database.
 *
 * A transition writes a handful of rows whose results nobody reads (the event, the versioned case
 * update, closing deadlines, outbox rows, SLA records). In a transaction opened by
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
}

const queues = new WeakMap<QueryRunner, Deferred[]>();
const START = 'START TRANSACTION';

/** Queues a write in a write-behind transaction; elsewhere (a caller's transaction) runs it now. */
export async function deferWrite(
  m: EntityManager,
  sql: string,
  params: unknown[],
  check?: (result: unknown) => void,
): Promise<void> {
  const queue = m.queryRunner ? queues.get(m.queryRunner) : undefined;
  if (!queue) {
    const result: unknown = await m.query(sql, params);
    check?.(result);
    return;
  }
  queue.push({ sql, params, check });
}

/** Like `dataSource.transaction(fn)`, with `deferWrite` batching the writes (READ COMMITTED, the session default). */
export async function writeBehindTransaction<T>(
  dataSource: DataSource,
  fn: (m: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const queue: Deferred[] = [];
  queues.set(runner, queue);
  // TypeORM's overloads (structured or raw result) collapse to one signature here.
  const send = runner.query.bind(runner) as (
    sql: string,
    params?: unknown[],
    structured?: boolean,
  ) => Promise<unknown>;
  const intercept = async (sql: string, params?: unknown[], structured?: boolean) => {
    if (sql === START) {
      queue.push({ sql, params: [] });
      return structured ? new QueryResult() : undefined;
    }
    // Nothing reached the server yet: a ROLLBACK, or a COMMIT with no write queued, has nothing to do.
    if (
      queue[0]?.sql === START &&
      (sql === 'ROLLBACK' || (sql === 'COMMIT' && queue.length === 1))
    ) {
      queue.length = 0;
      return structured ? new QueryResult() : undefined;
    }
    if (sql === 'ROLLBACK') {
      queue.length = 0; // unsent writes are simply dropped
    }
    // A statement with a literal `?` but no parameters must not be merged with parameterised ones.
    const mergeable = (params?.length ?? 0) > 0 || !sql.includes('?');
    if (queue.length > 0 && !mergeable) {
      await flush(queue.splice(0), send);
    }
    if (queue.length === 0) {
      return send(sql, params, structured);
    }
    const batch = queue.splice(0);
    const results = await flush([...batch, { sql, params: params ?? [] }], send);
    return structured ? toQueryResult(results.at(-1)) : results.at(-1);
  };
  runner.query = intercept as QueryRunner['query'];
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
    queues.delete(runner);
    await runner.release();
  }
}

/** Sends queued statements as one packet; runs their checks; returns every statement's result. */
async function flush(
  batch: Deferred[],
  send: (sql: string, params?: unknown[]) => Promise<unknown>,
): Promise<unknown[]> {
  const sql = batch.map((d) => d.sql).join(';\n');
  const raw = await send(
    sql,
    batch.flatMap((d) => d.params),
  );
  const results = batch.length === 1 ? [raw] : (raw as unknown[]);
  batch.forEach((d, i) => d.check?.(results[i]));
  return results;
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
