import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reads of a case (attachment downloads) go to an access log instead of the case's history: a
 * read no longer bumps the case version (an auditor's download made a caseworker's If-Match fail).
 */
export class CaseAccessLog1764000011000 implements MigrationInterface {
  name = 'CaseAccessLog1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_access_log (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      actor VARCHAR(64) NOT NULL,
      action VARCHAR(64) NOT NULL,
      detail JSON NOT NULL,
      at DATETIME(3) NOT NULL,
      KEY ix_case_access_log_case (case_id, at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE case_access_log');
  }
}
