import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HEARING_WAIVED, type PenaltyCaseContext } from '../../workflows/penalty-case.machine';
import { CASE_OPENED } from '../../workflows/workflow-definition';
import { CalendarService } from '../calendar/calendar.service';
import { shanghaiDate } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import { PolicyService } from '../config/policy.service';
import { defineHooks, type HookContextOf, type HookResultOf } from '../engine/define-hooks';
import { EventHandlerRegistry } from '../engine/event-handlers';
import { NotificationsService } from '../notifications/notifications.service';
import { UsersService } from '../users/users.service';
import { earliestHearingDate, hearingDateProblem } from './hearing-notice';
import { partyLabel } from './penalty-party';
import { PENALTY_EVENT_PAYLOADS } from './penalty-events';

/** The notification of a hearing notice (policy `notifications.events["hearing.notice"]`). */
export const HEARING_NOTICE_EVENT = 'hearing.notice';

/** Refused presiding officer: the 403's `rule`, as separated duties name theirs. */
export const PRESIDING_RULE = 'presiding-officer-not-investigator';

/**
 * The hearing procedure of the Administrative Penalty Law art. 64 on a penalty case:
 * SCHEDULE_HEARING (听证通知) checks the notice period and the presiding officer and notifies the
 * party; HEARING_HELD is only held once notified and on or after the notified day.
 */
@Injectable()
export class HearingNoticeService implements OnModuleInit {
  constructor(
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
    private readonly calendar: CalendarService,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.handlers.registerHooks(
      defineHooks(PENALTY_EVENT_PAYLOADS, { SCHEDULE_HEARING: (ctx) => this.onSchedule(ctx) }),
    );
  }

  /**
   * 听证通知: the day at least the notice period ahead (422 naming `date`), a LEGAL officer (422
   * naming `presidingOfficerId`) who did not investigate the case (403 naming the rule, art. 64
   * (四): 听证由行政机关指定的非本案调查人员主持). The notice goes to the party through the
   * notification channels, and the event stays in the case's history.
   */
  private async onSchedule({
    caseRow,
    event: payload,
    manager,
    now,
  }: HookContextOf<typeof PENALTY_EVENT_PAYLOADS, 'SCHEDULE_HEARING'>): Promise<
    HookResultOf<typeof PENALTY_EVENT_PAYLOADS, 'SCHEDULE_HEARING'>
  > {
    const earliest = earliestHearingDate(
      now,
      this.policy.penalty().hearingNoticePeriod,
      this.calendar.current(),
    );
    const problem = hearingDateProblem(payload.date, earliest);
    if (problem !== null) {
      throw new DomainError('BUSINESS_RULE', `The hearing date ${problem}.`, {
        errors: [{ field: 'date', message: problem }],
      });
    }
    const officer = await this.users.findActive(payload.presidingOfficerId);
    if (officer === null || !officer.roles.includes('LEGAL')) {
      throw new DomainError(
        'BUSINESS_RULE',
        'The presiding officer must be an active LEGAL user.',
        {
          errors: [{ field: 'presidingOfficerId', message: 'is not an active LEGAL user' }],
        },
      );
    }
    const investigators = await investigatorsOf(manager, caseRow.id, caseRow.data.inspectionCaseId);
    if (investigators.has(officer.id)) {
      throw new DomainError(
        'FORBIDDEN',
        `Hearing procedure (${PRESIDING_RULE}): the presiding officer investigated this case; a hearing is presided over by someone who did not (Law art. 64).`,
        {
          rule: PRESIDING_RULE,
          errors: [{ field: 'presidingOfficerId', message: PRESIDING_RULE }],
        },
      );
    }
    const data = caseRow.data;
    const party = partyLabel(data);
    await this.notifications.notify(
      {
        type: HEARING_NOTICE_EVENT,
        key: `${HEARING_NOTICE_EVENT}-${caseRow.id}-${payload.date}-${officer.id}`,
        title: `听证通知：${party}，${payload.date}`,
        body: `${party}：本机关定于${payload.date}举行听证，主持人${officer.displayName}。当事人无正当理由不到场的，视为放弃听证权利（《行政处罚法》第六十四条）。`,
        caseId: caseRow.id,
        // The row as stored (a JSON record), for who may see the notice.
        caseRow: { ...caseRow, data: { ...caseRow.data } },
        userIds: [officer.id],
        data: {
          date: payload.date,
          presidingOfficerId: officer.id,
          party,
          // The party's contact for the channel that serves the notice (masked in the inbox).
          ...(data.person?.phone !== undefined ? { phone: data.person.phone } : {}),
          noticeDate: shanghaiDate(now),
        },
      },
      manager,
    );
    return { earliestDate: earliest };
  }

  /**
   * Called from the HEARING_HELD hook: a hearing is held only after its notice and not before its
   * day; a waiver (the party absent without reason) keeps the proposal as it is. 422 naming why.
   */
  checkHeld(data: PenaltyCaseContext, outcome: string, sanctions: unknown, now: Date): void {
    const schedule = data.hearingSchedule;
    if (schedule === undefined) {
      throw new DomainError(
        'BUSINESS_RULE',
        'The hearing was not notified: schedule it first (SCHEDULE_HEARING, Law art. 64).',
        { errors: [{ field: 'type', message: 'no hearing notice yet' }] },
      );
    }
    if (shanghaiDate(now) < schedule.date) {
      throw new DomainError('BUSINESS_RULE', `The hearing is notified for ${schedule.date}.`, {
        errors: [{ field: 'type', message: `the hearing day ${schedule.date} has not come` }],
      });
    }
    if (outcome === HEARING_WAIVED && sanctions !== undefined) {
      throw new DomainError(
        'BUSINESS_RULE',
        'A waived hearing heard nothing: it keeps the proposal (send no sanctions).',
        { errors: [{ field: 'sanctions', message: 'not with a waived hearing' }] },
      );
    }
  }
}

/**
 * Who investigated the case (本案调查人员): whoever filed it or recorded or returned to its
 * investigation, and the team of the inspection that opened it.
 */
async function investigatorsOf(
  m: EntityManager,
  caseId: string,
  inspectionCaseId: unknown,
): Promise<Set<string>> {
  const rows = await m.query<Array<{ actor: string }>>(
    `SELECT DISTINCT actor FROM case_events
      WHERE case_id = ? AND (type IN (?, 'RECORD_INVESTIGATION', 'REFER_POLICE', 'CLOSE_NO_VIOLATION')
        OR from_state = 'investigation')`,
    [caseId, CASE_OPENED],
  );
  const ids = new Set(rows.map((r) => r.actor));
  if (typeof inspectionCaseId === 'string') {
    const team = await m.query<Array<{ user_id: string }>>(
      'SELECT user_id FROM case_members WHERE case_id = ?',
      [inspectionCaseId],
    );
    team.forEach((t) => ids.add(t.user_id));
  }
  return ids;
}
