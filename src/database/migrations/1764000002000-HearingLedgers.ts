import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Special relief and the warm-heart fund: a ledger each, per person and year. */
export class HearingLedgers1764000002000 implements MigrationInterface {
  name = 'HearingLedgers1764000002000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['special_relief_ledgers', 'warm_heart_fund_ledgers']) {
      await q.query(`CREATE TABLE ${table} (
        person_key CHAR(64) NOT NULL,
        year INT NOT NULL,
        reserved DECIMAL(14,2) NOT NULL DEFAULT 0,
        paid DECIMAL(14,2) NOT NULL DEFAULT 0,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (person_key, year)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE warm_heart_fund_ledgers');
    await q.query('DROP TABLE special_relief_ledgers');
  }
}
