/**
 * Deadline durations ('5wd', '7d', '12h', '30m', '10s') and due-time computation.
 * Day counting follows the Administrative Penalty Law: counting starts on the day after the
 * start date (Asia/Shanghai) and a day deadline ends at 24:00 of its last day.
 */
import { dayNumberToIsoDate, WorkingCalendar } from './working-calendar';
import { DAY_MS, shanghaiDayNumber, shanghaiMidnight } from '../../time/shanghai';

export type DurationUnit = 'wd' | 'd' | 'h' | 'm' | 's';

export interface ParsedDuration {
  amount: number;
  unit: DurationUnit;
}

export interface DueAtResult {
  dueAt: Date;
  /** E.g. a `wd` count that ran through a year with no holiday data loaded. */
  warnings: string[];
}

export class InvalidDurationError extends Error {
  constructor(
    readonly input: unknown,
    reason = "expected a positive integer followed by 'wd', 'd', 'h', 'm' or 's', e.g. '5wd'",
  ) {
    super(`Invalid duration ${JSON.stringify(input) ?? String(input)}: ${reason}`);
    this.name = 'InvalidDurationError';
  }
}

const EXACT_UNIT_MS: Record<'h' | 'm' | 's', number> = { h: 3_600_000, m: 60_000, s: 1_000 };
/** Guard against absurd policy values: no duration longer than about 100 years. */
const MAX_DAYS = 36_600;
const DURATION = /^([1-9]\d*)(wd|d|h|m|s)$/;

export function parseDuration(s: string): ParsedDuration {
  if (typeof s !== 'string') {
    throw new InvalidDurationError(s, 'must be a string');
  }
  const match = DURATION.exec(s);
  if (!match) {
    throw new InvalidDurationError(s);
  }
  const amount = Number(match[1]);
  const unit = match[2] as DurationUnit;
  const days = unit === 'wd' || unit === 'd' ? amount : (amount * EXACT_UNIT_MS[unit]) / DAY_MS;
  if (!Number.isSafeInteger(amount) || days > MAX_DAYS) {
    throw new InvalidDurationError(s, 'longer than the maximum of about 100 years');
  }
  return { amount, unit };
}

/**
 * When a deadline of `duration` started at `from` falls due.
 * `wd`/`d`: 24:00 Asia/Shanghai of the last counted day (= 00:00 of the next day);
 * `h`/`m`/`s`: exact. Never throws for a missing calendar year: weekends only, plus a warning.
 */
export function computeDueAt(
  from: Date,
  duration: string | ParsedDuration,
  calendar: WorkingCalendar,
): DueAtResult {
  if (Number.isNaN(from.getTime())) {
    throw new RangeError('computeDueAt: start time is an invalid Date');
  }
  const { amount, unit } = typeof duration === 'string' ? parseDuration(duration) : duration;
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidDurationError(duration, 'amount must be a positive integer');
  }
  const startDay = shanghaiDayNumber(from);
  switch (unit) {
    case 'h':
    case 'm':
    case 's':
      return { dueAt: new Date(from.getTime() + amount * EXACT_UNIT_MS[unit]), warnings: [] };
    case 'd':
      return { dueAt: shanghaiMidnight(startDay + amount + 1), warnings: [] };
    case 'wd': {
      const uncoveredYears = new Set<number>();
      let day = startDay;
      for (let counted = 0; counted < amount;) {
        day++;
        const year = Number(dayNumberToIsoDate(day).slice(0, 4));
        if (!calendar.covers(year)) {
          uncoveredYears.add(year);
        }
        if (calendar.isWorkingDayNumber(day)) {
          counted++;
        }
      }
      const warnings = [...uncoveredYears].map(
        (year) =>
          `No holiday calendar loaded for ${year}: counted weekends only (法定节假日 and 调休 ignored)`,
      );
      return { dueAt: shanghaiMidnight(day + 1), warnings };
    }
  }
}
