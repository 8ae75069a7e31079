import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { Environment } from '../../config/environment';
import { DomainError } from '../../common/errors/domain-error';
import { withRetry } from '../../database/with-retry';
import { deadlinesFired } from '../../metrics/metrics';
import { SYSTEM } from '../actor';
import { EngineObservers } from '../engine-observers';
import { type Effects, noEffects, OutboxWriter } from '../outbox/outbox-writer';
import { CaseRepository } from '../persistence/case-repository';
import { DeadlineRepository } from '../persistence/deadline-repository';
import type { CaseDeadlineEntity } from '../entities/case-deadline.entity';
import { observationOf } from '../transition/case-tx';
import { retryable } from '../transition/retryable';
import { TransitionPipeline } from '../transition/transition-pipeline';
import { WorkflowRegistry } from '../workflow-registry';

export type DeadlineOutcome = 'fired' | 'overdue' | 'stale' | 'not-due';

/** How many deadline ids fired here a job may still find already done (a burst's worth, and more). */
const RECENT_KEPT = 20_000;

/**
 * How a deadline fires (see docs/architecture.md, 'How a deadline fires'): its job or the
 * reconciler asks; the row, locked, must still be `pending` and due. Its event is applied as
 * `system` through the transition pipeline; without one, or when the case refuses it, the case
 * is marked overdue (DEADLINE_OVERDUE) and observers raise the breach.
 *
 * A burst (many deadlines due together) is fired in batches: the first job to run claims the due
 * rows of many cases `FOR UPDATE SKIP LOCKED` and fires them in one transaction each batch, a few
 * batches at a time; each case still gets its own transition (version check, event, hash-chain
 * link, SLA record) inside the batch. The batch's case rows are locked by one statement, and its
 * cases' events, SLA facts, reminders and outbox rows go to the server as one multi-row INSERT
 * per table (write-behind.ts, `deferRow`). The jobs of the deadlines a batch took then find
 * them done.
 */
@Injectable()
export class DeadlineFiring {
  private readonly logger = new Logger(DeadlineFiring.name);
  private readonly batchSize: number;
  private readonly parallel: number;
  /** Deadlines a batch of this process holds, until its commit: their jobs wait for it here. */
  private readonly inFlight = new Map<string, Promise<DeadlineOutcome | undefined>>();
  /** Deadlines fired by this process's batches lately (insertion order: the oldest go first). */
  private readonly recent = new Map<string, DeadlineOutcome>();

  constructor(
    private readonly cases: CaseRepository,
    private readonly rows: DeadlineRepository,
    private readonly pipeline: TransitionPipeline,
    private readonly registry: WorkflowRegistry,
    private readonly observers: EngineObservers,
    private readonly outbox: OutboxWriter,
    config: ConfigService<Environment, true>,
  ) {
    this.batchSize = config.get('DEADLINE_FIRE_BATCH', { infer: true });
    this.parallel = config.get('DEADLINE_FIRE_PARALLEL', { infer: true });
  }

  /**
   * What a deadline's job does: if a batch of this process fired or holds its deadline, that
   * outcome; otherwise one batch of due deadlines (its own among them, soonest first, unless
   * another worker's batch holds it), then its own through `fire` if still needed (at most once:
   * a deadline a batch fired is no longer `pending`). In a burst the jobs running at once
   * (WORKER_CONCURRENCY) each take their own batch, so the burst is fired by that many
   * transactions in parallel, and the later jobs find their deadline done without a query.
   */
  async fireFromJob(deadlineId: string): Promise<DeadlineOutcome> {
    const known = this.recent.get(deadlineId) ?? (await this.inFlight.get(deadlineId));
    if (known) {
      return known;
    }
    const outcomes = new Map<string, DeadlineOutcome>();
    await this.fireBatch(0, [], outcomes);
    const done =
      outcomes.get(deadlineId) ??
      this.recent.get(deadlineId) ??
      (await this.inFlight.get(deadlineId));
    return done ?? this.fire(deadlineId);
  }

