/**
 * Working-day calendar for Mainland China: weekends, 法定节假日 (public holidays) and
 * 调休 (make-up working days on a Saturday or Sunday). Pure data and functions, no I/O.
 */
import data from './calendar-cn.json';

/** A date in the calendar's own time zone (Asia/Shanghai), written 'YYYY-MM-DD'. */
export type IsoDate = string;

/** One year of the official holiday arrangement, as in calendar-cn.json. */
export interface YearCalendar {
  /** Inclusive ranges [from, to, name], e.g. ['2026-10-01', '2026-10-07', '国庆节']. */
  holidays: [from: IsoDate, to: IsoDate, name: string][];
  /** Saturdays or Sundays that are worked (调休). */
  makeUpWorkdays: IsoDate[];
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD', otherwise undefined. */
export function isoDateToDayNumber(date: string): number | undefined {
  const match = ISO_DATE.exec(date);
  if (!match) {
    return undefined;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1) {
    return undefined; // e.g. 2026-02-30 rolled over into March
  }
  return ms / DAY_MS;
}

/** 'YYYY-MM-DD' for a day number (days since 1970-01-01). */
export function dayNumberToIsoDate(dayNumber: number): IsoDate {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCDay();
}

function isWeekend(dayNumber: number): boolean {
  const d = weekday(dayNumber);
  return d === 0 || d === 6;
}

function parseIsoDateOrThrow(date: string): number {
  const dayNumber = isoDateToDayNumber(date);
  if (dayNumber === undefined) {
    throw new RangeError(`Not a valid date 'YYYY-MM-DD': '${date}'`);
  }
  return dayNumber;
}

/**
 * Which days are working days. Years without loaded data fall back to Monday–Friday;
 * callers check `covers(year)` (computeDueAt reports such years as warnings).
 */
export class WorkingCalendar {
  private readonly years = new Map<number, YearCalendar>();
  private readonly holidays = new Set<number>();
  private readonly makeUpWorkdays = new Set<number>();

  /** Throws if any year fails validateYearCalendar. */
  constructor(years: Readonly<Record<number, YearCalendar>> | readonly [number, YearCalendar][]) {
    const entries = Array.isArray(years)
      ? (years as readonly [number, YearCalendar][])
      : Object.entries(years as Readonly<Record<string, YearCalendar>>).map(
          ([y, cal]): [number, YearCalendar] => [Number(y), cal],
        );
    for (const [year, cal] of entries) {
      const errors = validateYearCalendar(year, cal);
      if (errors.length > 0) {
        throw new Error(`Invalid calendar for year ${year}: ${errors.join('; ')}`);
      }
      if (this.years.has(year)) {
        throw new Error(`Calendar year ${year} given twice`);
      }
      this.years.set(year, cal);
      for (const [from, to] of cal.holidays) {
        const last = parseIsoDateOrThrow(to);
        for (let d = parseIsoDateOrThrow(from); d <= last; d++) {
          this.holidays.add(d);
        }
      }
      for (const date of cal.makeUpWorkdays) {
        this.makeUpWorkdays.add(parseIsoDateOrThrow(date));
      }
    }
  }

