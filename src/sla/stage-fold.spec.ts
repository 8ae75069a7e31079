import { foldStageFacts, type SlaRecordRow, type StageFact } from './stage-fold';

const T0 = Date.parse('2026-03-31T15:00:00.000Z'); // 2026-03-31 23:00 in Shanghai
const MIN = 60_000;

const stage = (over: Partial<StageFact>): StageFact => ({
  kind: 'stage',
  at: T0,
  caseType: 'relief-application',
  streetCode: '330106001',
  assigneeId: null,
  stage: null,
  entrySeq: 1,
  dueAt: null,
  pausesSla: false,
  duty: true,
  caseClosed: false,
  ...over,
});

const openRecord = (over: Partial<SlaRecordRow>): SlaRecordRow => ({
  id: '7',
  caseId: 'c1',
  caseType: 'relief-application',
  state: 'eligibility_review',
  streetCode: '330106001',
  assigneeId: 'w1',
  entrySeq: 2,
  enteredAt: new Date(T0 - 90 * MIN),
  dueAt: new Date(T0 - 30 * MIN),
  leftAt: null,
  pausesSla: false,
  duty: true,
  pausedMs: 0,
  durationMs: null,
  breached: false,
  breachedAt: null,
  ...over,
});

describe('foldStageFacts', () => {
  it('should close a late stage, open the next and count both in the day and month rollups', () => {
    const rec = openRecord({});
    const r = foldStageFacts({
      facts: [
        {
          caseId: 'c1',
          fact: stage({ stage: 'amount_review', entrySeq: 3, dueAt: T0 + 3 * 24 * 60 * MIN }),
        },
      ],
      open: new Map([['c1', rec]]),
      left: new Map(),
      clockOverdue: new Set(),
    });
    expect(r.changed).toEqual([
      {
        ...rec,
        leftAt: new Date(T0),
        durationMs: 90 * MIN,
        pausedMs: 0,
        breached: true, // due 30 minutes before it was left
        breachedAt: new Date(T0 - 30 * MIN),
      },
    ]);
    expect(r.created).toMatchObject([
      { caseId: 'c1', state: 'amount_review', entrySeq: 3, enteredAt: new Date(T0), leftAt: null },
    ]);
    // 90 min = 5,400,000 ms: bucket 1 + floor(ln(5400) / ln(1.05)) = 177.
    expect(r.rollups).toEqual([
      row('assignee', 'd', '2026-03-31', 'w1', 0),
      row('assignee', 'm', '2026-03-01', 'w1', 0),
      row('state', 'd', '2026-03-31', 'eligibility_review', 177),
      row('state', 'm', '2026-03-01', 'eligibility_review', 177),
    ]);
    function row(dim: string, grain: string, period: string, key: string, bucket: number) {
      return {
        dim,
        grain,
        period,
        caseType: 'relief-application',
        key,
        bucket,
        n: 1,
        breached: 1,
        totalMs: 90 * MIN,
      };
    }
  });

  it('should fold a case through several stages in one batch and close it with its own figures', () => {
    const r = foldStageFacts({
      facts: [
        { caseId: 'c2', fact: stage({ stage: 'submitted', entrySeq: 1, at: T0 }) },
        {
          caseId: 'c2',
          fact: stage({ stage: 'correction', entrySeq: 2, at: T0 + 10 * MIN, pausesSla: true }),
        },
        { caseId: 'c2', fact: stage({ stage: 'submitted', entrySeq: 3, at: T0 + 70 * MIN }) },
        {
          caseId: 'c2',
          fact: stage({ stage: null, entrySeq: 4, at: T0 + 75 * MIN, caseClosed: true }),
        },
      ],
      open: new Map(),
      left: new Map([['c2', [{ durationMs: 1_000, breached: false }]]]),
      clockOverdue: new Set(),
    });
    expect(r.changed).toEqual([]);
    expect(r.created.map((c) => [c.state, c.durationMs, c.pausedMs, c.leftAt?.getTime()])).toEqual([
      ['submitted', 10 * MIN, 0, T0 + 10 * MIN],
      ['correction', 0, 60 * MIN, T0 + 70 * MIN], // waiting on the applicant: paused
      ['submitted', 5 * MIN, 0, T0 + 75 * MIN],
    ]);
    // The case: 1 s recorded before + 10 + 0 + 5 minutes counted, on time.
    const street = r.rollups.filter((x) => x.dim === 'street');
    expect(street.map((x) => [x.grain, x.period, x.key, x.n, x.breached, x.totalMs])).toEqual([
      ['d', '2026-04-01', '330106001', 1, 0, 1_000 + 15 * MIN],
      ['m', '2026-04-01', '330106001', 1, 0, 1_000 + 15 * MIN],
    ]);
    // The paused stage has no holder row; the state rows of `submitted` add up (n 2, 15 min).
    const submittedDay = r.rollups.filter(
      (x) => x.dim === 'state' && x.key === 'submitted' && x.grain === 'd',
    );
    expect(submittedDay.map((x) => [x.period, x.n, x.totalMs])).toEqual([
      ['2026-03-31', 1, 10 * MIN],
      ['2026-04-01', 1, 5 * MIN],
    ]);
    expect(r.rollups.filter((x) => x.dim === 'assignee').reduce((n, x) => n + x.n, 0)).toBe(4);
  });

  it('should move the due time, mark a breach once, and count a late clock against the case', () => {
    const rec = openRecord({ id: '9', caseId: 'c3', dueAt: null });
    const r = foldStageFacts({
      facts: [
        {
          caseId: 'c3',
          fact: { kind: 'due', at: T0, state: 'eligibility_review', dueAt: T0 + MIN },
        },
        { caseId: 'c3', fact: { kind: 'due', at: T0, state: 'other', dueAt: T0 + 9 * MIN } },
        { caseId: 'c3', fact: { kind: 'breach', at: T0 + 2 * MIN } },
        { caseId: 'c3', fact: { kind: 'breach', at: T0 + 3 * MIN } },
        {
          caseId: 'c3',
          fact: stage({ stage: null, at: T0 + 4 * MIN, caseClosed: true, assigneeId: 'w2' }),
        },
      ],
      open: new Map([['c3', rec]]),
      left: new Map(),
      clockOverdue: new Set(['c3']),
    });
    expect(r.changed).toHaveLength(1);
    expect(r.changed[0]).toMatchObject({
      dueAt: new Date(T0 + MIN),
      breached: true,
      breachedAt: new Date(T0 + 2 * MIN),
      assigneeId: 'w2',
      durationMs: 94 * MIN,
    });
    const street = r.rollups.find((x) => x.dim === 'street' && x.grain === 'd');
    expect(street).toMatchObject({ n: 1, breached: 1, totalMs: 94 * MIN });
  });

  it('should only move the holder when the stage stays, and sum paid relief cases per street', () => {
    const rec = openRecord({ id: '11', caseId: 'c4', state: 'payment' });
    const relief = {
      year: 2026,
      streetCode: '330106001',
      inPolicyCost: '50000.00',
      insurancePaid: '35000.00',
      reliefPaid: '12000.00',
      personalBurden: '3000.00',
    };
    const r = foldStageFacts({
      facts: [
        { caseId: 'c4', fact: stage({ stage: 'payment', assigneeId: 'w9' }) },
        { caseId: 'c5', fact: stage({ stage: 'paid', relief }) },
        { caseId: 'c6', fact: stage({ stage: 'paid', relief: { ...relief, reliefPaid: '0.10' } }) },
      ],
      open: new Map([['c4', rec]]),
      left: new Map(),
      clockOverdue: new Set(),
    });
    expect(r.changed).toEqual([{ ...rec, assigneeId: 'w9' }]);
    expect(r.rollups).toEqual([]);
    expect(r.indicators).toEqual([
      {
        year: 2026,
        streetCode: '330106001',
        cases: 2,
        inPolicyCost: '100000.00',
        insurancePaid: '70000.00',
        reliefPaid: '12000.10',
        personalBurden: '6000.00',
      },
    ]);
  });
});
