import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { CaseAccessEntity } from './entities/case-access.entity';

/**
 * The reads of a case (访问日志): who downloaded what, kept apart from the case's history so that
 * a read never bumps the case's version. Modules that serve a read record it here.
 */
@Injectable()
export class CaseAccessLog {
  constructor(
    @InjectRepository(CaseAccessEntity) private readonly entries: Repository<CaseAccessEntity>,
  ) {}

  async record(
    caseId: string,
    actorId: string,
    action: string,
    detail: Record<string, string>,
  ): Promise<void> {
    await this.entries.insert({ caseId, actor: actorId, action, detail, at: new Date() });
  }

  /** A case's reads, oldest first. */
  of(caseId: string): Promise<CaseAccessEntity[]> {
    return this.entries.find({ where: { caseId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
