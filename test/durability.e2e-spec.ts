import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { eventually, sleep } from './support/http';
import { kill9, PrivateRedis, startServiceProcess } from './support/processes';
import {
  createTestDatabase,
  startTestApp,
  type TestApp,
  testEnvironment,
} from './support/test-app';

const manager = { id: 'manager-1', roles: ['MANAGER'] as const, streetCode: null };
const streetOffice = { id: 'street-1', roles: ['STREET_OFFICE'] as const, streetCode: '330106001' };

async function openWaitingCase(engine: CaseEngine): Promise<string> {
  const row = await engine.openCase({
    type: 'test-fixture',
    input: { applicant: { name: '李四', idNumber: '110105194912310029', phone: '13812345678' } },
    actor: SYSTEM,
    streetCode: '330106001',
  });
  await engine.applyEvent(row.id, { type: 'SUBMIT' }, streetOffice);
  await engine.applyEvent(row.id, { type: 'APPROVE' }, manager); // enters `waiting` (deadline)
  return row.id;
}

async function deadlineEvents(
  ds: DataSource,
  caseId: string,
): Promise<Array<{ type: string; actor: string }>> {
  return ds.query(
    "SELECT type, actor FROM case_events WHERE case_id = ? AND type LIKE 'DEADLINE_%'",
    [caseId],
  );
}

describe('nothing committed is lost (real MariaDB, real Redis processes)', () => {
  it('should commit a transition while Redis is down and fire its deadline after Redis returns', async () => {
    const redis = await PrivateRedis.start();
    const t: TestApp = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '2s' } } },
      // The reconciler must not cover for Redis here: only the relay + BullMQ path is tested.
      env: { REDIS_URL: redis.url, DEADLINE_RECONCILE_GRACE_MS: '600000' },
    });
    try {
      const engine = t.app.get(CaseEngine);
      const ds = t.app.get(DataSource);
      await redis.stop();
      const id = await openWaitingCase(engine);
      const [state] = await ds.query('SELECT state FROM cases WHERE id = ?', [id]);
      expect(state.state).toBe('waiting');
      const [outbox] = await ds.query(
        "SELECT dispatched_at FROM outbox WHERE job_name = 'fire-deadline' AND payload LIKE ? ORDER BY id DESC LIMIT 1",
        [`%${id}%`],
      );
      expect(outbox.dispatched_at).toBeNull();
      await sleep(3000); // the deadline is due now, but Redis is down
      expect(await deadlineEvents(ds, id)).toEqual([]);

      await redis.startAgain();
      const fired = await eventually(async () => {
        const rows = await deadlineEvents(ds, id);
        return rows.length > 0 ? rows : undefined;
      }, 45000);
      await sleep(1000);
      expect(await deadlineEvents(ds, id)).toEqual([{ type: 'DEADLINE_WAITING', actor: 'system' }]);
      expect(fired[0].actor).toBe('system');
    } finally {
      await t.close();
      await redis.stop();
    }
  }, 120_000); // processes start under ts-node: generous on a busy machine

  it('should fire exactly once, after a kill -9, a deadline that came due while nothing ran', async () => {
    const db = await createTestDatabase();
    // The API process (this test) writes; the worker is a separate process we kill.
    const api = await startTestApp({
      database: db,
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '3s' } } },
      env: { ROLE: 'api' },
    });
    // Grace 0: the reconciler and the BullMQ job race for the same deadline on restart.
    const workerEnv = testEnvironment(db, {
      policy: { deadlines: { 'test-fixture': { waiting: '3s' } } },
      env: { ROLE: 'worker', QUEUE_PREFIX: api.env.QUEUE_PREFIX, DEADLINE_RECONCILE_GRACE_MS: '0' },
    });
    let worker: ChildProcess | undefined;
    try {
      worker = await startServiceProcess(workerEnv);
      const ds = api.app.get(DataSource);
      const id = await openWaitingCase(api.app.get(CaseEngine));
      await kill9(worker);
      await sleep(4500); // due while no worker runs
      expect(await deadlineEvents(ds, id)).toEqual([]);

      worker = await startServiceProcess(workerEnv);
      await eventually(
        async () => ((await deadlineEvents(ds, id)).length > 0 ? true : undefined),
        45000,
      );
      await sleep(1500); // give a duplicate every chance to appear
      expect(await deadlineEvents(ds, id)).toEqual([{ type: 'DEADLINE_WAITING', actor: 'system' }]);
      const [c] = await ds.query('SELECT state, version FROM cases WHERE id = ?', [id]);
      expect(c).toEqual({ state: 'expired', version: 4 });
    } finally {
      if (worker) {
        await kill9(worker);
      }
      await api.close();
      await db.drop();
    }
  }, 120_000); // processes start under ts-node: generous on a busy machine

  it('should fire every deadline once and hand every outbox row over once with two API and two worker processes', async () => {
    const db = await createTestDatabase();
    const policy = { deadlines: { 'test-fixture': { waiting: '2s' } } };
    const apis = [
      await startTestApp({
        database: db,
        workflows: [testFixtureWorkflow],
        policy,
        env: { ROLE: 'api' },
      }),
    ];
    const prefix = apis[0].env.QUEUE_PREFIX;
    apis.push(
      await startTestApp({
        database: db,
        workflows: [testFixtureWorkflow],
        policy,
        env: { ROLE: 'api', QUEUE_PREFIX: prefix },
      }),
    );
    // Grace 0 and a fast relay: both workers' reconcilers and relays race the BullMQ jobs.
    const workerEnv = testEnvironment(db, {
      policy,
      env: {
        ROLE: 'worker',
        QUEUE_PREFIX: prefix,
        DEADLINE_RECONCILE_GRACE_MS: '0',
        OUTBOX_RELAY_INTERVAL_MS: '100',
      },
    });
    const workers: ChildProcess[] = [];
    try {
      workers.push(await startServiceProcess(workerEnv), await startServiceProcess(workerEnv));
      const ds = apis[0].app.get(DataSource);
      const ids = await Promise.all(
        Array.from({ length: 24 }, (_, i) => openWaitingCase(apis[i % 2].app.get(CaseEngine))),
      );
      await eventually(async () => {
        const [{ n }] = await ds.query<Array<{ n: string }>>(
          "SELECT COUNT(*) AS n FROM cases WHERE state = 'expired'",
        );
        return Number(n) === ids.length ? true : undefined;
      }, 30000);
      await sleep(1500); // give a duplicate every chance to appear
      const fired = await ds.query<Array<{ case_id: string; n: string }>>(
        "SELECT case_id, COUNT(*) AS n FROM case_events WHERE type = 'DEADLINE_WAITING' GROUP BY case_id",
      );
      expect(fired).toHaveLength(ids.length);
      expect(fired.every((r) => Number(r.n) === 1)).toBe(true);
      const handovers = await ds.query<Array<{ handovers: number; n: string }>>(
        'SELECT handovers, COUNT(*) AS n FROM outbox GROUP BY handovers',
      );
      expect(handovers.map((h) => [Number(h.handovers), Number(h.n)])).toEqual([[1, ids.length]]);
    } finally {
      for (const worker of workers) {
        await kill9(worker);
      }
      for (const api of apis) {
        await api.close();
      }
      await db.drop();
    }
  }, 120_000); // processes start under ts-node: generous on a busy machine
});
