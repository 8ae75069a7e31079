import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Penalty cases: payments to the two ledgers of Decree 735 art. 45 — RECOVERY (returned to the
 * fund) and FINE (to the treasury) — one row per payment; and credit scores with decimals.
 */
export class Penalties1764000004000 implements MigrationInterface {
  name = 'Penalties1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE institutions MODIFY credit_score DECIMAL(7,2) NOT NULL');
    await q.query(`CREATE TABLE penalty_ledger_entries (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      institution_id CHAR(36) NOT NULL,
      ledger VARCHAR(16) NOT NULL,
      amount DECIMAL(14,2) NOT NULL,
      late_fee DECIMAL(14,2) NOT NULL,
      reference VARCHAR(100) NOT NULL,
      recorded_by VARCHAR(64) NOT NULL,
      paid_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_penalty_ledger_reference (case_id, ledger, reference),
      KEY ix_penalty_ledger_institution (institution_id, ledger, paid_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE penalty_ledger_entries');
    await q.query('ALTER TABLE institutions MODIFY credit_score INT NOT NULL');
  }
}
