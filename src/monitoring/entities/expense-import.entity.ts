import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One import request: who sent what, and how many rows were kept or refused. */
@Entity('monitoring_imports')
export class ExpenseImportEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  /** `JSON` or `CSV`. */
  @Column({ type: 'varchar', length: 8 })
  format!: string;

  @Column({ type: 'int' })
  accepted!: number;

  @Column({ type: 'int' })
  rejected!: number;

  @Column({ name: 'imported_by', type: 'varchar', length: 64 })
  importedBy!: string;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3 })
  finishedAt!: Date;
}
