import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OFFICIAL_CALENDARS } from '../../common/calendar/working-calendar';

/**
 * The foundation schema. SQL kept inside what both MySQL 8 and MariaDB 10.11 accept
 * (MariaDB's JSON is LONGTEXT with a validity check).
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id CHAR(36) NOT NULL PRIMARY KEY,
      username VARCHAR(64) NOT NULL,
      password_hash VARCHAR(100) NOT NULL,
      display_name VARCHAR(100) NOT NULL,
      roles JSON NOT NULL,
      street_code VARCHAR(32) NULL,
      expert_field VARCHAR(16) NULL,
      affiliation VARCHAR(100) NULL,
      active TINYINT(1) NOT NULL DEFAULT 1,
      token_version INT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_users_username (username)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE cases (
      id CHAR(36) NOT NULL PRIMARY KEY,
      type VARCHAR(64) NOT NULL,
      machine_version INT NOT NULL,
      state VARCHAR(191) NOT NULL,
      status VARCHAR(16) NOT NULL,
      version INT NOT NULL,
      snapshot JSON NOT NULL,
      data JSON NOT NULL,
      street_code VARCHAR(32) NULL,
      assignee_id CHAR(36) NULL,
      last_event_hash CHAR(64) NOT NULL,
      policy_version VARCHAR(32) NOT NULL,
      origin_key VARCHAR(191) NULL,
      exclusive_key VARCHAR(191) NULL,
      created_by VARCHAR(64) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      closed_at DATETIME(3) NULL,
      KEY ix_cases_type_state (type, status, state),
      KEY ix_cases_street (street_code, status),
      KEY ix_cases_assignee (assignee_id, status),
      KEY ix_cases_created (created_at),
      UNIQUE KEY ux_cases_origin (origin_key),
      UNIQUE KEY ux_cases_exclusive (exclusive_key)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE case_events (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      seq INT NOT NULL,
      type VARCHAR(64) NOT NULL,
      actor VARCHAR(64) NOT NULL,
      payload JSON NOT NULL,
      from_state VARCHAR(191) NULL,
      to_state VARCHAR(191) NOT NULL,
      at DATETIME(3) NOT NULL,
      prev_hash CHAR(64) NOT NULL,
      hash CHAR(64) NOT NULL,
      UNIQUE KEY ux_case_events_case_seq (case_id, seq)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // Who a case is assigned to by its data (an inspection team, an expert panel): scopes lists.
    await q.query(`CREATE TABLE case_members (
      case_id CHAR(36) NOT NULL,
      user_id CHAR(36) NOT NULL,
      PRIMARY KEY (case_id, user_id),
      KEY ix_case_members_user (user_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE case_links (
      case_id CHAR(36) NOT NULL,
      rel VARCHAR(64) NOT NULL,
      linked_case_id CHAR(36) NOT NULL,
      PRIMARY KEY (case_id, rel, linked_case_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE case_signals (
      source_case_id CHAR(36) NOT NULL,
      source_seq INT NOT NULL,
      target_case_id CHAR(36) NOT NULL,
      PRIMARY KEY (source_case_id, source_seq, target_case_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE case_deadlines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      name VARCHAR(191) NOT NULL,
      kind VARCHAR(8) NOT NULL,
      entry_seq INT NOT NULL,
      restart INT NOT NULL DEFAULT 0,
      duration VARCHAR(16) NOT NULL,
      started_at DATETIME(3) NOT NULL,
      due_at DATETIME(3) NOT NULL,
      on_expire_event VARCHAR(64) NULL,
      status VARCHAR(16) NOT NULL,
      fired_at DATETIME(3) NULL,
      closed_at DATETIME(3) NULL,
      KEY ix_case_deadlines_due (status, due_at),
      KEY ix_case_deadlines_case (case_id, status)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE outbox (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      queue VARCHAR(64) NOT NULL,
      job_name VARCHAR(64) NOT NULL,
      job_id VARCHAR(191) NOT NULL,
      payload JSON NOT NULL,
      run_at DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      dispatched_at DATETIME(3) NULL,
      attempts INT NOT NULL DEFAULT 0,
      last_error VARCHAR(500) NULL,
      UNIQUE KEY ux_outbox_job_id (job_id),
      KEY ix_outbox_pending (dispatched_at, id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE idempotency_keys (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      user_id VARCHAR(64) NOT NULL,
      endpoint VARCHAR(128) NOT NULL,
      \`key\` VARCHAR(128) NOT NULL,
      request_hash CHAR(64) NOT NULL,
      resource_id VARCHAR(64) NULL,
      created_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_idempotency_scope (user_id, endpoint, \`key\`),
      KEY ix_idempotency_expires (expires_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`CREATE TABLE calendar_years (
      year INT NOT NULL PRIMARY KEY,
      data JSON NOT NULL,
      source VARCHAR(255) NULL,
      loaded_at DATETIME(3) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // The official 2025 and 2026 schedules ship with the service.
    const loadedAt = new Date();
    for (const [year, data] of Object.entries(OFFICIAL_CALENDARS.years)) {
      await q.query(
        'INSERT INTO calendar_years (year, data, source, loaded_at) VALUES (?, ?, ?, ?)',
        [Number(year), JSON.stringify(data), OFFICIAL_CALENDARS.source, loadedAt],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'calendar_years',
      'idempotency_keys',
      'outbox',
      'case_deadlines',
      'case_members',
      'case_links',
      'case_signals',
      'case_events',
      'cases',
      'users',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
