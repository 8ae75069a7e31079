import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Early warning (因病致贫返贫监测): yearly expense records (one per person and year, replaced on
 * re-import), imports, runs, flags (unique per person and year: one proactive case however many
 * runs overlap) and reports by persons, employers and organisations.
 */
export class Monitoring1764000008000 implements MigrationInterface {
  name = 'Monitoring1764000008000';

  async up(q: QueryRunner): Promise<void> {
    // Clustered by (year, id): an import appends at the end of its year's range and a run reads
    // one year as one range; the person is unique per year through the 32-byte SHA-256 key.
    await q.query(`CREATE TABLE monitoring_expense_records (
      year INT NOT NULL,
      id BIGINT NOT NULL AUTO_INCREMENT,
      person_key BINARY(32) NOT NULL,
      id_number VARCHAR(18) NOT NULL,
      name VARCHAR(50) NOT NULL,
      street_code VARCHAR(32) NOT NULL,
      insurance_type VARCHAR(16) NOT NULL,
      category VARCHAR(16) NULL,
      in_policy_cost DECIMAL(14,2) NOT NULL,
      insurance_paid DECIMAL(14,2) NOT NULL,
      relief_paid DECIMAL(14,2) NOT NULL,
      out_of_policy_cost DECIMAL(14,2) NOT NULL,
      import_id BIGINT NOT NULL,
      PRIMARY KEY (year, id),
      UNIQUE KEY ux_monitoring_records_person (year, person_key),
      KEY ix_monitoring_records_id (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE monitoring_imports (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      format VARCHAR(8) NOT NULL,
      accepted INT NOT NULL,
      rejected INT NOT NULL,
      imported_by VARCHAR(64) NOT NULL,
      started_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE monitoring_runs (
      id CHAR(36) NOT NULL PRIMARY KEY,
      year INT NOT NULL,
      status VARCHAR(16) NOT NULL,
      started_by VARCHAR(64) NOT NULL,
      started_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      policy_version VARCHAR(32) NOT NULL,
      thresholds JSON NOT NULL,
      scanned INT NULL,
      flagged INT NULL,
      newly_flagged INT NULL,
      cases_opened INT NULL,
      cases_failed INT NULL,
      scan_ms INT NULL,
      cases_ms INT NULL,
      error VARCHAR(500) NULL,
      KEY ix_monitoring_runs_year (year, started_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE monitoring_flags (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      person_key CHAR(64) NOT NULL,
      year INT NOT NULL,
      source VARCHAR(8) NOT NULL,
      rule VARCHAR(32) NOT NULL,
      id_number VARCHAR(18) NOT NULL,
      name VARCHAR(50) NOT NULL,
      phone VARCHAR(20) NULL,
      street_code VARCHAR(32) NOT NULL,
      insurance_type VARCHAR(16) NOT NULL,
      category VARCHAR(16) NULL,
      in_policy_cost DECIMAL(14,2) NULL,
      insurance_paid DECIMAL(14,2) NULL,
      relief_paid DECIMAL(14,2) NULL,
      out_of_policy_cost DECIMAL(14,2) NULL,
      in_policy_burden DECIMAL(15,2) NULL,
      total_burden DECIMAL(15,2) NULL,
      burden DECIMAL(15,2) NULL,
      threshold DECIMAL(20,6) NULL,
      run_id CHAR(36) NULL,
      report_id CHAR(36) NULL,
      flagged_by VARCHAR(64) NOT NULL,
      flagged_at DATETIME(3) NOT NULL,
      case_id CHAR(36) NULL,
      case_opened_at DATETIME(3) NULL,
      UNIQUE KEY ux_monitoring_flags_person (person_key, year),
      KEY ix_monitoring_flags_street (year, street_code),
      KEY ix_monitoring_flags_case (year, case_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE monitoring_reports (
      id CHAR(36) NOT NULL PRIMARY KEY,
      person_key CHAR(64) NOT NULL,
      year INT NOT NULL,
      id_number VARCHAR(18) NOT NULL,
      name VARCHAR(50) NOT NULL,
      phone VARCHAR(20) NULL,
      street_code VARCHAR(32) NOT NULL,
      insurance_type VARCHAR(16) NOT NULL,
      category VARCHAR(16) NULL,
      reason VARCHAR(500) NOT NULL,
      reporter_type VARCHAR(16) NOT NULL,
      reporter_name VARCHAR(100) NOT NULL,
      reporter_phone VARCHAR(20) NULL,
      reported_by VARCHAR(64) NOT NULL,
      reported_at DATETIME(3) NOT NULL,
      flag_id BIGINT NOT NULL,
      case_id CHAR(36) NULL,
      case_opened BOOLEAN NOT NULL,
      KEY ix_monitoring_reports_person (person_key, year)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE monitoring_reports');
    await q.query('DROP TABLE monitoring_flags');
    await q.query('DROP TABLE monitoring_runs');
    await q.query('DROP TABLE monitoring_imports');
    await q.query('DROP TABLE monitoring_expense_records');
  }
}
