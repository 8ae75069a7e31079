import {
  Column,
  Entity,
  type EntitySubscriberInterface,
  EventSubscriber,
  Index,
  PrimaryColumn,
} from 'typeorm';

export type CaseStatus = 'active' | 'closed';

/**
 * A case: one workflow instance. `snapshot` is the source of truth (XState's persisted
 * snapshot); `state` and `data` are derived copies kept for querying. The snapshot's context is
 * the case's data: it is stored once, in `data`, and put back into the snapshot when the row is
 * read (`withContext`; the row is ~half the size to write on every transition).
 */
@Entity('cases')
@Index('ix_cases_type_state', ['type', 'status', 'state'])
@Index('ix_cases_street', ['streetCode', 'status'])
@Index('ix_cases_assignee', ['assigneeId', 'status'])
export class CaseEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'machine_version', type: 'int' })
  machineVersion!: number;

  /** XState state value, dotted for nested states (`hearing.scheduled`). */
  @Column({ type: 'varchar', length: 191 })
  state!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CaseStatus;

  /** Optimistic lock and event count: every applied event adds one. */
  @Column({ type: 'int' })
  version!: number;

  /** As stored: without `context` (see `storedSnapshot`); as loaded: whole again. */
  @Column({ type: 'json' })
  snapshot!: Record<string, unknown>;

  @Column({ type: 'json' })
  data!: Record<string, unknown>;

  @Column({ name: 'street_code', type: 'varchar', length: 32, nullable: true })
  streetCode!: string | null;

  @Column({ name: 'assignee_id', type: 'char', length: 36, nullable: true })
  assigneeId!: string | null;

  /** The hash of the newest event row: the next row chains to it without another read. */
  @Column({ name: 'last_event_hash', type: 'char', length: 64 })
  lastEventHash!: string;

  @Column({ name: 'policy_version', type: 'varchar', length: 32 })
  policyVersion!: string;

  /** Set when another case asked for this one: `<source id>#<event seq>#<type>`, unique. */
  @Column({ name: 'origin_key', type: 'varchar', length: 191, nullable: true, unique: true })
  originKey!: string | null;

  /** The workflow's exclusive key while the case is active (NULL once closed), unique. */
  @Column({ name: 'exclusive_key', type: 'varchar', length: 191, nullable: true, unique: true })
  exclusiveKey!: string | null;

  /**
   * The workflow's confidentiality holds (a FLIGHT inspection before the team arrives): lists show
   * the case only to its members (case_members, which then include the viewers).
   */
  @Column({ type: 'boolean', default: false })
  restricted!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt!: Date | null;
}

/** Rows the ORM loads get their snapshot's context back (raw reads call `withContext`). */
@EventSubscriber()
export class CaseContextSubscriber implements EntitySubscriberInterface<CaseEntity> {
  listenTo(): typeof CaseEntity {
    return CaseEntity;
  }

  afterLoad(row: CaseEntity): void {
    withContext(row);
  }
}

/** The snapshot as a row stores it: its context left out (it is the row's `data`). */
export function storedSnapshot(snapshot: Record<string, unknown>): Record<string, unknown> {
  if (!('context' in snapshot)) {
    return snapshot;
  }
  const { context: _context, ...rest } = snapshot;
  return rest;
}

/** Puts the row's data back into its snapshot as its context (rows stored before keep theirs). */
export function withContext<T extends Pick<CaseEntity, 'snapshot' | 'data'>>(row: T): T {
  if (row.snapshot && !('context' in row.snapshot) && row.data) {
    row.snapshot = { ...row.snapshot, context: row.data };
  }
  return row;
}
