import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CalendarService } from '../../calendar/calendar.service';
import { parseDuration } from '../../common/calendar/duration';
import { DomainError } from '../../common/errors/domain-error';
import type { Environment } from '../../config/environment';
import { PolicyService } from '../../config/policy.service';
import { JOBS, jobId } from '../../queue/jobs';
import type { CaseEvent } from '../case-event';
import { EngineObservers } from '../engine-observers';
import { CaseDeadlineEntity } from '../entities/case-deadline.entity';
import { OutboxWriter } from '../outbox/outbox-writer';
import { DeadlineRepository, type NewDeadline } from '../persistence/deadline-repository';
import { type CaseTx, observationOf } from '../transition/case-tx';

/** The active state paths before and after a change (`activePaths` of the two snapshots). */
export interface StateChange {
  was: string[];
  is: string[];
}

/**
 * The id of a deadline's outbox row (its hand-over to BullMQ), the same whoever writes it: it
 * names the case, the state entry, the deadline and its restart. A clock's says `clock` so it
 * never meets a state deadline of the same name. The job it hands over is its due moment's
 * (`momentJobId`), shared with the other deadlines due then.
 */
export function deadlineOutboxId(
  d: Pick<CaseDeadlineEntity, 'caseId' | 'entrySeq' | 'kind' | 'name' | 'restart'>,
): string {
  const kindTag = d.kind === 'state' ? [] : ['clock'];
  return jobId('deadline', d.caseId, d.entrySeq, ...kindTag, d.name, d.restart);
}

/**
 * The id of the BullMQ job that fires the deadlines due at one moment: one job per due instant
 * (and shard), not one per deadline. A burst due together (every 10-working-day deadline started
 * on one day ends at the same midnight) is then one job or a few, whose run fires all of them in
 * batches (DeadlineFiring.fireMoment), instead of hundreds of jobs each taken, run and finished
 * through Redis. Whoever queues a deadline (its start, its promotion, a relay resend) names the
 * same job, and BullMQ keeps one job per id; the rows decide what fires. A deadline's case picks
 * one of `perMoment` shards, so a burst's jobs spread over the workers of a cluster.
 */
export function momentJobId(
  d: Pick<CaseDeadlineEntity, 'caseId' | 'dueAt'>,
  perMoment: number,
): string {
  return jobId('deadlines-due', d.dueAt.getTime(), shardOf(d.caseId, perMoment));
}

/**
 * When the job of a due moment runs: DEADLINE_PREPARE_MS ahead, so that its batches have done
 * their work and only commit at the moment (deadline-firing.ts).
 */
export function momentJobRunAt(dueAt: Date, prepareMs: number): Date {
  return new Date(dueAt.getTime() - prepareMs);
}

/** A stable small number for a case id (its characters hashed), below `shards`. */
function shardOf(caseId: string, shards: number): number {
  let hash = 0;
  for (let i = 0; i < caseId.length; i++) {
    hash = (hash * 31 + caseId.charCodeAt(i)) >>> 0;
  }
  return hash % Math.max(1, shards);
}

/** The next row of a case clock (resumed after a pause, or extended): the same entry, restarted. */
function continuation(previous: CaseDeadlineEntity, startedAt: Date, dueAt: Date): NewDeadline {
  return {
    caseId: previous.caseId,
    name: previous.name,
    kind: 'case',
    entrySeq: previous.entrySeq,
    restart: previous.restart + 1,
    duration: previous.duration,
    startedAt,
    dueAt,
    onExpireEvent: previous.onExpireEvent,
  };
}

/**
 * Deadlines and clocks (see docs/architecture.md, 'Deadlines and clocks'): a state with a
 * deadline in the policy gets a row and a delayed job when entered and loses it when left; a
 * case-level clock runs across states, started by events, paused in some states, stopped in
 * others. The database row is the truth; the job (deadline-firing.ts) only asks to fire it.
 * Only a deadline due within DEADLINE_HORIZON_MS gets its delayed job now; a later one waits in
 * the database until the promotion round (deadline-promotion.ts) queues it.
 */
