import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay looks for undispatched rows nobody holds (`claimed_until` empty or past): an index
 * on both, so the rows held back until they come near (an SLA reminder due in days) are not
 * scanned every relay round (see src/engine/outbox/outbox-relay.service.ts, OUTBOX_HORIZON_MS).
 */
export class OutboxHeldBack1764000020100 implements MigrationInterface {
  name = 'OutboxHeldBack1764000020100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX ix_outbox_due ON outbox (dispatched_at, claimed_until)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_outbox_due ON outbox');
  }
}
