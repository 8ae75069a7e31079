import {
  computeDueAt,
  InvalidDurationError,
  OFFICIAL_CALENDARS,
  parseDuration,
  validateYearCalendar,
  WorkingCalendar,
  YearCalendar,
} from './index';

const calendar = new WorkingCalendar(OFFICIAL_CALENDARS.years);
const due = (from: string, duration: string, cal: WorkingCalendar = calendar) =>
  computeDueAt(new Date(from), duration, cal);

describe('parseDuration', () => {
  it.each([
    ['5wd', 5, 'wd'],
    ['7d', 7, 'd'],
    ['12h', 12, 'h'],
    ['30m', 30, 'm'],
    ['10s', 10, 's'],
    ['120wd', 120, 'wd'],
  ])('should parse %s', (input, amount, unit) => {
    expect(parseDuration(input)).toEqual({ amount, unit });
  });

  it.each([
    '',
    '5',
    '0wd',
    '05wd',
    '-1d',
    '+1d',
    '1.5d',
    '5 wd',
    ' 5wd',
    '5wd ',
    'wd',
    '5w',
    '5WD',
    '5D',
    '5ms',
    '5dd',
    '1e3s',
    '99999999999999999999wd',
    '40000d',
  ])('should reject %p with InvalidDurationError naming the input', (input) => {
    expect(() => parseDuration(input)).toThrow(InvalidDurationError);
    expect(() => parseDuration(input)).toThrow(JSON.stringify(input));
  });

  it('should reject a non-string at runtime', () => {
    expect(() => parseDuration(5 as unknown as string)).toThrow(InvalidDurationError);
  });
});

describe('WorkingCalendar', () => {
  it('should report loaded years', () => {
    expect(calendar.loadedYears()).toEqual([2025, 2026]);
    expect(calendar.covers(2026)).toBe(true);
    expect(calendar.covers(2027)).toBe(false);
  });

  it('should treat weekdays as working days and weekends as rest days', () => {
    expect(calendar.isWorkingDay('2026-03-02')).toBe(true); // Monday
    expect(calendar.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-03-08')).toBe(false); // Sunday
  });

  it('should treat public holidays (法定节假日) as rest days and make-up days (调休) as working days', () => {
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // Thursday, 国庆节
    expect(calendar.isWorkingDay('2026-10-07')).toBe(false); // last day of 国庆节
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // Saturday 调休
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true); // Sunday 调休
    expect(calendar.isWorkingDay('2026-02-23')).toBe(false); // Monday, 春节
  });

  it('should fall back to weekends only for a year that is not loaded', () => {
    expect(calendar.isWorkingDay('2027-01-01')).toBe(true); // Friday, but no 2027 data
    expect(calendar.isWorkingDay('2027-01-02')).toBe(false);
  });

  it('should reject an impossible date', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026-2-3')).toThrow(RangeError);
  });

  it('should refuse invalid data at construction', () => {
    expect(
      () => new WorkingCalendar({ 2026: { holidays: [], makeUpWorkdays: ['2026-03-02'] } }),
    ).toThrow(/2026.*makeUpWorkdays\[0\].*Monday/);
  });

  it('should add or replace a year with withYear without changing the original', () => {
    const year2027: YearCalendar = {
      holidays: [['2027-01-01', '2027-01-01', '元旦']],
      makeUpWorkdays: [],
    };
    const extended = calendar.withYear(2027, year2027);
    expect(extended.loadedYears()).toEqual([2025, 2026, 2027]);
    expect(extended.isWorkingDay('2027-01-01')).toBe(false);
    expect(calendar.covers(2027)).toBe(false);

    const replaced = extended.withYear(2026, { holidays: [], makeUpWorkdays: [] });
    expect(replaced.isWorkingDay('2026-10-01')).toBe(true);
    expect(replaced.isWorkingDay('2026-10-10')).toBe(false);
  });

  it('should ship the official 2025 and 2026 schedules', () => {
    expect(OFFICIAL_CALENDARS.source).toContain('国办发明电');
    expect(Object.keys(OFFICIAL_CALENDARS.years)).toEqual(['2025', '2026']);
    expect(OFFICIAL_CALENDARS.years[2026].holidays).toContainEqual([
      '2026-10-01',
      '2026-10-07',
      '国庆节',
    ]);
    for (const [year, cal] of Object.entries(OFFICIAL_CALENDARS.years)) {
      expect(validateYearCalendar(Number(year), cal)).toEqual([]);
    }
  });
});

