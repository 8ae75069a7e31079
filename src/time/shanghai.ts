/*
 * The bureau's calendar: Asia/Shanghai, China Standard Time (北京时间), UTC+8 all year with no
 * daylight saving. Every rule that counts days, months or years (deadlines, the fine's 15 days, the
 * repeat window, report periods, a ledger year) counts them on this calendar, so a day begins at
 * 16:00 UTC of the day before. Pure and without imports: the web app (web/, Vite) uses it too.
 */

/** UTC+8: no daylight saving, so a fixed offset is exact (no time-zone database needed). */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of the instant's Asia/Shanghai date. */
export function shanghaiDayNumber(instant: Date | number): number {
  return Math.floor((Number(instant) + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** 00:00 Asia/Shanghai of a day number (days since 1970-01-01). */
export function shanghaiMidnight(dayNumber: number): Date {
  return new Date(dayNumber * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(instant: Date | number): string {
  return new Date(Number(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai calendar year of an instant (a ledger year, a monitoring run's year). */
export function shanghaiYear(instant: Date | number): number {
  return Number(shanghaiDate(instant).slice(0, 4));
}

/** `2026-03-02 17:30`: the Asia/Shanghai wall time of an instant, to the minute, for people. */
export function shanghaiDateTime(instant: Date | number): string {
  return new Date(Number(instant) + SHANGHAI_OFFSET_MS)
    .toISOString()
    .slice(0, 16)
    .replace('T', ' ');
}

/** 00:00 Asia/Shanghai of a date (YYYY-MM-DD), as an instant. */
export function startOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS);
}

/**
 * The instant `months` calendar months after (or before, if negative) `from`, on the Asia/Shanghai
 * calendar at the same wall-clock time; a day the target month lacks becomes its last day
 * (2024-02-29 + 12 months = 2025-02-28). Every period a policy gives in years or months counts so.
 */
export function addShanghaiMonths(from: Date, months: number): Date {
  const wall = new Date(from.getTime() + SHANGHAI_OFFSET_MS);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(wall.getUTCDate(), lastDay);
  const shifted = Date.UTC(
    year,
    month,
    day,
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  );
  return new Date(shifted - SHANGHAI_OFFSET_MS);
}

/** An ISO 8601 date or date-time ("2026-03-01", "2026-03-01T10:00:00+08:00"), else null. */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO instant. A bare date ("2026-03-01") is 00:00 Asia/Shanghai of that day (not UTC,
 * as `new Date` would read it); a date-time without a zone is refused, its instant is ambiguous.
 */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO.test(value)) {
    return null;
  }
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(5, 7));
  const d = Number(value.slice(8, 10));
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    return null; // 2026-02-30 would otherwise roll over into March
  }
  if (value.length === 10) {
    return startOfShanghaiDay(value);
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    return null;
  }
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}
