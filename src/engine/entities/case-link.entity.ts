import { Entity, PrimaryColumn } from 'typeorm';

/**
 * A link between two cases (a relief case and the hearing it opened), stored once per direction
 * so a closed case can still gain links; shown as `data.links: [{ rel, caseId }]`.
 */
@Entity('case_links')
export class CaseLinkEntity {
  @PrimaryColumn({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  rel!: string;

  @PrimaryColumn({ name: 'linked_case_id', type: 'char', length: 36 })
  linkedCaseId!: string;
}
