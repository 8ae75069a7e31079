import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cross-case job (a linked case to open, a signal to another case) is settled once its effect is
 * in the database: the worker stamps `settled_at` when the job succeeds, the reconciler when it
 * finds or makes the effect after the job was lost (a long Redis or worker outage).
 */
export class OutboxSettled1764000012000 implements MigrationInterface {
  name = 'OutboxSettled1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE outbox ADD COLUMN settled_at DATETIME(3) NULL, ADD KEY ix_outbox_unsettled (queue, settled_at, dispatched_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP KEY ix_outbox_unsettled, DROP COLUMN settled_at');
  }
}
