import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One person's medical expense totals for one year (因病致贫返贫监测), as last imported: a
 * re-import of the same person and year replaces the row. Keyed by year first, so a run scans
 * one year as one range of the clustered index.
 */
@Entity('monitoring_expense_records')
export class ExpenseRecordEntity {
  @PrimaryColumn({ type: 'int' })
  year!: number;

  /** SHA-256 of the normalised resident ID (the relief ledger's person key). */
  @PrimaryColumn({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  @Column({ name: 'id_number', type: 'varchar', length: 18 })
  idNumber!: string;

  @Column({ type: 'varchar', length: 50 })
  name!: string;

  @Column({ name: 'street_code', type: 'varchar', length: 32 })
  streetCode!: string;

  @Column({ name: 'insurance_type', type: 'varchar', length: 16 })
  insuranceType!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  category!: string | null;

  @Column({ name: 'in_policy_cost', type: 'decimal', precision: 14, scale: 2 })
  inPolicyCost!: string;

  @Column({ name: 'insurance_paid', type: 'decimal', precision: 14, scale: 2 })
  insurancePaid!: string;

  @Column({ name: 'relief_paid', type: 'decimal', precision: 14, scale: 2 })
  reliefPaid!: string;

  @Column({ name: 'out_of_policy_cost', type: 'decimal', precision: 14, scale: 2 })
  outOfPolicyCost!: string;

  /** The import that wrote this version of the row. */
  @Column({ name: 'import_id', type: 'char', length: 36 })
  importId!: string;

  @Column({ name: 'imported_at', type: 'datetime', precision: 3 })
  importedAt!: Date;
}
