/** Report periods are Asia/Shanghai calendar days (UTC+8, no daylight saving). */
const OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The Asia/Shanghai date (YYYY-MM-DD) of an instant. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The first day of that date's month. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** 00:00 Asia/Shanghai of a date, as an instant. */
export function startOfDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - OFFSET_MS);
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
