import { DEFAULT_PENALTY_POLICY } from './penalty-policy';
import { appealPausedDays, fineDueAt, lateFee } from './late-fee';
import { InvalidPenaltyInputError } from './sanction-ladder';

/** Served 2026-01-20: the 15 days are 21 January – 4 February, due at 00:00 on 5 February. */
const DUE = '2026-02-04T16:00:00.000Z';
const shanghai = (local: string): Date => new Date(`${local}+08:00`);

describe('fineDueAt (Law art. 67: 15 days from receipt, counted from the next day)', () => {
  it('ends at 24:00 Asia/Shanghai of the 15th day, across a month end', () => {
    expect(fineDueAt('2026-01-20T15:00:00+08:00')).toBe(DUE);
    expect(new Date(DUE).toISOString()).toBe(shanghai('2026-02-05T00:00:00').toISOString());
    // Served on 31 January: 1–15 February, due at 00:00 on 16 February.
    expect(fineDueAt('2026-01-31T09:00:00+08:00')).toBe('2026-02-15T16:00:00.000Z');
  });

  it('counts the Shanghai calendar day of service, whatever the time or zone it is written in', () => {
    expect(fineDueAt('2026-01-31T00:00:00+08:00')).toBe('2026-02-15T16:00:00.000Z');
    expect(fineDueAt('2026-01-31T23:59:59+08:00')).toBe('2026-02-15T16:00:00.000Z');
    // 16:00 UTC on 31 January is already 1 February in Shanghai.
    expect(fineDueAt('2026-01-31T16:00:00Z')).toBe('2026-02-16T16:00:00.000Z');
    expect(fineDueAt('2026-01-31T15:59:59Z')).toBe('2026-02-15T16:00:00.000Z');
    expect(fineDueAt('2026-01-31')).toBe('2026-02-15T16:00:00.000Z');
  });

  it('handles a leap February and a year end', () => {
    // 2028: 21–29 February (9 days) + 1–6 March (6 days) → due 00:00 on 7 March.
    expect(fineDueAt('2028-02-20T10:00:00+08:00')).toBe('2028-03-06T16:00:00.000Z');
    // 2026 is not a leap year: 21–28 February (8) + 1–7 March (7) → due 00:00 on 8 March.
    expect(fineDueAt('2026-02-20T10:00:00+08:00')).toBe('2026-03-07T16:00:00.000Z');
    expect(fineDueAt('2026-12-20T10:00:00+08:00')).toBe('2027-01-04T16:00:00.000Z');
  });

  it('follows a regional number of days', () => {
    const policy = { ...DEFAULT_PENALTY_POLICY, fineDueDays: 30 };
    expect(fineDueAt('2026-01-20T15:00:00+08:00', policy)).toBe('2026-02-19T16:00:00.000Z');
  });

  it('refuses a service time it cannot place in time', () => {
    expect(() => fineDueAt('2026-01-20T15:00:00')).toThrow(InvalidPenaltyInputError);
    expect(() => fineDueAt('yesterday')).toThrow(InvalidPenaltyInputError);
  });
});

