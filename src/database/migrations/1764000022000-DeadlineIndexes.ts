import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two fewer indexes on `case_deadlines`, the table every transition writes twice (the deadline
 * of the stage it leaves closed, the one it enters inserted), each change maintaining every
 * index whose columns it touches. A pending deadline is always open (`closed_at IS NULL`), so
 * the drain's and the promotion round's reads (`closed_at IS NULL AND status = 'pending' AND
 * due_at …`, deadline-repository.ts) walk `ix_case_deadlines_open` (closed_at, status, due_at,
 * case_id) in due order, as they walked `ix_case_deadlines_due` (status, due_at); the promotion
 * round filters `queued_at IS NULL` on the rows due within the horizon instead of keeping an
 * index of its own (`ix_case_deadlines_unqueued`).
 */
export class DeadlineIndexes1764000022000 implements MigrationInterface {
  name = 'DeadlineIndexes1764000022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE case_deadlines DROP KEY ix_case_deadlines_due, DROP KEY ix_case_deadlines_unqueued',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE case_deadlines ADD KEY ix_case_deadlines_due (status, due_at),
         ADD KEY ix_case_deadlines_unqueued (status, queued_at, due_at)`,
    );
  }
}
