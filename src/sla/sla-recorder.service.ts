import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { PolicyService } from '../config/policy.service';
import type { CaseChange, DeadlineChange, NewDeadline } from '../engine/engine-observers';
import { EngineObservers } from '../engine/engine-observers';
import type { CaseEntity } from '../engine/entities/case.entity';
import { JOBS, jobId } from '../queue/jobs';
import { SlaAlertEntity, type SlaAlertKind } from './entities/sla-alert.entity';
import { reliefFigures } from './relief-indicators';
import { SlaJournal } from './sla-journal.service';
import type { StageFact } from './stage-fold';

/**
 * Keeps the SLA tables in step with the engine (an observer of its transactions): what each change
 * means for the stage records (`sla_records`, one row per case × stage entry), the rollups the
 * summary reads and the relief indicators goes to the SLA journal in the transition's
 * transaction, and is folded into those tables after the commit (SlaJournal); each deadline's
 * reminder time goes to the engine (reminderAt), and breach / escalation alerts are written here,
 * with their jobs in the outbox.
 */
@Injectable()
export class SlaRecorder implements OnModuleInit {
  /** Due times of the deadlines written in a transaction (keyed by its EntityManager). */
  private readonly freshDue = new WeakMap<EntityManager, Map<string, Date>>();

  constructor(
    private readonly observers: EngineObservers,
    private readonly policy: PolicyService,
    private readonly calendar: CalendarService,
    private readonly journal: SlaJournal,
  ) {}

  onModuleInit(): void {
    this.observers.register({
      caseChanged: (c) => this.caseChanged(c),
      deadlineStarted: (d) => this.deadlineStarted(d),
      deadlineOverdue: (d) => this.deadlineOverdue(d),
      reminderAt: (d, row) => this.reminderAt(d, row),
    });
  }

  // ------------------------------------------------------------------ stages

  async caseChanged(c: CaseChange): Promise<void> {
    const { manager: m, caseRow: row, now } = c;
    const closedNow = row.status === 'closed' && row.closedAt?.getTime() === now.getTime();
    if (c.fromState === row.state && c.assigneeBefore === row.assigneeId && !closedNow) {
      return; // nothing the SLA tracks changed (a note, a breach record, a linked case)
    }
    const stage = row.status === 'active' ? row.state : null;
    const declared = stage === null ? undefined : c.definition.deadlines[stage];
    const fact: StageFact = {
      kind: 'stage',
      at: now.getTime(),
      caseType: row.type,
      streetCode: row.streetCode,
      assigneeId: row.assigneeId,
      stage,
      entrySeq: row.version,
      // Should the stage be new: its deadline, written by this transaction (deadlineStarted ran
      // first), or a parent state's deadline still running (nested states).
      dueAt: stage !== null && stage !== c.fromState ? await this.stageDue(m, row) : null,
      pausesSla: declared?.pausesSla === true,
      duty: declared !== undefined && declared.onExpire === 'overdue',
      caseClosed: closedNow && c.fromState !== row.state,
    };
    if (row.type === 'relief-application' && row.state === 'paid' && c.fromState !== 'paid') {
      const year = Number((row.data as { year?: unknown }).year);
      if (Number.isInteger(year)) {
        fact.relief = { year, streetCode: row.streetCode ?? '', ...reliefFigures(row.data) };
      }
    }
    await this.journal.append(m, row.id, row.version, fact);
  }

  /** The due time of the stage a case just entered (epoch ms), or null when it has none. */
  private async stageDue(m: EntityManager, row: CaseEntity): Promise<number | null> {
    const fresh = this.freshDue.get(m)?.get(`${row.id}/${row.state}`);
    if (fresh !== undefined) {
      return fresh.getTime();
    }
    if (!row.state.includes('.')) {
      return null; // a flat state's only deadline is the one just written (fresh)
    }
    const due = await m
      .createQueryBuilder()
      .select('MIN(d.due_at)', 'due')
      .from('case_deadlines', 'd')
      .where(
        "d.case_id = :id AND d.kind = 'state' AND d.closed_at IS NULL AND d.status = 'pending'",
        { id: row.id },
      )
      .getRawOne<{ due: Date | string | null }>();
    return due?.due ? new Date(due.due).getTime() : null;
  }

