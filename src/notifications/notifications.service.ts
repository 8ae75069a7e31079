import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import { DomainError } from '../common/errors/domain-error';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import type { Actor } from '../engine/actor';
import { isConfidential } from '../engine/case-access';
import type { ScheduledJob } from '../engine/engine-observers';
import type { CaseEntity } from '../engine/entities/case.entity';
import { CaseLookup } from '../engine/case-lookup';
import { OutboxEntity } from '../engine/entities/outbox.entity';
import { OutboxRelay } from '../engine/outbox/outbox-relay.service';
import { WorkflowRegistry } from '../engine/workflow-registry';
import { type DeliverNotificationPayload, JOBS, jobId } from '../queue/jobs';
import { EmailChannel } from './channels/email.channel';
import { WebhookChannel } from './channels/webhook.channel';
import type {
  DeliveryQuery,
  DeliveryView,
  InboxQuery,
  NotificationView,
} from './dto/notification.dto';
import {
  type DeliveryChannel,
  NotificationDeliveryEntity,
} from './entities/notification-delivery.entity';
import { NotificationEntity } from './entities/notification.entity';
import { maskDeep, maskText } from './mask-text';
import type { NotificationRoute } from './notification-policy';
import { RecipientsService } from './recipients.service';

/**
 * What to notify (NotificationsService.notify). Channels and recipients come from the policy
 * (`notifications.events.<type>`); `key` makes it idempotent: a recipient never gets the same key
 * twice, and a channel never delivers it twice.
 */
export interface NotifyRequest {
  /** The event type, e.g. `case.assigned` (policy `notifications.events.<type>`). */
  type: string;
  /** Deduplication key, unique per notification event, e.g. `case.assigned-<caseId>-<seq>`. */
  key: string;
  /** Texts (Chinese); resident IDs and phones in them are masked before anything is stored. */
  title: string;
  body: string;
  caseId?: string | null;
  data?: Record<string, unknown>;
  /** Users for the `explicit` recipient spec (e.g. the new assignee). */
  userIds?: readonly string[];
  /** The case, for the `actors` and `assignee` specs (loaded from `caseId` when absent). */
  caseRow?: CaseEntity;
  definition?: WorkflowDefinition;
}

export interface NotifyResult {
  /** Users who got a new in-app notification. */
  notified: string[];
  /** Webhook / e-mail deliveries created. */
  deliveries: string[];
  /** Outbox rows written (their jobs are sent after the commit; see `dispatch`). */
  outbox: OutboxEntity[];
}

const ROUTE_NONE: NotificationRoute = { channels: [], recipients: [] };