describe('computeDueAt', () => {
  it('should count 5 working days across the 2026 National Day holiday and its make-up Saturday', () => {
    // 29th, 30th, (1st–7th holiday), 8th, 9th, Saturday 10th (调休) → ends 24:00 on the 10th.
    for (const enteredAt of [
      '2026-09-28T00:00:00+08:00',
      '2026-09-28T09:15:00+08:00',
      '2026-09-28T23:59:59.999+08:00',
    ]) {
      expect(due(enteredAt, '5wd')).toEqual({
        dueAt: new Date('2026-10-10T16:00:00.000Z'),
        warnings: [],
      });
      expect(due(enteredAt, '5wd').dueAt.toISOString()).toBe('2026-10-10T16:00:00.000Z');
    }
  });

  it('should count calendar days from the day after the start, ending at 24:00 Shanghai time', () => {
    expect(due('2026-03-02T10:00:00+08:00', '7d').dueAt.toISOString()).toBe(
      '2026-03-09T16:00:00.000Z', // 2026-03-10T00:00+08:00
    );
    expect(due('2026-03-02T10:00:00+08:00', '1d').dueAt.toISOString()).toBe(
      '2026-03-03T16:00:00.000Z',
    );
  });

  it('should count calendar days straight through holidays and weekends', () => {
    expect(due('2026-09-30T12:00:00+08:00', '7d').dueAt.toISOString()).toBe(
      '2026-10-07T16:00:00.000Z',
    );
  });

  it('should add exact hours, minutes and seconds regardless of holidays', () => {
    expect(due('2026-09-30T20:00:00+08:00', '12h').dueAt.toISOString()).toBe(
      '2026-10-01T00:00:00.000Z',
    );
    expect(due('2026-10-01T10:15:30.250Z', '30m').dueAt.toISOString()).toBe(
      '2026-10-01T10:45:30.250Z',
    );
    expect(due('2026-10-01T10:15:30.250Z', '10s').dueAt.toISOString()).toBe(
      '2026-10-01T10:15:40.250Z',
    );
    expect(due('2026-12-31T23:00:00Z', '48h')).toEqual({
      dueAt: new Date('2027-01-02T23:00:00.000Z'),
      warnings: [],
    });
  });

  it('should count the make-up Saturday before Spring Festival 2026 as a working day', () => {
    // Friday 13th → Saturday 14th is 调休.
    expect(due('2026-02-13T10:00:00+08:00', '1wd').dueAt.toISOString()).toBe(
      '2026-02-14T16:00:00.000Z', // 2026-02-15T00:00+08:00
    );
  });

  it('should skip the whole Spring Festival 2026 holiday', () => {
    // From the 调休 Saturday 14th: 15th–23rd are 春节, Tuesday 24th is the first working day.
    expect(due('2026-02-14T10:00:00+08:00', '1wd').dueAt.toISOString()).toBe(
      '2026-02-24T16:00:00.000Z', // 2026-02-25T00:00+08:00
    );
    expect(due('2026-02-13T10:00:00+08:00', '2wd').dueAt.toISOString()).toBe(
      '2026-02-24T16:00:00.000Z',
    );
  });

  it('should start counting after the Shanghai date for a start late in the evening', () => {
    // 23:30 on Sunday 27th in Shanghai is 15:30Z on the 27th: still the 27th, so the 28th is day 1.
    expect(due('2026-09-27T23:30:00+08:00', '1wd').dueAt.toISOString()).toBe(
      '2026-09-28T16:00:00.000Z',
    );
    expect(due('2026-09-27T23:30:00+08:00', '6wd').dueAt.toISOString()).toBe(
      '2026-10-10T16:00:00.000Z',
    );
  });

  it('should use the Shanghai date when the UTC date is still the previous day', () => {
    // 2026-09-27T16:30Z is 00:30 on Monday 28th in Shanghai, so counting starts on the 29th.
    expect(due('2026-09-27T16:30:00Z', '5wd').dueAt.toISOString()).toBe('2026-10-10T16:00:00.000Z');
    expect(due('2026-09-27T16:30:00Z', '1d').dueAt.toISOString()).toBe('2026-09-29T16:00:00.000Z');
  });

  it('should count into 2027 (not loaded) with weekends only and warn about it', () => {
    // Thursday 2026-12-31: Friday 2027-01-01 counts (no 元旦 data), then Mon 4th, Tue 5th.
    const result = due('2026-12-31T10:00:00+08:00', '3wd');
    expect(result.dueAt.toISOString()).toBe('2027-01-05T16:00:00.000Z');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('2027');
  });

  it('should not warn when a working-day count stays inside loaded years', () => {
    expect(due('2026-12-30T10:00:00+08:00', '1wd').warnings).toEqual([]);
  });

  it('should warn once per uncovered year', () => {
    const result = due('2026-12-31T10:00:00+08:00', '300wd');
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toContain('2027');
    expect(result.warnings[1]).toContain('2028');
  });

  it('should work with an empty calendar by counting weekends only', () => {
    const result = due('2026-09-28T10:00:00+08:00', '5wd', new WorkingCalendar({}));
    expect(result.dueAt.toISOString()).toBe('2026-10-05T16:00:00.000Z'); // last day Monday 5th
    expect(result.warnings).toEqual([expect.stringContaining('2026')]);
  });

  it('should accept an already parsed duration', () => {
    expect(
      computeDueAt(
        new Date('2026-09-28T10:00:00+08:00'),
        { amount: 5, unit: 'wd' },
        calendar,
      ).dueAt.toISOString(),
    ).toBe('2026-10-10T16:00:00.000Z');
  });

  it('should reject a bad duration string or an invalid start', () => {
    expect(() => due('2026-09-28T10:00:00+08:00', '5 wd')).toThrow(InvalidDurationError);
    expect(() =>
      computeDueAt(new Date('2026-09-28T10:00:00+08:00'), { amount: 0, unit: 'd' }, calendar),
    ).toThrow(InvalidDurationError);
    expect(() => due('not a date', '5wd')).toThrow(RangeError);
  });
});