  // ------------------------------------------------------------------ deadlines and alerts

  async deadlineStarted(c: DeadlineChange): Promise<void> {
    const { manager: m, deadline: d, caseRow: row } = c;
    if (d.kind === 'state' && d.restart === 0) {
      // A state just entered: its stage record is written after this (caseChanged) with this due.
      let byCase = this.freshDue.get(m);
      if (!byCase) {
        byCase = new Map();
        this.freshDue.set(m, byCase);
      }
      byCase.set(`${row.id}/${d.name}`, d.dueAt);
    } else if (d.kind === 'state') {
      // A deadline started again in the same stage (a panel redrawn) moves the stage's due time.
      await this.journal.append(m, row.id, row.version, {
        kind: 'due',
        at: c.now.getTime(),
        state: d.name,
        dueAt: d.dueAt.getTime(),
      });
    }
  }

  /**
   * A deadline someone must act on reminds them at `notifications.reminder.at` of its span (75%):
   * the engine keeps the time on the deadline's row and forgets it if the stage is left first, and
   * the SLA worker's round sends the due ones (SlaAlertsService.sendDue). Nothing is written for
   * it until then: most stages are left before their reminder.
   */
  reminderAt(d: NewDeadline, row: CaseEntity): Date | null {
    if (!this.remindable(row, d)) {
      return null;
    }
    const span = d.dueAt.getTime() - d.startedAt.getTime();
    return new Date(d.startedAt.getTime() + span * this.policy.notifications().reminder.at);
  }

  async deadlineOverdue(c: DeadlineChange): Promise<void> {
    const { manager: m, deadline: d, caseRow: row, now } = c;
    if (d.kind === 'state') {
      await this.journal.append(m, row.id, row.version, { kind: 'breach', at: now.getTime() });
    }
    await this.scheduleAlert(c, 'breach', 0, now);
    if (this.policy.notifications().escalation.max >= 1) {
      await this.scheduleAlert(c, 'escalation', 1, this.escalationDue(now));
    }
  }

  /** When a case still overdue escalates next: `notifications.escalation.after` from now. */
  escalationDue(now: Date): Date {
    return this.calendar.dueAt(now, this.policy.notifications().escalation.after).dueAt;
  }

  /** Overdue deadlines always; event deadlines someone still acts on when the policy says so. */
  private remindable(row: CaseEntity, d: Pick<NewDeadline, 'name' | 'onExpireEvent'>): boolean {
    return (
      d.onExpireEvent === null ||
      this.policy.notifications().reminder.alsoFor.includes(`${row.type}.${d.name}`)
    );
  }

  /** An alert row and its job (outbox), once per (deadline, kind, level). */
  async scheduleAlert(
    c: Pick<DeadlineChange, 'manager' | 'deadline' | 'caseRow' | 'schedule'>,
    kind: SlaAlertKind,
    level: number,
    dueAt: Date,
  ): Promise<void> {
    const d = c.deadline;
    const inserted = await c.manager
      .createQueryBuilder()
      .insert()
      .into(SlaAlertEntity)
      .values({
        caseId: c.caseRow.id,
        deadlineId: d.id,
        kind,
        level,
        deadlineKey: `${d.kind}-${d.name}-${d.entrySeq}`,
        dueAt,
        status: 'scheduled',
        outcome: null,
        createdAt: new Date(),
        sentAt: null,
      })
      .orIgnore()
      .updateEntity(false) // the insert id is enough: no re-select of the defaulted columns
      .execute();
    if (((inserted.raw as { affectedRows?: number }).affectedRows ?? 0) === 0) {
      return;
    }
    const alertId = String(
      inserted.identifiers[0]?.id ?? (inserted.raw as { insertId: number }).insertId,
    );
    await c.schedule({
      queue: JOBS.slaAlert.queue,
      jobName: JOBS.slaAlert.name,
      jobId: jobId('sla', kind, c.caseRow.id, d.id, level),
      payload: { alertId },
      runAt: dueAt,
    });
  }
}
