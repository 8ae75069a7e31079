import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InspectionDrawRecord } from '../draw-inspection';

/** A plan's draw, stored once (the plan id is the key) and never updated: what is published. */
@Entity('inspection_draws')
export class InspectionDrawEntity {
  @PrimaryColumn({ name: 'plan_id', type: 'char', length: 36 })
  planId!: string;

  @Column({ type: 'varchar', length: 64 })
  algorithm!: string;

  @Column({ type: 'varchar', length: 512 })
  seed!: string;

  @Column({ name: 'institutions_hash', type: 'char', length: 64 })
  institutionsHash!: string;

  /** The whole record: inputs, canonical lists with their hashes, result. */
  @Column({ type: 'longtext', transformer: { to: JSON.stringify, from: JSON.parse } })
  record!: InspectionDrawRecord;

  @Column({ name: 'case_ids', type: 'json' })
  caseIds!: string[];

  @Column({ name: 'drawn_by', type: 'varchar', length: 64 })
  drawnBy!: string;

  @Column({ name: 'drawn_at', type: 'datetime', precision: 3 })
  drawnAt!: Date;
}
