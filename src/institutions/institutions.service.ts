import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DomainError } from '../common/errors/domain-error';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import { computeCreditGrade, type CreditHistoryEntry } from '../credit/credit-grade';
import type { CreditView, InstitutionRowDto, InstitutionView } from './dto/institution.dto';
import {
  type CreditRecordKind,
  InstitutionCreditRecordEntity,
} from './entities/institution-credit-record.entity';
import {
  type CreditGrade,
  InstitutionEntity,
  type InstitutionType,
} from './entities/institution.entity';
import { type RejectedRow, validateInstitutionRows } from './institution-import';

/** What the double-random draw reads of the directory. */
export interface DirectoryEntry {
  id: string;
  code: string;
  name: string;
  type: InstitutionType;
  district: string | null;
  grade: CreditGrade;
}

/** A credit event another domain reports (a decided sanction, a published inspection result). */
export interface CreditRecord {
  institutionId: string;
  kind: CreditRecordKind;
  sourceCaseId: string;
  detail: Record<string, unknown>;
  occurredAt: Date;
}

const INSERT_CHUNK = 1000;

function toView(i: InstitutionEntity): InstitutionView {
  return {
    id: i.id,
    code: i.code,
    name: i.name,
    type: i.type,
    level: i.level,
    district: i.district,
    creditGrade: i.creditGrade,
  };
}

/**
 * The inspection-object directory (检查对象名录库) and each institution's credit record. Shared by
 * the inspections (who is drawn, with what odds) and penalties (sanctions lower the grade).
 */
/** What other modules may know of an institution of the directory. */
export interface InstitutionRef {
  id: string;
  code: string;
  name: string;
  type: InstitutionType;
}

function institutionRef(i: InstitutionEntity): InstitutionRef {
  return { id: i.id, code: i.code, name: i.name, type: i.type };
}