  /** A new calendar with `year` added or replaced (e.g. after an admin loads a year). */
  withYear(year: number, calendar: YearCalendar): WorkingCalendar {
    const entries = [...this.years].filter(([y]) => y !== year);
    return new WorkingCalendar([...entries, [year, calendar]]);
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  /** Loaded years, ascending. */
  loadedYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  /** The loaded data for a year, if any. */
  yearCalendar(year: number): YearCalendar | undefined {
    return this.years.get(year);
  }

  /** 'YYYY-MM-DD' → working day? Throws RangeError on a malformed or impossible date. */
  isWorkingDay(date: IsoDate): boolean {
    return this.isWorkingDayNumber(parseIsoDateOrThrow(date));
  }

  /** Same as isWorkingDay, for a day number (days since 1970-01-01). */
  isWorkingDayNumber(dayNumber: number): boolean {
    if (this.makeUpWorkdays.has(dayNumber)) {
      return true; // 调休
    }
    return !isWeekend(dayNumber) && !this.holidays.has(dayNumber);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one year's data (e.g. the body of PUT /calendar/:year).
 * Returns human-readable errors, each prefixed with the field path; empty = valid.
 */
export function validateYearCalendar(year: number, input: unknown): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(year) || year < 1970 || year > 9999) {
    return [`year: ${String(year)} is not a year between 1970 and 9999`];
  }
  if (!isRecord(input)) {
    return ['(root): must be an object { holidays, makeUpWorkdays }'];
  }
  for (const key of Object.keys(input)) {
    if (key !== 'holidays' && key !== 'makeUpWorkdays') {
      errors.push(`${key}: unknown field (expected holidays, makeUpWorkdays)`);
    }
  }

  /** Day number of a valid date inside `year`, otherwise records an error. */
  const dateInYear = (path: string, value: unknown): number | undefined => {
    if (typeof value !== 'string') {
      errors.push(`${path}: must be a date string 'YYYY-MM-DD'`);
      return undefined;
    }
    const dayNumber = isoDateToDayNumber(value);
    if (dayNumber === undefined) {
      errors.push(`${path}: '${value}' is not a valid date 'YYYY-MM-DD'`);
      return undefined;
    }
    if (!value.startsWith(`${year}-`)) {
      errors.push(`${path}: ${value} is not in ${year}`);
      return undefined;
    }
    return dayNumber;
  };

  const holidayRanges: [from: number, to: number, path: string][] = [];
  if (!Array.isArray(input.holidays)) {
    errors.push('holidays: must be an array of [from, to, name]');
  } else {
    input.holidays.forEach((entry: unknown, i) => {
      const path = `holidays[${i}]`;
      if (!Array.isArray(entry) || entry.length !== 3) {
        errors.push(`${path}: must be [from, to, name]`);
        return;
      }
      const [fromValue, toValue, name] = entry as unknown[];
      const from = dateInYear(`${path}[0]`, fromValue);
      const to = dateInYear(`${path}[1]`, toValue);
      if (typeof name !== 'string' || name.trim() === '') {
        errors.push(`${path}[2]: holiday name must be a non-empty string`);
      }
      if (from !== undefined && to !== undefined) {
        if (from > to) {
          errors.push(`${path}: from ${String(fromValue)} is after to ${String(toValue)}`);
        } else {
          holidayRanges.push([from, to, path]);
        }
      }
    });
  }

  if (!Array.isArray(input.makeUpWorkdays)) {
    errors.push('makeUpWorkdays: must be an array of dates');
  } else {
    const seen = new Set<number>();
    input.makeUpWorkdays.forEach((value: unknown, i) => {
      const path = `makeUpWorkdays[${i}]`;
      const day = dateInYear(path, value);
      if (day === undefined) {
        return;
      }
      const date = dayNumberToIsoDate(day);
      if (seen.has(day)) {
        errors.push(`${path}: ${date} is listed twice`);
      }
      seen.add(day);
      if (!isWeekend(day)) {
        errors.push(
          `${path}: ${date} is a ${WEEKDAY_NAMES[weekday(day)]}; a make-up working day (调休) must be a Saturday or Sunday`,
        );
      }
      const inside = holidayRanges.find(([from, to]) => day >= from && day <= to);
      if (inside) {
        errors.push(`${path}: ${date} falls inside the holiday ${inside[2]}`);
      }
    });
  }
  return errors;
}

/** Shape of calendar-cn.json: where the data came from, and the years keyed by year. */
export interface CalendarFile {
  source: string;
  years: Readonly<Record<number, YearCalendar>>;
}

/** The official schedules shipped with the service (calendar-cn.json). */
export const OFFICIAL_CALENDARS: CalendarFile = {
  source: data.source,
  years: Object.fromEntries(
    Object.entries(data.years).map(([year, cal]): [number, YearCalendar] => [
      Number(year),
      {
        holidays: cal.holidays.map(([from, to, name]): [string, string, string] => [
          from,
          to,
          name,
        ]),
        makeUpWorkdays: [...cal.makeUpWorkdays],
      },
    ]),
  ),
};
