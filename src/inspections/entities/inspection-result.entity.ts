import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Sanction } from '../../../workflows/sanctions';

/**
 * A published inspection result (一公开): institution, date, conclusion, findings summary and
 * sanctions. Never inspectors' names or any personal data.
 */
@Entity('inspection_results')
export class InspectionResultEntity {
  @PrimaryColumn({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @Column({ name: 'plan_id', type: 'char', length: 36, nullable: true })
  planId!: string | null;

  @Column({ type: 'int' })
  year!: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  district!: string | null;

  @Column({ name: 'institution_code', type: 'varchar', length: 64 })
  institutionCode!: string;

  @Column({ name: 'institution_name', type: 'varchar', length: 200 })
  institutionName!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  /** YYYY-MM-DD (Asia/Shanghai): the day the on-site check began. */
  @Column({ name: 'inspected_on', type: 'date' })
  inspectedOn!: string;

  @Column({ type: 'varchar', length: 32 })
  conclusion!: string;

  @Column({ name: 'findings_summary', type: 'text' })
  findingsSummary!: string;

  @Column({ type: 'json' })
  sanctions!: Sanction[];

  @Column({ name: 'published_at', type: 'datetime', precision: 3 })
  publishedAt!: Date;
}
