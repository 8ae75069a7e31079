import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type CreditRecordKind = 'SANCTION' | 'INSPECTION';

/**
 * One entry of an institution's credit history: a decided sanction or a published inspection
 * result, written by the domain that decided it, once per source case (unique).
 */
@Entity('institution_credit_records')
export class InstitutionCreditRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'institution_id', type: 'char', length: 36 })
  institutionId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: CreditRecordKind;

  @Column({ name: 'source_case_id', type: 'char', length: 36 })
  sourceCaseId!: string;

  @Column({ type: 'json' })
  detail!: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;
}
