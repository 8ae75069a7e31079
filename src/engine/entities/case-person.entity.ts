import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The people a case is about, by person key (SHA-256 of the normalised resident ID, as the
 * yearly ledgers): written by the engine when a case opens (`WorkflowDefinition.persons`), read
 * by the person view. Holds no ID number.
 */
@Entity('case_persons')
@Index('ix_case_persons_case', ['caseId'])
export class CasePersonEntity {
  @PrimaryColumn({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  @PrimaryColumn({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;
}
