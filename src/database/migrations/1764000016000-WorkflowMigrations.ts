import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every migration of running cases between workflow versions is kept, dry runs included: who
 * asked, what was asked, and what moved and what was blocked (`result`), for the auditor.
 */
export class WorkflowMigrations1764000016000 implements MigrationInterface {
  name = 'WorkflowMigrations1764000016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE workflow_migrations (
      id CHAR(36) NOT NULL PRIMARY KEY,
      type VARCHAR(64) NOT NULL,
      from_version INT NOT NULL,
      to_version INT NOT NULL,
      dry_run TINYINT(1) NOT NULL,
      case_ids JSON NULL,
      requested_by VARCHAR(64) NOT NULL,
      requested_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NOT NULL,
      migrated_count INT NOT NULL,
      blocked_count INT NOT NULL,
      result JSON NOT NULL,
      KEY ix_workflow_migrations_type (type, requested_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE workflow_migrations');
  }
}
