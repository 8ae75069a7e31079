import { Entity, PrimaryColumn } from 'typeorm';

/** A cross-case event already applied: (source case, source seq, target) makes it happen once. */
@Entity('case_signals')
export class CaseSignalEntity {
  @PrimaryColumn({ name: 'source_case_id', type: 'char', length: 36 })
  sourceCaseId!: string;

  @PrimaryColumn({ name: 'source_seq', type: 'int' })
  sourceSeq!: number;

  @PrimaryColumn({ name: 'target_case_id', type: 'char', length: 36 })
  targetCaseId!: string;
}
