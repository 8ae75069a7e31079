import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { reliefApplicationWorkflow } from '../../workflows/relief-application.machine';
import { maskName } from '../common/masking';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import { caseData } from '../engine/case-data';
import { CaseDeadlineEntity } from '../engine/entities/case-deadline.entity';
import { CaseEntity } from '../engine/entities/case.entity';
import type { ReliefNotice, ReliefNoticeQuery } from './dto/relief-notice.dto';

/**
 * 公示: relief cases in publicity, for anyone. Only the masked name (张*), the street, the
 * amount, the objection deadline (the publicity deadline) and how to object; no ID number,
 * phone, category or illness. A case leaves the notice as soon as it leaves publicity.
 */
@Injectable()
export class ReliefNoticesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: PolicyService,
  ) {}

  async list(q: ReliefNoticeQuery): Promise<Page<ReliefNotice> & { howToObject: string }> {
    const qb = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .leftJoinAndMapOne(
        'c.publicity',
        CaseDeadlineEntity,
        'd',
        "d.case_id = c.id AND d.kind = 'state' AND d.name = 'publicity' AND d.closed_at IS NULL",
      )
      .where("c.type = 'relief-application' AND c.state = 'publicity' AND c.status = 'active'")
      .andWhere('c.restricted = 0');
    if (q.streetCode) {
      qb.andWhere('c.street_code = :street', { street: q.streetCode });
    }
    qb.orderBy('d.dueAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    const howToObject = this.policy.current().relief.publicNotice.howToObject;
    const items = rows.map((row): ReliefNotice => {
      const data = caseData(reliefApplicationWorkflow, row);
      const publicity = (row as CaseEntity & { publicity?: CaseDeadlineEntity }).publicity;
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
