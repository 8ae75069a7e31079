import { lateIdsIn, resolveLateIds, whenLateIdKnown } from '../../database/late-id';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutboxJob } from '../../queue/jobs';
import { OutboxEntity } from '../entities/outbox.entity';
import { OutboxRepository } from '../persistence/outbox-repository';
import {
  beyondHorizon,
  OUTBOX_HORIZON_MS,
  OUTBOX_LEASE_MS,
  OutboxRelay,
} from './outbox-relay.service';

/** What one engine transaction leaves to do after its commit: its outbox rows to hand to BullMQ. */
export interface Effects {
  /** Outbox rows written in the transaction, handed to BullMQ right after the commit. */
  outbox: OutboxEntity[];
}

export function noEffects(): Effects {
  return { outbox: [] };
}

/**
 * The engine's side of the transactional outbox (see docs/architecture.md, 'The outbox'): jobs
 * are rows written in the case's transaction, so a job exists exactly when its change committed.
 */
@Injectable()
export class OutboxWriter {
  private readonly logger = new Logger(OutboxWriter.name);
  /** Transactions the caller commits (openCase with `manager`, applyEventIn): no outbox lease. */
  private readonly callerCommits = new WeakSet<EntityManager>();

  constructor(
    private readonly rows: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** The caller commits this transaction: its rows wait for the periodic relay, unleased. */
  callerCommitsTo(m: EntityManager): void {
    this.callerCommits.add(m);
  }

  /**
   * Writes one outbox row in the transaction. When the engine commits the transaction itself,
   * the row carries a lease (OUTBOX_LEASE_MS): afterCommit hands it to BullMQ at once and the
   * periodic relay leaves it alone meanwhile. In a caller's transaction, or when the job is due
   * beyond OUTBOX_HORIZON_MS, the relay sends it (the latter once it comes within the horizon).
   */
  async write(m: EntityManager, job: OutboxJob): Promise<OutboxEntity> {
    const now = new Date();
    // Due beyond the horizon: held back until it comes within it, then the relay sends it.
    const later = beyondHorizon(job, now.getTime());
    const row = Object.assign(new OutboxEntity(), {
      ...job,
      payload: { ...job.payload },
      createdAt: now,
      dispatchedAt: null,
      attempts: 0,
      handovers: 0,
      lastError: null,
      claimedUntil: later
        ? new Date(job.runAt.getTime() - OUTBOX_HORIZON_MS)
        : this.callerCommits.has(m)
          ? null
          : new Date(now.getTime() + OUTBOX_LEASE_MS),
    });
    // Raw and deferred: this runs once or twice in every transition.
    await this.rows.insert(m, row);
    // A late id in the job (a deadline of this transaction): the row handed over after the
    // commit gets the real id as soon as the insert's result is back.
    for (const token of lateIdsIn(`${row.jobId} ${JSON.stringify(row.payload)}`)) {
      whenLateIdKnown(m, token, () => {
        row.jobId = resolveLateIds(m, row.jobId);
        Object.assign(row.payload, JSON.parse(resolveLateIds(m, JSON.stringify(row.payload))));
      });
    }
    return row;
  }

  /** Schedules through the outbox of this transaction (what observers and the engine use). */
  scheduler(m: EntityManager, effects: Effects): (job: OutboxJob) => Promise<void> {
    return async (job) => {
      effects.outbox.push(await this.write(m, job));
    };
  }

  /** Right after the commit: hands the rows over (best effort; the relay sends what fails). */
  afterCommit(effects: Effects): void {
    if (effects.outbox.length > 0) {
      void this.relay.dispatchRows(effects.outbox).catch((e: Error) => {
        this.logger.warn(`outbox dispatch deferred: ${e.message}`);
      });
    }
  }
}
