import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The users a case's data names as its members (`data.team`, `data.panel`): kept in step by the
 * engine so lists and the task inbox can scope experts and inspectors in SQL.
 */
@Entity('case_members')
@Index('ix_case_members_user', ['userId'])
export class CaseMemberEntity {
  @PrimaryColumn({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'char', length: 36 })
  userId!: string;
}
