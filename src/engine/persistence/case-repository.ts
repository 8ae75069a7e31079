import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import {
  deferRow,
  deferWrite,
  readTogether,
  writeBehindTransaction,
} from '../../database/write-behind';
import { eventHash } from '../audit/event-hash';
import type { CaseEventEntity } from '../entities/case-event.entity';
import { CaseLinkEntity } from '../entities/case-link.entity';
import { CaseMemberEntity } from '../entities/case-member.entity';
import { CaseSignalEntity } from '../entities/case-signal.entity';
import { CaseEntity, storedSnapshot, withContext } from '../entities/case.entity';
import { assignments, entityFromRow, insertOf } from './entity-rows';
import { noteCaseWritten, noteRelatedUnknown } from './related-rows';

/** What a transition changes on the case row; the rest is written once, when the case opens. */
const CHANGING_COLUMNS = [
  'snapshot',
  'data',
  'state',
  'status',
  'version',
  'assigneeId',
  'lastEventHash',
  'updatedAt',
  'closedAt',
  'exclusiveKey',
  'restricted',
] as const satisfies ReadonlyArray<keyof CaseEntity>;

/** A case id as the service makes them (anything else cannot name a row: 404 without a read). */
const CASE_ID = /^[0-9a-f-]{36}$/i;

/** The active case holding an exclusive key (one open case per key). */
export const ACTIVE_WITH_KEY =
  "SELECT id FROM cases WHERE exclusive_key = ? AND status = 'active' LIMIT 1";

const LOCK_CASE = 'SELECT * FROM cases WHERE id = ? FOR UPDATE';
/** Not DISTINCT: the few rows are made a set by the caller, and DISTINCT costs a temporary table. */
const SENT_BY = 'SELECT type FROM case_events WHERE case_id = ? AND actor = ? AND type IN (?)';

/** Case rows locked by `lockMany`, not yet taken by `lock`, per transaction. */
const prelocked = new WeakMap<EntityManager, Map<string, Record<string, unknown>>>();

/** Who sent what on a case (separated duties), read with `lockMany`, not yet taken, per transaction. */
const presentBy = new WeakMap<EntityManager, Map<string, string[]>>();

/** The separated-duties read of one event: which of `types` this actor sent on the case. */
export interface SentByRead {
  caseId: string;
  actorId: string;
  types: readonly string[];
}

const sentByKey = (r: SentByRead): string => `${r.caseId} ${r.actorId} ${r.types.join(',')}`;

/** An audit row before it is chained: the repository adds `prev_hash` and the hash. */
export type NewCaseEvent = Omit<CaseEventEntity, 'id' | 'prevHash' | 'hash'>;

/** One direction of a link between two cases (a relief case and its hearing). */
export type CaseLink = Pick<CaseLinkEntity, 'caseId' | 'rel' | 'linkedCaseId'>;

/**
 * The SQL of cases and what hangs off them in the engine's transaction: the case row (locked,
 * inserted, updated under its version), its audit events, members, person index, links and
 * applied-signal markers. Deadline rows are in deadline-repository.ts, outbox rows in
 * outbox/outbox-writer.ts. Writes whose answer nobody reads are deferred (write-behind.ts): they
 * reach the server with the next read or the COMMIT.
 */
