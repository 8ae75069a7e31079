import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A person's relief for one calendar year (the cap year): what has been paid, and what approved
 * but unpaid cases hold in reserve. Rows are changed only under SELECT … FOR UPDATE inside the
 * case transaction, so two concurrent applications can never overdraw the yearly caps.
 */
@Entity('relief_ledgers')
export class ReliefLedgerEntity {
  /** SHA-256 of the normalised resident ID: the ledger itself holds no ID number. */
  @PrimaryColumn({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ name: 'paid_total', type: 'decimal', precision: 14, scale: 2 })
  paidTotal!: string;

  @Column({ name: 'paid_outpatient', type: 'decimal', precision: 14, scale: 2 })
  paidOutpatient!: string;

  @Column({ name: 'reserved_total', type: 'decimal', precision: 14, scale: 2 })
  reservedTotal!: string;

  @Column({ name: 'reserved_outpatient', type: 'decimal', precision: 14, scale: 2 })
  reservedOutpatient!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