/**
 * Notifications: the in-app inbox (a row per recipient) and webhook / e-mail deliveries (a row
 * per channel, delivered by a BullMQ job with retries; dead after the last attempt). Everything
 * is written in the caller's transaction when one is given, so a notification exists exactly
 * when the change that caused it committed.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);
  private readonly webhookUrl?: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: PolicyService,
    private readonly recipients: RecipientsService,
    private readonly relay: OutboxRelay,
    private readonly email: EmailChannel,
    private readonly registry: WorkflowRegistry,
    private readonly lookup: CaseLookup,
    webhook: WebhookChannel,
  ) {
    this.webhookUrl = webhook.target;
  }

  /**
   * Notifies about one event. With `manager`, inside the caller's transaction: the caller commits
   * and then passes `result.outbox` to `dispatch` (or leaves it to the periodic relay, ≤ 1 s).
   * Without, in a transaction of its own, dispatched at once.
   *
   * Example (reassignment): `notify({ type: 'case.assigned', key: \`case.assigned-${id}-${seq}\`,
   * caseId: id, userIds: [newAssignee], title: '案件已分派给您', body: '…' }, m)`.
   */
  async notify(request: NotifyRequest, manager?: EntityManager): Promise<NotifyResult> {
    if (manager) {
      return this.notifyIn(manager, request);
    }
    const result = await this.dataSource.transaction((m) => this.notifyIn(m, request));
    await this.dispatch(result.outbox);
    return result;
  }

  /** Hands outbox rows to BullMQ after the caller's commit (never throws; the relay retries). */
  async dispatch(rows: OutboxEntity[]): Promise<void> {
    await this.relay.dispatchRows(rows).catch((e: Error) => {
      this.logger.warn(`notification dispatch deferred: ${e.message}`);
    });
  }

  private async notifyIn(m: EntityManager, request: NotifyRequest): Promise<NotifyResult> {
    const route = this.policy.notifications().events[request.type] ?? ROUTE_NONE;
    const result: NotifyResult = { notified: [], deliveries: [], outbox: [] };
    if (route.channels.length === 0) {
      return result;
    }
    const now = new Date();
    const title = maskText(request.title).slice(0, 255);
    const body = maskText(request.body);
    const data = maskDeep(request.data ?? {});
    const caseRow =
      request.caseRow ??
      // Always read when named: who may hear of a case depends on the case (need to know).
      (request.caseId ? ((await this.lookup.caseRow(m, request.caseId)) ?? undefined) : undefined);
    const definition =
      request.definition ??
      (caseRow ? this.registry.get(caseRow.type, caseRow.machineVersion) : undefined);
    const userIds = await this.recipients.resolve(route.recipients, {
      caseRow,
      definition,
      userIds: request.userIds,
    });
    // A secret case (a flight inspection before the team arrives) never leaves the service: no
    // webhook, no e-mail; only its viewers' inboxes hear of it.
    const secret =
      caseRow !== undefined && definition !== undefined && isConfidential(definition, caseRow.data);
    if (route.channels.includes('inapp')) {
      for (const recipientId of userIds) {
        const inserted = await m
          .createQueryBuilder()
          .insert()
          .into(NotificationEntity)
          .values({
            recipientId,
            eventType: request.type,
            dedupeKey: request.key,
            caseId: request.caseId ?? null,
            title,
            body,
            data,
            createdAt: now,
            readAt: null,
          } as QueryDeepPartialEntity<NotificationEntity>)
          .orIgnore()
          .execute();
        if (affected(inserted.raw) > 0) {
          result.notified.push(recipientId);
        }
      }
    }
    const deliveries: Array<{ channel: DeliveryChannel; target: string; body: string }> = [];
    if (route.channels.includes('webhook') && this.webhookUrl && !secret) {
      deliveries.push({
        channel: 'webhook',
        target: this.webhookUrl,
        body: JSON.stringify({
          id: request.key,
          event: request.type,
          occurredAt: now.toISOString(),
          caseId: request.caseId ?? null,
          title,
          body,
          data,
          recipients: userIds,
        }),
      });
    }
    const emailTo = route.emailTo ?? [];
    if (
      route.channels.includes('email') &&
      this.email.configured &&
      emailTo.length > 0 &&
      !secret
    ) {
      deliveries.push({
        channel: 'email',
        target: emailTo.join(','),
        body: JSON.stringify({ to: emailTo, subject: title, text: body }),
      });
    }
    for (const d of deliveries) {
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(NotificationDeliveryEntity)
        .values({
          channel: d.channel,
          eventType: request.type,
          dedupeKey: request.key,
          caseId: request.caseId ?? null,
          target: d.target.slice(0, 1000),
          body: d.body,
          status: 'pending',
          attempts: 0,
          lastError: null,
          leaseUntil: null,
          createdAt: now,
          updatedAt: now,
          sentAt: null,
        })
        .orIgnore()
        .execute();
      if (affected(inserted.raw) === 0) {
        continue; // delivered (or being delivered) already for this key
      }
      const id = String(
        inserted.identifiers[0]?.id ?? (inserted.raw as { insertId: number }).insertId,
      );
      result.deliveries.push(id);
      result.outbox.push(await this.outboxRow(m, jobId('deliver', id), { deliveryId: id }, now));
    }
    return result;
  }

  /** Writes an outbox row for any job (other modules scheduling in the same transaction). */
  async outboxRowFor(m: EntityManager, job: ScheduledJob): Promise<OutboxEntity> {
    const row = m.create(OutboxEntity, {
      ...job,
      payload: { ...job.payload },
      createdAt: new Date(),
      dispatchedAt: null,
      attempts: 0,
      lastError: null,
    });
    const inserted = await m.insert(OutboxEntity, row as QueryDeepPartialEntity<OutboxEntity>);
    row.id = String(inserted.identifiers[0].id);
    return row;
  }

  /** An outbox row for a delivery job (sent by the relay; the job id never repeats). */
  async outboxRow(
    m: EntityManager,
    id: string,
    payload: DeliverNotificationPayload,
    runAt: Date,
  ): Promise<OutboxEntity> {
    return this.outboxRowFor(m, {
      queue: JOBS.deliverNotification.queue,
      jobName: JOBS.deliverNotification.name,
      jobId: id,
      payload,
      runAt,
    });
  }

  // ------------------------------------------------------------------ the inbox

  async inbox(actor: Actor, q: InboxQuery): Promise<Page<NotificationView> & { unread: number }> {
    const repo = this.dataSource.getRepository(NotificationEntity);
    const qb = repo
      .createQueryBuilder('n')
      .where('n.recipient_id = :me', { me: actor.id })
      .orderBy('n.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    if (q.unread) {
      qb.andWhere('n.read_at IS NULL');
    }
    const [rows, total] = await qb.getManyAndCount();
    const unread = await repo
      .createQueryBuilder('n')
      .where('n.recipient_id = :me AND n.read_at IS NULL', { me: actor.id })
      .getCount();
    return { items: rows.map(toView), total, page: q.page, pageSize: q.pageSize, unread };
  }

  async markRead(actor: Actor, id: string): Promise<NotificationView> {
    const repo = this.dataSource.getRepository(NotificationEntity);
    const row = /^\d{1,19}$/.test(id) ? await repo.findOneBy({ id, recipientId: actor.id }) : null;
    if (!row) {
      throw DomainError.notFound('Notification');
    }
    if (!row.readAt) {
      row.readAt = new Date();
      await repo.update({ id: row.id }, { readAt: row.readAt });
    }
    return toView(row);
  }

  async markAllRead(actor: Actor): Promise<{ updated: number }> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(NotificationEntity)
      .set({ readAt: new Date() })
      .where('recipient_id = :me AND read_at IS NULL', { me: actor.id })
      .execute();
    return { updated: result.affected ?? 0 };
  }

  // ------------------------------------------------------------------ deliveries

  async deliveries(q: DeliveryQuery): Promise<Page<DeliveryView>> {
    const where = {
      ...(q.status ? { status: q.status } : {}),
      ...(q.channel ? { channel: q.channel } : {}),
    };
    const [rows, total] = await this.dataSource
      .getRepository(NotificationDeliveryEntity)
      .findAndCount({
        where,
        order: { id: 'DESC' },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      });
    return { items: rows.map(toDeliveryView), total, page: q.page, pageSize: q.pageSize };
  }

  /** A dead delivery gets a fresh round of attempts (ADMIN), through the outbox as always. */
  async retry(id: string): Promise<DeliveryView> {
    const [view, outbox] = await this.dataSource.transaction(async (m) => {
      const row = /^\d{1,19}$/.test(id)
        ? await m.findOne(NotificationDeliveryEntity, {
            where: { id },
            lock: { mode: 'pessimistic_write' },
          })
        : null;
      if (!row) {
        throw DomainError.notFound('Delivery');
      }
      if (row.status !== 'dead') {
        throw new DomainError(
          'BUSINESS_RULE',
          `Only a dead delivery can be retried (this one is ${row.status}).`,
        );
      }
      const now = new Date();
      await m.update(
        NotificationDeliveryEntity,
        { id },
        { status: 'pending', leaseUntil: null, updatedAt: now },
      );
      const job = await this.outboxRow(
        m,
        jobId('deliver', id, 'retry', row.attempts),
        { deliveryId: id },
        now,
      );
      return [toDeliveryView({ ...row, status: 'pending', updatedAt: now }), [job]] as const;
    });
    await this.dispatch([...outbox]);
    return view;
  }

  /** Pending deliveries no job has touched for `staleMs` (Redis lost it): a new job each. */
  async reconcileDeliveries(staleMs: number, limit = 100): Promise<number> {
    const stale = await this.dataSource.getRepository(NotificationDeliveryEntity).find({
      where: { status: 'pending', updatedAt: LessThan(new Date(Date.now() - staleMs)) },
      order: { updatedAt: 'ASC' },
      take: limit,
    });
    if (stale.length === 0) {
      return 0;
    }
    const outbox = await this.dataSource.transaction(async (m) => {
      const now = new Date();
      const rows: OutboxEntity[] = [];
      for (const d of stale) {
        const moved = await m.update(
          NotificationDeliveryEntity,
          { id: d.id, status: 'pending', updatedAt: d.updatedAt },
          { updatedAt: now },
        );
        if (moved.affected === 1) {
          rows.push(
            await this.outboxRow(
              m,
              jobId('deliver', d.id, 'again', now.getTime()),
              { deliveryId: d.id },
              now,
            ),
          );
        }
      }
      return rows;
    });
    await this.dispatch(outbox);
    return outbox.length;
  }
}

function affected(raw: unknown): number {
  return (raw as { affectedRows?: number } | undefined)?.affectedRows ?? 0;
}

function toView(n: NotificationEntity): NotificationView {
  return {
    id: n.id,
    type: n.eventType,
    title: n.title,
    body: n.body,
    caseId: n.caseId,
    data: n.data,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

function toDeliveryView(d: NotificationDeliveryEntity): DeliveryView {
  return {
    id: d.id,
    channel: d.channel,
    eventType: d.eventType,
    key: d.dedupeKey,
    caseId: d.caseId,
    target: d.channel === 'webhook' ? d.target.replace(/\/\/[^@/]*@/, '//***@') : d.target,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    sentAt: d.sentAt ? d.sentAt.toISOString() : null,
  };
}
