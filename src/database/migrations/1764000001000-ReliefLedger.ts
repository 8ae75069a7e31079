import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The per-person, per-year relief ledger (paid and reserved), and a person index on cases. */
export class ReliefLedger1764000001000 implements MigrationInterface {
  name = 'ReliefLedger1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE relief_ledgers (
      person_key CHAR(64) NOT NULL,
      year INT NOT NULL,
      paid_total DECIMAL(14,2) NOT NULL DEFAULT 0,
      paid_outpatient DECIMAL(14,2) NOT NULL DEFAULT 0,
      reserved_total DECIMAL(14,2) NOT NULL DEFAULT 0,
      reserved_outpatient DECIMAL(14,2) NOT NULL DEFAULT 0,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (person_key, year)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE relief_ledgers');
  }
}
