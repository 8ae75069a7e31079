import type { CaseView, DeadlineView } from '../api/types';
import { SHANGHAI_OFFSET_MS, shanghaiDate } from '../../../src/time/shanghai';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * Whom a case is about: the applicant (relief, hearing), the institution (inspection, penalty) or
 * the insured person of an art. 41 penalty case — by name and the resident ID as the service
 * sent it (masked outside the case view).
 */
export function caseSubject(c: Pick<CaseView, 'data'>): string {
  const { applicant, institution, respondent, person } = c.data;
  return (
    (isRecord(applicant) ? text(applicant.name) : undefined) ??
    (isRecord(institution) ? text(institution.name) : undefined) ??
    (isRecord(person) ? personText(person) : undefined) ??
    (isRecord(respondent) ? text(respondent.name) : undefined) ??
    '–'
  );
}

function personText(person: Record<string, unknown>): string | undefined {
  const name = text(person.name);
  const id = text(person.idNumber);
  return name === undefined ? undefined : id === undefined ? name : `${name}（${id}）`;
}

/** A field of the case's data when it is a plain object (e.g. `applicant`). */
export function dataObject(
  c: Pick<CaseView, 'data'>,
  key: string,
): Record<string, unknown> | undefined {
  const value = c.data[key];
  return isRecord(value) ? value : undefined;
}

export function dataText(c: Pick<CaseView, 'data'>, key: string): string | undefined {
  return text(c.data[key]);
}

/** The deadline that matters most: the earliest one still open. */
export function firstDeadline(c: Pick<CaseView, 'deadlines'>): DeadlineView | undefined {
  return [...c.deadlines].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Working days from today to a deadline's last day, Monday to Friday (a `wd` deadline's
 * `dueAt` is 00:00 of the day after its last day). Holidays are not known here: the figure
 * is what the list sorts and colours by; the due time itself is exact.
 */
export function workingDaysLeft(dueAt: string, now = Date.now()): number {
  const due = new Date(dueAt).getTime();
  const last = shanghaiDate(due - 1);
  let count = 0;
  for (let t = now; shanghaiDate(t) <= last && count < 400; t += DAY) {
    const weekday = new Date(t + SHANGHAI_OFFSET_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6) {
      count += 1;
    }
  }
  return count;
}

export interface TimeLeft {
  overdue: boolean;
  text: string;
}

/** 剩余 3 个工作日 / 剩余 5 小时 / 已超期 2 天. */
export function timeLeft(
  deadline: Pick<DeadlineView, 'dueAt' | 'overdue'>,
  now = Date.now(),
): TimeLeft {
  const ms = new Date(deadline.dueAt).getTime() - now;
  if (deadline.overdue || ms <= 0) {
    const late = -ms;
    return {
      overdue: true,
      text:
        late >= DAY
          ? `已超期 ${Math.floor(late / DAY)} 天`
          : late >= 3_600_000
            ? `已超期 ${Math.floor(late / 3_600_000)} 小时`
            : '已超期',
    };
  }
  if (ms < DAY) {
    const text =
      ms >= 3_600_000
        ? `剩余 ${Math.floor(ms / 3_600_000)} 小时`
        : ms >= 60_000
          ? `剩余 ${Math.floor(ms / 60_000)} 分钟`
          : `剩余 ${Math.max(1, Math.floor(ms / 1000))} 秒`;
    return { overdue: false, text };
  }
  return { overdue: false, text: `剩余 ${workingDaysLeft(deadline.dueAt, now)} 个工作日` };
}