  /**
   * Fires every pending deadline due more than `graceMs` ago, in batches of DEADLINE_FIRE_BATCH,
   * DEADLINE_FIRE_PARALLEL at a time, until none is left; returns what each one became.
   */
  async fireDue(graceMs: number): Promise<Map<string, DeadlineOutcome>> {
    const outcomes = new Map<string, DeadlineOutcome>();
    const excluded: string[] = [];
    const more = async (): Promise<boolean> =>
      (await this.fireBatch(graceMs, excluded, outcomes)) >= this.batchSize;
    // One batch first: a lone deadline (the usual case) costs one claim, not one per loop.
    if (await more()) {
      await Promise.all(
        Array.from({ length: this.parallel }, async () => {
          while (await more()) {
            // a full batch: there may be more
          }
        }),
      );
    }
    return outcomes;
  }

  /**
   * One batch transaction: claims due rows, fires each (its own apply, its own `fired_at`), and
   * hands the batch's jobs to BullMQ after the commit in one go. If one deadline's transition
   * fails, the batch rolls back; that deadline goes alone through `fire` (which records a refused
   * event as overdue) and the others are claimed again by the next batch. Returns how many rows
   * were claimed.
   */
  private async fireBatch(
    graceMs: number,
    excluded: string[],
    outcomes: Map<string, DeadlineOutcome>,
  ): Promise<number> {
    let current: string | undefined;
    let settle: (fired: Map<string, DeadlineOutcome>) => void = () => undefined;
    const settled = new Promise<Map<string, DeadlineOutcome>>((resolve) => {
      settle = resolve;
    });
    const held: string[] = [];
    try {
      const [fired, effects] = await withRetry(
        () =>
          this.cases.transaction(async (m) => {
            const due = await this.rows.claimDue(
              m,
              new Date(Date.now() - graceMs),
              this.batchSize,
              excluded,
            );
            for (const d of due) {
              if (!this.inFlight.has(d.id)) {
                held.push(d.id);
                this.inFlight.set(
                  d.id,
                  settled.then((fired) => fired.get(d.id)),
                );
              }
            }
            // The batch's cases in one locking read, not one round trip per case.
            await this.cases.lockMany(
              m,
              due.map((d) => d.caseId),
            );
            const done: Array<[string, DeadlineOutcome]> = [];
            const all = noEffects();
            for (const deadline of due) {
              current = deadline.id;
              const [outcome, effects] = await this.fireRow(m, deadline, new Date(), undefined);
              all.outbox.push(...effects.outbox);
              done.push([deadline.id, outcome]);
            }
            current = undefined;
            return [done, all] as const;
          }),
        { retryIf: retryable() },
      );
      this.outbox.afterCommit(effects);
      for (const [id, outcome] of fired) {
        outcomes.set(id, outcome);
        this.remember(id, outcome);
        deadlinesFired.inc({ outcome });
      }
      return fired.length;
    } catch (e) {
      if (current === undefined) {
        throw e;
      }
      const alone = current;
      excluded.push(alone);
      const outcome = await this.fire(alone).catch((err: Error) => {
        this.logger.warn(`deadline ${alone}: ${err.message}`);
        return undefined;
      });
      if (outcome) {
        outcomes.set(alone, outcome);
      }
      return this.batchSize; // the rest of the batch is still due: go on
    } finally {
      // Waiting jobs learn the outcome (undefined after a rollback: they fire their own).
      settle(outcomes);
      held.forEach((id) => this.inFlight.delete(id));
    }
  }

  private remember(id: string, outcome: DeadlineOutcome): void {
    this.recent.set(id, outcome);
    if (this.recent.size > RECENT_KEPT) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) {
        this.recent.delete(oldest.value);
      }
    }
  }

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

  /** Pending deadlines due by more than `graceMs` (their job never ran): fired in batches. */
  async reconcileDue(graceMs: number): Promise<number> {
    const outcomes = await this.fireDue(graceMs);
    return [...outcomes.values()].filter((o) => o === 'fired' || o === 'overdue').length;
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
    return this.fireRow(m, deadline, now, refused);
  }

  /** Fires a locked, pending, due deadline row: its event through the pipeline, or overdue. */
  private async fireRow(
    m: EntityManager,
    deadline: CaseDeadlineEntity,
    now: Date,
    refused: string | undefined,
  ): Promise<[DeadlineOutcome, Effects]> {
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
