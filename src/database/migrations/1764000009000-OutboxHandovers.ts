import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How many times the relay handed an outbox row to BullMQ: exactly once, with several workers. */
export class OutboxHandovers1764000009000 implements MigrationInterface {
  name = 'OutboxHandovers1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN handovers INT NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN handovers');
  }
}
