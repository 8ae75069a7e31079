import type { EntityManager } from 'typeorm';
import { whenCommitted } from '../../database/write-behind';
import type { DeadlineKind } from '../entities/case-deadline.entity';

/**
 * A case's open deadline (`d`) or link (`l`, `name` = rel): what a case view shows beside the
 * row (case-query.service.ts reads them for every case it shows, and for a transition's answer).
 */
export interface RelatedRow {
  what: 'd' | 'l';
  case_id: string;
  name: string;
  kind: string | null;
  due_at: Date | string | null;
  status: string | null;
  linked_case_id: string | null;
}

/** Which open deadlines of a case to end: all of them, or those of one kind and these names. */
export interface DeadlineSelection {
  kind?: DeadlineKind;
  names?: string[];
}

/** A deadline as the rows name it: one open row per kind, name and due time. */
interface DeadlineRef {
  name: string;
  kind: DeadlineKind;
  dueAt: Date;
}

type Change =
  | { ended: DeadlineSelection }
  | { started: DeadlineRef }
  /** A due deadline fired: no longer open (`fired`), or open and `overdue`. */
  | { fired: DeadlineRef & { status: string } };

interface CaseChanges {
  /** The case's version before this transaction first wrote its row; 0: opened in it. */
  before?: number;
  changes: Change[];
  /** Something changed its deadlines or links that is not followed here. */
  unknown: boolean;
}

interface TransactionChanges {
  cases: Map<string, CaseChanges>;
  /** A deadline was changed by its id alone: no case's open deadlines are known. */
  unknown: boolean;
}

/**
 * What a transaction did to its cases' open deadlines and links, noted by the repositories that
 * write them, so that a transition's answer can be worked out instead of read again: the rows the
 * case had at its version before (KnownRelated), with the deadlines this transaction ended,
 * started and fired. Anything else (a clock paused or moved, a link) makes the case's rows unknown, and the
 * answer reads them as before.
 */
const byTransaction = new WeakMap<EntityManager, TransactionChanges>();

function changesIn(m: EntityManager): TransactionChanges {
  let tx = byTransaction.get(m);
  if (!tx) {
    tx = { cases: new Map(), unknown: false };
    byTransaction.set(m, tx);
  }
  return tx;
}

function changesOf(m: EntityManager, caseId: string): CaseChanges {
  const { cases } = changesIn(m);
  let changes = cases.get(caseId);
  if (!changes) {
    changes = { changes: [], unknown: false };
    cases.set(caseId, changes);
  }
  return changes;
}

/** The case row is written at `previousVersion` (0: inserted) in this transaction. */
export function noteCaseWritten(m: EntityManager, caseId: string, previousVersion: number): void {
  const changes = changesOf(m, caseId);
  changes.before ??= previousVersion;
}

export function noteDeadlinesEnded(
  m: EntityManager,
  caseId: string,
  only: DeadlineSelection,
): void {
  changesOf(m, caseId).changes.push({ ended: only });
}

export function noteDeadlineStarted(m: EntityManager, caseId: string, deadline: DeadlineRef): void {
  const { name, kind, dueAt } = deadline; // a copy: the caller's object may change later
  changesOf(m, caseId).changes.push({ started: { name, kind, dueAt } });
}

export function noteDeadlineFired(
  m: EntityManager,
  caseId: string,
  deadline: DeadlineRef & { status: string },
): void {
  const { name, kind, dueAt, status } = deadline;
  changesOf(m, caseId).changes.push({ fired: { name, kind, dueAt, status } });
}

/** Deadlines or links of this case (of every case, without one) changed otherwise. */
export function noteRelatedUnknown(m: EntityManager, caseId?: string): void {
  if (caseId === undefined) {
    changesIn(m).unknown = true;
    return;
  }
  changesOf(m, caseId).unknown = true;
}

/**
 * The case's open deadlines and links as this transaction leaves them, when they can be worked
 * out: the case was opened in it, or `known(version)` gives its rows at the version it had
 * before. Undefined when they must be read.
 */
