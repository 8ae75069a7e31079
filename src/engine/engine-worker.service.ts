import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import type { FireDeadlineJob } from '../queue/jobs';
import { QueueService } from '../queue/queue.service';
import { CaseEngine } from './case-engine.service';
import { CrossCaseReconciler } from './cross-case-reconciler.service';
import { OutboxRelay } from './outbox-relay.service';

/**
 * The worker side of the engine (ROLE=worker or all): fires deadline jobs, and on start-up
 * and every OUTBOX_RELAY_INTERVAL_MS re-sends outbox rows that never reached Redis and fires
 * deadlines whose job is late by more than DEADLINE_RECONCILE_GRACE_MS (Redis lost it, or
 * nothing was running when it came due), and carries out linked-case and signal jobs handed
 * over longer ago than that and never settled (CrossCaseReconciler). Firing is idempotent in the database, so several
 * workers, or a job and the reconciler racing, still fire a deadline once.
 */
@Injectable()
export class EngineWorker implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EngineWorker.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;

  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly queues: QueueService,
    private readonly engine: CaseEngine,
    private readonly relay: OutboxRelay,
    private readonly crossCase: CrossCaseReconciler,
  ) {}

  private get isWorker(): boolean {
    return this.config.get('ROLE', { infer: true }) !== 'api';
  }

  onModuleInit(): void {
    this.queues.handle('fireDeadline', async (job) => {
      const { deadlineId } = job.data as FireDeadlineJob;
      return this.engine.fireDeadline(deadlineId);
    });
    // Cross-case jobs carry their outbox row's id only: the payload is read from the database.
    this.queues.handle('signalCase', async (job) => {
      const payload = await this.crossCase.payloadOf<Parameters<CaseEngine['applySignal']>[0]>(
        job.data,
      );
      if (!payload) {
        return 'duplicate';
      }
      const outcome = await this.engine.applySignal(payload);
      await this.crossCase.settle(String(job.id));
      return outcome;
    });
    this.queues.handle('openLinkedCase', async (job) => {
      const payload = await this.crossCase.payloadOf<Parameters<CaseEngine['openLinkedCase']>[0]>(
        job.data,
      );
      if (!payload) {
        return 'duplicate';
      }
      const id = await this.engine.openLinkedCase(payload);
      await this.crossCase.settle(String(job.id));
      return id;
    });
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
      await this.engine.reconcileDueDeadlines(grace);
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
