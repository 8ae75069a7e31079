import { OFFICIAL_CALENDARS, WorkingCalendar } from '../common/calendar/working-calendar';
import { earliestHearingDate, hearingDateProblem } from './hearing-notice';
import { DEFAULT_PENALTY_POLICY, validatePenaltyPolicy } from './penalty-policy';

const calendar = new WorkingCalendar(OFFICIAL_CALENDARS.years);
const period = DEFAULT_PENALTY_POLICY.hearingNoticePeriod;

describe('hearing notice period (Law art. 64: 7 working days before the hearing)', () => {
  it('should default to 7 working days', () => {
    expect(period).toBe('7wd');
  });

  it('should put the earliest hearing on the 7th working day after an ordinary week’s notice', () => {
    // Notice Monday 2026-06-01: 2, 3, 4, 5, 8, 9, 10 June.
    expect(earliestHearingDate(new Date('2026-06-01T02:00:00Z'), period, calendar)).toBe(
      '2026-06-10',
    );
    expect(hearingDateProblem('2026-06-10', '2026-06-10')).toBeNull();
    expect(hearingDateProblem('2026-06-09', '2026-06-10')).toContain('2026-06-10');
  });

  it('should skip the National Day holiday and count the make-up Saturday', () => {
    // Notice Monday 2026-09-28: 29, 30 Sept; 1–7 Oct are holidays; 8, 9, 10 (调休 Saturday),
    // 12, 13 Oct.
    const earliest = earliestHearingDate(new Date('2026-09-28T02:00:00Z'), period, calendar);
    expect(earliest).toBe('2026-10-13');
    expect(hearingDateProblem('2026-10-12', earliest)).not.toBeNull();
    expect(hearingDateProblem('2026-10-13', earliest)).toBeNull();
    // Counted in weekdays only the period would end on 7 October, inside the holiday.
    const weekdaysOnly = new WorkingCalendar({});
    expect(earliestHearingDate(new Date('2026-09-28T02:00:00Z'), period, weekdaysOnly)).toBe(
      '2026-10-07',
    );
  });

  it('should count from the notice’s day in Asia/Shanghai', () => {
    // 23:30 on Friday 5 June in Shanghai is still 5 June: 8–12, 15, 16 June.
    expect(earliestHearingDate(new Date('2026-06-05T15:30:00Z'), period, calendar)).toBe(
      '2026-06-16',
    );
  });

  it('should refuse a day that is not a date', () => {
    expect(hearingDateProblem('2026-02-30', '2026-02-10')).toBe(
      'must be a calendar date YYYY-MM-DD',
    );
  });

  it('should refuse a policy period that is not a duration', () => {
    expect(
      validatePenaltyPolicy({ ...DEFAULT_PENALTY_POLICY, hearingNoticePeriod: 'seven days' }),
    ).toEqual(['hearingNoticePeriod: must be a duration like 7wd (Law art. 64)']);
  });
});
