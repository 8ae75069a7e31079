import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { withRetry } from '../../database/with-retry';
import { deadlinesFired } from '../../metrics/metrics';
import { SYSTEM } from '../actor';
import { EngineObservers } from '../engine-observers';
import { type Effects, noEffects, OutboxWriter } from '../outbox/outbox-writer';
import { CaseRepository } from '../persistence/case-repository';
import { DeadlineRepository } from '../persistence/deadline-repository';
import { observationOf } from '../transition/case-tx';
import { retryable } from '../transition/retryable';
import { TransitionPipeline } from '../transition/transition-pipeline';
import { WorkflowRegistry } from '../workflow-registry';

export type DeadlineOutcome = 'fired' | 'overdue' | 'stale' | 'not-due';

/**
 * How a deadline fires (see docs/architecture.md, 'How a deadline fires'): its job or the
 * reconciler asks; the row, locked, must still be `pending` and due. Its event is applied as
 * `system` through the transition pipeline; without one, or when the case refuses it, the case
 * is marked overdue (DEADLINE_OVERDUE) and observers raise the breach.
 */
@Injectable()
export class DeadlineFiring {
  private readonly logger = new Logger(DeadlineFiring.name);

  constructor(
    private readonly cases: CaseRepository,
    private readonly rows: DeadlineRepository,
    private readonly pipeline: TransitionPipeline,
    private readonly registry: WorkflowRegistry,
    private readonly observers: EngineObservers,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Fires one deadline, at most once: the row is locked and must still be `pending`
   * (a timer for a state the case has already left was cancelled in that transition: stale).
   */
  async fire(deadlineId: string, now = new Date(), refused?: string): Promise<DeadlineOutcome> {
    try {
      const [outcome, effects] = await withRetry(
        () => this.cases.transaction((m) => this.fireIn(m, deadlineId, now, refused)),
        { retryIf: retryable() },
      );
      this.outbox.afterCommit(effects);
      deadlinesFired.inc({ outcome });
      return outcome;
    } catch (e) {
      if (
        refused === undefined &&
        e instanceof DomainError &&
        (e.code === 'BUSINESS_RULE' || e.code === 'EVENT_NOT_ACCEPTED')
      ) {
        // The deadline's event cannot apply: record the breach rather than retry forever.
        this.logger.warn(
          `deadline ${deadlineId}: its event was refused (${e.message}); marking overdue`,
        );
        return this.fire(deadlineId, now, e.message);
      }
      throw e;
    }
  }

  /** Pending deadlines that are due by more than `graceMs` (their job never ran): fire them. */
  async reconcileDue(graceMs: number, limit = 200): Promise<number> {
    const due = await this.rows.dueIds(new Date(Date.now() - graceMs), limit);
    let fired = 0;
    for (const id of due) {
      const outcome = await this.fire(id).catch((e: Error) => {
        this.logger.warn(`reconciling deadline ${id}: ${e.message}`);
        return 'stale' as const;
      });
      if (outcome === 'fired' || outcome === 'overdue') {
        fired++;
      }
    }
    return fired;
  }

  private async fireIn(
    m: EntityManager,
    deadlineId: string,
    now: Date,
    refused: string | undefined,
  ): Promise<[DeadlineOutcome, Effects]> {
    const deadline = await this.rows.lock(m, deadlineId);
    if (!deadline || deadline.status !== 'pending') {
      return ['stale', noEffects()];
    }
    if (deadline.dueAt.getTime() > now.getTime() + 1000) {
      return ['not-due', noEffects()];
    }
    const payload = {
      deadline: deadline.name,
      dueAt: deadline.dueAt.toISOString(),
      entrySeq: deadline.entrySeq,
    };
    if (deadline.onExpireEvent && refused === undefined) {
      deadline.status = 'fired';
      deadline.firedAt = now;
      await this.rows.markFired(m, deadline);
      const [, effects] = await this.pipeline.apply(
        m,
        deadline.caseId,
        { type: deadline.onExpireEvent, ...payload },
        SYSTEM,
      );
      return ['fired', effects];
    }
    // No event to send, or the case refused it (e.g. no expert left to redraw): overdue.
    deadline.status = 'overdue';
    deadline.firedAt = now;
    await this.rows.markFired(m, deadline);
    const row = await this.cases.lock(m, deadline.caseId);
    const effects = noEffects();
    await this.pipeline.record(
      m,
      row,
      {
        type: 'DEADLINE_OVERDUE',
        actor: SYSTEM,
        payload: refused === undefined ? payload : { ...payload, refused },
        now,
      },
      effects,
    );
    const definition = this.registry.get(row.type, row.machineVersion);
    await this.observers.deadlineOverdue({
      ...observationOf({ m, row, definition, now, effects }, this.outbox),
      deadline,
    });
    return ['overdue', effects];
  }
}
