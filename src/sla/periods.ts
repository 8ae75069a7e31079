/**
 * Report periods are Asia/Shanghai calendar days (../time/shanghai): a day is its date string,
 * a month its first day, and the arithmetic below is on those strings.
 */
import { DAY_MS } from '../time/shanghai';

/** The first day of that date's month. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function lastDayOfMonth(day: string): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return new Date(d.getTime() - DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

/**
 * Splits an inclusive date range into whole months and the day ranges at its edges, so a
 * summary reads one pre-aggregated row per month and only the partial months day by day.
 */
export function decompose(
  from: string,
  to: string,
): { months: string[]; dayRanges: Array<[string, string]> } {
  const months: string[] = [];
  const dayRanges: Array<[string, string]> = [];
  let cursor = from;
  while (cursor <= to) {
    const end = lastDayOfMonth(cursor);
    if (cursor.endsWith('-01') && end <= to) {
      months.push(cursor);
      cursor = addDays(end, 1);
    } else {
      const until = end < to ? end : to;
      dayRanges.push([cursor, until]);
      cursor = addDays(until, 1);
    }
  }
  return { months, dayRanges };
}
