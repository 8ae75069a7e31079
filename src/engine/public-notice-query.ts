import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CaseDeadlineEntity } from './entities/case-deadline.entity';
import { CaseEntity } from './entities/case.entity';

/** A case on public notice and its open publicity deadline (when it started, when objections end). */
export interface CaseOnNotice {
  row: CaseEntity;
  publicity: CaseDeadlineEntity | null;
}

/**
 * 公示 (一公开): the cases of one workflow in its `publicity` state, for the public notice lists
 * (relief, special relief). Never a confidential case; soonest objection deadline first. What
 * the notice shows of each case (a masked name, an amount) is the domain's to decide.
 */
@Injectable()
export class PublicNoticeQuery {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async inPublicity(
    type: string,
    q: { streetCode?: string; page: number; pageSize: number },
  ): Promise<{ items: CaseOnNotice[]; total: number }> {
    const qb = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .leftJoinAndMapOne(
        'c.publicity',
        CaseDeadlineEntity,
        'd',
        "d.case_id = c.id AND d.kind = 'state' AND d.name = 'publicity' AND d.closed_at IS NULL",
      )
      .where("c.type = :type AND c.state = 'publicity' AND c.status = 'active'", { type })
      .andWhere('c.restricted = 0');
    if (q.streetCode) {
      qb.andWhere('c.street_code = :street', { street: q.streetCode });
    }
    qb.orderBy('d.dueAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    // leftJoinAndMapOne puts the deadline on the row under `publicity`, outside the entity's type.
    const items = rows.map((row: CaseEntity & { publicity?: CaseDeadlineEntity }) => ({
      row,
      publicity: row.publicity ?? null,
    }));
    return { items, total };
  }
}
