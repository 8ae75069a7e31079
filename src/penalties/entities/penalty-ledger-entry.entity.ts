import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const LEDGERS = ['FINE', 'RECOVERY'] as const;
export type LedgerName = (typeof LEDGERS)[number];

/**
 * One payment of a penalty case (Decree 735 art. 45): RECOVERY goes back to the fund account,
 * FINE (with any late fee) to the treasury.
 */
@Entity('penalty_ledger_entries')
export class PenaltyLedgerEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  /** The institution that pays; null for an insured person (art. 41), who is `personKey`. */
  @Column({ name: 'institution_id', type: 'char', length: 36, nullable: true })
  institutionId!: string | null;

  /** An insured person who pays (art. 41), by person key (no ID number here). */
  @Column({ name: 'person_key', type: 'char', length: 64, nullable: true })
  personKey!: string | null;

  @Column({ type: 'varchar', length: 16 })
  ledger!: LedgerName;

  @Column({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;

  /** The late fee owed on the fine when this payment was made (加处罚款, Law art. 72). */
  @Column({ name: 'late_fee', type: 'decimal', precision: 14, scale: 2 })
  lateFee!: string;

  @Column({ type: 'varchar', length: 100 })
  reference!: string;

  @Column({ name: 'recorded_by', type: 'varchar', length: 64 })
  recordedBy!: string;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3 })
  paidAt!: Date;
}
