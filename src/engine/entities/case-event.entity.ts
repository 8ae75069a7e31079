import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The append-only event log of a case. Each row carries the hash of the previous row of the
 * same case (`prev_hash`) and its own hash over its content, so an edited row breaks the chain.
 */
@Entity('case_events')
@Index('ux_case_events_case_seq', ['caseId', 'seq'], { unique: true })
export class CaseEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  /** A user id, or `system` for the service's own events. */
  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @Column({ type: 'json' })
  payload!: Record<string, unknown>;

  @Column({ name: 'from_state', type: 'varchar', length: 191, nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'varchar', length: 191 })
  toState!: string;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
