import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Penalty cases against insured persons (Decree 735 art. 41): a payment of such a case has no
 * institution, so `institution_id` may be empty and the payer is kept by person key (SHA-256 of
 * the resident ID, as every person index here) — the ledgers still hold no ID number.
 */
export class PenaltyPersonParty1764000013000 implements MigrationInterface {
  name = 'PenaltyPersonParty1764000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE penalty_ledger_entries MODIFY institution_id CHAR(36) NULL, ADD COLUMN person_key CHAR(64) NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE penalty_ledger_entries DROP COLUMN person_key, MODIFY institution_id CHAR(36) NOT NULL',
    );
  }
}
