import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * The managers' view (issue 7): SLA records per case and stage, the reminder / breach /
 * escalation alerts, the pre-aggregated rollups the summary reads, the relief indicators per
 * street and year, the in-app inbox and the webhook / e-mail deliveries; and two indexes on the
 * engine's tables so open and overdue counts read an index only (1,000,000 cases, < 300 ms).
 */
export class ManagersView1764000006000 implements MigrationInterface {
  name = 'ManagersView1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sla_records (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      case_type VARCHAR(64) NOT NULL,
      state VARCHAR(191) NOT NULL,
      street_code VARCHAR(32) NULL,
      assignee_id CHAR(36) NULL,
      entry_seq INT NOT NULL,
      entered_at DATETIME(3) NOT NULL,
      due_at DATETIME(3) NULL,
      left_at DATETIME(3) NULL,
      pauses_sla TINYINT(1) NOT NULL DEFAULT 0,
      duty TINYINT(1) NOT NULL DEFAULT 0,
      paused_ms BIGINT NOT NULL DEFAULT 0,
      duration_ms BIGINT NULL,
      breached TINYINT(1) NOT NULL DEFAULT 0,
      breached_at DATETIME(3) NULL,
      open_key CHAR(36) NULL,
      UNIQUE KEY ux_sla_records_entry (case_id, entry_seq),
      UNIQUE KEY ux_sla_records_open (open_key),
      KEY ix_sla_records_left (case_type, state, left_at)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE sla_alerts (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      deadline_id BIGINT NOT NULL,
      kind VARCHAR(16) NOT NULL,
      level INT NOT NULL DEFAULT 0,
      deadline_key VARCHAR(255) NOT NULL,
      due_at DATETIME(3) NOT NULL,
      status VARCHAR(16) NOT NULL,
      outcome VARCHAR(255) NULL,
      created_at DATETIME(3) NOT NULL,
      sent_at DATETIME(3) NULL,
      UNIQUE KEY ux_sla_alerts_once (deadline_id, kind, level),
      KEY ix_sla_alerts_due (status, due_at),
      KEY ix_sla_alerts_case (case_id, kind, status)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE sla_rollups (
      dim VARCHAR(8) NOT NULL,
      grain CHAR(1) NOT NULL,
      period DATE NOT NULL,
      case_type VARCHAR(64) NOT NULL,
      dim_key VARCHAR(191) NOT NULL,
      bucket SMALLINT NOT NULL,
      n INT NOT NULL,
      breached INT NOT NULL,
      total_ms BIGINT NOT NULL,
      PRIMARY KEY (dim, grain, period, case_type, dim_key, bucket)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE relief_indicator_totals (
      year INT NOT NULL,
      street_code VARCHAR(32) NOT NULL,
      cases INT NOT NULL,
      in_policy_cost DECIMAL(16,2) NOT NULL,
      insurance_paid DECIMAL(16,2) NOT NULL,
      relief_paid DECIMAL(16,2) NOT NULL,
      personal_burden DECIMAL(16,2) NOT NULL,
      PRIMARY KEY (year, street_code)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE notifications (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      recipient_id CHAR(36) NOT NULL,
      event_type VARCHAR(64) NOT NULL,
      dedupe_key VARCHAR(191) NOT NULL,
      case_id CHAR(36) NULL,
      title VARCHAR(255) NOT NULL,
      body TEXT NOT NULL,
      data JSON NOT NULL,
      created_at DATETIME(3) NOT NULL,
      read_at DATETIME(3) NULL,
      UNIQUE KEY ux_notifications_once (dedupe_key, recipient_id),
      KEY ix_notifications_inbox (recipient_id, id)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE notification_deliveries (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      channel VARCHAR(16) NOT NULL,
      event_type VARCHAR(64) NOT NULL,
      dedupe_key VARCHAR(191) NOT NULL,
      case_id CHAR(36) NULL,
      target VARCHAR(1000) NOT NULL,
      body MEDIUMTEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      attempts INT NOT NULL DEFAULT 0,
      last_error VARCHAR(500) NULL,
      lease_until DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      sent_at DATETIME(3) NULL,
      UNIQUE KEY ux_deliveries_once (dedupe_key, channel),
      KEY ix_deliveries_status (status, updated_at)
    ) ${TABLE}`);
    // Open and overdue counts per workflow, state, street and assignee from the index alone.
    await q.query(
      'CREATE INDEX ix_cases_sla_open ON cases (status, restricted, type, state, street_code, assignee_id)',
    );
    // Open deadlines (closed_at IS NULL) and their due times: the overdue list and counts.
    await q.query(
      'CREATE INDEX ix_case_deadlines_open ON case_deadlines (closed_at, status, due_at, case_id)',
    );
    // Cases already open get the SLA record of the stage they are in (entered with the event that
    // brought them there); pausing and breach flags start from what the deadline rows say.
    await q.query(`INSERT INTO sla_records
      (case_id, case_type, state, street_code, assignee_id, entry_seq, entered_at, due_at, duty, open_key)
      SELECT c.id, c.type, c.state, c.street_code, c.assignee_id,
        COALESCE((SELECT MAX(e.seq) FROM case_events e WHERE e.case_id = c.id AND e.to_state = c.state
                  AND (e.from_state IS NULL OR e.from_state <> e.to_state)), c.version),
        COALESCE((SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id AND e.to_state = c.state
                  AND (e.from_state IS NULL OR e.from_state <> e.to_state)), c.updated_at),
        (SELECT MIN(d.due_at) FROM case_deadlines d WHERE d.case_id = c.id AND d.kind = 'state'
           AND d.closed_at IS NULL),
        (SELECT COUNT(*) FROM case_deadlines d WHERE d.case_id = c.id AND d.kind = 'state'
           AND d.closed_at IS NULL AND d.on_expire_event IS NULL) > 0,
        c.id
      FROM cases c WHERE c.status = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_case_deadlines_open ON case_deadlines');
    await q.query('DROP INDEX ix_cases_sla_open ON cases');
    for (const t of [
      'notification_deliveries',
      'notifications',
      'relief_indicator_totals',
      'sla_rollups',
      'sla_alerts',
      'sla_records',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
