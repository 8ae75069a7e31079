import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import {
  type HardshipHearingContext,
  hardshipHearingWorkflow,
} from '../../workflows/hardship-hearing.machine';
import { maskName } from '../common/masking';
import { formatMoney } from '../common/money';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import { caseData } from '../engine/case-data';
import { PublicNoticeQuery } from '../engine/public-notice-query';
import type { SpecialReliefNotice, SpecialReliefNoticeQuery } from './special-relief-notices.dto';

/** What the notice shows as granted: the special relief plus the joint meeting's extra. */
function grantedAmount(data: HardshipHearingContext): string | null {
  const special = data.decision?.specialRelief.amount;
  if (special === undefined) {
    return null;
  }
  return formatMoney(new Decimal(special).plus(data.resolution?.extraAmount ?? 0));
}

/**
 * 公示 of special relief (一公开, seed 002): hearings in publicity, for anyone, as the relief
 * notices are — the masked name (张*), the street, the amount, the objection deadline (the
 * publicity deadline) and how to object; no ID number, category, illness or panel. A hearing
 * leaves the notice as soon as it leaves publicity (an objection sends it back to decision).
 */
@Injectable()
export class SpecialReliefNoticesService {
  constructor(
    private readonly notices: PublicNoticeQuery,
    private readonly policy: PolicyService,
  ) {}

  async list(
    q: SpecialReliefNoticeQuery,
  ): Promise<Page<SpecialReliefNotice> & { howToObject: string }> {
    const { items: cases, total } = await this.notices.inPublicity(hardshipHearingWorkflow.type, q);
    // Objections to special relief go where relief objections go (the same public notice text).
    const howToObject = this.policy.current().relief.publicNotice.howToObject;
    const items = cases.map(({ row, publicity }): SpecialReliefNotice => {
      const data = caseData(hardshipHearingWorkflow, row);
      return {
        noticeNo: row.id,
        name: maskName(data.applicant.name),
        streetCode: row.streetCode,
        year: data.year,
        amount: grantedAmount(data),
        publicityFrom: publicity?.startedAt.toISOString() ?? null,
        objectionDeadline: publicity?.dueAt.toISOString() ?? null,
        howToObject,
      };
    });
    return { items, total, page: q.page, pageSize: q.pageSize, howToObject };
  }
}