describe('validateYearCalendar', () => {
  const valid: YearCalendar = {
    holidays: [['2027-02-06', '2027-02-14', '春节']],
    makeUpWorkdays: ['2027-02-20'],
  };

  it('should accept a well-formed year', () => {
    expect(validateYearCalendar(2027, valid)).toEqual([]);
  });

  it('should reject a non-object or missing fields', () => {
    expect(validateYearCalendar(2027, null)).toEqual([expect.stringContaining('(root)')]);
    expect(validateYearCalendar(2027, [])).toEqual([expect.stringContaining('(root)')]);
    expect(validateYearCalendar(2027, {})).toEqual([
      expect.stringContaining('holidays:'),
      expect.stringContaining('makeUpWorkdays:'),
    ]);
  });

  it('should reject an invalid year', () => {
    expect(validateYearCalendar(20.5, valid)).toEqual([expect.stringContaining('year:')]);
  });

  it('should name each bad field with its path', () => {
    const errors = validateYearCalendar(2027, {
      holidays: [
        ['2027-02-30', '2027-03-01', '春节'], // no 30 February
        ['2027-05-05', '2027-05-01', '劳动节'], // from after to
        ['2026-12-31', '2027-01-01', '元旦'], // outside the year
        ['2027-10-01', '2027-10-07', ''], // empty name
        ['2027-06-01', '2027-06-02'], // missing name
        'x',
      ],
      makeUpWorkdays: [
        '2027-03-01', // Monday
        '2027-10-02', // Saturday inside the holiday
        '27-01-09',
        '2027-01-09',
        '2027-01-09', // duplicate
        9,
      ],
      makeupWorkdays: [],
    });
    expect(errors).toEqual([
      'makeupWorkdays: unknown field (expected holidays, makeUpWorkdays)',
      "holidays[0][0]: '2027-02-30' is not a valid date 'YYYY-MM-DD'",
      'holidays[1]: from 2027-05-05 is after to 2027-05-01',
      'holidays[2][0]: 2026-12-31 is not in 2027',
      'holidays[3][2]: holiday name must be a non-empty string',
      'holidays[4]: must be [from, to, name]',
      'holidays[5]: must be [from, to, name]',
      'makeUpWorkdays[0]: 2027-03-01 is a Monday; a make-up working day (调休) must be a Saturday or Sunday',
      'makeUpWorkdays[1]: 2027-10-02 falls inside the holiday holidays[3]',
      "makeUpWorkdays[2]: '27-01-09' is not a valid date 'YYYY-MM-DD'",
      'makeUpWorkdays[4]: 2027-01-09 is listed twice',
      "makeUpWorkdays[5]: must be a date string 'YYYY-MM-DD'",
    ]);
  });

  it('should reject data for a different year than the one being loaded', () => {
    expect(validateYearCalendar(2026, valid)).toEqual([
      'holidays[0][0]: 2027-02-06 is not in 2026',
      'holidays[0][1]: 2027-02-14 is not in 2026',
      'makeUpWorkdays[0]: 2027-02-20 is not in 2026',
    ]);
  });
});
