import { QueryFailedError } from 'typeorm';
import { CommitOutcomeUnknownError } from '../../database/with-retry';
import { ProblemDetailsFilter } from './problem-details.filter';

const filter = new ProblemDetailsFilter();
const driverError = (code: string, extra: Record<string, unknown> = {}): QueryFailedError =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error(code), { code, ...extra }));

describe('a database or Redis failing over is a 503 with Retry-After, never a 500', () => {
  it.each([
    ['a Galera node not ready (1047)', driverError('ER_UNKNOWN_COM_ERROR')],
    ['a lost connection', driverError('PROTOCOL_CONNECTION_LOST', { fatal: true })],
    ['no database node', Object.assign(new Error('x'), { code: 'NO_DATABASE_NODE' })],
    ['a COMMIT of unknown outcome', new CommitOutcomeUnknownError(new Error('lost'))],
    ['a lock conflict that outlived its retries', driverError('ER_LOCK_DEADLOCK')],
    [
      'Redis down (no offline queue)',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    [
      'Redis failing over (READONLY replica)',
      new Error("READONLY You can't write against a read only replica."),
    ],
    ['the producer waiting for Redis', new Error('Redis is not reachable (connecting)')],
  ])('%s', (_, error) => {
    const problem = filter.toProblem(error);
    expect(problem).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(problem.type).toMatch(/\/unavailable$/);
  });

  it('should keep other errors 500 (a bug is not hidden as a retriable answer)', () => {
    expect(filter.toProblem(new TypeError('x')).status).toBe(500);
    expect(filter.toProblem(driverError('ER_BAD_FIELD_ERROR')).status).toBe(500);
  });
});
