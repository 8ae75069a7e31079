import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An outbox row written by a transition the committing process hands over itself right after
 * the commit carries a short lease: the periodic relay leaves it alone until the lease runs out
 * (the process crashed or Redis was down), so the row is handed over once without a claim
 * transaction on every request.
 */
export class OutboxLease1764000010000 implements MigrationInterface {
  name = 'OutboxLease1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN claimed_until DATETIME(3) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN claimed_until');
  }
}
