import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { UsersModule } from '../users/users.module';
import { EmailChannel } from './channels/email.channel';
import { WebhookChannel } from './channels/webhook.channel';
import { DeliveryProcessor } from './delivery.processor';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { NotificationsWorker } from './notifications-worker.service';
import { RecipientsService } from './recipients.service';

/**
 * Notifications (in-app inbox, webhook, e-mail). Other modules call
 * `NotificationsService.notify(...)`; channels and recipients per event type are policy.
 */
@Module({
  imports: [EngineModule, UsersModule],
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    RecipientsService,
    DeliveryProcessor,
    WebhookChannel,
    EmailChannel,
    NotificationsWorker,
  ],
  exports: [NotificationsService, RecipientsService],
})
export class NotificationsModule {}
