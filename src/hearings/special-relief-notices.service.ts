import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import type { HardshipHearingContext } from '../../workflows/hardship-hearing.machine';
import { maskName } from '../common/masking';
import { formatMoney } from '../common/money';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import { CaseDeadlineEntity } from '../engine/entities/case-deadline.entity';
import { CaseEntity } from '../engine/entities/case.entity';
import type { SpecialReliefNotice, SpecialReliefNoticeQuery } from './special-relief-notices.dto';

/** A hearing's data as the machine persisted it (the applicant and the year are always there). */
function isHearingContext(
  data: Record<string, unknown>,
): data is Record<string, unknown> & HardshipHearingContext {
  return (
    typeof data.year === 'number' &&
    typeof data.applicant === 'object' &&
    data.applicant !== null &&
    typeof data.burden === 'string'
  );
}

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: PolicyService,
  ) {}

  async list(
    q: SpecialReliefNoticeQuery,
  ): Promise<Page<SpecialReliefNotice> & { howToObject: string }> {
    const qb = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .leftJoinAndMapOne(
        'c.publicity',
        CaseDeadlineEntity,
        'd',
        "d.case_id = c.id AND d.kind = 'state' AND d.name = 'publicity' AND d.closed_at IS NULL",
      )
      .where("c.type = 'hardship-hearing' AND c.state = 'publicity' AND c.status = 'active'")
      .andWhere('c.restricted = 0');
    if (q.streetCode) {
      qb.andWhere('c.street_code = :street', { street: q.streetCode });
    }
    qb.orderBy('d.dueAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    // Objections to special relief go where relief objections go (the same public notice text).
    const howToObject = this.policy.current().relief.publicNotice.howToObject;
    const items = rows.flatMap((row): SpecialReliefNotice[] => {
      const data = row.data;
      if (!isHearingContext(data)) {
        return [];
      }
      const publicity = (row as CaseEntity & { publicity?: CaseDeadlineEntity }).publicity;
      return [
        {
          noticeNo: row.id,
          name: maskName(data.applicant.name),
          streetCode: row.streetCode,
          year: data.year,
          amount: grantedAmount(data),
          publicityFrom: publicity?.startedAt.toISOString() ?? null,
          objectionDeadline: publicity?.dueAt.toISOString() ?? null,
          howToObject,
        },
      ];
    });
    return { items, total, page: q.page, pageSize: q.pageSize, howToObject };
  }
}