@Injectable()
export class DeadlineScheduler {
  private readonly logger = new Logger(DeadlineScheduler.name);

  constructor(
    private readonly rows: DeadlineRepository,
    private readonly policy: PolicyService,
    private readonly calendar: CalendarService,
    private readonly observers: EngineObservers,
    private readonly outbox: OutboxWriter,
    config: ConfigService<Environment, true>,
  ) {
    this.horizonMs = config.get('DEADLINE_HORIZON_MS', { infer: true });
    this.perMoment = config.get('DEADLINE_JOBS_PER_MOMENT', { infer: true });
    this.prepareMs = config.get('DEADLINE_PREPARE_MS', { infer: true });
  }

  private readonly horizonMs: number;
  private readonly perMoment: number;
  private readonly prepareMs: number;

  /** Leaving a state ends its deadlines: a pending timer becomes stale, an overdue one is closed. */
  async leaveStates(tx: CaseTx, left: string[], closing: boolean): Promise<void> {
    if (left.length === 0 && !closing) {
      return;
    }
    await this.rows.end(tx.m, tx.row.id, closing ? {} : { kind: 'state', names: left }, tx.now);
  }

  /** Entering a state with a deadline in the policy: a deadline row and its delayed job (outbox). */
  async enterStates(
    tx: CaseTx,
    { was, is }: StateChange,
    entry: { seq: number; restart?: number },
  ): Promise<void> {
    const { row, definition, now } = tx;
    for (const state of is.filter((p) => !was.includes(p))) {
      const declared = definition.deadlines[state];
      const duration =
        definition.durationFromData?.(state, row.data) ??
        this.policy.deadlineFor(definition.type, state);
      if (!declared || !duration) {
        continue;
      }
      await this.start(tx, {
        caseId: row.id,
        name: state,
        kind: 'state',
        entrySeq: entry.seq,
        restart: entry.restart ?? 0,
        duration,
        startedAt: now,
        dueAt: this.calendar.dueAt(now, duration).dueAt,
        onExpireEvent: declared.onExpire === 'overdue' ? null : declared.onExpire.event,
      });
    }
  }

  /**
   * Case-level clocks: started (or restarted) by their events, stopped when the case enters a
   * stop state or closes, paused in their pause states — a paused clock keeps its remaining time
   * (`due_at − closed_at` of the `paused` row) and resumes with it on leaving.
   */
  async runClocks(tx: CaseTx, eventType: string, { was, is }: StateChange): Promise<void> {
    const { m, row, definition, now } = tx;
    for (const [name, clock] of Object.entries(definition.clocks ?? {})) {
      const stop = row.status === 'closed' || is.some((p) => clock.stopIn?.includes(p));
      const paused = (paths: string[]): boolean => paths.some((p) => clock.pausedIn?.includes(p));
      if (stop) {
        await this.rows.end(m, row.id, { kind: 'case', names: [name] }, now);
        continue;
      }
      if (clock.startOn.includes(eventType)) {
        const duration = this.policy.deadlineFor(definition.type, name);
        if (duration) {
          await this.rows.end(m, row.id, { kind: 'case', names: [name] }, now);
          await this.start(tx, {
            caseId: row.id,
            name,
            kind: 'case',
            entrySeq: row.version,
            restart: 0,
            duration,
            startedAt: now,
            dueAt: this.calendar.dueAt(now, duration).dueAt,
            onExpireEvent: clock.onExpire === 'overdue' ? null : clock.onExpire.event,
          });
        }
      }
      if (paused(is) && !paused(was)) {
        // Time in a pause state is not counted (a penalty hearing): keep the remainder.
        await this.rows.pauseClock(m, row.id, name, now);
      } else if (paused(was) && !paused(is)) {
        const last = await this.rows.latestPaused(m, row.id, name);
        const running = await this.rows.countOpenClock(m, row.id, name);
        if (last && last.closedAt && running === 0) {
          const remaining = Math.max(0, last.dueAt.getTime() - last.closedAt.getTime());
          await this.start(tx, continuation(last, now, new Date(now.getTime() + remaining)));
        }
      }
    }
  }

