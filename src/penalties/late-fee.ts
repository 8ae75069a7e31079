import Decimal from 'decimal.js';
import { type FieldError } from '../common/errors/domain-error';
import { assertPenaltyPolicy, DEFAULT_PENALTY_POLICY, type PenaltyPolicy } from './penalty-policy';
import { parseInstant, shanghaiDayNumber, shanghaiMidnight } from '../time/shanghai';
import { amountError } from '../common/checks';
import { InvalidPenaltyInputError } from './sanction-ladder';

/**
 * When a fine falls due and the late fee after that (docs/domain.md §5 "payment of a fine", §7
 * `execution`). Pure: `now` is an input.
 *
 * Due date (Administrative Penalty Law art. 67, counted as art. 85 and docs/domain.md §7 count `d`
 * periods): the 15 days start the day after service, on the Asia/Shanghai calendar, and end at
 * 24:00 of the 15th day, i.e. 00:00 of the 16th. Served 2026-01-20 (any time that day) → due
 * 2026-02-05T00:00+08:00. A last day falling on a holiday is NOT moved (the Law does not say so;
 * docs/domain.md §7 counts `d` periods plainly).
 *
 * Late fee (Law art. 72: 每日按罚款数额的百分之三加处罚款, 加处罚款的数额不得超出罚款的数额):
 * every Asia/Shanghai calendar day on which the fine is unpaid after the due instant counts, the
 * day it starts included: with the due instant at 00:00 of the 16th, the 16th is day 1 from its
 * first second, the 17th day 2, and so on. Days paused for an appeal (Law art. 73) are subtracted.
 * fee = fine × rate × days, rounded once, half up to the cent, and never more than the fine.
 */

const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
const money = (d: InstanceType<typeof Dec>): string => d.toFixed(2, Decimal.ROUND_HALF_UP);

/**
 * When a fine served at `servedAt` falls due: 00:00 Asia/Shanghai of the day after the last of
 * `policy.fineDueDays` days (the 15th day's 24:00). ISO instant (UTC), e.g. "2026-02-04T16:00:00.000Z".
 */
export function fineDueAt(
  servedAt: string,
  policy: PenaltyPolicy = DEFAULT_PENALTY_POLICY,
): string {
  assertPenaltyPolicy(policy);
  const served = parseInstant(servedAt);
  if (served === null) {
    throw new InvalidPenaltyInputError([
      {
        field: 'servedAt',
        message: `must be an ISO date-time with a zone or a date YYYY-MM-DD (got ${JSON.stringify(servedAt)})`,
      },
    ]);
  }
  const lastDay = shanghaiDayNumber(served) + policy.fineDueDays;
  return shanghaiMidnight(lastDay + 1).toISOString();
}

export interface LateFeeInput {
  /** The fine decided, two places. */
  fine: string;
  /** When it fell due (fineDueAt). */
  dueAt: string;
  now: Date;
  /** Late days not counted: an appeal ran (Law art. 73). Whole days, default 0. */
  pausedDays?: number;
}

export interface LateFee {
  /** Late days counted (after the pause). */
  days: number;
  /** Two places; 0.00 when not late. */
  amount: string;
}

/** The late fee on an unpaid fine at `now` (Law art. 72). Throws InvalidPenaltyInputError on bad input. */
export function lateFee(
  input: LateFeeInput,
  policy: PenaltyPolicy = DEFAULT_PENALTY_POLICY,
): LateFee {
  assertPenaltyPolicy(policy);
  const errors: FieldError[] = [];
  const fineError = amountError('fine', input.fine);
  if (fineError) {
    errors.push(fineError);
  }
  const due = parseInstant(input.dueAt);
  if (due === null) {
    errors.push({
      field: 'dueAt',
      message: `must be an ISO date-time with a zone (got ${JSON.stringify(input.dueAt)})`,
    });
  }
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) {
    errors.push({ field: 'now', message: 'must be a valid Date' });
  }
  const paused = input.pausedDays ?? 0;
  if (typeof paused !== 'number' || !Number.isInteger(paused) || paused < 0) {
    errors.push({
      field: 'pausedDays',
      message: `must be a whole number of days, 0 or more (got ${JSON.stringify(input.pausedDays)})`,
    });
  }
  if (errors.length > 0 || due === null) {
    throw new InvalidPenaltyInputError(errors);
  }

  const late =
    input.now.getTime() <= due.getTime()
      ? 0
      : shanghaiDayNumber(input.now) - shanghaiDayNumber(due) + 1;
  const days = Math.max(0, late - paused);
  const fine = new Dec(input.fine);
  const fee = Dec.min(fine.times(policy.lateFeeDailyRate).times(days), fine);
  return { days, amount: money(fee) };
}

/** An appeal's span: filed, and decided unless it still runs. */
export interface AppealSpan {
  filedAt: string;
  decidedAt?: string;
}

/**
 * Late days on which an appeal ran (Law art. 73: 加处罚款的数额在行政复议或者行政诉讼期间不予计算):
 * the Asia/Shanghai days from each appeal's filing day to its decision day, both included (to
 * `now` while it runs), that fall among the late days `lateFee` counts (the due day to today).
 * Overlapping appeals count a day once. Passed as `pausedDays`, it freezes the fee while an
 * appeal runs: the filing day and every day after it are not counted until it is decided.
 */
export function appealPausedDays(appeals: readonly AppealSpan[], dueAt: string, now: Date): number {
  const due = parseInstant(dueAt);
  if (due === null || now.getTime() <= due.getTime()) {
    return 0;
  }
  const first = shanghaiDayNumber(due);
  const last = shanghaiDayNumber(now);
  const paused = new Set<number>();
  for (const appeal of appeals) {
    const filed = parseInstant(appeal.filedAt);
    const decided = appeal.decidedAt === undefined ? now : parseInstant(appeal.decidedAt);
    if (filed === null || decided === null) {
      continue;
    }
    const from = Math.max(first, shanghaiDayNumber(filed));
    const to = Math.min(last, shanghaiDayNumber(decided));
    for (let day = from; day <= to; day++) {
      paused.add(day);
    }
  }
  return paused.size;
}
