import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Seed 002's goals per street and year, summed when a relief case is paid (in that transaction):
 * 综合保障率 = (insurance + relief) / in-policy cost, 个人负担率 = personal burden / in-policy cost.
 */
@Entity('relief_indicator_totals')
export class ReliefIndicatorTotalEntity {
  @PrimaryColumn({ type: 'int' })
  year!: number;

  @PrimaryColumn({ name: 'street_code', type: 'varchar', length: 32 })
  streetCode!: string;

  @Column({ type: 'int' })
  cases!: number;

  @Column({ name: 'in_policy_cost', type: 'decimal', precision: 16, scale: 2 })
  inPolicyCost!: string;

  @Column({ name: 'insurance_paid', type: 'decimal', precision: 16, scale: 2 })
  insurancePaid!: string;

  @Column({ name: 'relief_paid', type: 'decimal', precision: 16, scale: 2 })
  reliefPaid!: string;

  @Column({ name: 'personal_burden', type: 'decimal', precision: 16, scale: 2 })
  personalBurden!: string;
}
