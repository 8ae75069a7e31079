import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One person's medical expense totals for one year (因病致贫返贫监测), as last imported: a
 * re-import of the same person and year replaces the row (unique year + person key). Clustered by
 * (year, id): an import appends to its year's range and a run reads a year as one range.
 * Written and scanned with plain SQL (multi-row upserts, one INSERT … SELECT); the entity is the
 * schema's description and serves reads.
 */
@Entity('monitoring_expense_records')
@Index('ux_monitoring_records_person', ['year', 'personKey'], { unique: true })
export class ExpenseRecordEntity {
  @PrimaryColumn({ type: 'int' })
  year!: number;

  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  /** SHA-256 of the normalised resident ID (the relief ledger's person key), as 32 bytes. */
  @Column({ name: 'person_key', type: 'binary', length: 32 })
  personKey!: Buffer;

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

  /** The import that wrote this version of the row (who and when are on the import). */
  @Column({ name: 'import_id', type: 'bigint' })
  importId!: string;
}
