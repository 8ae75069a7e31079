import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outpatient capitation (门诊按人头付费): sign-ups, the actual spending imported per institution
 * and month, and the month table the reports read. Hand-written because the keys carry the rules:
 * a sign-up's (year, person, change_no) is unique so an import cannot sign a person up twice in a
 * year while a change keeps the earlier row; an institution's month has one settlement, ever (the
 * case's origin key says the same in `cases`); a month's spending is one figure, replaced on
 * re-import.
 */
export class Capitation1764000014000 implements MigrationInterface {
  name = 'Capitation1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE capitation_sign_ups (
      id CHAR(36) NOT NULL PRIMARY KEY,
      year SMALLINT NOT NULL,
      person_key CHAR(64) NOT NULL,
      id_number VARCHAR(18) NOT NULL,
      name VARCHAR(100) NOT NULL,
      institution_code VARCHAR(64) NOT NULL,
      start_date DATE NOT NULL,
      end_date DATE NOT NULL,
      change_no SMALLINT NOT NULL,
      ended_reason VARCHAR(32) NULL,
      previous_id CHAR(36) NULL,
      created_by VARCHAR(64) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_capitation_sign_up (year, person_key, change_no),
      KEY ix_capitation_sign_up_institution (institution_code, year, start_date)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE capitation_spending (
      institution_code VARCHAR(64) NOT NULL,
      year SMALLINT NOT NULL,
      month TINYINT NOT NULL,
      amount DECIMAL(14,2) NOT NULL,
      imported_by VARCHAR(64) NOT NULL,
      imported_at DATETIME(3) NOT NULL,
      PRIMARY KEY (institution_code, year, month)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE capitation_months (
      institution_code VARCHAR(64) NOT NULL,
      year SMALLINT NOT NULL,
      month TINYINT NOT NULL,
      case_id CHAR(36) NOT NULL,
      base_amount DECIMAL(14,2) NOT NULL,
      fee_amount DECIMAL(14,2) NOT NULL,
      person_days INT NOT NULL,
      paid_at DATETIME(3) NULL,
      PRIMARY KEY (institution_code, year, month),
      UNIQUE KEY ux_capitation_month_case (case_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE capitation_months');
    await q.query('DROP TABLE capitation_spending');
    await q.query('DROP TABLE capitation_sign_ups');
  }
}
