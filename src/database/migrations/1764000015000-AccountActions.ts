import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Role grants, unlocks and other account changes get their own log, reviewable by the auditor:
 * until now they reached only the application log, where no auditor could review them.
 */
export class AccountActions1764000015000 implements MigrationInterface {
  name = 'AccountActions1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE account_actions (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      at DATETIME(3) NOT NULL,
      actor_id VARCHAR(64) NOT NULL,
      action VARCHAR(32) NOT NULL,
      user_id CHAR(36) NOT NULL,
      username VARCHAR(64) NOT NULL,
      detail JSON NOT NULL,
      KEY ix_account_actions_user (user_id, at),
      KEY ix_account_actions_at (at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE account_actions');
  }
}
