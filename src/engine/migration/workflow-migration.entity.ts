import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A case a migration moved (or, in a dry run, would move). */
export interface MigratedCase {
  caseId: string;
  fromState: string;
  toState: string;
}

/** A case a migration left where it is, and why. */
export interface BlockedCase {
  caseId: string;
  /** Its state when it was looked at; null when there is no such case of that version. */
  state: string | null;
  reason: string;
}

/** What a migration run answers, and keeps. */
export interface MigrationResult {
  migratable: MigratedCase[];
  blocked: BlockedCase[];
}

/**
 * One run of `POST /workflows/:type/migrations` (dry or real): who asked, for which cases, and
 * what it did. Written once, after the cases moved, each in its own transaction.
 */
@Entity('workflow_migrations')
@Index('ix_workflow_migrations_type', ['type', 'requestedAt'])
export class WorkflowMigrationEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'from_version', type: 'int' })
  fromVersion!: number;

  @Column({ name: 'to_version', type: 'int' })
  toVersion!: number;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun!: boolean;

  /** The cases asked for; null: every open case of `fromVersion`. */
  @Column({ name: 'case_ids', type: 'json', nullable: true })
  caseIds!: string[] | null;

  /** The administrator who asked. */
  @Column({ name: 'requested_by', type: 'varchar', length: 64 })
  requestedBy!: string;

  @Column({ name: 'requested_at', type: 'datetime', precision: 3 })
  requestedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3 })
  finishedAt!: Date;

  @Column({ name: 'migrated_count', type: 'int' })
  migratedCount!: number;

  @Column({ name: 'blocked_count', type: 'int' })
  blockedCount!: number;

  @Column({ type: 'json' })
  result!: MigrationResult;
}
