import { momentJobId, momentJobRunAt } from './deadline-scheduler';

describe('momentJobId: one fire-deadline job per due moment and shard', () => {
  const dueAt = new Date('2026-12-09T16:00:00.000Z'); // 00:00 in Shanghai, where day deadlines end
  const cases = Array.from({ length: 200 }, (_, i) => `case-${i}-${(i * 7919).toString(16)}`);

  it('should give the deadlines of one moment at most `perMoment` jobs, and use them all', () => {
    const ids = new Set(cases.map((caseId) => momentJobId({ caseId, dueAt }, 2)));
    expect(ids).toEqual(
      new Set([`deadlines-due-${dueAt.getTime()}-0`, `deadlines-due-${dueAt.getTime()}-1`]),
    );
    expect(new Set(cases.map((caseId) => momentJobId({ caseId, dueAt }, 1)))).toEqual(
      new Set([`deadlines-due-${dueAt.getTime()}-0`]),
    );
  });

  it('should name the same job for a case whoever queues it, and another job for another moment', () => {
    const caseId = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
    expect(momentJobId({ caseId, dueAt }, 4)).toBe(
      momentJobId({ caseId, dueAt: new Date(dueAt) }, 4),
    );
    expect(momentJobId({ caseId, dueAt: new Date(dueAt.getTime() + 1) }, 4)).not.toBe(
      momentJobId({ caseId, dueAt }, 4),
    );
    // BullMQ refuses ':' in custom ids.
    expect(momentJobId({ caseId, dueAt }, 4)).not.toContain(':');
  });
});

describe('momentJobRunAt: the moment job runs DEADLINE_PREPARE_MS ahead', () => {
  it('should run the job of a Shanghai midnight one second before it by default, and at it with 0', () => {
    const midnight = new Date('2026-12-09T16:00:00.000Z');
    expect(momentJobRunAt(midnight, 1000).toISOString()).toBe('2026-12-09T15:59:59.000Z');
    expect(momentJobRunAt(midnight, 0).toISOString()).toBe('2026-12-09T16:00:00.000Z');
  });
});
