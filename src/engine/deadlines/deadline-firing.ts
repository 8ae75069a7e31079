import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { Environment } from '../../config/environment';
import { DomainError } from '../../common/errors/domain-error';
import { withRetry } from '../../database/with-retry';
import { deadlineBatchesYielded, deadlinesFired } from '../../metrics/metrics';
import { SYSTEM } from '../actor';
import { EngineObservers } from '../engine-observers';
import { type Effects, noEffects, OutboxWriter } from '../outbox/outbox-writer';
import { CaseRepository } from '../persistence/case-repository';
import { DeadlineRepository } from '../persistence/deadline-repository';
import { keepsRelated, KnownRelated } from '../persistence/related-rows';
import type { CaseDeadlineEntity } from '../entities/case-deadline.entity';
import type { CaseEntity } from '../entities/case.entity';
import { observationOf } from '../transition/case-tx';
import { retryable } from '../transition/retryable';
import { TransitionPipeline } from '../transition/transition-pipeline';
import { WorkflowRegistry } from '../workflow-registry';

export type DeadlineOutcome = 'fired' | 'overdue' | 'stale' | 'not-due';

/**
 * How far ahead of its due time a deadline may be claimed at least (clocks of two hosts differ a
 * little); its COMMIT still waits for the due time by this host's clock.
 */
const EARLY_MS = 1000;

/**
 * A batch prepared ahead of its due time takes only the deadlines due within this much of the
 * soonest one: its COMMIT waits for the last of them, and the first must not wait long.
 */
const PREPARE_WINDOW_MS = 20;

/**
 * How often held batches ask the server whether another transaction waits for their locks: every
 * 150–250 ms, at random. InnoDB refreshes its lock-wait tables only when nobody read them for
 * 0.1 s, so the watchers of several workers must not keep reading them in turn.
 */
const LOCK_WATCH_MS = 150;
const LOCK_WATCH_JITTER_MS = 100;

/**
 * Another transaction waits for a lock of a batch held until its due time (an event sent to one of
 * its cases before the deadline): the batch rolls back and is prepared again after that event.
 */
class YieldToWaiter extends Error {
  constructor() {
    super('a held deadline batch yields to a transaction waiting for its locks');
  }
}

/**
 * A moment's drain that still finds due rows after its batches (held by another worker's batch
 * not committed yet, or skipped while another claim's scan held them) claims again after this
 * pause, at most this many times; what is left then is the reconciler's.
 */
const SETTLE_PAUSE_MS = 25;
const SETTLE_ROUNDS = 80;

/**
 * What the batch loops of one drain share: `claims`, the deadlines of batches in flight;
 * `excluded`, those that failed in a batch (each then fired alone); `waiting`, the small moments
 * (ms) loops wait for, to fire them when due. A loop claiming meanwhile looks past those moments,
 * so a burst due just after a lone timer is still prepared ahead, by another loop.
 */
interface DrainIds {
  excluded: string[];
  claims: Set<string>;
  waiting: number[];
  /** Loops back from waiting for a small moment, now due: their next claims skip the look first. */
  woken: number;
}

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
 *
 * A moment's job runs DEADLINE_PREPARE_MS before the moment. Its batches (DEADLINE_PREPARE_BATCH
 * deadlines each) do everything ahead — claim, lock, transitions recorded at the due time, writes
 * sent to the server — and hold only the COMMIT until the due time: a burst becomes visible when
 * it is due, not one transition after another after it. Nothing commits before its due time.
 */
