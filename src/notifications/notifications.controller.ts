import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import type { Actor } from '../engine/actor';
import {
  DeliveryQuery,
  DeliveryView,
  InboxQuery,
  NotificationInbox,
  NotificationView,
  ReadAllResult,
} from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's in-app notifications, newest first, with the unread count. */
  @Get()
  @ApiOperation({
    operationId: 'listNotifications',
    summary: 'The caller’s notifications and unread count (通知)',
  })
  @ApiOkResponse({ type: NotificationInbox })
  @ApiProblems(400)
  inbox(@Query() q: InboxQuery, @CurrentActor() actor: Actor): Promise<NotificationInbox> {
    return this.notifications.inbox(actor, q);
  }

  /** Webhook and e-mail deliveries; `?status=dead` lists those that gave up after the last attempt. */
  @Get('deliveries')
  @Roles('ADMIN', 'MANAGER')
  @ApiOperation({
    operationId: 'listDeliveries',
    summary: 'Webhook and e-mail deliveries, by status',
  })
  @ApiOkResponse({ type: PageOf(DeliveryView) })
  @ApiProblems(400, 403)
  deliveries(@Query() q: DeliveryQuery): Promise<Page<DeliveryView>> {
    return this.notifications.deliveries(q);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(200)
  @Roles('ADMIN')
  @ApiOperation({ operationId: 'retryDelivery', summary: 'Send a dead delivery again' })
  @ApiOkResponse({ type: DeliveryView })
  @ApiProblems(403, 404, 409)
  retry(@Param('id') id: string): Promise<DeliveryView> {
    return this.notifications.retry(id);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'markAllNotificationsRead',
    summary: 'Mark all of the caller’s notifications read',
  })
  @ApiOkResponse({ type: ReadAllResult })
  readAll(@CurrentActor() actor: Actor): Promise<ReadAllResult> {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ operationId: 'markNotificationRead', summary: 'Mark one notification read' })
  @ApiOkResponse({ type: NotificationView })
  @ApiProblems(404)
  read(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<NotificationView> {
    return this.notifications.markRead(actor, id);
  }
}
