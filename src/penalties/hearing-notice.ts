import { computeDueAt } from '../common/calendar/duration';
import { shanghaiDate } from '../time/shanghai';
import { isoDateToDayNumber, type WorkingCalendar } from '../common/calendar/working-calendar';

/**
 * 听证通知 (Administrative Penalty Law art. 64 (二)): 行政机关应当在举行听证的七日前, 通知当事人…
 * 听证的时间、地点; by art. 85 the 7 days are working days. Read as the deadlines are read
 * (docs/domain.md): counting starts the day after the notice, and the hearing may be held on
 * the last day of the period at the earliest — a notice on day N and a hearing on day N+7 are
 * "7 days before" in calendar days, so with working days the hearing's earliest day is the
 * 7th working day after the notice. The period is policy `penalty.hearingNoticePeriod`.
 */
export function earliestHearingDate(
  noticeAt: Date,
  period: string,
  calendar: WorkingCalendar,
): string {
  // A `wd`/`d` period ends at 24:00 of its last day: that last day is the earliest hearing day.
  const { dueAt } = computeDueAt(noticeAt, period, calendar);
  return shanghaiDate(new Date(dueAt.getTime() - 1));
}

/** Why a requested hearing day is refused, or null when the notice period allows it. */
export function hearingDateProblem(date: string, earliest: string): string | null {
  if (isoDateToDayNumber(date) === undefined) {
    return 'must be a calendar date YYYY-MM-DD';
  }
  return date < earliest
    ? `must be at least the notice period after the notice (Law art. 64: 7 working days); the earliest hearing day is ${earliest}`
    : null;
}
