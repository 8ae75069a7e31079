import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import type { Page } from '../common/pagination/pagination.dto';
import { type Actor, isReadOnly } from '../engine/actor';
import { canSeeCase } from '../engine/case-access';
import { CaseEngine } from '../engine/case-engine.service';
import { CaseLookup } from '../engine/case-lookup';
import { CaseQueryService } from '../engine/case-query.service';
import type { CaseView } from '../engine/dto/case.dto';
import { WorkflowRegistry } from '../engine/workflow-registry';
import { UsersService } from '../users/users.service';
import { AssignmentNotifier } from './assignment-notifier';
import type {
  AssignCaseDto,
  AssignmentNoticeView,
  NoticeQuery,
  WorkloadLine,
  WorkloadView,
} from './dto/assignment.dto';
import { AssignmentNoticeEntity } from './entities/assignment-notice.entity';

function noticeView(n: AssignmentNoticeEntity): AssignmentNoticeView {
  return {
    id: n.id,
    caseId: n.caseId,
    caseType: n.caseType,
    eventSeq: n.eventSeq,
    assignedBy: n.assignedBy,
    previousAssignee: n.previousAssigneeId,
    reason: n.reason,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}

/**
 * "Who is holding this case?": a manager assigns or reassigns a case (ASSIGNED in its history,
 * the new assignee notified in the same transaction), the assignee's inbox follows
 * (`GET /tasks?assignee=me`), and managers see each caseworker's load.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    @InjectRepository(AssignmentNoticeEntity)
    private readonly noticeRows: Repository<AssignmentNoticeEntity>,
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueryService,
    private readonly registry: WorkflowRegistry,
    private readonly users: UsersService,
    private readonly notifier: AssignmentNotifier,
    private readonly lookup: CaseLookup,
  ) {}

  async assign(caseId: string, dto: AssignCaseDto, actor: Actor): Promise<CaseView> {
    const row = await this.cases.visibleCase(caseId, actor);
    if (row.status !== 'active') {
      throw new DomainError('BUSINESS_RULE', 'A closed case is not assigned any more.');
    }
    const userId = dto.userId;
    if (userId !== null) {
      const user = await this.users.findActive(userId);
      const refuse = (message: string): DomainError =>
        new DomainError('BUSINESS_RULE', `The case cannot be assigned to this user: ${message}.`, {
          errors: [{ field: 'userId', message }],
        });
      if (!user) {
        throw refuse('no active user has this id');
      }
      const assignee: Actor = { id: user.id, roles: user.roles, streetCode: user.streetCode };
      if (isReadOnly(assignee)) {
        throw refuse('an AUDITOR reads cases and works on none');
      }
      if (!canSeeCase(this.registry.get(row.type, row.machineVersion), row, assignee)) {
        throw refuse('the user may not see this case (role, street or team)');
      }
    }
    if (row.assigneeId === userId) {
      return this.cases.getCase(caseId, actor); // already so: nothing to record, nobody to tell
    }
    const previous = row.assigneeId;
    await this.engine.recordEvent({
      caseId,
      type: userId === null ? 'UNASSIGNED' : 'ASSIGNED',
      actor,
      payload: {
        assignee: userId,
        previousAssignee: previous,
        ...(dto.reason ? { reason: dto.reason } : {}),
      },
      change: (r) => {
        r.assigneeId = userId;
      },
      within: async (m, updated) => {
        if (userId !== null) {
          await this.notifier.notify(m, {
            caseId: updated.id,
            caseType: updated.type,
            eventSeq: updated.version,
            assigneeId: userId,
            previousAssigneeId: previous,
            assignedBy: actor.id,
            reason: dto.reason ?? null,
            at: updated.updatedAt,
          });
        }
      },
    });
    return this.cases.getCase(caseId, actor);
  }

  async notices(actor: Actor, q: NoticeQuery): Promise<Page<AssignmentNoticeView>> {
    const [rows, total] = await this.noticeRows.findAndCount({
      where: { userId: actor.id, ...(q.unread === true ? { readAt: IsNull() } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(noticeView), total, page: q.page, pageSize: q.pageSize };
  }

  async markRead(id: string, actor: Actor): Promise<AssignmentNoticeView> {
    const repo = this.noticeRows;
    const notice = /^\d{1,18}$/.test(id) ? await repo.findOneBy({ id, userId: actor.id }) : null;
    if (!notice) {
      throw DomainError.notFound('Notice');
    }
    if (notice.readAt === null) {
      notice.readAt = new Date();
      await repo.update({ id: notice.id }, { readAt: notice.readAt });
    }
    return noticeView(notice);
  }

  /** Open and overdue cases per assignee and workflow: every active caseworker, then other holders. */
  async workload(): Promise<WorkloadView> {
    const now = new Date();
    const live = await this.lookup.liveCounts(now);
    const lines = new Map<string, WorkloadLine>();
    const lineOf = (userId: string): WorkloadLine => {
      let entry = lines.get(userId);
      if (!entry) {
        entry = {
          userId,
          username: null,
          displayName: null,
          roles: [],
          active: false,
          open: 0,
          overdue: 0,
          byType: {},
        };
        lines.set(userId, entry);
      }
      return entry;
    };
    for (const u of await this.users.activeWithRole('CASEWORKER')) {
      lineOf(u.id);
    }
    const unassigned = { open: 0, overdue: 0 };
    for (const [rows, field] of [
      [live.open, 'open'],
      [live.overdue, 'overdue'],
    ] as const) {
      for (const r of rows) {
        if (r.assignee === null) {
          unassigned[field] += r.n;
          continue;
        }
        const entry = lineOf(r.assignee);
        entry[field] += r.n;
        if (field === 'open') {
          entry.byType[r.type] = (entry.byType[r.type] ?? 0) + r.n;
        }
      }
    }
    for (const u of await this.users.byIds([...lines.keys()])) {
      Object.assign(lineOf(u.id), {
        username: u.username,
        displayName: u.displayName,
        roles: u.roles,
        active: u.active,
      });
    }
    const assignees = [...lines.values()].sort(
      (a, b) => b.open - a.open || (a.username ?? '').localeCompare(b.username ?? ''),
    );
    return { asOf: now.toISOString(), assignees, unassigned };
  }
}
