import { DataSource } from 'typeorm';
import { DomainError } from '../src/common/errors/domain-error';
import { SYSTEM, type Actor } from '../src/engine/actor';
import { ChainVerifier } from '../src/engine/audit/chain-verifier.service';
import { CaseEngine } from '../src/engine/case-engine.service';
import { eventGroups } from '../src/metrics/metrics';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { startTestApp, type TestApp } from './support/test-app';

const streetOffice: Actor = { id: 'street-1', roles: ['STREET_OFFICE'], streetCode: '330106001' };
const manager: Actor = { id: 'manager-1', roles: ['MANAGER'], streetCode: null };
/** A street office head who also manages: may submit and approve, never both on one case. */
const both: Actor = { id: 'head-1', roles: ['STREET_OFFICE', 'MANAGER'], streetCode: '330106001' };

/** The group sizes recorded so far, by outcome: their count and sum (case_event_group_size). */
async function groupsRecorded(): Promise<Record<string, { count: number; sum: number }>> {
  const { values } = await eventGroups.get();
  const out: Record<string, { count: number; sum: number }> = {};
  for (const v of values) {
    const outcome = String(v.labels.outcome);
    out[outcome] ??= { count: 0, sum: 0 };
    if (v.metricName === 'case_event_group_size_count') {
      out[outcome].count = v.value;
    } else if (v.metricName === 'case_event_group_size_sum') {
      out[outcome].sum = v.value;
    }
  }
  return out;
}