@Injectable()
export class InstitutionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policy: PolicyService,
  ) {}

  /**
   * Imports one institution, an array or the rows of a CSV: all rows or none. Every bad row is
   * reported with its number and errors (400); a code already in the directory is a bad row.
   */
  async import(
    input: unknown,
  ): Promise<{ created: number; items: Array<{ id: string; code: string }> }> {
    const { rows, rejected } = await validateInstitutionRows(input);
    if (rejected.length === 0) {
      const existing = await this.dataSource.getRepository(InstitutionEntity).find({
        where: { code: In(rows.map((r) => r.code)) },
        select: { code: true },
      });
      const taken = new Set(existing.map((e) => e.code.toUpperCase()));
      rows.forEach((r, i) => {
        if (taken.has(r.code.toUpperCase())) {
          rejected.push({
            row: i + 1,
            errors: [{ field: 'code', message: `${r.code} is already in the directory` }],
          });
        }
      });
    }
    if (rejected.length > 0) {
      throw rowsRefused(rejected);
    }
    const now = new Date();
    const entities = rows.map((r) => this.newInstitution(r, now));
    await this.dataSource.transaction(async (m) => {
      for (let i = 0; i < entities.length; i += INSERT_CHUNK) {
        await m.insert(InstitutionEntity, entities.slice(i, i + INSERT_CHUNK));
      }
    });
    return { created: entities.length, items: entities.map((e) => ({ id: e.id, code: e.code })) };
  }

  async list(q: {
    type?: string;
    district?: string;
    page: number;
    pageSize: number;
  }): Promise<Page<InstitutionView>> {
    const where = {
      ...(q.type ? { type: q.type as InstitutionType } : {}),
      ...(q.district ? { district: q.district } : {}),
    };
    const [rows, total] = await this.dataSource.getRepository(InstitutionEntity).findAndCount({
      where,
      order: { code: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(toView), total, page: q.page, pageSize: q.pageSize };
  }

  async get(id: string): Promise<InstitutionView> {
    return toView(await this.find(id));
  }

  /** The grade now, from the imported grade and the record since, with its reasons. */
  async credit(id: string, now = new Date()): Promise<CreditView> {
    const institution = await this.find(id);
    const updated = await this.dataSource.transaction((m) =>
      this.refreshCredit(m, institution.id, now),
    );
    return {
      institutionId: updated.id,
      code: updated.code,
      grade: updated.creditGrade,
      score: updated.creditScore,
      reasons: updated.creditReasons,
      importedGrade: updated.importedGrade,
      blacklistedUntil: updated.blacklistedUntil?.toISOString() ?? null,
    };
  }

  /**
   * Adds a credit event inside the caller's transaction (once per source case and kind) and
   * recomputes the grade, so the next draw sees it.
   */
  async recordCredit(m: EntityManager, record: CreditRecord): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(InstitutionCreditRecordEntity)
      .values(record as QueryDeepPartialEntity<InstitutionCreditRecordEntity>)
      .orIgnore()
      .execute();
    await this.refreshCredit(m, record.institutionId, record.occurredAt);
  }

  /**
   * Takes a credit event back inside the caller's transaction (a sanction whose decision an
   * appeal annulled) and recomputes the grade.
   */
  async revokeCredit(
    m: EntityManager,
    record: Pick<CreditRecord, 'institutionId' | 'sourceCaseId' | 'kind'>,
    now: Date,
  ): Promise<void> {
    await m.delete(InstitutionCreditRecordEntity, {
      institutionId: record.institutionId,
      sourceCaseId: record.sourceCaseId,
      kind: record.kind,
    });
    await this.refreshCredit(m, record.institutionId, now);
  }

  /** The institution's credit history (decided sanctions, published inspections), oldest first. */
  async history(m: EntityManager, institutionId: string): Promise<CreditHistoryEntry[]> {
    const records = await m.find(InstitutionCreditRecordEntity, {
      where: { institutionId },
      order: { occurredAt: 'ASC', id: 'ASC' },
    });
    return records.map((r) => historyEntry(r));
  }

  /**
   * The directory the draw reads, with current grades (grades of institutions with a record
   * are recomputed first: sanctions age and the joint-punishment list expires).
   */
  async directory(m: EntityManager, types?: readonly string[]): Promise<DirectoryEntry[]> {
    const withRecords: Array<{ id: string }> = await m
      .createQueryBuilder(InstitutionCreditRecordEntity, 'r')
      .select('DISTINCT r.institution_id', 'id')
      .getRawMany();
    const now = new Date();
    for (const { id } of withRecords) {
      await this.refreshCredit(m, id, now);
    }
    const rows: Array<Omit<DirectoryEntry, 'grade'> & { grade: string }> = await m
      .createQueryBuilder(InstitutionEntity, 'i')
      .select(['i.id AS id', 'i.code AS code', 'i.name AS name', 'i.type AS type'])
      .addSelect(['i.district AS district', 'i.credit_grade AS grade'])
      .where(types && types.length > 0 ? 'i.type IN (:...types)' : '1 = 1', { types })
      .getRawMany();
    return rows.map((r) => ({ ...r, grade: r.grade as CreditGrade }));
  }

  /** One institution of the directory by its code (as stored), read in the caller's transaction. */
  async byCode(m: EntityManager, code: string): Promise<InstitutionRef | null> {
    const found = await m.findOne(InstitutionEntity, { where: { code } });
    return found ? institutionRef(found) : null;
  }

  /** The institutions of the directory with these codes (and, if given, of this type). */
  async byCodes(codes: readonly string[], type?: InstitutionType): Promise<InstitutionRef[]> {
    if (codes.length === 0) {
      return [];
    }
    const found = await this.dataSource.getRepository(InstitutionEntity).find({
      where: { code: In([...new Set(codes)]), ...(type === undefined ? {} : { type }) },
    });
    return found.map(institutionRef);
  }

  private async find(id: string): Promise<InstitutionEntity> {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.getRepository(InstitutionEntity).findOneBy({ id })
      : null;
    if (!row) {
      throw DomainError.notFound('Institution');
    }
    return row;
  }

  private newInstitution(r: InstitutionRowDto, now: Date): InstitutionEntity {
    const credit = computeCreditGrade(
      { importedGrade: r.creditGrade ?? null, history: [], now },
      this.policy.penalty(),
    );
    return Object.assign(new InstitutionEntity(), {
      id: randomUUID(),
      code: r.code,
      name: r.name,
      type: r.type,
      level: r.level ?? null,
      district: r.district ?? null,
      importedGrade: r.creditGrade ?? null,
      creditGrade: credit.grade,
      creditScore: credit.score,
      creditReasons: credit.reasons,
      blacklistedUntil: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  private async refreshCredit(
    m: EntityManager,
    institutionId: string,
    now: Date,
  ): Promise<InstitutionEntity> {
    const institution = await m.findOne(InstitutionEntity, {
      where: { id: institutionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!institution) {
      throw DomainError.notFound('Institution');
    }
    const credit = computeCreditGrade(
      {
        importedGrade: institution.importedGrade,
        history: await this.history(m, institutionId),
        now,
      },
      this.policy.penalty(),
    );
    institution.creditGrade = credit.grade;
    institution.creditScore = credit.score;
    institution.creditReasons = credit.reasons;
    institution.blacklistedUntil = credit.blacklistedUntil
      ? new Date(credit.blacklistedUntil)
      : null;
    institution.updatedAt = new Date();
    await m.update(
      InstitutionEntity,
      { id: institution.id },
      {
        creditGrade: institution.creditGrade,
        creditScore: institution.creditScore,
        creditReasons: institution.creditReasons,
        blacklistedUntil: institution.blacklistedUntil,
        updatedAt: institution.updatedAt,
      },
    );
    return institution;
  }
}

function historyEntry(r: InstitutionCreditRecordEntity): CreditHistoryEntry {
  const at = r.occurredAt.toISOString();
  return r.kind === 'SANCTION'
    ? ({ kind: 'SANCTION', ...r.detail, decidedAt: at } as CreditHistoryEntry)
    : ({ kind: 'INSPECTION', ...r.detail, publishedAt: at } as CreditHistoryEntry);
}

function rowsRefused(rejected: RejectedRow[]): DomainError {
  return new DomainError(
    'VALIDATION_FAILED',
    `${rejected.length} row(s) refused: nothing was imported.`,
    {
      errors: rejected.flatMap((r) =>
        r.errors.map((e) => ({ field: `rows[${r.row}].${e.field}`, message: e.message })),
      ),
      rejected,
    },
  );
}
