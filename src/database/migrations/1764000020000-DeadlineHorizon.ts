import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The deadline horizon (docs/architecture.md, 'How a deadline fires'): only deadlines due within
 * DEADLINE_HORIZON_MS wait in Redis as delayed jobs; `queued_at` says when a deadline's job was
 * handed to BullMQ (at its start, or by the promotion round when it came within the horizon).
 * Pending rows already have their job: they count as queued.
 */
export class DeadlineHorizon1764000020000 implements MigrationInterface {
  name = 'DeadlineHorizon1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE case_deadlines ADD COLUMN queued_at DATETIME(3) NULL, ADD KEY ix_case_deadlines_unqueued (status, queued_at, due_at)',
    );
    await q.query("UPDATE case_deadlines SET queued_at = started_at WHERE status = 'pending'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE case_deadlines DROP KEY ix_case_deadlines_unqueued, DROP COLUMN queued_at',
    );
  }
}
