import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { QueueService } from '../queue/queue.service';
import { DeadlineFiring } from './deadlines/deadline-firing';
import { CrossCaseReconciler } from './jobs/cross-case-reconciler.service';
import { OutboxRelay } from './outbox/outbox-relay.service';

/**
 * The worker side of the engine (ROLE=worker or all): starts the queues' workers (the job
 * classes in jobs/ register their handlers), and on start-up and every OUTBOX_RELAY_INTERVAL_MS
 * re-sends outbox rows that never reached Redis, fires deadlines whose job is late by more than
 * DEADLINE_RECONCILE_GRACE_MS (Redis lost it, or nothing was running when it came due), and
 * carries out linked-case and signal jobs handed over longer ago than that and never settled
 * (CrossCaseReconciler). Firing is idempotent in the database, so several workers, or a job and
 * the reconciler racing, still fire a deadline once.
 */
@Injectable()
export class EngineWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EngineWorker.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;

  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly queues: QueueService,
    private readonly deadlines: DeadlineFiring,
    private readonly relay: OutboxRelay,
    private readonly crossCase: CrossCaseReconciler,
  ) {}

  private get isWorker(): boolean {
    return this.config.get('ROLE', { infer: true }) !== 'api';
  }

  onApplicationBootstrap(): void {
    if (!this.isWorker) {
      return;
    }
    this.queues.startWorkers(this.config.get('WORKER_CONCURRENCY', { infer: true }));
    const interval = this.config.get('OUTBOX_RELAY_INTERVAL_MS', { infer: true });
    void this.tick();
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  /** One round of relay + reconcile; rounds never overlap within a process. */
  async tick(): Promise<void> {
    if (this.running || this.stopped) {
      return;
    }
    this.running = true;
    try {
      await this.relay.dispatchPending();
      const grace = this.config.get('DEADLINE_RECONCILE_GRACE_MS', { infer: true });
      await this.deadlines.reconcileDue(grace);
      // Linked cases and signals whose job was lost: the same grace, the same database truth.
      await this.crossCase.reconcile(grace);
    } catch (e) {
      this.logger.warn(`relay/reconcile round failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) {
      clearInterval(this.timer);
    }
  }
}
