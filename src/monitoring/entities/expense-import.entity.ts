import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One import request: who sent what, when, and how many rows were kept or refused. */
@Entity('monitoring_imports')
export class ExpenseImportEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
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

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
