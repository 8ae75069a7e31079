import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import type { Actor } from '../engine/actor';
import { DeliveryQuery, DeliveryView, InboxQuery, NotificationView } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's in-app notifications, newest first, with the unread count. */
  @Get()
  inbox(
    @Query() q: InboxQuery,
    @CurrentActor() actor: Actor,
  ): Promise<Page<NotificationView> & { unread: number }> {
    return this.notifications.inbox(actor, q);
  }

  /** Webhook and e-mail deliveries; `?status=dead` lists those that gave up after the last attempt. */
  @Get('deliveries')
  @Roles('ADMIN', 'MANAGER')
  deliveries(@Query() q: DeliveryQuery): Promise<Page<DeliveryView>> {
    return this.notifications.deliveries(q);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(200)
  @Roles('ADMIN')
  @ApiOkResponse({ type: DeliveryView })
  retry(@Param('id') id: string): Promise<DeliveryView> {
    return this.notifications.retry(id);
  }

  @Post('read-all')
  @HttpCode(200)
  readAll(@CurrentActor() actor: Actor): Promise<{ updated: number }> {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationView })
  read(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<NotificationView> {
    return this.notifications.markRead(actor, id);
  }
}
