import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A person's sign-up (签约) with a primary-care institution for part or all of a sign-up year.
 * A change within the year ends the row (`end_date`, `ended_reason`) and adds the next one with
 * `change_no` + 1, so (year, person, change_no) is unique and the history stays.
 */
@Entity('capitation_sign_ups')
export class CapitationSignUpEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'smallint' })
  year!: number;

  /** SHA-256 of the normalised resident ID (the key every person index uses). */
  @Column({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  /** Kept to show masked in lists; never in a URL or a job. */
  @Column({ name: 'id_number', type: 'varchar', length: 18 })
  idNumber!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'institution_code', type: 'varchar', length: 64 })
  institutionCode!: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'end_date', type: 'date' })
  endDate!: string;

  @Column({ name: 'change_no', type: 'smallint' })
  changeNo!: number;

  @Column({ name: 'ended_reason', type: 'varchar', length: 32, nullable: true })
  endedReason!: string | null;

  @Column({ name: 'previous_id', type: 'char', length: 36, nullable: true })
  previousId!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** 实际门诊统筹基金支出 of an institution's signed persons in a month; a re-import replaces it. */
@Entity('capitation_spending')
export class CapitationSpendingEntity {
  @PrimaryColumn({ name: 'institution_code', type: 'varchar', length: 64 })
  institutionCode!: string;

  @PrimaryColumn({ type: 'smallint' })
  year!: number;

  @PrimaryColumn({ type: 'tinyint' })
  month!: number;

  @Column({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;

  @Column({ name: 'imported_by', type: 'varchar', length: 64 })
  importedBy!: string;

  @Column({ name: 'imported_at', type: 'datetime', precision: 3 })
  importedAt!: Date;
}

/**
 * The month's settlement of an institution as the reports read it (the case holds the trail):
 * written with the case's opening, updated by its RETURN and RECORD_PAYMENT hooks.
 */
@Entity('capitation_months')
export class CapitationMonthEntity {
  @PrimaryColumn({ name: 'institution_code', type: 'varchar', length: 64 })
  institutionCode!: string;

  @PrimaryColumn({ type: 'smallint' })
  year!: number;

  @PrimaryColumn({ type: 'tinyint' })
  month!: number;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @Column({ name: 'base_amount', type: 'decimal', precision: 14, scale: 2 })
  baseAmount!: string;

  @Column({ name: 'fee_amount', type: 'decimal', precision: 14, scale: 2 })
  feeAmount!: string;

  @Column({ name: 'person_days', type: 'int' })
  personDays!: number;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3, nullable: true })
  paidAt!: Date | null;
}
