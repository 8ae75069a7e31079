import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { SlaJournal } from '../src/sla/sla-journal.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import {
  createTestDatabase,
  startTestApp,
  type TestApp,
  type TestDatabase,
} from './support/test-app';
import { eventually } from './support/http';

const manager = { id: 'manager-1', roles: ['MANAGER'] as const, streetCode: null };
const caseworker = { id: 'caseworker-1', roles: ['CASEWORKER'] as const, streetCode: null };
const streetOffice = { id: 'street-1', roles: ['STREET_OFFICE'] as const, streetCode: '330106001' };

/**
 * The SLA journal: transitions write facts, and the stage records and rollups are folded from
 * them after the commit. Two service processes on one database, each folding: a case moved by
 * both in turn gets each stage once, and concurrent folds never count a fact twice.
 */
describe('SLA journal with two processes changing and folding (real MariaDB and Redis)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    const options = {
      database: db,
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { review: '2d', waiting: '30m' } } },
    };
    a = await startTestApp(options);
    b = await startTestApp(options);
    ds = a.app.get(DataSource);
  });

  afterAll(async () => {
    await b.close();
    await a.close();
    await db.drop();
  });

  it('should close each stage once, whichever process moves the case', async () => {
    const engineA = a.app.get(CaseEngine);
    const engineB = b.app.get(CaseEngine);
    const opened = await engineA.openCase({
      type: 'test-fixture',
      input: { applicant: { name: '王五', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    await engineB.applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice); // draft → review
    await engineA.applyEvent(opened.id, { type: 'APPROVE' }, manager); // review → waiting, v3
    await engineB.applyEvent(opened.id, { type: 'RESUME' }, caseworker); // waiting → done
    await Promise.all([a.app.get(SlaJournal).settle(), b.app.get(SlaJournal).settle()]);

    const records = await ds.query<
      Array<{ state: string; left_at: Date | null; open_key: string | null; duration_ms: string }>
    >(
      'SELECT state, left_at, open_key, duration_ms FROM sla_records WHERE case_id = ? ORDER BY entry_seq',
      [opened.id],
    );
    expect(records.map((r) => r.state)).toEqual(['draft', 'review', 'waiting']);
    expect(records.every((r) => r.left_at !== null && r.open_key === null)).toBe(true);
    expect(records.every((r) => Number(r.duration_ms) >= 0)).toBe(true);
    // Each stage closed once, whichever process folded its facts.
    const rollups = await ds.query<Array<{ dim_key: string; n: string }>>(
      `SELECT dim_key, SUM(n) AS n FROM sla_rollups
        WHERE dim = 'state' AND grain = 'd' AND case_type = 'test-fixture' GROUP BY dim_key ORDER BY dim_key`,
    );
    expect(rollups.map((r) => [r.dim_key, Number(r.n)])).toEqual([
      ['draft', 1],
      ['review', 1],
      ['waiting', 1],
    ]);
  });

  it("should move the open stage's due time when a deadline restarts, for the process that moves it next", async () => {
    const engineA = a.app.get(CaseEngine);
    const engineB = b.app.get(CaseEngine);
    const opened = await engineA.openCase({
      type: 'test-fixture',
      input: { applicant: { name: '赵六', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    await engineA.applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice);
    await engineA.applyEvent(opened.id, { type: 'APPROVE' }, manager); // A knows: waiting, v3
    await new Promise((r) => setTimeout(r, 20));
    await engineB.applyEvent(opened.id, { type: 'EXTEND' }, caseworker); // restarted by B
    await engineA.applyEvent(opened.id, { type: 'EXTEND' }, caseworker); // and again by A
    const [deadline] = await ds.query<Array<{ due: Date }>>(
      "SELECT MAX(due_at) AS due FROM case_deadlines WHERE case_id = ? AND name = 'waiting'",
      [opened.id],
    );
    await a.app.get(SlaJournal).settle();
    const [stage] = await ds.query<Array<{ due_at: Date; open_key: string | null }>>(
      "SELECT due_at, open_key FROM sla_records WHERE case_id = ? AND state = 'waiting'",
      [opened.id],
    );
    expect(stage.open_key).toBe(opened.id);
    expect(new Date(stage.due_at).getTime()).toBe(new Date(deadline.due).getTime());
    await engineB.applyEvent(opened.id, { type: 'RESUME' }, caseworker);
    await b.app.get(SlaJournal).settle();
    const open = await ds.query(
      'SELECT id FROM sla_records WHERE case_id = ? AND open_key IS NOT NULL',
      [opened.id],
    );
    expect(open).toEqual([]);
  });

  it('should fold committed facts after the commit without being asked', async () => {
    const opened = await a.app.get(CaseEngine).openCase({
      type: 'test-fixture',
      input: { applicant: { name: '钱七', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    await a.app.get(CaseEngine).applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice);
    await eventually(async () => {
      const rows = await ds.query<Array<{ state: string; open_key: string | null }>>(
        'SELECT state, open_key FROM sla_records WHERE case_id = ? ORDER BY entry_seq',
        [opened.id],
      );
      return rows.length === 2 && rows[1].open_key === opened.id ? rows : undefined;
    }, 5000);
    const [{ n }] = await ds.query<Array<{ n: string }>>(
      'SELECT COUNT(*) AS n FROM sla_journal WHERE case_id = ?',
      [opened.id],
    );
    expect(Number(n)).toBe(0);
  });

  it('should count every stage once when both processes move cases and fold at the same time', async () => {
    const engines = [a.app.get(CaseEngine), b.app.get(CaseEngine)];
    const before = await stateCounts();
    const ids = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const opened = await engines[i % 2].openCase({
          type: 'test-fixture',
          input: {
            applicant: { name: '孙八', idNumber: '110105194912310029', phone: '13812345678' },
          },
          actor: SYSTEM,
          streetCode: '330106001',
        });
        await engines[(i + 1) % 2].applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice);
        await Promise.all([a.app.get(SlaJournal).fold(), b.app.get(SlaJournal).fold()]);
        await engines[i % 2].applyEvent(opened.id, { type: 'APPROVE' }, manager);
        return opened.id;
      }),
    );
    await Promise.all([a.app.get(SlaJournal).settle(), b.app.get(SlaJournal).settle()]);
    const after = await stateCounts();
    // 12 cases each left draft and review once: exactly 12 more of each, none counted twice.
    expect((after.get('draft') ?? 0) - (before.get('draft') ?? 0)).toBe(12);
    expect((after.get('review') ?? 0) - (before.get('review') ?? 0)).toBe(12);
    const records = await ds.query<Array<{ n: string; open: string }>>(
      'SELECT COUNT(*) AS n, COUNT(open_key) AS open FROM sla_records WHERE case_id IN (?)',
      [ids],
    );
    expect(records.map((r) => [Number(r.n), Number(r.open)])).toEqual([[36, 12]]);
  });

  async function stateCounts(): Promise<Map<string, number>> {
    const rows = await ds.query<Array<{ dim_key: string; n: string }>>(
      `SELECT dim_key, SUM(n) AS n FROM sla_rollups
        WHERE dim = 'state' AND grain = 'd' AND case_type = 'test-fixture' GROUP BY dim_key`,
    );
    return new Map(rows.map((r) => [r.dim_key, Number(r.n)]));
  }
});
