/**
 * Running a transaction again when MariaDB chose it as a lock victim, when a Galera node refused
 * it, or when the connection to the database failed before the transaction could commit. Each
 * attempt must be the whole transaction (it rolled back): pass the function that opens it, not
 * work inside one.
 *
 * What is retried, and why it cannot apply a transaction twice (docs/operations.md, 'Failover'):
 * - deadlock 1213 and lock wait timeout 1205. On Galera 1213 is also the certification failure
 *   a COMMIT gets when another node committed a conflicting write first: the transaction rolled
 *   back everywhere.
 * - `WSREP has not yet prepared node for application use` (ER_UNKNOWN_COM_ERROR 1047): a node
 *   outside the primary component refuses the statement; nothing was applied.
 * - a connection that could not be opened (refused, timed out, no node online): nothing was sent.
 * - a connection lost in the middle of a transaction, before its COMMIT was sent: the server
 *   rolls an open transaction back when its connection goes.
 * NOT retried: a connection lost while the COMMIT was on its way (CommitOutcomeUnknownError,
 * raised by write-behind.ts): the transaction may have committed. The caller answers 503 and the
 * client repeats the request with the same `If-Match` version or `Idempotency-Key`: if the first
 * attempt committed, the version moved (409) or the key answers with the stored result — the
 * transition is never applied twice.
 */

/** Lock conflicts worth a fresh attempt: deadlock (1213) and lock wait timeout (1205). */
const LOCK_CONFLICTS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** Galera: the node is not (yet, or no longer) in the primary component (1047). */
const NODE_NOT_READY = 'ER_UNKNOWN_COM_ERROR';

/** No connection could be made: nothing reached a server. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'POOL_NONEONLINE',
  'POOL_NOEXIST',
  'NO_DATABASE_NODE',
  'ER_CON_COUNT_ERROR',
]);

/** The connection went away under a statement (killed node, network, server shutting down). */
const CONNECTION_LOST = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
]);

interface DriverErrorShape {
  code?: unknown;
  fatal?: unknown;
  driverError?: { code?: unknown; fatal?: unknown };
}

/** The driver's error code (`ER_…`) of a failed query, whether TypeORM wrapped it or not. */
export function sqlErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) {
    return undefined;
  }
  const err = e as DriverErrorShape;
  const code = err.driverError?.code ?? err.code;
  return typeof code === 'string' ? code : undefined;
}

export function isLockConflict(e: unknown): boolean {
  return LOCK_CONFLICTS.has(sqlErrorCode(e) ?? '');
}

/** A unique key refused the row (an origin key, a signal marker, an exclusive key). */
export function isDuplicateEntry(e: unknown): boolean {
  return sqlErrorCode(e) === 'ER_DUP_ENTRY';
}

/** A Galera node outside the primary component refused the statement (1047). */
export function isNodeNotReady(e: unknown): boolean {
  return sqlErrorCode(e) === NODE_NOT_READY;
}

/** No database connection could be opened: the statement never reached a server. */
export function isConnectFailure(e: unknown): boolean {
  return CONNECT_FAILURES.has(sqlErrorCode(e) ?? '');
}

/** The connection died under a statement; mysql2 marks such errors `fatal`. */
export function isConnectionLost(e: unknown): boolean {
  if (e instanceof CommitOutcomeUnknownError) {
    return true;
  }
  if (typeof e !== 'object' || e === null) {
    return false;
  }
  const err = e as DriverErrorShape;
  return (
    CONNECTION_LOST.has(sqlErrorCode(e) ?? '') ||
    err.fatal === true ||
    err.driverError?.fatal === true
  );
}

/**
 * The connection was lost while the COMMIT was on its way: the transaction may or may not have
 * committed. Never retried here; the client repeats the request (see the top of this file).
 */
export class CommitOutcomeUnknownError extends Error {
  constructor(override readonly cause: unknown) {
    super(
      `The database connection was lost during COMMIT (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'CommitOutcomeUnknownError';
  }
}

/** The database is (for a moment) unreachable or refusing: retried with a short pause. */
export function isDatabaseUnavailable(e: unknown): boolean {
  return isNodeNotReady(e) || isConnectFailure(e) || isConnectionLost(e);
}

/**
 * Whether a failed transaction may run again without any risk of applying it twice: a lock
 * conflict or certification failure, a node not ready, a connection that failed before COMMIT.
 */
export function isSafeToRetry(e: unknown): boolean {
  if (e instanceof CommitOutcomeUnknownError) {
    return false;
  }
  return isLockConflict(e) || isDatabaseUnavailable(e);
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /**
   * Whether a failure is worth another attempt; lock conflicts by default. An unavailable
   * database (isDatabaseUnavailable, short of an unknown COMMIT outcome) is always retried.
   */
  retryIf?: (e: unknown) => boolean;
  /** First pause after a database that was unavailable; doubled each time (ms). */
  unavailablePauseMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `work` until it succeeds, fails with an error `retryIf` refuses (and that is not an
 * unavailable database), or runs out of attempts. A lock conflict is retried at once (the other transaction
 * has ended); an unavailable database after a pause (100, 200, 400, 800 ms: a Galera node's
 * failover), long enough for the connection pool to move to the next node.
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  { attempts = 5, retryIf = isLockConflict, unavailablePauseMs = 100 }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (e instanceof CommitOutcomeUnknownError || attempt >= attempts) {
        throw e;
      }
      if (isDatabaseUnavailable(e)) {
        await sleep(unavailablePauseMs * 2 ** (attempt - 1));
        continue;
      }
      if (!retryIf(e)) {
        throw e;
      }
    }
  }
}
