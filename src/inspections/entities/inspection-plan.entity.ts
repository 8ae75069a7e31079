import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InstitutionType } from '../../institutions/entities/institution.entity';

export const PLAN_KINDS = ['ROUTINE', 'SPECIAL', 'FLIGHT'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

/** A double-random plan (双随机抽查计划): what to draw, how many, how large the teams. */
@Entity('inspection_plans')
export class InspectionPlanEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'int' })
  year!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: PlanKind;

  /** A decimal string in (0, 1], e.g. "0.10"; or null when `sampleSize` is set. */
  @Column({ name: 'sample_ratio', type: 'varchar', length: 16, nullable: true })
  sampleRatio!: string | null;

  @Column({ name: 'sample_size', type: 'int', nullable: true })
  sampleSize!: number | null;

  @Column({ name: 'institution_types', type: 'json', nullable: true })
  institutionTypes!: InstitutionType[] | null;

  @Column({ name: 'team_size', type: 'int' })
  teamSize!: number;

  /** Calendar days the team has to visit; null = the policy's `deadlines.inspection.scheduled`. */
  @Column({ name: 'window_days', type: 'int', nullable: true })
  windowDays!: number | null;

  @Column({ name: 'owner_id', type: 'char', length: 36 })
  ownerId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'drawn_at', type: 'datetime', precision: 3, nullable: true })
  drawnAt!: Date | null;
}
