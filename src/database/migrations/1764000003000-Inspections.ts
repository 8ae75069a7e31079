import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * Double random, one public (双随机一公开): the institution directory with its credit record,
 * inspection plans, their stored draws and the published results; confidential cases (FLIGHT).
 */
export class Inspections1764000003000 implements MigrationInterface {
  name = 'Inspections1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE cases ADD COLUMN restricted TINYINT(1) NOT NULL DEFAULT 0');
    await q.query(`CREATE TABLE institutions (
      id CHAR(36) NOT NULL PRIMARY KEY,
      code VARCHAR(64) NOT NULL,
      name VARCHAR(200) NOT NULL,
      type VARCHAR(16) NOT NULL,
      level TINYINT NULL,
      district VARCHAR(64) NULL,
      imported_grade CHAR(1) NULL,
      credit_grade CHAR(1) NOT NULL,
      credit_score INT NOT NULL,
      credit_reasons JSON NOT NULL,
      blacklisted_until DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_institutions_code (code),
      KEY ix_institutions_type (type)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE institution_credit_records (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      institution_id CHAR(36) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      source_case_id CHAR(36) NOT NULL,
      detail JSON NOT NULL,
      occurred_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_credit_records_source (source_case_id, kind),
      KEY ix_credit_records_institution (institution_id, occurred_at)
    ) ${TABLE}`);
    await q.query(`CREATE TABLE inspection_plans (
      id CHAR(36) NOT NULL PRIMARY KEY,
      name VARCHAR(200) NOT NULL,
      year INT NOT NULL,
      kind VARCHAR(16) NOT NULL,
      sample_ratio VARCHAR(16) NULL,
      sample_size INT NULL,
      institution_types JSON NULL,
      team_size INT NOT NULL,
      window_days INT NULL,
      owner_id CHAR(36) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      drawn_at DATETIME(3) NULL,
      KEY ix_inspection_plans_kind (kind, drawn_at)
    ) ${TABLE}`);
    // One draw per plan (the primary key), written once and never updated.
    await q.query(`CREATE TABLE inspection_draws (
      plan_id CHAR(36) NOT NULL PRIMARY KEY,
      algorithm VARCHAR(64) NOT NULL,
      seed VARCHAR(512) NOT NULL,
      institutions_hash CHAR(64) NOT NULL,
      record LONGTEXT NOT NULL,
      case_ids JSON NOT NULL,
      drawn_by VARCHAR(64) NOT NULL,
      drawn_at DATETIME(3) NOT NULL
    ) ${TABLE}`);
    await q.query(`CREATE TABLE inspection_results (
      case_id CHAR(36) NOT NULL PRIMARY KEY,
      plan_id CHAR(36) NULL,
      year INT NOT NULL,
      district VARCHAR(64) NULL,
      institution_code VARCHAR(64) NOT NULL,
      institution_name VARCHAR(200) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      inspected_on DATE NOT NULL,
      conclusion VARCHAR(32) NOT NULL,
      findings_summary TEXT NOT NULL,
      sanctions JSON NOT NULL,
      published_at DATETIME(3) NOT NULL,
      KEY ix_inspection_results_year (year, district, published_at)
    ) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inspection_results');
    await q.query('DROP TABLE inspection_draws');
    await q.query('DROP TABLE inspection_plans');
    await q.query('DROP TABLE institution_credit_records');
    await q.query('DROP TABLE institutions');
    await q.query('ALTER TABLE cases DROP COLUMN restricted');
  }
}
