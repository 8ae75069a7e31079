import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SLA journal (src/sla/sla-journal.service.ts): what each transition tells the SLA
 * bookkeeping, one row per change, folded into `sla_records`, `sla_rollups` and
 * `relief_indicator_totals` after the commit and deleted then. Stage records open before this
 * migration stay open and are closed by the first fold that reaches their case.
 */
export class SlaJournal1764000021000 implements MigrationInterface {
  name = 'SlaJournal1764000021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE sla_journal (
         id BIGINT NOT NULL AUTO_INCREMENT,
         case_id CHAR(36) NOT NULL,
         case_version INT NOT NULL,
         fact JSON NOT NULL,
         PRIMARY KEY (id)
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sla_journal');
  }
}
