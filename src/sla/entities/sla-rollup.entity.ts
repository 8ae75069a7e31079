import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `state`: stages by workflow and state; `assignee`: stages by holder; `street`: cases by street. */
export type RollupDim = 'state' | 'assignee' | 'street';
/** `d`: one Asia/Shanghai day; `m`: a month (period = its first day). */
export type RollupGrain = 'd' | 'm';

/**
 * Pre-aggregated completions for the summary: stages (and cases) finished per period, key and
 * duration bucket (log scale, see duration-histogram.ts), maintained in the transaction that
 * finished them. A range reads whole months plus the days at its edges, never the raw records.
 */
@Entity('sla_rollups')
export class SlaRollupEntity {
  @PrimaryColumn({ type: 'varchar', length: 8 })
  dim!: RollupDim;

  @PrimaryColumn({ type: 'char', length: 1 })
  grain!: RollupGrain;

  @PrimaryColumn({ type: 'date' })
  period!: string;

  @PrimaryColumn({ name: 'case_type', type: 'varchar', length: 64 })
  caseType!: string;

  /** The state, the assignee's id or the street code ('' for none). */
  @PrimaryColumn({ name: 'dim_key', type: 'varchar', length: 191 })
  dimKey!: string;

  @PrimaryColumn({ type: 'smallint' })
  bucket!: number;

  @Column({ type: 'int' })
  n!: number;

  @Column({ type: 'int' })
  breached!: number;

  @Column({ name: 'total_ms', type: 'bigint' })
  totalMs!: string;
}
