import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { QueueService } from '../queue/queue.service';
import { SlaAlertsService } from './sla-alerts.service';

/**
 * The SLA alert job, and in workers the round: every OUTBOX_RELAY_INTERVAL_MS, reminders that are
 * due (they have no job) and other alerts still `scheduled` more than DEADLINE_RECONCILE_GRACE_MS
 * after they came due (their job was lost with Redis' data; a job merely delayed while no worker
 * ran still fires on restart) run from the database. Both paths lock the alert row, so they
 * never send twice.
 */
@Injectable()
export class SlaWorker implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlaWorker.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;

  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly queues: QueueService,
    private readonly alerts: SlaAlertsService,
  ) {}

  onModuleInit(): void {
    this.queues.handle('slaAlert', (job) => this.alerts.run(job.data));
  }

  onApplicationBootstrap(): void {
    if (this.config.get('ROLE', { infer: true }) === 'api') {
      return;
    }
    void this.tick();
    this.timer = setInterval(
      () => void this.tick(),
      this.config.get('OUTBOX_RELAY_INTERVAL_MS', { infer: true }),
    );
    this.timer.unref();
  }

  async tick(): Promise<void> {
    if (this.running || this.stopped) {
      return;
    }
    this.running = true;
    try {
      await this.alerts.sendDue(this.config.get('DEADLINE_RECONCILE_GRACE_MS', { infer: true }));
    } catch (e) {
      this.logger.warn(`alert round failed: ${(e as Error).message}`);
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
