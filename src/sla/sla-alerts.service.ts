import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import { PolicyService } from '../config/policy.service';
import type { CaseDeadlineEntity } from '../engine/entities/case-deadline.entity';
import type { CaseEntity } from '../engine/entities/case.entity';
import { CaseLookup } from '../engine/case-lookup';
import type { OutboxEntity } from '../engine/entities/outbox.entity';
import { WorkflowRegistry } from '../engine/workflow-registry';
import { NotificationsService } from '../notifications/notifications.service';
import type { SlaAlertPayload } from '../queue/jobs';
import { SlaAlertEntity } from './entities/sla-alert.entity';
import { humanDuration, stateLabel, subjectOf, typeLabel } from './labels';
import { shanghaiDateTime } from '../time/shanghai';
import { SlaRecorder } from './sla-recorder.service';

export type AlertOutcome = 'sent' | 'cancelled' | 'duplicate' | 'not-due';

/** What sending an alert needs to know of it (a reminder has no row until it is sent). */
type AlertToSend = Pick<SlaAlertEntity, 'caseId' | 'kind' | 'level' | 'deadlineKey'>;

const EVENT_OF = {
  reminder: 'deadline.reminder',
  breach: 'deadline.breached',
  escalation: 'deadline.escalated',
} as const;

/**
 * Runs one SLA alert (its BullMQ job, or the reconciler for one whose job never ran): the alert
 * row is locked and acted on only while `scheduled`; a reminder goes out only while its deadline
 * is still open (and once per deadline entry), an escalation only while the deadline is still
 * overdue and open. The notifications are written in the same transaction (unique per key and
 * recipient), so a job run twice, a relay resend or a reconciler race sends once.
 */
@Injectable()
export class SlaAlertsService {
  private readonly logger = new Logger(SlaAlertsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly notifications: NotificationsService,
    private readonly policy: PolicyService,
    private readonly recorder: SlaRecorder,
    private readonly lookup: CaseLookup,
  ) {}

  /** Sends an alert due now (by id, or by its natural key), once. */
  async run(which: string | SlaAlertPayload, now = new Date()): Promise<AlertOutcome> {
    const where =
      typeof which === 'string'
        ? { id: which }
        : 'alertId' in which
          ? { id: which.alertId }
          : { deadlineId: which.deadlineId, kind: which.kind, level: which.level };
    const [outcome, outbox] = await this.dataSource.transaction(
      async (m): Promise<[AlertOutcome, OutboxEntity[]]> => {
        const alert = await m.findOne(SlaAlertEntity, {
          where,
          lock: { mode: 'pessimistic_write' },
        });
        if (!alert || alert.status !== 'scheduled') {
          return ['duplicate', []];
        }
        if (alert.dueAt.getTime() > now.getTime() + 1000) {
          return ['not-due', []];
        }
        const deadline = await this.lookup.deadline(m, alert.deadlineId);
        const row = await this.lookup.caseRow(m, alert.caseId);
        const reason = await this.whyNot(m, alert, deadline, row);
        if (reason || !deadline || !row) {
          await this.finish(m, alert, 'cancelled', reason ?? 'case or deadline gone', now);
          return ['cancelled', []];
        }
        const sent = await this.deliver(m, alert, deadline, row, now);
        await this.finish(m, alert, 'sent', `${sent.notified} notified`, now);
        return ['sent', sent.outbox];
      },
    );
    await this.notifications.dispatch(outbox);
    return outcome;
  }

  /**
   * Sends a deadline's reminder (临期提醒) once its time has come (EngineObserver.reminderAt):
   * whoever takes it from the deadline's row sends it, once, and records it as a sent
   * `sla_alerts` row; a deadline left or paused meanwhile needs none.
   */
  async remind(deadlineId: string, now = new Date()): Promise<AlertOutcome> {
    const [outcome, outbox] = await this.dataSource.transaction(
      async (m): Promise<[AlertOutcome, OutboxEntity[]]> => {
        const deadline = await this.lookup.takeReminder(m, deadlineId, now);
        if (!deadline) {
          return ['duplicate', []];
        }
        const alert: AlertToSend = {
          caseId: deadline.caseId,
          kind: 'reminder',
          level: 0,
          deadlineKey: `${deadline.kind}-${deadline.name}-${deadline.entrySeq}`,
        };
        const row = await this.lookup.caseRow(m, deadline.caseId);
        if (!row || (await this.whyNot(m, alert, deadline, row))) {
          return ['cancelled', []];
        }
        const sent = await this.deliver(m, alert, deadline, row, now);
        await m
          .createQueryBuilder()
          .insert()
          .into(SlaAlertEntity)
          .values({
            ...alert,
            deadlineId: deadline.id,
            dueAt: deadline.remindAt ?? now,
            status: 'sent',
            outcome: `${sent.notified} notified`,
            createdAt: now,
            sentAt: now,
          })
          .orIgnore()
          .updateEntity(false)
          .execute();
        return ['sent', sent.outbox];
      },
    );
    await this.notifications.dispatch(outbox);
    return outcome;
  }

