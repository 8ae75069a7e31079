import { Injectable } from '@nestjs/common';
import { NotificationsService } from '../notifications/notifications.service';
import type { EntityManager } from 'typeorm';
import { AssignmentNoticeEntity } from './entities/assignment-notice.entity';

/** What the new assignee is told: the case, the ASSIGNED event, who assigned it and why. */
export interface AssignmentNotice {
  caseId: string;
  caseType: string;
  /** The seq of the ASSIGNED event in the case's history. */
  eventSeq: number;
  assigneeId: string;
  previousAssigneeId: string | null;
  assignedBy: string;
  reason: string | null;
  at: Date;
}

/**
 * How a new assignee is notified. Called inside the transaction of the ASSIGNED event, so the
 * notice exists exactly when the assignment does. The default keeps the notice in
 * `assignment_notices` (read with GET /api/v1/assignment-notices); the notifications module
 * (in-app inbox, webhook, e-mail) replaces it by providing its own AssignmentNotifier.
 */
export abstract class AssignmentNotifier {
  abstract notify(m: EntityManager, notice: AssignmentNotice): Promise<void>;
}

@Injectable()
export class AssignmentNoticeWriter extends AssignmentNotifier {
  async notify(m: EntityManager, notice: AssignmentNotice): Promise<void> {
    await m.insert(AssignmentNoticeEntity, {
      userId: notice.assigneeId,
      caseId: notice.caseId,
      caseType: notice.caseType,
      eventSeq: notice.eventSeq,
      assignedBy: notice.assignedBy,
      previousAssigneeId: notice.previousAssigneeId,
      reason: notice.reason,
      createdAt: notice.at,
      readAt: null,
    });
  }
}

/**
 * The notice goes to the notification inbox too (`GET /notifications`, policy event
 * `case.assigned`), in the same transaction, deduplicated by the ASSIGNED event's seq; the
 * relay delivers any webhook or e-mail copy after the commit.
 */
@Injectable()
export class InboxAssignmentNotifier extends AssignmentNotifier {
  constructor(
    private readonly writer: AssignmentNoticeWriter,
    private readonly notifications: NotificationsService,
  ) {
    super();
  }

  async notify(m: EntityManager, notice: AssignmentNotice): Promise<void> {
    await this.writer.notify(m, notice);
    await this.notifications.notify(
      {
        type: 'case.assigned',
        key: `case.assigned-${notice.caseId}-${notice.eventSeq}`,
        caseId: notice.caseId,
        userIds: [notice.assigneeId],
        title: '案件已分派给您',
        body: notice.reason ? `分派说明：${notice.reason}` : '请在待办中查看并办理。',
        data: { caseType: notice.caseType, assignedBy: notice.assignedBy },
      },
      m,
    );
  }
}