export function relatedAfter(
  m: EntityManager,
  caseId: string,
  known: (version: number) => readonly RelatedRow[] | undefined,
): RelatedRow[] | undefined {
  const tx = byTransaction.get(m);
  const changes = tx?.cases.get(caseId);
  if (!tx || tx.unknown || !changes || changes.unknown || changes.before === undefined) {
    return undefined;
  }
  const base = changes.before === 0 ? [] : known(changes.before);
  if (!base) {
    return undefined;
  }
  let rows = [...base];
  for (const change of changes.changes) {
    if ('ended' in change) {
      const { kind, names } = change.ended;
      rows = rows.filter(
        (r) =>
          r.what !== 'd' ||
          (kind !== undefined && r.kind !== kind) ||
          (names !== undefined && !names.includes(r.name)),
      );
    } else if ('fired' in change) {
      const { name, kind, dueAt, status } = change.fired;
      const at = rows.findIndex(
        (r) =>
          r.what === 'd' &&
          r.kind === kind &&
          r.name === name &&
          r.due_at !== null &&
          +new Date(r.due_at) === dueAt.getTime(),
      );
      if (at < 0) {
        return undefined; // not the row known: read them
      }
      rows.splice(at, 1, ...(status === 'overdue' ? [{ ...rows[at], status }] : []));
    } else {
      const { name, kind, dueAt } = change.started;
      rows.push({
        what: 'd',
        case_id: caseId,
        name,
        kind,
        due_at: dueAt,
        status: 'pending',
        linked_case_id: null,
      });
    }
  }
  // As the query orders them: links (no due time) first, then deadlines by due time.
  const due = (r: RelatedRow): number => (r.due_at === null ? -Infinity : +new Date(r.due_at));
  return rows.sort((a, b) => due(a) - due(b));
}

/**
 * Whether a workflow's cases may have their rows kept: not those of a workflow with an exclusive
 * key, which a case opened for another may join with a link and no new version of its own.
 */
export function keepsRelated(definition: { exclusiveKey?: unknown }): boolean {
  return definition.exclusiveKey === undefined;
}

/**
 * The open deadlines and links of recently answered cases, each at the version it was read or
 * worked out for after a commit (never before: a rolled-back version number is used again). A
 * version that no longer matches is not used, so a change made by another process, or by an
 * event that did not answer with the case, costs one read, not a wrong answer. Every change of a
 * case's deadlines happens in a transaction that moves its version, and so does every link but
 * one (keepsRelated).
 */
export class KnownRelated {
  private readonly byCase = new Map<string, { version: number; rows: readonly RelatedRow[] }>();

  constructor(private readonly max = 10_000) {}

  get(caseId: string, version: number): readonly RelatedRow[] | undefined {
    const known = this.byCase.get(caseId);
    return known?.version === version ? known.rows : undefined;
  }

  set(caseId: string, version: number, rows: readonly RelatedRow[]): void {
    const known = this.byCase.get(caseId);
    if (known && known.version > version) {
      return;
    }
    this.byCase.delete(caseId); // the newest last: the oldest is dropped first
    this.byCase.set(caseId, { version, rows });
    if (this.byCase.size > this.max) {
      this.byCase.delete(this.byCase.keys().next().value!);
    }
  }

  forget(caseId: string): void {
    this.byCase.delete(caseId);
  }

  /**
   * The case's rows as this transaction leaves it (relatedAfter), when they can be worked out
   * from the version before; known at `version` once the transaction commits.
   */
  workOut(m: EntityManager, caseId: string, version: number): RelatedRow[] | undefined {
    const rows = relatedAfter(m, caseId, (v) => this.get(caseId, v));
    if (rows) {
      this.setWhenCommitted(m, caseId, version, () => rows);
    }
    return rows;
  }

  /** Sets the rows `rows()` gives (if any by then) once this transaction has committed. */
  setWhenCommitted(
    m: EntityManager,
    caseId: string,
    version: number,
    rows: () => readonly RelatedRow[] | undefined,
  ): void {
    whenCommitted(m, () => {
      const known = rows();
      if (known) {
        this.set(caseId, version, known);
      }
    });
  }
}
