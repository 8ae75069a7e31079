import { Injectable } from '@nestjs/common';
import { reliefApplicationWorkflow } from '../../workflows/relief-application.machine';
import { maskName } from '../common/masking';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import { caseData } from '../engine/case-data';
import { PublicNoticeQuery } from '../engine/public-notice-query';
import type { ReliefNotice, ReliefNoticeQuery } from './dto/relief-notice.dto';

/**
 * 公示: relief cases in publicity, for anyone. Only the masked name (张*), the street, the
 * amount, the objection deadline (the publicity deadline) and how to object; no ID number,
 * phone, category or illness. A case leaves the notice as soon as it leaves publicity.
 */
@Injectable()
export class ReliefNoticesService {
  constructor(
    private readonly notices: PublicNoticeQuery,
    private readonly policy: PolicyService,
  ) {}

  async list(q: ReliefNoticeQuery): Promise<Page<ReliefNotice> & { howToObject: string }> {
    const { items: cases, total } = await this.notices.inPublicity(
      reliefApplicationWorkflow.type,
      q,
    );
    const howToObject = this.policy.current().relief.publicNotice.howToObject;
    const items = cases.map(({ row, publicity }): ReliefNotice => {
      const data = caseData(reliefApplicationWorkflow, row);
      return {
        noticeNo: row.id,
        name: maskName(data.applicant.name),
        streetCode: row.streetCode,
        year: data.year,
        amount: data.approvedAmount ?? null,
        publicityFrom: publicity?.startedAt.toISOString() ?? null,
        objectionDeadline: publicity?.dueAt.toISOString() ?? null,
        howToObject,
      };
    });
    return { items, total, page: q.page, pageSize: q.pageSize, howToObject };
  }
}
