import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import {
  createTestDatabase,
  startTestApp,
  type TestApp,
  type TestDatabase,
} from './support/test-app';

const manager = { id: 'manager-1', roles: ['MANAGER'] as const, streetCode: null };
const caseworker = { id: 'caseworker-1', roles: ['CASEWORKER'] as const, streetCode: null };
const streetOffice = { id: 'street-1', roles: ['STREET_OFFICE'] as const, streetCode: '330106001' };

/**
 * The SLA recorder remembers each case's open stage in the process that last changed the case
 * (no read-back per transition). Two service processes on one database: what one remembers
 * must not be used once the other has moved the case.
 */
describe('SLA stage records with two processes changing one case (real MariaDB and Redis)', () => {
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
    // A opened it and knows its open stage (draft, v1); B moves it on (review, v2).
    await engineB.applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice);
    // A's memory is stale: it must read the open stage (review) back to close it.
    await engineA.applyEvent(opened.id, { type: 'APPROVE' }, manager); // review → waiting, v3
    await engineB.applyEvent(opened.id, { type: 'RESUME' }, caseworker); // waiting → done

    const records = await ds.query<
      Array<{ state: string; left_at: Date | null; open_key: string | null; duration_ms: string }>
    >(
      'SELECT state, left_at, open_key, duration_ms FROM sla_records WHERE case_id = ? ORDER BY entry_seq',
      [opened.id],
    );
    expect(records.map((r) => r.state)).toEqual(['draft', 'review', 'waiting']);
    expect(records.every((r) => r.left_at !== null && r.open_key === null)).toBe(true);
    expect(records.every((r) => Number(r.duration_ms) >= 0)).toBe(true);
    // One stage closed once: a stale memory would have closed `review` a second time.
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
    const [stage] = await ds.query<Array<{ due_at: Date; open_key: string | null }>>(
      "SELECT due_at, open_key FROM sla_records WHERE case_id = ? AND state = 'waiting'",
      [opened.id],
    );
    expect(stage.open_key).toBe(opened.id);
    expect(new Date(stage.due_at).getTime()).toBe(new Date(deadline.due).getTime());
    await engineB.applyEvent(opened.id, { type: 'RESUME' }, caseworker);
    const open = await ds.query(
      'SELECT id FROM sla_records WHERE case_id = ? AND open_key IS NOT NULL',
      [opened.id],
    );
    expect(open).toEqual([]);
  });
});
