import { QueryFailedError } from 'typeorm';
import {
  CommitOutcomeUnknownError,
  isDatabaseUnavailable,
  isSafeToRetry,
  withRetry,
} from './with-retry';

/** A driver error as mysql2 raises it, wrapped by TypeORM as a query would be. */
function queryError(code: string, extra: Record<string, unknown> = {}): QueryFailedError {
  return new QueryFailedError('COMMIT', [], Object.assign(new Error(code), { code, ...extra }));
}

/** Work that fails with each of `errors` in turn, then succeeds; counts its runs. */
function failing(errors: Error[]): { work: () => Promise<string>; runs: () => number } {
  let runs = 0;
  return {
    work: () => {
      runs += 1;
      const e = errors[runs - 1];
      return e === undefined ? Promise.resolve('done') : Promise.reject(e);
    },
    runs: () => runs,
  };
}

describe('withRetry on a Galera cluster', () => {
  it.each([
    ['a certification failure at COMMIT (1213)', queryError('ER_LOCK_DEADLOCK')],
    ['a node outside the primary component (1047)', queryError('ER_UNKNOWN_COM_ERROR')],
    ['a refused connection', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['no node online', Object.assign(new Error('none'), { code: 'NO_DATABASE_NODE' })],
    ['a connection lost before COMMIT', queryError('PROTOCOL_CONNECTION_LOST', { fatal: true })],
    ['a closed connection (mysql2 marks it fatal)', queryError('UNKNOWN', { fatal: true })],
  ])('should run the transaction again after %s', async (_, error) => {
    const { work, runs } = failing([error]);
    await expect(withRetry(work, { unavailablePauseMs: 1 })).resolves.toBe('done');
    expect(runs()).toBe(2);
    expect(isSafeToRetry(error)).toBe(true);
  });

  it('should never run it again when the connection was lost during COMMIT (outcome unknown)', async () => {
    const lost = new CommitOutcomeUnknownError(queryError('PROTOCOL_CONNECTION_LOST'));
    const { work, runs } = failing([lost]);
    // Not even a caller's retryIf that accepts everything makes it retry.
    await expect(withRetry(work, { retryIf: () => true, unavailablePauseMs: 1 })).rejects.toBe(
      lost,
    );
    expect(runs()).toBe(1);
    expect(isSafeToRetry(lost)).toBe(false);
    // It is still an unavailable database to the client: 503, repeat with If-Match.
    expect(isDatabaseUnavailable(lost)).toBe(true);
  });

  it('should pause between attempts while the database is unavailable, doubling the pause', async () => {
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    const { work } = failing([refused, refused, refused]);
    const started = Date.now();
    await withRetry(work, { unavailablePauseMs: 20 });
    // 20 + 40 + 80 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(135);
  });

  it('should give up after the attempts and rethrow the last error', async () => {
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    const { work, runs } = failing(Array.from({ length: 10 }, () => refused));
    await expect(withRetry(work, { attempts: 3, unavailablePauseMs: 1 })).rejects.toBe(refused);
    expect(runs()).toBe(3);
  });

  it('should not retry other errors (a duplicate key, a plain bug)', async () => {
    for (const error of [queryError('ER_DUP_ENTRY'), new TypeError('bug')]) {
      const { work, runs } = failing([error]);
      await expect(withRetry(work)).rejects.toBe(error);
      expect(runs()).toBe(1);
    }
  });
});
