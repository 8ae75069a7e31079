import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { jsonColumn } from '../database/json-column';
import { readTogether } from '../database/write-behind';
import { CaseDeadlineEntity } from './entities/case-deadline.entity';
import { CaseEntity } from './entities/case.entity';
import { ACTIVE_WITH_KEY, CaseRepository } from './persistence/case-repository';
import { DeadlineRepository } from './persistence/deadline-repository';

/** A case as a domain reads it by person or key: its id, state and data (the machine's context). */
export interface CaseFound {
  id: string;
  state: string;
  data: Record<string, unknown>;
}

/** Active cases of one (type, state, street, assignee), counted: all, or those overdue. */
export interface LiveCount {
  type: string;
  state: string;
  street: string | null;
  assignee: string | null;
  n: number;
}

/** An active case with an overdue deadline (`names`: the overdue deadlines, comma-separated). */
export interface OverdueCase {
  id: string;
  type: string;
  state: string;
  street: string | null;
  assignee: string | null;
  due: Date | string;
  names: string;
}

/** Which of a person's cases `ofPerson` reads. */
export interface PersonFilter {
  type: string;
  state?: string;
  exceptId?: string;
  shareLock?: boolean;
}

/**
 * Unordered (`byClosedThenId` orders the rows): an ORDER BY over the join made the server copy
 * every row, `data` included, into a temporary table on disk (a large text column cannot go into
 * one in memory) on each payment.
 */
