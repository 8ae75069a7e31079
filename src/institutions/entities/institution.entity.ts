import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { CreditGrade, InstitutionType } from '../../../workflows/institutions';

export {
  CREDIT_GRADES,
  type CreditGrade,
  INSTITUTION_TYPES,
  type InstitutionType,
} from '../../../workflows/institutions';

/**
 * A designated medical institution or pharmacy (定点医药机构) of the inspection-object directory
 * (检查对象名录库). `importedGrade` is the grade it came with; `creditGrade` the grade computed
 * from its record since (kept here so the draw reads one table).
 */
@Entity('institutions')
export class InstitutionEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: InstitutionType;

  @Column({ type: 'tinyint', nullable: true })
  level!: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  district!: string | null;

  @Column({ name: 'imported_grade', type: 'char', length: 1, nullable: true })
  importedGrade!: CreditGrade | null;

  @Column({ name: 'credit_grade', type: 'char', length: 1 })
  creditGrade!: CreditGrade;

  /** 0–100 with at most two places (older penalties count less as they age). */
  @Column({
    name: 'credit_score',
    type: 'decimal',
    precision: 7,
    scale: 2,
    transformer: { to: (v: number) => v, from: (v: string | null) => (v === null ? 0 : Number(v)) },
  })
  creditScore!: number;

  @Column({ name: 'credit_reasons', type: 'json' })
  creditReasons!: string[];

  /** On the joint-punishment list (失信联合惩戒) until then. */
  @Column({ name: 'blacklisted_until', type: 'datetime', precision: 3, nullable: true })
  blacklistedUntil!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
