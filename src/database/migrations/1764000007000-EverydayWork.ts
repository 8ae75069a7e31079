import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * Everyday work (issue #10): the cases of a person (case_persons, filled by the engine and
 * back-filled here for relief applications and hearings), attachments with their bytes in a
 * table of their own, assignment notices for the new assignee, and login failures for the
 * lockout (shared by every API process).
 */
export class EverydayWork1764000007000 implements MigrationInterface {
  name = 'EverydayWork1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_persons (
      person_key CHAR(64) NOT NULL,
      case_id CHAR(36) NOT NULL,
      PRIMARY KEY (person_key, case_id),
      KEY ix_case_persons_case (case_id)
    ) ${TABLE}`);
    // The same key as the ledgers: SHA-256 of 'resident:' + the ID with its trailing x upper-cased.
    await q.query(`INSERT IGNORE INTO case_persons (person_key, case_id)
      SELECT SHA2(CONCAT('resident:', UPPER(JSON_UNQUOTE(JSON_EXTRACT(data, '$.applicant.idNumber')))), 256), id
        FROM cases
       WHERE type IN ('relief-application', 'hardship-hearing')
         AND JSON_EXTRACT(data, '$.applicant.idNumber') IS NOT NULL`);
    await q.query(`CREATE TABLE case_attachments (
      id CHAR(36) NOT NULL PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      file_name VARCHAR(255) NOT NULL,
      content_type VARCHAR(127) NOT NULL,
      declared_type VARCHAR(127) NULL,
      size_bytes INT NOT NULL,
      sha256 CHAR(64) NOT NULL,
      storage VARCHAR(16) NOT NULL,
      case_state VARCHAR(191) NOT NULL,
      note VARCHAR(500) NULL,
      uploaded_by VARCHAR(64) NOT NULL,
      uploaded_at DATETIME(3) NOT NULL,
      event_seq INT NOT NULL,
      KEY ix_case_attachments_case (case_id, uploaded_at)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE attachment_contents (
      attachment_id CHAR(36) NOT NULL PRIMARY KEY,
      content LONGBLOB NOT NULL
    ) ${TABLE}`);
    await q.query(`CREATE TABLE assignment_notices (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      user_id CHAR(36) NOT NULL,
      case_id CHAR(36) NOT NULL,
      case_type VARCHAR(64) NOT NULL,
      event_seq INT NOT NULL,
      assigned_by VARCHAR(64) NOT NULL,
      previous_assignee_id CHAR(36) NULL,
      reason VARCHAR(500) NULL,
      created_at DATETIME(3) NOT NULL,
      read_at DATETIME(3) NULL,
      UNIQUE KEY ux_assignment_notices_event (case_id, event_seq),
      KEY ix_assignment_notices_user (user_id, created_at)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE login_failures (
      key_hash CHAR(64) NOT NULL PRIMARY KEY,
      failures INT NOT NULL,
      window_started_at DATETIME(3) NOT NULL,
      locked_until DATETIME(3) NULL,
      updated_at DATETIME(3) NOT NULL
    ) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE login_failures');
    await q.query('DROP TABLE assignment_notices');
    await q.query('DROP TABLE attachment_contents');
    await q.query('DROP TABLE case_attachments');
    await q.query('DROP TABLE case_persons');
  }
}