function personCasesRead(key: string, filter: PersonFilter): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT c.id, c.state, c.data, c.closed_at FROM cases c
         JOIN case_persons p ON p.case_id = c.id
        WHERE p.person_key = ? AND c.type = ?${filter.state !== undefined ? ' AND c.state = ?' : ''}${
          filter.exceptId !== undefined ? ' AND c.id <> ?' : ''
        }${filter.shareLock ? ' LOCK IN SHARE MODE' : ''}`,
    params: [
      key,
      filter.type,
      ...(filter.state !== undefined ? [filter.state] : []),
      ...(filter.exceptId !== undefined ? [filter.exceptId] : []),
    ],
  };
}

/** Oldest closed first, open ones (no `closed_at`) before them, as SQL's ORDER BY would. */
function byClosedThenId(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const closed = (r: Record<string, unknown>): number =>
    r.closed_at === null || r.closed_at === undefined
      ? -Infinity
      : new Date(r.closed_at as Date | string).getTime();
  return closed(a) - closed(b) || (String(a.id) < String(b.id) ? -1 : 1);
}

function foundCases(rows: Array<Record<string, unknown>>): CaseFound[] {
  return [...rows].sort(byClosedThenId).map(foundCase);
}

function foundCase(r: Record<string, unknown>): CaseFound {
  return {
    id: String(r.id),
    state: String(r.state),
    data: jsonColumn<Record<string, unknown>>(r.data as string | Record<string, unknown>),
  };
}

/**
 * The domains' reads of cases by what identifies them outside the engine — the person (case-person
 * index), the exclusive key, the origin key — so no module outside the engine writes SQL against
 * the case tables. Reads inside a caller's transaction take its manager (and see its writes).
 * Besides, the deadline reminders the SLA round sends: which are due, forgetting those of closed
 * deadlines, and taking one to send (the only writes here, all to `remind_at`).
 */
@Injectable()
export class CaseLookup {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cases: CaseRepository,
    private readonly deadlines: DeadlineRepository,
  ) {}

  /** A case's row by id, read in the caller's transaction (null when there is none). */
  caseRow(m: EntityManager, id: string): Promise<CaseEntity | null> {
    return m.findOne(CaseEntity, { where: { id } });
  }

  /** A deadline's row by id, read in the caller's transaction (null when there is none). */
  deadline(m: EntityManager, id: string): Promise<CaseDeadlineEntity | null> {
    return m.findOne(CaseDeadlineEntity, { where: { id } });
  }

  /** Deadlines whose reminder (EngineObserver.reminderAt) has come, earliest first. */
  remindersDue(now: Date, limit: number): Promise<Array<{ id: string; open: boolean }>> {
    return this.deadlines.remindersDue(now, limit);
  }

  /** Forgets the reminders of deadlines that closed before them. */
  forgetReminders(ids: readonly string[]): Promise<void> {
    return this.deadlines.forgetReminders(ids);
  }

  /** The deadline, locked, if its reminder is due and still to be sent: taken by this transaction. */
  takeReminder(m: EntityManager, id: string, now: Date): Promise<CaseDeadlineEntity | null> {
    return this.deadlines.takeReminder(m, id, now);
  }

  /**
   * The cases of one workflow about a person (by person key), oldest closed first. `shareLock`
   * reads them `LOCK IN SHARE MODE` in the caller's transaction (raw, as the engine's own locking
   * reads: its write-behind transaction is not one the query builder can lock in).
   */
  async ofPerson(m: EntityManager, key: string, filter: PersonFilter): Promise<CaseFound[]> {
    const read = personCasesRead(key, filter);
    const rows = await m.query<Array<Record<string, unknown>>>(read.sql, read.params);
    return foundCases(rows);
  }

  /**
   * `ofPerson` and the active case holding an exclusive key (one open case per key) together, in
   * one packet: a payment weighs the person's paid cases and looks for their open hardship
   * hearing in the same round trip.
   */
  async ofPersonWithActiveKey(
    m: EntityManager,
    key: string,
    filter: PersonFilter,
    exclusiveKey: string,
  ): Promise<[CaseFound[], string | null]> {
    const [rows, open] = await readTogether(m, [
      personCasesRead(key, filter),
      { sql: ACTIVE_WITH_KEY, params: [exclusiveKey] },
    ]);
    return [foundCases(rows), open[0] ? String(open[0].id) : null];
  }

  /** The case opened with this origin key (a case opened once, ever), if any. */
  withOriginKey(m: EntityManager, originKey: string): Promise<string | null> {
    return this.cases.caseWithOriginKey(m, originKey);
  }

  /** Cases of a workflow whose origin key matches a LIKE pattern (`type#%#2026`). */
  withOriginKeyLike(
    type: string,
    pattern: string,
  ): Promise<Array<{ originKey: string; id: string; state: string }>> {
    return this.dataSource
      .query<Array<{ origin_key: string; id: string; state: string }>>(
        'SELECT origin_key, id, state FROM cases WHERE type = ? AND origin_key LIKE ?',
        [type, pattern],
      )
      .then((rows) => rows.map((r) => ({ originKey: r.origin_key, id: r.id, state: r.state })));
  }

  /**
   * The live figures of the active, non-confidential cases (`type` narrows them): how many are
   * open, and how many have a deadline overdue now (a pending one past due counts before the
   * worker marks it), per type, state, street and assignee.
   */
  async liveCounts(now: Date, type?: string): Promise<{ open: LiveCount[]; overdue: LiveCount[] }> {
    const typeFilter = type ? ' AND c.type = ?' : '';
    const typeArgs = type ? [type] : [];
    type Row = Omit<LiveCount, 'n'> & { n: string };
    const [open, overdue] = await Promise.all([
      this.dataSource.query<Row[]>(
        `SELECT c.type, c.state, c.street_code AS street, c.assignee_id AS assignee, COUNT(*) AS n
         FROM cases c WHERE c.status = 'active' AND c.restricted = 0${typeFilter}
         GROUP BY c.type, c.state, c.street_code, c.assignee_id`,
        typeArgs,
      ),
      this.dataSource.query<Row[]>(
        `SELECT c.type, c.state, c.street_code AS street, c.assignee_id AS assignee, COUNT(DISTINCT c.id) AS n
         FROM case_deadlines d JOIN cases c ON c.id = d.case_id
         WHERE d.closed_at IS NULL AND (d.status = 'overdue' OR (d.status = 'pending' AND d.due_at < ?))
           AND c.status = 'active' AND c.restricted = 0${typeFilter}
         GROUP BY c.type, c.state, c.street_code, c.assignee_id`,
        [now, ...typeArgs],
      ),
    ]);
    const counted = (rows: Row[]): LiveCount[] => rows.map((r) => ({ ...r, n: Number(r.n) }));
    return { open: counted(open), overdue: counted(overdue) };
  }

  /**
   * Active, non-confidential cases with a deadline overdue now, most overdue first: each with its
   * earliest overdue due time and the overdue deadlines' names; and how many there are in all.
   */
  async overdueCases(
    now: Date,
    q: { type?: string; streetCode?: string; page: number; pageSize: number },
  ): Promise<[OverdueCase[], { n: string } | undefined]> {
    const filters: string[] = [];
    const args: unknown[] = [now];
    if (q.type) {
      filters.push('c.type = ?');
      args.push(q.type);
    }
    if (q.streetCode) {
      filters.push('c.street_code = ?');
      args.push(q.streetCode);
    }
    const where = `d.closed_at IS NULL AND (d.status = 'overdue' OR (d.status = 'pending' AND d.due_at < ?))
      AND c.status = 'active' AND c.restricted = 0${filters.map((f) => ` AND ${f}`).join('')}`;
    const [rows, [count]] = await Promise.all([
      this.dataSource.query<OverdueCase[]>(
        `SELECT c.id, c.type, c.state, c.street_code AS street, c.assignee_id AS assignee,
           MIN(d.due_at) AS due, GROUP_CONCAT(DISTINCT d.name ORDER BY d.name SEPARATOR ',') AS names
         FROM case_deadlines d JOIN cases c ON c.id = d.case_id
         WHERE ${where}
         GROUP BY c.id, c.type, c.state, c.street_code, c.assignee_id
         ORDER BY due ASC, c.id ASC LIMIT ? OFFSET ?`,
        [...args, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.dataSource.query<Array<{ n: string }>>(
        `SELECT COUNT(DISTINCT c.id) AS n FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE ${where}`,
        args,
      ),
    ]);
    return [rows, count];
  }

  /** The states of these cases by id (ids of no case are left out). */
  async statesOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) {
      return new Map();
    }
    const rows = await this.dataSource.query<Array<{ id: string; state: string }>>(
      `SELECT id, state FROM cases WHERE id IN (${ids.map(() => '?').join(', ')})`,
      [...ids],
    );
    return new Map(rows.map((r) => [r.id, r.state]));
  }
}
