import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import type { OutboxJob } from '../queue/jobs';
import type { CaseDeadlineEntity } from './entities/case-deadline.entity';
import type { CaseEntity } from './entities/case.entity';
import type { NewDeadline } from './persistence/deadline-repository';

export type { NewDeadline };

/** A job an observer asks for: written to the outbox in the same transaction, sent after commit. */
export type ScheduledJob = OutboxJob;

export interface Observation {
  /** The transaction of the change: everything an observer writes commits or rolls back with it. */
  manager: EntityManager;
  /** The case as it is after the change. */
  caseRow: CaseEntity;
  definition: WorkflowDefinition;
  now: Date;
  schedule(job: ScheduledJob): Promise<void>;
}

/** A case was opened, moved, or had an event recorded (claim, reassignment, a breach). */
export interface CaseChange extends Observation {
  eventType: string;
  actorId: string;
  /** null when the case was just opened. */
  fromState: string | null;
  assigneeBefore: string | null;
}

export interface DeadlineChange extends Observation {
  deadline: CaseDeadlineEntity;
}

/**
 * What other modules (SLA records, reminders, breach alerts) learn from the engine, inside the
 * engine's own transaction, so their rows are always consistent with the case: the engine stays
 * ignorant of them and they never re-derive what the engine already knows.
 */
export interface EngineObserver {
  /** After every persisted change of a case (opening, transition, recorded event). */
  caseChanged?(change: CaseChange): Promise<void>;
  /** A deadline row was written (a state entered, a clock started, resumed, extended or restarted). */
  deadlineStarted?(change: DeadlineChange): Promise<void>;
  /** A deadline passed without its event: the case was marked overdue (DEADLINE_OVERDUE). */
  deadlineOverdue?(change: DeadlineChange): Promise<void>;
  /**
   * When a deadline about to be written should remind whoever must act (临期提醒), or null. The
   * engine keeps the time on the deadline's row (`remind_at`); closing the deadline leaves it
   * there, so a stage left early costs the transition nothing more. `CaseLookup.remindersDue`
   * lists the due ones; those of deadlines closed meanwhile are forgotten in bulk.
   */
  reminderAt?(deadline: NewDeadline, caseRow: CaseEntity): Date | null;
}

@Injectable()
export class EngineObservers {
  private readonly observers: EngineObserver[] = [];

  register(observer: EngineObserver): void {
    this.observers.push(observer);
  }

  async caseChanged(change: CaseChange): Promise<void> {
    for (const o of this.observers) {
      await o.caseChanged?.(change);
    }
  }

  async deadlineStarted(change: DeadlineChange): Promise<void> {
    for (const o of this.observers) {
      await o.deadlineStarted?.(change);
    }
  }

  async deadlineOverdue(change: DeadlineChange): Promise<void> {
    for (const o of this.observers) {
      await o.deadlineOverdue?.(change);
    }
  }

  /** The earliest reminder any observer wants for the deadline, or null. */
  reminderAt(deadline: NewDeadline, caseRow: CaseEntity): Date | null {
    let earliest: Date | null = null;
    for (const o of this.observers) {
      const at = o.reminderAt?.(deadline, caseRow) ?? null;
      if (at !== null && (earliest === null || at.getTime() < earliest.getTime())) {
        earliest = at;
      }
    }
    return earliest;
  }
}
