import type { EntityManager } from 'typeorm';
import {
  KnownRelated,
  noteCaseWritten,
  noteDeadlineFired,
  noteDeadlineStarted,
  noteDeadlinesEnded,
  noteRelatedUnknown,
  type RelatedRow,
  relatedAfter,
} from './related-rows';

/** A transaction's manager: only its identity matters here. */
const transaction = (): EntityManager => ({}) as EntityManager;

const deadline = (name: string, kind: string, dueAt: string, status = 'pending'): RelatedRow => ({
  what: 'd',
  case_id: 'c1',
  name,
  kind,
  due_at: new Date(dueAt),
  status,
  linked_case_id: null,
});
const link: RelatedRow = {
  what: 'l',
  case_id: 'c1',
  name: 'hearing',
  kind: null,
  due_at: null,
  status: null,
  linked_case_id: 'c2',
};

describe('related rows worked out from what a transaction did', () => {
  const before = [deadline('review', 'state', '2026-12-09T16:00:00Z'), link];
  const knownAt4 = (v: number): RelatedRow[] | undefined => (v === 4 ? before : undefined);

  it('ends the state left and starts the one entered, keeping links, ordered as the query', () => {
    const m = transaction();
    noteCaseWritten(m, 'c1', 4);
    noteDeadlinesEnded(m, 'c1', { kind: 'state', names: ['review'] });
    noteDeadlineStarted(m, 'c1', {
      name: 'approval',
      kind: 'state',
      dueAt: new Date('2026-12-11T16:00:00Z'),
    });
    noteDeadlineStarted(m, 'c1', {
      name: 'answer',
      kind: 'case',
      dueAt: new Date('2026-12-10T16:00:00Z'),
    });
    const rows = relatedAfter(m, 'c1', knownAt4);
    expect(rows?.map((r) => [r.what, r.name, r.status])).toEqual([
      ['l', 'hearing', null],
      ['d', 'answer', 'pending'],
      ['d', 'approval', 'pending'],
    ]);
    expect(before).toHaveLength(2); // the known rows are not changed in place
  });

  it('ends only the kind and names selected, and everything when the case closes', () => {
    const clock = deadline('answer', 'case', '2026-12-10T16:00:00Z', 'overdue');
    const known = (): RelatedRow[] => [...before, clock];
    const m = transaction();
    noteCaseWritten(m, 'c1', 4);
    noteDeadlinesEnded(m, 'c1', { kind: 'state', names: ['answer'] });
    expect(relatedAfter(m, 'c1', known)?.map((r) => r.name)).toEqual([
      'hearing',
      'review',
      'answer',
    ]);
    noteDeadlinesEnded(m, 'c1', {});
    expect(relatedAfter(m, 'c1', known)).toEqual([link]);
  });

  it('starts from nothing for a case opened in the transaction', () => {
    const m = transaction();
    noteCaseWritten(m, 'c9', 0);
    noteDeadlineStarted(m, 'c9', {
      name: 'submitted',
      kind: 'state',
      dueAt: new Date('2026-12-08T16:00:00Z'),
    });
    expect(relatedAfter(m, 'c9', () => undefined)).toEqual([
      expect.objectContaining({ case_id: 'c9', name: 'submitted', status: 'pending' }),
    ]);
  });

  it('is unknown without the rows of the version before, or after any other change', () => {
    const m = transaction();
    noteCaseWritten(m, 'c1', 5);
    expect(relatedAfter(m, 'c1', knownAt4)).toBeUndefined(); // another version
    expect(relatedAfter(m, 'c3', knownAt4)).toBeUndefined(); // not written here

    const clock = transaction();
    noteCaseWritten(clock, 'c1', 4);
    noteRelatedUnknown(clock, 'c1'); // a clock paused, a link
    expect(relatedAfter(clock, 'c1', knownAt4)).toBeUndefined();

    const byId = transaction();
    noteCaseWritten(byId, 'c1', 4);
    noteRelatedUnknown(byId); // a deadline moved by its id alone
    expect(relatedAfter(byId, 'c1', knownAt4)).toBeUndefined();

    const written = transaction();
    noteCaseWritten(written, 'c1', 4);
    noteCaseWritten(written, 'c1', 5); // the version before the transaction counts
    expect(relatedAfter(written, 'c1', knownAt4)).toEqual([link, before[0]]);
  });
});

describe('KnownRelated', () => {
  it('gives the rows of the version asked for only, never older ones after newer', () => {
    const known = new KnownRelated();
    known.set('c1', 3, [link]);
    expect(known.get('c1', 3)).toEqual([link]);
    expect(known.get('c1', 2)).toBeUndefined();
    known.set('c1', 5, []);
    known.set('c1', 4, [link]); // a commit's callback arriving late
    expect(known.get('c1', 5)).toEqual([]);
    expect(known.get('c1', 4)).toBeUndefined();
    known.forget('c1');
    expect(known.get('c1', 5)).toBeUndefined();
  });

  it('keeps at most `max` cases, dropping the least recently written', () => {
    const known = new KnownRelated(2);
    known.set('a', 1, []);
    known.set('b', 1, []);
    known.set('a', 2, []);
    known.set('c', 1, []);
    expect(known.get('b', 1)).toBeUndefined();
    expect(known.get('a', 2)).toEqual([]);
    expect(known.get('c', 1)).toEqual([]);
  });
});

describe('a fired deadline in the rows worked out', () => {
  const publicity = deadline('publicity', 'state', '2026-12-04T04:44:45.478Z');
  const known = (v: number): RelatedRow[] | undefined => (v === 5 ? [publicity] : undefined);
  const fired = (m: EntityManager, status: string, dueAt = '2026-12-04T04:44:45.478Z'): void =>
    noteDeadlineFired(m, 'c1', {
      name: 'publicity',
      kind: 'state',
      dueAt: new Date(dueAt),
      status,
    });

  it('leaves the rows once fired, and stays with its status when overdue', () => {
    const m = transaction();
    noteCaseWritten(m, 'c1', 5);
    fired(m, 'fired');
    expect(relatedAfter(m, 'c1', known)).toEqual([]);

    const late = transaction();
    noteCaseWritten(late, 'c1', 5);
    fired(late, 'overdue');
    expect(relatedAfter(late, 'c1', known)).toEqual([{ ...publicity, status: 'overdue' }]);
  });

  it('makes the rows unknown when the fired deadline is not among them', () => {
    const m = transaction();
    noteCaseWritten(m, 'c1', 5);
    fired(m, 'fired', '2026-12-05T00:00:00Z');
    expect(relatedAfter(m, 'c1', known)).toBeUndefined();
  });

  it('works the rows out for a transaction, kept only once it commits', () => {
    const rows = new KnownRelated();
    rows.set('c1', 5, [publicity]);
    const m = transaction(); // not a write-behind transaction: it never reports a commit
    noteCaseWritten(m, 'c1', 5);
    fired(m, 'fired');
    expect(rows.workOut(m, 'c1', 6)).toEqual([]);
    expect(rows.get('c1', 6)).toBeUndefined();
  });
});
