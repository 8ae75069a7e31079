import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A reminder (临期提醒) is a time on its deadline's row (`remind_at`), no longer an `sla_alerts`
 * row written with every deadline: most stages are left before their reminder is due, and each
 * such row used to cost an insert on entry and a transaction of the SLA round to cancel it later.
 * `sla_alerts` keeps the reminders sent (and breaches and escalations). The reminders still
 * scheduled for open deadlines move onto their rows; those of closed deadlines are dropped.
 */
export class DeadlineReminders1764000022000 implements MigrationInterface {
  name = 'DeadlineReminders1764000022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE case_deadlines ADD COLUMN remind_at DATETIME(3) NULL, ADD KEY ix_case_deadlines_remind (remind_at)',
    );
    await q.query(
      `UPDATE case_deadlines d JOIN sla_alerts a ON a.deadline_id = d.id
          SET d.remind_at = a.due_at
        WHERE a.kind = 'reminder' AND a.status = 'scheduled' AND d.closed_at IS NULL`,
    );
    await q.query("DELETE FROM sla_alerts WHERE kind = 'reminder' AND status = 'scheduled'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT IGNORE INTO sla_alerts (case_id, deadline_id, kind, level, deadline_key, due_at, status,
         outcome, created_at, sent_at)
       SELECT case_id, id, 'reminder', 0, CONCAT(kind, '-', name, '-', entry_seq), remind_at,
              'scheduled', NULL, NOW(3), NULL
         FROM case_deadlines WHERE remind_at IS NOT NULL AND closed_at IS NULL`,
    );
    await q.query(
      'ALTER TABLE case_deadlines DROP KEY ix_case_deadlines_remind, DROP COLUMN remind_at',
    );
  }
}
