import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Special relief (特殊医疗救助) granted to a person in a year: reserved on DECIDE, paid on
 * RECORD_PAYMENT; the yearly cap (policy, 100,000) is checked under the row lock.
 */
@Entity('special_relief_ledgers')
export class SpecialReliefLedgerEntity {
  @PrimaryColumn({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ type: 'decimal', precision: 14, scale: 2 })
  reserved!: string;

  @Column({ type: 'decimal', precision: 14, scale: 2 })
  paid!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** 暖心无忧基金: what the warm-heart fund committed (joint meeting) and paid, per person and year. */
@Entity('warm_heart_fund_ledgers')
export class WarmHeartFundLedgerEntity {
  @PrimaryColumn({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ type: 'decimal', precision: 14, scale: 2 })
  reserved!: string;

  @Column({ type: 'decimal', precision: 14, scale: 2 })
  paid!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
