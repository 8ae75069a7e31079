import { DomainError } from '../../common/errors/domain-error';
import { isLockConflict } from '../../database/with-retry';

/**
 * When an engine transaction is worth running again: a lock conflict, or a lost race on the case
 * (VERSION_CONFLICT) when the caller sent no If-Match. The case row lock (SELECT … FOR UPDATE)
 * and the versioned update serialise work on a case; transactions run READ COMMITTED, every
 * connection's session default (database-options.ts), which spares the deadline and outbox
 * tables InnoDB's gap locks that otherwise deadlock unrelated cases under load.
 */
export function retryable(expectedVersion?: number): (e: unknown) => boolean {
  return (e) =>
    e instanceof DomainError
      ? e.code === 'VERSION_CONFLICT' && expectedVersion === undefined
      : isLockConflict(e);
}