describe('lateFee (Law art. 72: 3% of the fine a day, never more than the fine)', () => {
  const fee = (fine: string, now: Date, pausedDays?: number): { days: number; amount: string } =>
    lateFee({ fine, dueAt: DUE, now, pausedDays });

  it('is nothing up to the due instant', () => {
    expect(fee('10000.00', shanghai('2026-02-04T23:59:59'))).toEqual({ days: 0, amount: '0.00' });
    expect(fee('10000.00', new Date(DUE))).toEqual({ days: 0, amount: '0.00' });
    expect(fee('10000.00', shanghai('2026-01-25T10:00:00'))).toEqual({ days: 0, amount: '0.00' });
  });

  it('counts each started Shanghai day after the due instant: 10,000.00 one day late = 300.00', () => {
    expect(fee('10000.00', new Date(new Date(DUE).getTime() + 1000))).toEqual({
      days: 1,
      amount: '300.00',
    });
    expect(fee('10000.00', shanghai('2026-02-05T23:59:59'))).toEqual({ days: 1, amount: '300.00' });
    expect(fee('10000.00', shanghai('2026-02-06T00:00:00'))).toEqual({ days: 2, amount: '600.00' });
  });

  it('reaches 9,900.00 after 33 days and is capped at the fine from day 34', () => {
    // 5 February is day 1, so 9 March is day 33 and 10 March day 34.
    expect(fee('10000.00', shanghai('2026-03-09T12:00:00'))).toEqual({
      days: 33,
      amount: '9900.00',
    });
    expect(fee('10000.00', shanghai('2026-03-10T12:00:00'))).toEqual({
      days: 34,
      amount: '10000.00',
    });
    expect(fee('10000.00', shanghai('2027-02-05T12:00:00'))).toEqual({
      days: 366,
      amount: '10000.00',
    });
  });

  it('rounds once, half up to the cent: 333.33 × 3% = 9.9999 → 10.00; two days 19.9998 → 20.00', () => {
    expect(fee('333.33', shanghai('2026-02-05T08:00:00'))).toEqual({ days: 1, amount: '10.00' });
    expect(fee('333.33', shanghai('2026-02-06T08:00:00'))).toEqual({ days: 2, amount: '20.00' });
    expect(fee('0.50', shanghai('2026-02-05T08:00:00'))).toEqual({ days: 1, amount: '0.02' }); // 0.015
    expect(fee('0.49', shanghai('2026-02-05T08:00:00'))).toEqual({ days: 1, amount: '0.01' }); // 0.0147
  });

  it('leaves out the days paused for an appeal (Law art. 73)', () => {
    const tenDaysLate = shanghai('2026-02-14T09:00:00');
    expect(fee('10000.00', tenDaysLate)).toEqual({ days: 10, amount: '3000.00' });
    expect(fee('10000.00', tenDaysLate, 4)).toEqual({ days: 6, amount: '1800.00' });
    expect(fee('10000.00', tenDaysLate, 12)).toEqual({ days: 0, amount: '0.00' });
  });

  it('follows a regional daily rate', () => {
    const policy = { ...DEFAULT_PENALTY_POLICY, lateFeeDailyRate: '0.05' };
    expect(
      lateFee({ fine: '10000.00', dueAt: DUE, now: shanghai('2026-02-06T08:00:00') }, policy),
    ).toEqual({ days: 2, amount: '1000.00' });
  });

  it('refuses malformed input, naming every bad field', () => {
    let error: unknown;
    try {
      lateFee({ fine: '-1', dueAt: '2026-02-05T00:00:00', now: new Date('x'), pausedDays: 1.5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPenaltyInputError);
    expect((error as InvalidPenaltyInputError).fieldErrors.map((f) => f.field)).toEqual([
      'fine',
      'dueAt',
      'now',
      'pausedDays',
    ]);
  });
});

describe('appealPausedDays (Law art. 73: no late fee while an appeal runs)', () => {
  // Due at 00:00 Asia/Shanghai on 2026-02-05: 2026-02-05 is the first late day.
  const dueAt = '2026-02-04T16:00:00.000Z';
  const at = (shanghai: string): Date => new Date(`${shanghai}+08:00`);
  const fee = (now: Date, pausedDays: number) =>
    lateFee({ fine: '10000.00', dueAt, now, pausedDays }).amount;

  it('is nothing without an appeal, or before the fine is due', () => {
    expect(appealPausedDays([], dueAt, at('2026-02-20T10:00:00'))).toBe(0);
    expect(
      appealPausedDays(
        [{ filedAt: '2026-01-25T10:00:00+08:00' }],
        dueAt,
        at('2026-02-01T10:00:00'),
      ),
    ).toBe(0);
  });

  it('freezes the fee from the filing day while the appeal runs', () => {
    const appeals = [{ filedAt: '2026-02-08T09:00:00+08:00' }];
    // Late on the 5th, 6th and 7th: 3 days, 900.00; the 8th and after are paused.
    for (const day of ['2026-02-08T18:00:00', '2026-02-20T10:00:00', '2026-04-01T10:00:00']) {
      const now = at(day);
      expect(fee(now, appealPausedDays(appeals, dueAt, now))).toBe('900.00');
    }
  });

  it('counts again from the day after the decision, leaving out the days it ran', () => {
    const appeals = [
      { filedAt: '2026-02-08T09:00:00+08:00', decidedAt: '2026-02-17T15:00:00+08:00' },
    ];
    const now = at('2026-02-19T10:00:00');
    // 15 late days (5th–19th), of which the 8th–17th (10) paused: 5 days, 1,500.00.
    expect(appealPausedDays(appeals, dueAt, now)).toBe(10);
    expect(fee(now, 10)).toBe('1500.00');
  });

  it('counts a whole late period paused by an appeal filed before the due date', () => {
    const appeals = [{ filedAt: '2026-01-30T09:00:00+08:00' }];
    const now = at('2026-03-01T10:00:00');
    expect(fee(now, appealPausedDays(appeals, dueAt, now))).toBe('0.00');
  });

  it('counts a day once when a suit follows a reconsideration on the same day', () => {
    const appeals = [
      { filedAt: '2026-02-06T09:00:00+08:00', decidedAt: '2026-02-10T09:00:00+08:00' },
      { filedAt: '2026-02-10T15:00:00+08:00', decidedAt: '2026-02-12T09:00:00+08:00' },
    ];
    // The 6th to the 12th: 7 days.
    expect(appealPausedDays(appeals, dueAt, at('2026-02-20T10:00:00'))).toBe(7);
  });
});