  /** The notifications of an alert (and, for an escalation, the next level's alert and job). */
  private async deliver(
    m: EntityManager,
    alert: AlertToSend,
    deadline: CaseDeadlineEntity,
    row: CaseEntity,
    now: Date,
  ): Promise<{ notified: number; outbox: OutboxEntity[] }> {
    const definition = this.registry.get(row.type, row.machineVersion);
    const text = this.texts(alert, deadline, row, definition, now);
    const result = await this.notifications.notify(
      {
        type: EVENT_OF[alert.kind],
        key: `sla-${alert.kind}-${deadline.id}-${alert.level}`,
        caseId: row.id,
        caseRow: row,
        definition,
        title: text.title,
        body: text.body,
        data: {
          caseId: row.id,
          caseType: row.type,
          state: row.state,
          deadline: deadline.name,
          kind: deadline.kind,
          dueAt: deadline.dueAt.toISOString(),
          level: alert.level,
          link: `/cases/${row.id}`,
        },
      },
      m,
    );
    const outbox = [...result.outbox];
    const escalation = this.policy.notifications().escalation;
    if (alert.kind === 'escalation' && alert.level < escalation.max) {
      // Still overdue: the next level after another period, through the outbox as well.
      const scheduled: OutboxEntity[] = [];
      await this.recorder.scheduleAlert(
        {
          manager: m,
          deadline,
          caseRow: row,
          schedule: async (job) => {
            scheduled.push(await this.notifications.outboxRowFor(m, job));
          },
        },
        'escalation',
        alert.level + 1,
        this.recorder.escalationDue(now),
      );
      outbox.push(...scheduled);
    }
    return { notified: result.notified.length, outbox };
  }

  /**
   * Runs what is due from the database: reminders whose time has come (they have no job; those of
   * deadlines closed before them are forgotten in one statement), and breaches and escalations once
   * their job is more than `graceMs` late (Redis lost it, nothing ran).
   */
  async sendDue(graceMs: number, limit = 200): Promise<number> {
    const now = Date.now();
    let sent = 0;
    const reminders = await this.lookup.remindersDue(new Date(now), limit);
    await this.lookup.forgetReminders(reminders.filter((r) => !r.open).map((r) => r.id));
    for (const r of reminders.filter((d) => d.open)) {
      const outcome = await this.remind(r.id, new Date(now)).catch((e: Error) => {
        this.logger.warn(`sending the reminder of deadline ${r.id}: ${e.message}`);
        return 'duplicate' as const;
      });
      if (outcome === 'sent') {
        sent++;
      }
    }
    const due = await this.dataSource
      .getRepository(SlaAlertEntity)
      .createQueryBuilder('a')
      .select(['a.id'])
      .where("a.status = 'scheduled' AND a.due_at <= :cutoff", { cutoff: new Date(now - graceMs) })
      .orderBy('a.due_at', 'ASC')
      .limit(limit)
      .getMany();
    for (const a of due) {
      const outcome = await this.run(a.id).catch((e: Error) => {
        this.logger.warn(`sending alert ${a.id}: ${e.message}`);
        return 'duplicate' as const;
      });
      if (outcome === 'sent') {
        sent++;
      }
    }
    return sent;
  }

  private async whyNot(
    m: EntityManager,
    alert: AlertToSend,
    deadline: CaseDeadlineEntity | null,
    row: CaseEntity | null,
  ): Promise<string | undefined> {
    if (!deadline || !row) {
      return 'case or deadline gone';
    }
    switch (alert.kind) {
      case 'reminder': {
        // Late (the worker was down until after the breach) is still worth sending while the
        // deadline is open: someone still has to act. A deadline left or paused needs none.
        if (
          deadline.closedAt !== null ||
          (deadline.status !== 'pending' && deadline.status !== 'overdue')
        ) {
          return `deadline ${deadline.status}`;
        }
        const earlier = await m.count(SlaAlertEntity, {
          where: {
            caseId: alert.caseId,
            kind: 'reminder',
            deadlineKey: alert.deadlineKey,
            status: 'sent',
          },
        });
        return earlier > 0 ? 'already reminded for this deadline' : undefined;
      }
      case 'breach':
        return deadline.status === 'overdue' ? undefined : `deadline ${deadline.status}`;
      case 'escalation':
        return deadline.status === 'overdue' &&
          deadline.closedAt === null &&
          row.status === 'active'
          ? undefined
          : 'no longer overdue';
    }
  }

  private async finish(
    m: EntityManager,
    alert: SlaAlertEntity,
    status: 'sent' | 'cancelled',
    outcome: string,
    now: Date,
  ): Promise<void> {
    await m.update(
      SlaAlertEntity,
      { id: alert.id },
      { status, outcome: outcome.slice(0, 255), sentAt: status === 'sent' ? now : null },
    );
  }

  private texts(
    alert: AlertToSend,
    deadline: CaseDeadlineEntity,
    row: CaseEntity,
    definition: WorkflowDefinition,
    now: Date,
  ): { title: string; body: string } {
    const type = typeLabel(definition, row.type);
    const what =
      deadline.kind === 'state'
        ? `「${stateLabel(definition, deadline.name)}」环节`
        : `「${deadline.name}」期限（跨环节）`;
    const subject = subjectOf(row.data);
    const who = `${type}案件 ${row.id.slice(0, 8)}${subject ? `（${subject}）` : ''}`;
    const due = shanghaiDateTime(deadline.dueAt);
    switch (alert.kind) {
      case 'reminder':
        return {
          title: `【临期提醒】${type} ${what}将于 ${due} 到期`,
          body: `${who}${what}办理时限 ${deadline.duration}，已用去${Math.round(
            this.policy.notifications().reminder.at * 100,
          )}%，将于 ${due} 到期，请及时办理。`,
        };
      case 'breach':
        return {
          title: `【超期】${type} ${what}已超过办理时限`,
          body: `${who}${what}办理时限 ${deadline.duration}，已于 ${due} 到期仍未办结，请督办。`,
        };
      case 'escalation':
        return {
          title: `【超期升级${alert.level > 1 ? ` ${alert.level}级` : ''}】${type} ${what}超期 ${humanDuration(
            now.getTime() - deadline.dueAt.getTime(),
          )}`,
          body: `${who}${what}已于 ${due} 到期，超期 ${humanDuration(
            now.getTime() - deadline.dueAt.getTime(),
          )}仍未办结，请立即督办。`,
        };
    }
  }
}
