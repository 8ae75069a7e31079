import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import type { Page } from '../../common/pagination/pagination.dto';
import type { Actor } from '../actor';
import { WorkflowRegistry } from '../workflow-registry';
import {
  CaseMigrator,
  destinationOf,
  type ListedCase,
  type MigrationTarget,
  type MoveOutcome,
} from './case-migrator';
import type {
  MigrationListQuery,
  MigrationRunView,
  StartMigrationDto,
} from './workflow-migration.dto';
import {
  type BlockedCase,
  type MigratedCase,
  WorkflowMigrationEntity,
} from './workflow-migration.entity';

/** The columns of a case the plan reads (no personal data: an ADMIN reads no case content). */
interface CaseHead {
  id: string;
  type: string;
  machine_version: number;
  state: string;
  status: 'active' | 'closed';
  version: number;
}

/**
 * Migrations of running cases between versions of a workflow (docs/walkthroughs/
 * workflow-versions.md): the plan (which cases map where, which are blocked and why), the dry
 * run that only reports it, the real run that moves each case in its own transaction
 * (case-migrator.ts), and the log of every run (`workflow_migrations`), kept for the auditor.
 */
@Injectable()
export class WorkflowMigrations {
  private readonly logger = new Logger(WorkflowMigrations.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly migrator: CaseMigrator,
  ) {}

  async run(type: string, dto: StartMigrationDto, admin: Actor): Promise<MigrationRunView> {
    const requestedAt = new Date();
    const target = this.targetOf(type, dto.fromVersion, dto.toVersion);
    const { listed, blocked } = await this.plan(target, dto.caseIds);
    const runId = randomUUID();
    const migratable: MigratedCase[] = [];
    for (const c of listed) {
      if (dto.dryRun) {
        migratable.push({ caseId: c.caseId, fromState: c.fromState, toState: c.toState });
        continue;
      }
      // One case, one transaction: a failure or a concurrent change never touches the others.
      const outcome = await this.migrator
        .move(target, c, admin, runId)
        .catch((e: unknown): MoveOutcome => {
          // A refusal of this case alone (it is gone, say) is its reason; anything else is a fault.
          if (e instanceof DomainError) {
            return { blocked: { caseId: c.caseId, state: c.fromState, reason: e.message } };
          }
          throw e;
        });
      if ('moved' in outcome) {
        migratable.push(outcome.moved);
      } else {
        blocked.push(outcome.blocked);
      }
    }
    const row: WorkflowMigrationEntity = Object.assign(new WorkflowMigrationEntity(), {
      id: runId,
      type,
      fromVersion: dto.fromVersion,
      toVersion: dto.toVersion,
      dryRun: dto.dryRun,
      caseIds: dto.caseIds ?? null,
      requestedBy: admin.id,
      requestedAt,
      finishedAt: new Date(),
      migratedCount: migratable.length,
      blockedCount: blocked.length,
      result: { migratable, blocked },
    });
    await this.dataSource.getRepository(WorkflowMigrationEntity).insert(row);
    this.logger.log(
      `${dto.dryRun ? 'dry run' : 'migration'} ${runId} of ${type} ${dto.fromVersion} -> ${dto.toVersion} by ${admin.id}: ${migratable.length} ${dto.dryRun ? 'migratable' : 'moved'}, ${blocked.length} blocked`,
    );
    return viewOf(row);
  }

  /** The runs of a workflow type, newest first. */
  async list(type: string, q: MigrationListQuery): Promise<Page<MigrationRunView>> {
    this.registry.versions(type); // 404 for an unknown type
    const [rows, total] = await this.dataSource
      .getRepository(WorkflowMigrationEntity)
      .findAndCount({
        where: { type },
        order: { requestedAt: 'DESC', id: 'DESC' },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      });
    return { items: rows.map(viewOf), total, page: q.page, pageSize: q.pageSize };
  }

  /** The two versions and the newer one's declaration: 404 for the type, 422 naming the field. */
  private targetOf(type: string, fromVersion: number, toVersion: number): MigrationTarget {
    const versions = this.registry.versions(type);
    const unknown = (field: string, version: number): DomainError =>
      new DomainError(
        'BUSINESS_RULE',
        `${type} has no version ${version} (registered: ${versions.join(', ')}).`,
        { errors: [{ field, message: `no such version of ${type}: ${versions.join(', ')}` }] },
      );
    if (!versions.includes(fromVersion)) {
      throw unknown('fromVersion', fromVersion);
    }
    if (!versions.includes(toVersion)) {
      throw unknown('toVersion', toVersion);
    }
    const to = this.registry.get(type, toVersion);
    const migration = to.migrations?.find((mg) => mg.fromVersion === fromVersion);
    if (!migration) {
      throw new DomainError(
        'BUSINESS_RULE',
        `${type} version ${toVersion} declares no migration from version ${fromVersion}.`,
        {
          errors: [
            {
              field: 'toVersion',
              message: `version ${toVersion} declares no migration from version ${fromVersion}`,
            },
          ],
        },
      );
    }
    return { from: this.registry.get(type, fromVersion), to, migration };
  }

  /**
   * Which cases would move where and which are blocked: the named cases, or every open case of
   * the old version (closed cases stay on the version they finished on).
   */
  private async plan(
    target: MigrationTarget,
    caseIds: string[] | undefined,
  ): Promise<{ listed: ListedCase[]; blocked: BlockedCase[] }> {
    const columns = 'id, type, machine_version, state, status, version';
    const heads = caseIds
      ? await this.dataSource.query<CaseHead[]>(
          `SELECT ${columns} FROM cases WHERE id IN (?) ORDER BY created_at, id`,
          [caseIds],
        )
      : await this.dataSource.query<CaseHead[]>(
          `SELECT ${columns} FROM cases WHERE type = ? AND machine_version = ? AND status = 'active'
            ORDER BY created_at, id`,
          [target.from.type, target.from.version],
        );
    const listed: ListedCase[] = [];
    const blocked: BlockedCase[] = [];
    const found = new Set(heads.map((h) => h.id.toLowerCase()));
    for (const id of new Set(caseIds ?? [])) {
      if (!found.has(id.toLowerCase())) {
        blocked.push({ caseId: id, state: null, reason: 'no such case' });
      }
    }
    for (const h of heads) {
      if (h.type !== target.from.type) {
        blocked.push({ caseId: h.id, state: h.state, reason: `not a ${target.from.type} case` });
        continue;
      }
      if (Number(h.machine_version) !== target.from.version) {
        blocked.push({
          caseId: h.id,
          state: h.state,
          reason: `on version ${h.machine_version}, not ${target.from.version}`,
        });
        continue;
      }
      const destination = destinationOf(target, h);
      if ('blocked' in destination) {
        blocked.push({ caseId: h.id, state: h.state, reason: destination.blocked });
      } else {
        listed.push({
          caseId: h.id,
          version: Number(h.version),
          fromState: h.state,
          toState: destination.to,
        });
      }
    }
    return { listed, blocked };
  }
}

function viewOf(row: WorkflowMigrationEntity): MigrationRunView {
  return {
    id: row.id,
    type: row.type,
    fromVersion: row.fromVersion,
    toVersion: row.toVersion,
    dryRun: row.dryRun,
    caseIds: row.caseIds,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
    migratable: row.result.migratable,
    blocked: row.result.blocked,
  };
}
