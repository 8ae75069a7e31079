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
import { DeliveryProcessor } from './delivery.processor';
import { NotificationsService } from './notifications.service';

/**
 * Registers the delivery job (with its retry settings: NOTIFY_DELIVERY_ATTEMPTS, exponential
 * backoff from NOTIFY_DELIVERY_BACKOFF_MS) and, in workers, re-sends deliveries whose job Redis
 * lost: pending and untouched for longer than every retry together plus the reconcile grace.
 */
@Injectable()
export class NotificationsWorker
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(NotificationsWorker.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly queues: QueueService,
    private readonly processor: DeliveryProcessor,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    this.queues.handle('deliverNotification', (job) => this.processor.process(job), {
      attempts: this.config.get('NOTIFY_DELIVERY_ATTEMPTS', { infer: true }),
      backoff: {
        type: 'exponential',
        delay: this.config.get('NOTIFY_DELIVERY_BACKOFF_MS', { infer: true }),
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.get('ROLE', { infer: true }) === 'api') {
      return;
    }
    const attempts = this.config.get('NOTIFY_DELIVERY_ATTEMPTS', { infer: true });
    const backoff = this.config.get('NOTIFY_DELIVERY_BACKOFF_MS', { infer: true });
    const staleMs =
      backoff * 2 ** attempts +
      this.config.get('NOTIFY_WEBHOOK_TIMEOUT_MS', { infer: true }) * attempts +
      this.config.get('DEADLINE_RECONCILE_GRACE_MS', { infer: true });
    this.timer = setInterval(
      () => void this.tick(staleMs),
      Math.max(5000, this.config.get('OUTBOX_RELAY_INTERVAL_MS', { infer: true })),
    );
    this.timer.unref();
  }

  private async tick(staleMs: number): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      await this.notifications.reconcileDeliveries(staleMs);
    } catch (e) {
      this.logger.warn(`delivery reconcile failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
  }
}
