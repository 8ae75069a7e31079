import {
  addShanghaiMonths,
  parseInstant,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiDayNumber,
  shanghaiMidnight,
  shanghaiYear,
  startOfShanghaiDay,
} from './shanghai';

describe('the Shanghai day (UTC+8)', () => {
  it('begins at 16:00 UTC of the day before', () => {
    expect(shanghaiDate(new Date('2026-03-09T15:59:59.999Z'))).toBe('2026-03-09');
    expect(shanghaiDate(new Date('2026-03-09T16:00:00.000Z'))).toBe('2026-03-10');
    expect(startOfShanghaiDay('2026-03-10').toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(shanghaiDateTime(new Date('2026-03-02T09:30:00Z'))).toBe('2026-03-02 17:30');
  });

  it('turns the month at 16:00 UTC of the last day of the month before', () => {
    expect(shanghaiDate(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03-31');
    expect(shanghaiDate(new Date('2026-03-31T16:00:00Z'))).toBe('2026-04-01');
    // February of a leap year: the 29th ends at 16:00 UTC on the 29th.
    expect(shanghaiDate(new Date('2024-02-29T16:00:00Z'))).toBe('2024-03-01');
    expect(startOfShanghaiDay('2026-04-01').toISOString()).toBe('2026-03-31T16:00:00.000Z');
  });

  it('turns the year at 16:00 UTC on 31 December', () => {
    expect(shanghaiYear(new Date('2026-12-31T15:59:59.999Z'))).toBe(2026);
    expect(shanghaiYear(new Date('2026-12-31T16:00:00.000Z'))).toBe(2027);
    expect(shanghaiDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(shanghaiDateTime(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01 00:00');
  });

  it('numbers days so that one day is one step and midnight maps back', () => {
    const before = shanghaiDayNumber(new Date('2026-12-31T15:59:59Z'));
    const after = shanghaiDayNumber(new Date('2026-12-31T16:00:00Z'));
    expect(after - before).toBe(1);
    expect(shanghaiMidnight(after).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(shanghaiDayNumber(shanghaiMidnight(after))).toBe(after);
    // Day 0 is 1970-01-01 in Shanghai, which began at 16:00 UTC on 31 December 1969.
    expect(shanghaiDayNumber(new Date('1969-12-31T16:00:00Z'))).toBe(0);
  });
});

describe('addShanghaiMonths', () => {
  it('keeps the Asia/Shanghai wall time and clamps to the last day of a shorter month', () => {
    const leap = new Date('2024-02-29T10:00:00+08:00');
    expect(addShanghaiMonths(leap, 12).toISOString()).toBe('2025-02-28T02:00:00.000Z');
    expect(addShanghaiMonths(leap, 48).toISOString()).toBe('2028-02-29T02:00:00.000Z');
    expect(addShanghaiMonths(new Date('2026-03-31T10:00:00+08:00'), -1).toISOString()).toBe(
      '2026-02-28T02:00:00.000Z',
    );
  });

  it('counts months on the Shanghai calendar, not the UTC one', () => {
    // 2026-01-31T20:00Z is 04:00 on 1 February in Shanghai: one month later is 1 March there.
    expect(addShanghaiMonths(new Date('2026-01-31T20:00:00Z'), 1).toISOString()).toBe(
      '2026-02-28T20:00:00.000Z',
    );
    // 16:00 UTC on 31 December is New Year's Day in Shanghai: twelve months on is the next one.
    expect(addShanghaiMonths(new Date('2026-12-31T16:00:00Z'), 12).toISOString()).toBe(
      '2027-12-31T16:00:00.000Z',
    );
  });
});

describe('parseInstant', () => {
  it('reads a bare date as 00:00 Asia/Shanghai', () => {
    expect(parseInstant('2026-03-01')?.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(parseInstant('2027-01-01')?.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('reads a date-time with a zone, and refuses one without, or an impossible date', () => {
    expect(parseInstant('2026-03-01T10:00:00+08:00')?.toISOString()).toBe(
      '2026-03-01T02:00:00.000Z',
    );
    expect(parseInstant('2026-03-01T02:00:00.000Z')?.toISOString()).toBe(
      '2026-03-01T02:00:00.000Z',
    );
    expect(parseInstant('2026-03-01T10:00:00')).toBeNull();
    expect(parseInstant('2026-02-30')).toBeNull();
    expect(parseInstant('2026-02-30T10:00:00Z')).toBeNull();
    expect(parseInstant('1 March 2026')).toBeNull();
    expect(parseInstant(20260301)).toBeNull();
  });
});
