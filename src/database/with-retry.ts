/**
 * Running a transaction again when MariaDB chose it as a lock victim. Each attempt must be the
 * whole transaction (it rolled back): pass the function that opens it, not work inside one.
 */

/** Lock conflicts worth a fresh attempt: deadlock (1213) and lock wait timeout (1205). */
const LOCK_CONFLICTS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** The driver's error code (`ER_…`) of a failed query, whether TypeORM wrapped it or not. */
export function sqlErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) {
    return undefined;
  }
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
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

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Whether a failure is worth another attempt; lock conflicts by default. */
  retryIf?: (e: unknown) => boolean;
}

/** Runs `work` until it succeeds, fails with an error `retryIf` refuses, or runs out of attempts. */
export async function withRetry<T>(
  work: () => Promise<T>,
  { attempts = 5, retryIf = isLockConflict }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (attempt >= attempts || !retryIf(e)) {
        throw e;
      }
    }
  }
}
