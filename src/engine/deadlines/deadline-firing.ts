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

/** How far ahead of its due time a deadline may fire (clocks of two hosts differ a little). */
const EARLY_MS = 1000;

/**
 * A moment's drain that still finds due rows after its batches (held by another worker's batch
 * not committed yet, or skipped while another claim's scan held them) claims again after this
 * pause, at most this many times; what is left then is the reconciler's.
 */
const SETTLE_PAUSE_MS = 25;
const SETTLE_ROUNDS = 80;

/**
 * How a deadline fires (see docs/architecture.md, 'How a deadline fires'): a job of its due
 * moment or the reconciler asks; the row, locked, must still be `pending` and due. Its event is
 * applied as `system` through the transition pipeline; without one, or when the case refuses it,
 * the case is marked overdue (DEADLINE_OVERDUE) and observers raise the breach.
 *
 * Due deadlines are fired in batches: a batch claims the due rows of several cases
 * `FOR UPDATE SKIP LOCKED` and fires them in one transaction, DEADLINE_FIRE_PARALLEL batches at a
 * time; each case still gets its own transition (version check, event, hash-chain link, SLA
 * record) inside the batch. The batch's case rows are locked by one statement, and its cases'
 * events, SLA facts, reminders and outbox rows go to the server as one multi-row INSERT per table
 * (write-behind.ts, `deferRow`).
 */
@Injectable()
export class DeadlineFiring {
  private readonly logger = new Logger(DeadlineFiring.name);
  private readonly batchSize: number;
  private readonly parallel: number;
  /** This process's drain (fireMoment), while one runs. */
  private draining?: Promise<number>;
  /** A moment's job asked since the drain's last claim round began: it goes round once more. */
  private drainAgain = false;
  /** The latest due moment a job asked for (ms): the drain claims at least up to it. */
  private drainUntil = 0;

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
   * What the job of a due moment does (deadline-scheduler.ts, `momentJobId`): fires every pending
   * deadline due by then — or by now, if later — through this process's one drain. A job that
   * arrives while the drain runs makes it go round once more and waits for that round, so the
   * jobs of a burst share its batches (DEADLINE_FIRE_PARALLEL at a time) instead of each claiming
   * its own. Returns how many the drain fired or marked overdue.
   */
  fireMoment(dueAt: Date): Promise<number> {
    this.drainUntil = Math.max(this.drainUntil, dueAt.getTime());
    this.drainAgain = true;
    // drain() always reaches an await first (drainAgain is set), so this is assigned before it ends.
    this.draining ??= this.drain();
    return this.draining;
  }

  private async drain(): Promise<number> {
    let fired = 0;
    try {
      while (this.drainAgain) {
        this.drainAgain = false;
        const until = this.drainUntil;
        // Up to the moment asked for, even if this clock is a little behind the one that queued
        // the job; never more than EARLY_MS ahead (a job run early must not fire what is not due).
        const outcomes = await this.fireUpTo(() => {
          const now = Date.now();
          return new Date(Math.min(Math.max(now, until), now + EARLY_MS));
        }, true);
        fired += [...outcomes.values()].filter((o) => o === 'fired' || o === 'overdue').length;
      }
      return fired;
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * A job queued before one job per moment (it names its deadline): the drain fires what is due,
   * its own deadline among them; `fire` then finds it done (stale), or fires it if not due yet.
   */
  async fireFromJob(deadlineId: string): Promise<DeadlineOutcome> {
    await this.fireMoment(new Date());
    return this.fire(deadlineId);
  }

  /**
   * Fires every pending deadline due more than `graceMs` ago, in batches of DEADLINE_FIRE_BATCH,
   * DEADLINE_FIRE_PARALLEL at a time, until none is left; returns what each one became.
   */
  async fireDue(graceMs: number): Promise<Map<string, DeadlineOutcome>> {
    return this.fireUpTo(() => new Date(Date.now() - graceMs));
  }

  /**
   * Fires the pending deadlines due by `cutoff()` (asked again at each claim) until none is left.
   * A plain read first: a sweep with nothing due (the reconciler's, every round) takes no lock.
   * `settle` (a moment's drain, which must leave none of its moment behind): while a plain read
   * still finds due rows after the batches — another worker's batch holds them and has not
   * committed yet, or a claim skipped them while another scan held them — claim again after a
   * short pause (SETTLE_ROUNDS at most).
   */
  private async fireUpTo(
    cutoff: () => Date,
    settle = false,
  ): Promise<Map<string, DeadlineOutcome>> {
    const outcomes = new Map<string, DeadlineOutcome>();
    const excluded: string[] = [];
    const more = async (): Promise<boolean> =>
      (await this.fireBatch(cutoff, excluded, outcomes)) >= this.batchSize;
    for (let round = 0; await this.rows.anyDue(cutoff(), excluded); round++) {
      if (round > 0) {
        if (!settle || round > SETTLE_ROUNDS) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, SETTLE_PAUSE_MS));
      }
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
    cutoff: () => Date,
    excluded: string[],
    outcomes: Map<string, DeadlineOutcome>,
  ): Promise<number> {
    let current: string | undefined;
    try {
      const [fired, effects] = await withRetry(
        () =>
          this.cases.transaction(async (m) => {
            const due = await this.rows.claimDue(m, cutoff(), this.batchSize, excluded);
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
    if (deadline.dueAt.getTime() > now.getTime() + EARLY_MS) {
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