  /** Effects a machine asks for with `emit(...)`: carried out in the transition's transaction. */
  async applyEmitted(tx: CaseTx, emitted: CaseEvent): Promise<void> {
    switch (emitted.type) {
      case 'engine.restartDeadline':
        return this.restartDeadline(tx, String(emitted.state));
      case 'engine.extendClock':
        return this.extendClock(tx, String(emitted.clock));
      default:
        this.logger.warn(`${tx.row.type}: emitted effect "${emitted.type}" has no engine handler`);
    }
  }

  /** The same state entry gets a fresh deadline (e.g. a panel redrawn after no quorum). */
  private async restartDeadline(tx: CaseTx, state: string): Promise<void> {
    const current = await this.rows.latestOpen(tx.m, tx.row.id, 'state', state);
    await this.leaveStates(tx, [state], false);
    await this.enterStates(
      tx,
      { was: [], is: [state] },
      { seq: current?.entrySeq ?? tx.row.version, restart: (current?.restart ?? -1) + 1 },
    );
  }

  /**
   * `engine.extendClock`: the clock's due date moves by `deadlines.<type>.<clock>_extension`
   * (the penalty decision's +30 days with approval). A paused clock keeps the longer remainder.
   */
  private async extendClock(tx: CaseTx, name: string): Promise<void> {
    const { m, row, definition, now } = tx;
    const extension = this.policy.deadlineFor(definition.type, `${name}_extension`);
    if (!extension) {
      throw new DomainError(
        'BUSINESS_RULE',
        `The policy sets no extension for the ${name} clock (deadlines.${definition.type}.${name}_extension).`,
      );
    }
    // A `d`/`wd` duration counts from the day after its start, and a day's due time is 00:00 of
    // the next day: extend from the last instant of the old last day. `h`/`m`/`s` are exact.
    const byDays = ['d', 'wd'].includes(parseDuration(extension).unit);
    const extend = (due: Date): Date =>
      this.calendar.dueAt(new Date(due.getTime() - (byDays ? 1 : 0)), extension).dueAt;
    const current = await this.rows.latestOpen(m, row.id, 'case', name);
    if (current) {
      await this.rows.close(
        m,
        current.id,
        current.status === 'pending' ? 'cancelled' : current.status,
        now,
      );
      await this.start(tx, continuation(current, current.startedAt, extend(current.dueAt)));
      return;
    }
    const paused = await this.rows.latestPaused(m, row.id, name);
    if (paused) {
      await this.rows.moveDue(m, paused.id, extend(paused.dueAt));
      return;
    }
    throw new DomainError('BUSINESS_RULE', `The ${name} clock is not running: nothing to extend.`);
  }

  /**
   * A pending deadline row and, when it is due within the horizon, the delayed job that will fire
   * it (in the outbox); a later one is queued by the promotion round.
   */
  private async start(tx: CaseTx, d: NewDeadline): Promise<void> {
    const queued = d.dueAt.getTime() <= tx.now.getTime() + this.horizonMs;
    const remindAt = this.observers.reminderAt(d, tx.row);
    const deadlineId = await this.rows.insert(tx.m, d, queued ? tx.now : null, remindAt);
    await this.observers.deadlineStarted({
      ...observationOf(tx, this.outbox, d.startedAt),
      deadline: Object.assign(new CaseDeadlineEntity(), {
        ...d,
        id: deadlineId,
        status: 'pending' as const,
        firedAt: null,
        closedAt: null,
        queuedAt: queued ? tx.now : null,
        remindAt,
      }),
    });
    if (!queued) {
      return;
    }
    tx.effects.outbox.push(
      await this.outbox.write(tx.m, {
        queue: JOBS.fireDeadline.queue,
        jobName: JOBS.fireDeadline.name,
        jobId: deadlineOutboxId(d),
        payload: {
          dueAt: d.dueAt.toISOString(),
          momentJob: momentJobId(d, this.perMoment),
          deadlineId,
          caseId: d.caseId,
        },
        runAt: momentJobRunAt(d.dueAt, this.prepareMs),
      }),
    );
  }
}