@Injectable()
export class DeadlineFiring implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadlineFiring.name);
  private readonly batchSize: number;
  private readonly parallel: number;
  private readonly prepareBatch: number;
  /** How far ahead of the moment its job asks (the claim may go that far ahead of now). */
  private readonly ahead: number;
  /** False once the server refused to show lock waits (no PROCESS privilege): nothing prepared. */
  private lockWaitsVisible = true;
  /** Batches held until their due time, by their connection's id: how to make each yield. */
  private readonly held = new Map<string, () => void>();
  /** The loop that watches lock waits while batches are held (watchLockWaits). */
  private watching?: Promise<void>;
  /** This process's drain (fireMoment), while one runs. */
  private draining?: Promise<number>;
  /** A moment's job asked since the drain's last claim round began: it goes round once more. */
  private drainAgain = false;
  /** The latest due moment a job asked for (ms): the drain claims at least up to it. */
  private drainUntil = 0;
  /** Shutting down: no new batch starts, held ones roll back. */
  private stopped = false;
  /** While the drain runs: starts another batch loop if one is free (a moment was asked). */
  private extendDrain?: () => void;
  /** Moments' jobs waiting until nothing due by their moment is left pending (awaitMoment). */
  private readonly waiters: Array<{ at: number; done: () => void }> = [];

  constructor(
    private readonly cases: CaseRepository,
    private readonly rows: DeadlineRepository,
    private readonly pipeline: TransitionPipeline,
    private readonly registry: WorkflowRegistry,
    private readonly observers: EngineObservers,
    private readonly outbox: OutboxWriter,
    private readonly known: KnownRelated,
    config: ConfigService<Environment, true>,
  ) {
    this.batchSize = config.get('DEADLINE_FIRE_BATCH', { infer: true });
    this.parallel = config.get('DEADLINE_FIRE_PARALLEL', { infer: true });
    this.prepareBatch = config.get('DEADLINE_PREPARE_BATCH', { infer: true });
    this.ahead = Math.max(EARLY_MS, config.get('DEADLINE_PREPARE_MS', { infer: true }));
  }

  /** Stops the drain (held batches roll back: their deadlines stay pending) and waits for it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const yieldNow of this.held.values()) {
      yieldNow();
    }
    await this.draining?.catch(() => undefined);
  }

  /**
   * What the job of a due moment does (deadline-scheduler.ts, `momentJobId`): asks the drain for
   * it (fireMoment) and waits until nothing due by then is left pending, or the drain ends —
   * not for the drain's end alone: timers due one after another keep it going, and their jobs,
   * queued ahead of their moments, would all be waiting. Returns how many the drain fired if it
   * ended first, else null.
   */
  async awaitMoment(dueAt: Date): Promise<number | null> {
    let done: () => void = () => undefined;
    const settled = new Promise<null>((resolve) => (done = () => resolve(null)));
    const waiter = { at: dueAt.getTime(), done };
    this.waiters.push(waiter);
    try {
      return await Promise.race([settled, this.fireMoment(dueAt)]);
    } finally {
      const i = this.waiters.indexOf(waiter);
      if (i >= 0) {
        this.waiters.splice(i, 1);
      }
    }
  }

  /**
   * Fires every pending deadline due by `dueAt` — or by now, if later — through this process's
   * one drain. A request that arrives while the drain runs extends it and makes it go round once
   * more, so the moments of a burst share its batches (DEADLINE_FIRE_PARALLEL at a time) instead
   * of each claiming its own. Resolves, when the drain ends, with how many it fired or marked
   * overdue.
   */
  fireMoment(dueAt: Date): Promise<number> {
    this.drainUntil = Math.max(this.drainUntil, dueAt.getTime());
    this.drainAgain = true;
    this.extendDrain?.();
    // drain() always reaches an await first (drainAgain is set), so this is assigned before it ends.
    this.draining ??= this.drain();
    return this.draining;
  }

  private async drain(): Promise<number> {
    let fired = 0;
    try {
      while (this.drainAgain && !this.stopped) {
        this.drainAgain = false;
        // Up to the latest moment asked for (a job arriving meanwhile extends the round), prepared
        // ahead (DEADLINE_PREPARE_MS), or ahead by a little even if this clock is behind the one
        // that queued the job; commits wait for due times.
        const outcomes = await this.fireUpTo(() => {
          const now = Date.now();
          return new Date(Math.min(Math.max(now, this.drainUntil), now + this.ahead));
        }, true);
        fired += [...outcomes.values()].filter((o) => o === 'fired' || o === 'overdue').length;
      }
      return fired;
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * After a batch: the jobs whose moment has come and before which nothing is pending any more
   * (a plain read: a held batch's rows still count) stop waiting.
   */
  private async settleWaiters(): Promise<void> {
    const now = Date.now();
    const ready = this.waiters.filter((w) => w.at <= now);
    if (ready.length === 0) {
      return;
    }
    const first = await this.rows.earliestPending(new Date(Math.max(...ready.map((w) => w.at))));
    for (const waiter of ready) {
      if (first === null || waiter.at < first.getTime()) {
        waiter.done();
      }
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
    const ids: DrainIds = { excluded: [], claims: new Set(), waiting: [], woken: 0 };
    const { excluded } = ids;
    const more = (claimed?: (more: boolean) => void): Promise<boolean> =>
      this.fireBatch(cutoff, ids, outcomes, claimed);
    // Batch loops, DEADLINE_FIRE_PARALLEL at most at a time; each goes on while its batches say
    // there may be more (a full batch, or a moment prepared ahead: a later one may follow).
    let active = 0;
    const running: Array<Promise<void>> = [];
    const spawn = (first?: Promise<boolean>): void => {
      if (active >= this.parallel || this.stopped) {
        if (first) {
          running.push(first.then(() => undefined)); // a batch begun is still waited for
        }
        return;
      }
      active += 1;
      running.push(
        (async () => {
          try {
            let next = first ?? more();
            while ((await next) && !this.stopped) {
              next = more();
            }
          } finally {
            active -= 1;
          }
        })(),
      );
    };
    const settled = async (): Promise<void> => {
      while (running.length > 0) {
        await Promise.all(running.splice(0));
      }
    };
    if (settle) {
      // A moment asked while the drain runs: another loop claims it (ahead of its time) when
      // every loop running is holding a batch until its due time or waiting for a small moment —
      // a loop still claiming or firing takes it anyway when it goes round.
      this.extendDrain = () => {
        if (this.held.size + ids.waiting.length >= active) {
          spawn();
        }
      };
    }
    try {
      for (let round = 0, idle = 0; await this.rows.anyDue(cutoff(), excluded); round++) {
        if (this.stopped) {
          break;
        }
        if (round > 0) {
          if (!settle || idle > SETTLE_ROUNDS) {
            break;
          }
          if (idle > 0) {
            await sleep(SETTLE_PAUSE_MS);
          }
        }
        const before = outcomes.size;
        // One batch first: a lone deadline (the usual case) costs one claim, not one per loop.
        // The others start once it has claimed a full batch, or a moment ahead of time — before
        // its COMMIT, which a batch prepared ahead holds until its due time: meanwhile they
        // prepare the next moments. The first batch is a loop of its own: one that waited for a
        // small moment claims it then, while the others may be holding a later one.
        let claimed: (more: boolean) => void = () => undefined;
        const firstClaim = new Promise<boolean>((resolve) => (claimed = resolve));
        const first = more(claimed);
        const full = await Promise.race([firstClaim, first]);
        spawn(first);
        if (full) {
          for (let i = 1; i < this.parallel; i++) {
            spawn();
          }
        }
        await settled();
        idle = outcomes.size > before ? 0 : idle + 1;
      }
      await settled();
    } finally {
      if (settle) {
        this.extendDrain = undefined;
      }
    }
    return outcomes;
  }

  /**
   * One batch transaction: claims due rows, fires each (its own apply, its own `fired_at`), and
   * hands the batch's jobs to BullMQ after the commit in one go. If one deadline's transition
   * fails, the batch rolls back; that deadline goes alone through `fire` (which records a refused
   * event as overdue) and the others are claimed again by the next batch. Ahead of the due time
   * (a moment's job run early), the batch takes the soonest moment's deadlines only, up to
   * DEADLINE_PREPARE_BATCH, records each at its due time and holds its COMMIT until then.
   * `claimed` learns as soon as the claim is made whether there may be more: a full batch, or one
   * prepared ahead (a later moment may follow). Returns the same, after waiting for a small
   * moment's due time when that was all there was to claim (see DrainIds).
   */
  private async fireBatch(
    cutoff: () => Date,
    ids: DrainIds,
    outcomes: Map<string, DeadlineOutcome>,
    claimed?: (more: boolean) => void,
  ): Promise<boolean> {
    const { excluded, claims, waiting } = ids;
    let current: string | undefined;
    const mine: string[] = [];
    try {
      // A moment this drain waited for is due now: its claim need not look for the soonest first.
      const woke = ids.woken > 0;
      ids.woken = Math.max(0, ids.woken - 1);
      const [fired, effects, more] = await withRetry(
        () =>
          this.cases.transaction(async (m) => {
            // Decided by a plain read ahead of the START: a batch that finds nothing, or must wait
            // for a small moment, sends no START nor COMMIT (a lone timer's drain paid both).
            const bounds = await this.claimBounds(
              m,
              cutoff(),
              [...excluded, ...claims],
              waiting.length > 0 ? new Date(Math.max(...waiting)) : undefined,
              woke,
            );
            if ('wait' in bounds || 'none' in bounds) {
              claimed?.(false);
              return [[], noEffects(), 'wait' in bounds ? bounds.wait : false] as const;
            }
            const { until, size, ahead, from } = bounds;
            const due = await this.rows.claimDue(m, until, size, excluded, from);
            for (const d of due) {
              claims.add(d.id);
              mine.push(d.id);
            }
            const more = due.length >= size || (ahead && due.length > 0);
            claimed?.(more);
            // The batch's cases in one locking read, not one round trip per case.
            await this.cases.lockMany(
              m,
              due.map((d) => d.caseId),
            );
            const done: Array<[string, DeadlineOutcome]> = [];
            const all = noEffects();
            for (const deadline of due) {
              current = deadline.id;
              const at = new Date(Math.max(Date.now(), deadline.dueAt.getTime()));
              const [outcome, effects] = await this.fireRow(m, deadline, at, undefined);
              all.outbox.push(...effects.outbox);
              done.push([deadline.id, outcome]);
            }
            current = undefined;
            await this.holdCommitUntil(m, Math.max(0, ...due.map((d) => d.dueAt.getTime())));
            return [done, all, more] as const;
          }),
        { retryIf: retryable() },
      );
      this.outbox.afterCommit(effects);
      for (const [id, outcome] of fired) {
        outcomes.set(id, outcome);
        deadlinesFired.inc({ outcome });
      }
      if (fired.length > 0) {
        this.settleWaiters().catch(() => undefined);
      }
      if (typeof more === 'number') {
        // A small moment: fired at its due time. Meanwhile the drain's other loops look past it.
        waiting.push(more);
        try {
          // A timer may fire a millisecond before its time: the moment is due when this ends.
          while (Date.now() < more) {
            await sleep(more - Date.now());
          }
        } finally {
          waiting.splice(waiting.indexOf(more), 1);
        }
        ids.woken += 1;
        return true;
      }
      return more;
    } catch (e) {
      if (e instanceof YieldToWaiter) {
        deadlineBatchesYielded.inc();
        return true; // rolled back for an event sent in time: prepared again after it
      }
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
      return true; // the rest of the batch is still due: go on
    } finally {
      for (const id of mine) {
        claims.delete(id);
      }
    }
  }

  /**
   * What a batch claims: the deadlines due by now, DEADLINE_FIRE_BATCH of them; or, when none is
   * due yet but the cutoff lies ahead (a moment's job run early), those of the soonest moment
   * not claimed by this drain yet (within PREPARE_WINDOW_MS), DEADLINE_PREPARE_BATCH of them, to
   * be prepared and committed then (`ahead`, claimed `from` that moment on); or, for a moment of
   * no more than one DEADLINE_FIRE_BATCH (any moment, when lock waits are not visible), when to
   * come back (`wait`, ms): its due time; or `none`, when nothing is pending by the cutoff. Moments
   * up to `after` are left out: another loop of the drain waits for them; after such a wait
   * (`woke`), what is due is claimed without that look. A small moment is fired when due, not
   * prepared: one batch's transitions commit within milliseconds of it anyway, and a batch held
   * ahead would cost a claim round, the lock-wait watch and a held connection for each timer
   * (timers spread over time are each a moment of their own: 4% of the service's CPU per
   * transition in the peers' workload).
   */
  private async claimBounds(
    m: EntityManager,
    cutoff: Date,
    skip: string[],
    after: Date | undefined,
    woke: boolean,
  ): Promise<
    { until: Date; size: number; ahead: boolean; from?: Date } | { wait: number } | { none: true }
  > {
    const now = Date.now();
    const due = { until: new Date(Math.min(cutoff.getTime(), now)), size: this.batchSize };
    if (cutoff.getTime() <= now || woke) {
      return { ...due, ahead: false };
    }
    const soonest = await this.rows.soonestDue(m, cutoff, skip, this.batchSize + 1, after);
    const first = soonest[0]?.getTime();
    if (first === undefined) {
      // Nothing pending by the cutoff but what this drain claims or waits for already (a row
      // added meanwhile is found by the drain's next round).
      return { none: true };
    }
    if (first <= now) {
      return { ...due, ahead: false };
    }
    if (!this.lockWaitsVisible) {
      // Nothing is held ahead when no event could make it yield: come back at its due time.
      return { wait: first };
    }
    const inMoment = soonest.filter((d) => d.getTime() <= first + PREPARE_WINDOW_MS).length;
    if (inMoment <= this.batchSize) {
      return { wait: first };
    }
    const until = Math.min(cutoff.getTime(), first + PREPARE_WINDOW_MS);
    return { until: new Date(until), size: this.prepareBatch, ahead: true, from: new Date(first) };
  }

  /**
   * Fires one deadline, at most once: the row is locked and must still be `pending`
   * (a timer for a state the case has already left was cancelled in that transition: stale).
   */
  async fire(deadlineId: string, now = new Date(), refused?: string): Promise<DeadlineOutcome> {
    // How far the caller's clock is from this host's (0 unless it fires "as of" another moment).
    const skew = now.getTime() - Date.now();
    try {
      const [outcome, effects] = await withRetry(
        () => this.cases.transaction((m) => this.fireIn(m, deadlineId, now, skew, refused)),
        { retryIf: (e) => e instanceof YieldToWaiter || retryable()(e) },
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
    skew: number,
    refused: string | undefined,
  ): Promise<[DeadlineOutcome, Effects]> {
    const deadline = await this.rows.lock(m, deadlineId);
    if (!deadline || deadline.status !== 'pending') {
      return ['stale', noEffects()];
    }
    if (deadline.dueAt.getTime() > now.getTime() + this.ahead) {
      return ['not-due', noEffects()];
    }
    if (deadline.dueAt.getTime() <= now.getTime()) {
      return this.fireRow(m, deadline, now, refused);
    }
    // Due a little later by the caller's clock: recorded at its due time, committed then (by the
    // caller's clock: a firing "as of" another moment does not wait for this host's).
    const fired = await this.fireRow(m, deadline, deadline.dueAt, refused);
    await this.holdCommitUntil(m, deadline.dueAt.getTime() - skew);
    return fired;
  }

  /**
   * A transaction that fired deadlines ahead of their due time sends its writes now and waits,
   * holding its locks, until `dueAt` (ms) by this host's clock: its COMMIT is never early. If
   * another transaction waits for one of its locks meanwhile (an event sent to one of its cases
   * before the deadline, which must apply first), it yields: YieldToWaiter rolls it back.
   */
  private async holdCommitUntil(m: EntityManager, dueAt: number): Promise<void> {
    if (dueAt <= Date.now()) {
      return;
    }
    // The queued writes travel with this statement (write-behind.ts): the server does the work
    // now, and the COMMIT at the due time goes alone.
    const [{ thread }] = await m.query<Array<{ thread: number | string }>>(
      'SELECT CONNECTION_ID() AS thread',
    );
    let yieldNow: () => void = () => undefined;
    const yielded = new Promise<'yield'>((resolve) => (yieldNow = () => resolve('yield')));
    this.held.set(String(thread), yieldNow);
    this.watchLockWaits();
    try {
      // A timer may fire a millisecond before its time: wait until the clock says so.
      while (Date.now() < dueAt) {
        if ((await Promise.race([sleep(dueAt - Date.now()), yielded])) === 'yield') {
          throw new YieldToWaiter();
        }
      }
    } finally {
      this.held.delete(String(thread));
    }
  }

  /**
   * While batches are held, one loop per process asks InnoDB which connections others wait for
   * and makes those batches yield (LOCK_WATCH_MS, not more often).
   */
  private watchLockWaits(): void {
    if (this.watching || !this.lockWaitsVisible) {
      return;
    }
    this.watching = (async () => {
      try {
        while (this.held.size > 0) {
          await sleep(LOCK_WATCH_MS + Math.random() * LOCK_WATCH_JITTER_MS);
          const blocking = await this.rows.lockWaitBlockers();
          for (const thread of blocking) {
            this.held.get(thread)?.();
          }
        }
      } catch (e) {
        this.lockWaitsVisible = false;
        this.logger.warn(
          `lock waits are not visible (${(e as Error).message}): deadlines are no longer prepared ahead of their due time`,
        );
      } finally {
        this.watching = undefined;
      }
    })();
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
      const [row, effects] = await this.pipeline.apply(
        m,
        deadline.caseId,
        { type: deadline.onExpireEvent, ...payload },
        SYSTEM,
        undefined,
        now,
      );
      this.knowRelated(m, row);
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
    this.knowRelated(m, row);
    return ['overdue', effects];
  }

  /**
   * The next answer about this case needs no read of its deadlines and links (related-rows.ts),
   * when they can be worked out here: a timer's transition is often the last before a person's.
   */
  private knowRelated(m: EntityManager, row: CaseEntity): void {
    if (keepsRelated(this.registry.get(row.type, row.machineVersion))) {
      this.known.workOut(m, row.id, row.version);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
