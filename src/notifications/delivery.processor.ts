import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { EmailChannel, type EmailMessage } from './channels/email.channel';
import { WebhookChannel } from './channels/webhook.channel';
import { NotificationDeliveryEntity } from './entities/notification-delivery.entity';

export type DeliveryOutcome = 'sent' | 'skipped';

/**
 * Runs one attempt of a delivery job. The row is leased first (a duplicate job never sends at
 * the same time, and a sent or dead row is never sent again); a failed attempt is recorded and
 * rethrown so BullMQ retries it with backoff; after the last attempt the row is `dead`.
 */
@Injectable()
export class DeliveryProcessor {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhook: WebhookChannel,
    private readonly email: EmailChannel,
  ) {}

  async process(job: Job<{ deliveryId: string }>): Promise<DeliveryOutcome> {
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.attempt(job.data.deliveryId, last);
  }

  async attempt(deliveryId: string, last: boolean, leaseMs = 60_000): Promise<DeliveryOutcome> {
    const repo = this.dataSource.getRepository(NotificationDeliveryEntity);
    const now = new Date();
    const leased = await this.dataSource
      .createQueryBuilder()
      .update(NotificationDeliveryEntity)
      .set({ leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now })
      .where("id = :id AND status = 'pending' AND (lease_until IS NULL OR lease_until < :now)", {
        id: deliveryId,
        now,
      })
      .execute();
    if (leased.affected !== 1) {
      return 'skipped';
    }
    const row = await repo.findOneByOrFail({ id: deliveryId });
    try {
      if (row.channel === 'webhook') {
        await this.webhook.send(row.target, row.body, {
          event: row.eventType,
          deliveryId: row.id,
        });
      } else {
        await this.email.send(JSON.parse(row.body) as EmailMessage);
      }
    } catch (e) {
      const message = String((e as Error).message ?? e).slice(0, 500);
      await repo.update(
        { id: row.id },
        {
          attempts: row.attempts + 1,
          lastError: message,
          leaseUntil: null,
          updatedAt: new Date(),
          status: last ? 'dead' : 'pending',
        },
      );
      if (last) {
        this.logger.warn(`delivery ${row.id} (${row.channel}) is dead: ${message}`);
      }
      throw e;
    }
    await repo.update(
      { id: row.id },
      {
        attempts: row.attempts + 1,
        lastError: null,
        leaseUntil: null,
        status: 'sent',
        sentAt: new Date(),
        updatedAt: new Date(),
      },
    );
    return 'sent';
  }
}