describe('group commit: events of different cases sent at once share a transaction (real MariaDB and Redis)', () => {
  let t: TestApp;
  let ds: DataSource;
  let engine: CaseEngine;

  beforeAll(async () => {
    t = await startTestApp({
      workflows: [testFixtureWorkflow],
      // One event transaction at a time: whatever is sent meanwhile waits and goes together.
      env: { GROUP_COMMIT_PARALLEL: '1', GROUP_COMMIT_MAX: '4' },
      // Separated duties on the fixture: whoever submitted a case does not approve it.
      policy: {
        duties: {
          separation: {
            'test-fixture': [
              { rule: 'submitter-not-approver', event: 'APPROVE', notBy: ['SUBMIT'] },
            ],
          },
        },
      },
    });
    ds = t.app.get(DataSource);
    engine = t.app.get(CaseEngine);
  });

  afterAll(async () => {
    await t.close();
  });

  const openCases = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const opened = await engine.openCase({
        type: 'test-fixture',
        input: {
          applicant: { name: `申请人${i}`, idNumber: '110105194912310029', phone: '13812345678' },
        },
        actor: SYSTEM,
        streetCode: '330106001',
      });
      ids.push(opened.id);
    }
    return ids;
  };

  it('should commit the events that waited in groups, each case with its own event, version and chain', async () => {
    const ids = await openCases(9);
    const before = await groupsRecorded();

    // The first runs alone; the eight sent meanwhile wait for it and go in groups of up to four.
    const rows = await Promise.all(
      ids.map((id) => engine.applyEvent(id, { type: 'SUBMIT' }, streetOffice)),
    );

    expect(rows.map((r) => [r.id, r.state, r.version])).toEqual(ids.map((id) => [id, 'review', 2]));
    const events = await ds.query<Array<{ case_id: string; seq: number; type: string }>>(
      'SELECT case_id, seq, type FROM case_events WHERE case_id IN (?) AND seq = 2',
      [ids],
    );
    expect(events.map((e) => e.type).sort()).toEqual(ids.map(() => 'SUBMIT'));
    const after = await groupsRecorded();
    // Eight events in groups: two of four (the maximum), nothing split.
    expect(after.committed.count - (before.committed?.count ?? 0)).toBe(2);
    expect(after.committed.sum - (before.committed?.sum ?? 0)).toBe(8);
    expect(after.split?.count ?? 0).toBe(before.split?.count ?? 0);
    const verification = await t.app.get(ChainVerifier).verifyAll({ type: 'test-fixture' });
    expect(verification.valid).toBe(true);
  });

  it('should refuse the one event of a group its checks refuse and commit the others', async () => {
    const ids = await openCases(4);
    const before = await groupsRecorded();

    const results = await Promise.allSettled([
      engine.applyEvent(ids[0], { type: 'SUBMIT' }, streetOffice),
      engine.applyEvent(ids[1], { type: 'SUBMIT' }, streetOffice),
      // A draft does not take APPROVE: it fails the group it waits in.
      engine.applyEvent(ids[2], { type: 'APPROVE' }, manager),
      engine.applyEvent(ids[3], { type: 'SUBMIT' }, streetOffice),
    ]);

    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const refused = (results[2] as PromiseRejectedResult).reason as DomainError;
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused.code).toBe('EVENT_NOT_ACCEPTED');
    const cases = await ds.query<Array<{ id: string; state: string; version: number }>>(
      'SELECT id, state, version FROM cases WHERE id IN (?)',
      [ids],
    );
    const byId = new Map(cases.map((c) => [c.id, [c.state, c.version]]));
    expect(ids.map((id) => byId.get(id))).toEqual([
      ['review', 2],
      ['review', 2],
      ['draft', 1], // nothing of the refused event was written
      ['review', 2],
    ]);
    // Refused before it sent anything of its own: it left the group, which committed the rest.
    const after = await groupsRecorded();
    expect(after.committed.sum - (before.committed?.sum ?? 0)).toBe(3);
    expect(after.split?.count ?? 0).toBe(before.split?.count ?? 0);
  });

  it('should apply two events of one case sent at once one after the other, never in one group', async () => {
    const [blocker, id] = await openCases(2);
    await engine.applyEvent(id, { type: 'SUBMIT' }, streetOffice);

    const [, noted, approved] = await Promise.all([
      engine.applyEvent(blocker, { type: 'SUBMIT' }, streetOffice),
      engine.applyEvent(id, { type: 'NOTE' }, SYSTEM),
      engine.applyEvent(id, { type: 'APPROVE' }, manager),
    ]);

    expect([noted.version, approved.version]).toEqual([3, 4]);
    expect(approved.state).toBe('waiting');
    const events = await ds.query<Array<{ seq: number; type: string }>>(
      'SELECT seq, type FROM case_events WHERE case_id = ? ORDER BY seq',
      [id],
    );
    expect(events.map((e) => `${e.seq} ${e.type}`)).toEqual([
      '1 CASE_OPENED',
      '2 SUBMIT',
      '3 NOTE',
      '4 APPROVE',
    ]);
  });

  it('should keep separated duties in a group: the read of who sent what rides with its locks', async () => {
    const [blocker, own, other] = await openCases(3);
    await engine.applyEvent(own, { type: 'SUBMIT' }, both);
    await engine.applyEvent(other, { type: 'SUBMIT' }, streetOffice);
    await engine.applyEvent(blocker, { type: 'SUBMIT' }, streetOffice);
    const before = await groupsRecorded();

    const results = await Promise.allSettled([
      engine.applyEvent(blocker, { type: 'NOTE' }, SYSTEM),
      engine.applyEvent(other, { type: 'APPROVE' }, both), // submitted by someone else: allowed
      engine.applyEvent(own, { type: 'APPROVE' }, both), // submitted by this actor: refused
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const refused = (results[2] as PromiseRejectedResult).reason as DomainError;
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.extra.rule).toBe('submitter-not-approver');
    const after = await groupsRecorded();
    // The two that waited went together; the refusal left the group without splitting it.
    expect(after.committed.sum - (before.committed?.sum ?? 0)).toBe(2);
    expect(after.split?.count ?? 0).toBe(before.split?.count ?? 0);
    const [row] = await ds.query<Array<{ state: string; version: number }>>(
      'SELECT state, version FROM cases WHERE id = ?',
      [own],
    );
    expect(row).toEqual({ state: 'review', version: 2 });
  });

  it('should approve in a group when nobody in it broke a duty', async () => {
    const [blocker, a, b] = await openCases(3);
    for (const id of [blocker, a, b]) {
      await engine.applyEvent(id, { type: 'SUBMIT' }, streetOffice);
    }
    const before = await groupsRecorded();

    const rows = await Promise.all([
      engine.applyEvent(blocker, { type: 'APPROVE' }, manager),
      engine.applyEvent(a, { type: 'APPROVE' }, both),
      engine.applyEvent(b, { type: 'APPROVE' }, manager),
    ]);

    expect(rows.map((r) => r.state)).toEqual(['waiting', 'waiting', 'waiting']);
    const after = await groupsRecorded();
    expect(after.committed.sum - (before.committed?.sum ?? 0)).toBe(2);
  });

  it('should answer a stale If-Match in a group with its conflict and commit the others', async () => {
    const [blocker, a, b] = await openCases(3);

    const results = await Promise.allSettled([
      engine.applyEvent(blocker, { type: 'SUBMIT' }, streetOffice),
      engine.applyEvent(a, { type: 'SUBMIT' }, streetOffice, 7),
      engine.applyEvent(b, { type: 'SUBMIT' }, streetOffice, 1),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as DomainError).code).toBe(
      'VERSION_CONFLICT',
    );
    const versions = await ds.query<Array<{ id: string; version: number }>>(
      'SELECT id, version FROM cases WHERE id IN (?)',
      [[a, b]],
    );
    expect(new Map(versions.map((v) => [v.id, v.version]))).toEqual(
      new Map([
        [a, 1],
        [b, 2],
      ]),
    );
  });
});