@Injectable()
export class CaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One engine transaction, READ COMMITTED, its deferred writes batched (write-behind.ts). */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return writeBehindTransaction(this.dataSource, work);
  }

  /** The case row, locked for this transaction (raw SQL: every transition starts here). */
  async lock(m: EntityManager, caseId: string): Promise<CaseEntity> {
    const held = prelocked.get(m);
    const prefetched = held?.get(caseId);
    if (held && prefetched) {
      held.delete(caseId); // once: a second transition of the case reads what the first wrote
      return withContext(entityFromRow(m, CaseEntity, prefetched));
    }
    const rows = CASE_ID.test(caseId)
      ? await m.query<Array<Record<string, unknown>>>(LOCK_CASE, [caseId])
      : [];
    if (rows.length === 0) {
      throw DomainError.notFound('Case');
    }
    return withContext(entityFromRow(m, CaseEntity, rows[0]));
  }

  /**
   * `lock`, and which of `types` this actor has sent on the case (separated duties), read right
   * after the lock in the same packet: under the row lock, without a round trip of its own.
   */
  async lockReadingSent(
    m: EntityManager,
    caseId: string,
    actorId: string,
    types: readonly string[],
  ): Promise<[CaseEntity, Set<string>]> {
    if (types.length === 0 || prelocked.get(m)?.has(caseId) || !CASE_ID.test(caseId)) {
      const row = await this.lock(m, caseId);
      const key = sentByKey({ caseId, actorId, types });
      const read = presentBy.get(m)?.get(key);
      presentBy.get(m)?.delete(key); // once: the case's events change with its transition
      const sent =
        types.length === 0
          ? []
          : (read ?? (await this.eventTypesSentBy(m, caseId, actorId, types)));
      return [row, new Set(sent)];
    }
    const [rows, sent] = await readTogether(m, [
      { sql: LOCK_CASE, params: [caseId] },
      { sql: SENT_BY, params: [caseId, actorId, types] },
    ]);
    if (rows.length === 0) {
      throw DomainError.notFound('Case');
    }
    return [
      withContext(entityFromRow(m, CaseEntity, rows[0])),
      new Set(sent.map((r) => String(r.type))),
    ];
  }

  /**
   * Locks many case rows in one statement (ids in order, as every batch takes them) for a batch
   * about to move them all, e.g. a burst of deadlines: each `lock` of one of them in this
   * transaction then takes its row from here once instead of a round trip of its own. The
   * separated-duties reads of the batch's events (`sentBy`, see lockReadingSent) ride in the same
   * packet, under the locks.
   */
  async lockMany(
    m: EntityManager,
    caseIds: readonly string[],
    sentBy: readonly SentByRead[] = [],
  ): Promise<void> {
    const ids = [...new Set(caseIds)].filter((id) => CASE_ID.test(id)).sort();
    if (ids.length < 2) {
      return; // one case: its own lock is the same single statement
    }
    const reads = sentBy.filter((r) => r.types.length > 0 && ids.includes(r.caseId));
    const [rows, ...sent] = await readTogether(m, [
      { sql: 'SELECT * FROM cases WHERE id IN (?) ORDER BY id FOR UPDATE', params: [ids] },
      ...reads.map((r) => ({ sql: SENT_BY, params: [r.caseId, r.actorId, r.types] })),
    ]);
    prelocked.set(m, new Map(rows.map((r) => [String(r.id), r])));
    presentBy.set(
      m,
      new Map(reads.map((r, i) => [sentByKey(r), sent[i].map((row) => String(row.type))])),
    );
  }

  /**
   * Inserts a complete new case row (a unique key it breaks surfaces as the driver's error). A
   * case with an exclusive or origin key is inserted at once, so that its conflict surfaces here,
   * where callers tell it from others; any other insert rides with the next statement
   * (write-behind.ts).
   */
  async insert(m: EntityManager, row: CaseEntity): Promise<void> {
    noteCaseWritten(m, row.id, 0);
    // Raw (the ORM's insert builder showed in the profile of every new application).
    const insert = insertOf(m, CaseEntity, { ...row, snapshot: storedSnapshot(row.snapshot) });
    if (row.exclusiveKey !== null || row.originKey !== null) {
      await m.query(insert.sql, insert.params);
      return;
    }
    await deferWrite(m, insert.sql, insert.params);
  }

  /**
   * Writes what a change did to the case row, if nobody changed it since `previousVersion`
   * (optimistic lock; under the row lock a mismatch means a bug or a manual edit: 409).
   * `dataChanged: false` (the context is the one read) leaves `data`, the row's largest column,
   * as it is: a timer that only moves the state does not rewrite (nor escape) the application.
   */
  async saveVersioned(
    m: EntityManager,
    row: CaseEntity,
    previousVersion: number,
    dataChanged = true,
    extra: ReadonlyArray<keyof CaseEntity> = [],
  ): Promise<void> {
    noteCaseWritten(m, row.id, previousVersion);
    const columns = [
      ...(dataChanged ? CHANGING_COLUMNS : CHANGING_COLUMNS.filter((c) => c !== 'data')),
      ...extra,
    ];
    const set = assignments(
      m,
      CaseEntity,
      { ...row, snapshot: storedSnapshot(row.snapshot) },
      columns,
    );
    await deferWrite(
      m,
      `UPDATE cases SET ${set.sql} WHERE id = ? AND version = ?`,
      [...set.params, row.id, previousVersion],
      (result) => {
        if ((result as { affectedRows: number }).affectedRows !== 1) {
          throw new DomainError(
            'VERSION_CONFLICT',
            'The case was changed meanwhile: reload it and try again.',
          );
        }
      },
    );
  }

  /** A case moved to another version of its workflow: the machine version is written too. */
  async saveMigrated(m: EntityManager, row: CaseEntity, previousVersion: number): Promise<void> {
    await this.saveVersioned(m, row, previousVersion, true, ['machineVersion']);
  }

  /** The active case holding a workflow's exclusive key (one open case per key), if any. */
  async activeCaseWithKey(m: EntityManager, key: string): Promise<string | null> {
    const rows = await m.query<Array<{ id: string }>>(ACTIVE_WITH_KEY, [key]);
    return rows[0]?.id ?? null;
  }

  /** The case another case asked for with this origin key (`<source>#<seq>#<type>`), if opened. */
  async caseWithOriginKey(m: EntityManager, originKey: string): Promise<string | null> {
    const rows = await m.query<Array<{ id: string }>>(
      'SELECT id FROM cases WHERE origin_key = ? LIMIT 1',
      [originKey],
    );
    return rows[0]?.id ?? null;
  }

  /** The linked case exists: opened by this source event (its origin key), or joined (a link). */
  async linkedCaseExists(originKey: string, sourceCaseId: string, rel: string): Promise<boolean> {
    const found = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM cases WHERE origin_key = ?
       UNION ALL
       SELECT 1 FROM case_links WHERE case_id = ? AND rel = ?
       LIMIT 1`,
      [originKey, sourceCaseId, rel],
    );
    return found.length > 0;
  }

  /** Inserts the event row chained to `prevHash`; returns the new row's hash. */
  async appendEvent(m: EntityManager, prevHash: string, e: NewCaseEvent): Promise<string> {
    const hash = eventHash({ ...e, prevHash });
    // Append-only (the chain is kept in memory, not read back): a batch's events share a statement.
    await deferRow(
      m,
      `INSERT INTO case_events (case_id, seq, type, actor, payload, from_state, to_state, at,
         prev_hash, hash) VALUES`,
      '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        e.caseId,
        e.seq,
        e.type,
        e.actor,
        JSON.stringify(e.payload),
        e.fromState,
        e.toState,
        e.at,
        prevHash,
        hash,
      ],
    );
    return hash;
  }

  /** Which of `types` this actor has sent on the case (separated duties read this). */
  private async eventTypesSentBy(
    m: EntityManager,
    caseId: string,
    actorId: string,
    types: readonly string[],
  ): Promise<string[]> {
    const rows = await m.query<Array<{ type: string }>>(SENT_BY, [caseId, actorId, types]);
    return rows.map((r) => r.type);
  }

  /** Replaces the case's members (the users its lists scope it to). */
  async replaceMembers(
    m: EntityManager,
    caseId: string,
    userIds: readonly string[],
  ): Promise<void> {
    await m.delete(CaseMemberEntity, { caseId });
    if (userIds.length > 0) {
      await m.insert(
        CaseMemberEntity,
        userIds.map((userId) => ({ caseId, userId })),
      );
    }
  }

  /** Indexes a new case under the person keys of everyone it is about (the person view). */
  async indexPersons(m: EntityManager, caseId: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) {
      await deferWrite(
        m,
        `INSERT INTO case_persons (person_key, case_id) VALUES ${keys.map(() => '(?, ?)').join(', ')}`,
        keys.flatMap((personKey) => [personKey, caseId]),
      );
    }
  }

  /** Records links (both directions are separate rows); `ignoreExisting` for a re-run job. */
  async link(m: EntityManager, links: CaseLink[], ignoreExisting = false): Promise<void> {
    links.forEach((l) => noteRelatedUnknown(m, l.caseId));
    if (!ignoreExisting) {
      await m.insert(CaseLinkEntity, links);
      return;
    }
    await m.createQueryBuilder().insert().into(CaseLinkEntity).values(links).orIgnore().execute();
  }

  /** Marks a cross-case signal applied; a second marker breaks the unique key (a duplicate). */
  async markSignalApplied(
    m: EntityManager,
    marker: Pick<CaseSignalEntity, 'sourceCaseId' | 'sourceSeq' | 'targetCaseId'>,
  ): Promise<void> {
    await m.insert(CaseSignalEntity, marker);
  }
}
