import { DataSource } from 'typeorm';
import { SlaJournal } from '../src/sla/sla-journal.service';
import { SYSTEM } from '../src/engine/actor';
import { ChainVerifier } from '../src/engine/audit/chain-verifier.service';
import { CaseEngine } from '../src/engine/case-engine.service';
import { DeadlineFiring } from '../src/engine/deadlines/deadline-firing';
import { DeadlinePromotion } from '../src/engine/deadlines/deadline-promotion';
import { momentJobId, momentJobRunAt } from '../src/engine/deadlines/deadline-scheduler';
import { JOBS } from '../src/queue/jobs';
import { QueueService } from '../src/queue/queue.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { eventually, sleep } from './support/http';
import { createTestDatabase, startTestApp, type TestApp } from './support/test-app';

const manager = { id: 'manager-1', roles: ['MANAGER'] as const, streetCode: null };
const caseworker = { id: 'caseworker-1', roles: ['CASEWORKER'] as const, streetCode: null };
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

interface DeadlineRow {
  id: string;
  case_id: string;
  entry_seq: number;
  kind: 'state' | 'case';
  name: string;
  restart: number;
  status: string;
  due_at: Date;
  queued_at: Date | null;
}

async function waitingDeadline(ds: DataSource, caseId: string): Promise<DeadlineRow> {
  const [row] = await ds.query<DeadlineRow[]>(
    "SELECT * FROM case_deadlines WHERE case_id = ? AND name = 'waiting'",
    [caseId],
  );
  return row;
}

/** The job of the deadline's due moment, with the default DEADLINE_JOBS_PER_MOMENT (2). */
function jobIdOf(d: DeadlineRow): string {
  return momentJobId({ caseId: d.case_id, dueAt: new Date(d.due_at) }, 2);
}

/** Each deadline's status and `fired_at`, in the order of `ids`. */
async function firings(
  ds: DataSource,
  ids: string[],
): Promise<Array<{ status: string; fired_at: Date }>> {
  const rows = await ds.query<Array<{ id: string; status: string; fired_at: Date }>>(
    'SELECT id, status, fired_at FROM case_deadlines WHERE id IN (?)',
    [ids],
  );
  return ids.map((id) => {
    const row = rows.find((r) => String(r.id) === String(id));
    if (!row) {
      throw new Error(`no deadline ${id}`);
    }
    return row;
  });
}

async function deadlineEvents(ds: DataSource, caseId: string): Promise<string[]> {
  const rows = await ds.query<Array<{ type: string }>>(
    "SELECT type FROM case_events WHERE case_id = ? AND type LIKE 'DEADLINE_%'",
    [caseId],
  );
  return rows.map((r) => r.type);
}

async function outboxRows(ds: DataSource, caseId: string): Promise<number> {
  const [{ n }] = await ds.query<Array<{ n: string }>>(
    "SELECT COUNT(*) AS n FROM outbox WHERE job_name = 'fire-deadline' AND payload LIKE ?",
    [`%${caseId}%`],
  );
  return Number(n);
}

/**
 * A service with 3 s `waiting` deadlines, no worker and no reconciler (only a test's own call
 * fires), whose moments may be claimed 2.5 s ahead in batches of two.
 */
function startPreparingApp(): Promise<TestApp> {
  return startTestApp({
    workflows: [testFixtureWorkflow],
    policy: { deadlines: { 'test-fixture': { waiting: '3s' } } },
    env: { ROLE: 'api', DEADLINE_PREPARE_MS: '2500', DEADLINE_FIRE_BATCH: '2' },
  });
}

describe('the deadline horizon and batched firing (real MariaDB, real Redis)', () => {
  it('should keep a deadline beyond the horizon out of Redis and fire it once after its promotion', async () => {
    const t: TestApp = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '5s' } } },
      // The reconciler must not cover for the promotion: only promotion + BullMQ may fire it.
      env: {
        DEADLINE_HORIZON_MS: '2000',
        DEADLINE_PROMOTE_INTERVAL_MS: '500',
        DEADLINE_RECONCILE_GRACE_MS: '600000',
      },
    });
    try {
      const ds = t.app.get(DataSource);
      const queue = t.app.get(QueueService).queue(JOBS.fireDeadline.queue);
      const id = await openWaitingCase(t.app.get(CaseEngine));
      const deadline = await waitingDeadline(ds, id);
      expect(deadline.status).toBe('pending');
      expect(deadline.queued_at).toBeNull();
      expect(await outboxRows(ds, id)).toBe(0);
      expect(await queue.getJob(jobIdOf(deadline))).toBeUndefined();

      // Within the horizon (due in < 2 s) the promotion round queues it as a delayed job.
      const queued = await eventually(async () => {
        const job = await queue.getJob(jobIdOf(deadline));
        return job ? job : undefined;
      }, 8000);
      expect(await queued.isDelayed()).toBe(true);
      // The round stamps `queued_at` after BullMQ took the job: the stamp may follow a moment later.
      await eventually(
        async () => ((await waitingDeadline(ds, id)).queued_at !== null ? true : undefined),
        5000,
      );

      await eventually(
        async () => ((await deadlineEvents(ds, id)).length > 0 ? true : undefined),
        15000,
      );
      await sleep(1500); // give a duplicate every chance to appear
      expect(await deadlineEvents(ds, id)).toEqual(['DEADLINE_WAITING']);
      expect((await waitingDeadline(ds, id)).status).toBe('fired');
    } finally {
      await t.close();
    }
  }, 60_000);

  it('should make one job of a deadline promoted twice (two rounds, or a crash before the stamp)', async () => {
    const t: TestApp = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '2h' } } },
      env: { DEADLINE_HORIZON_MS: '3600000', DEADLINE_PROMOTE_INTERVAL_MS: '1800000' },
    });
    try {
      const ds = t.app.get(DataSource);
      const queue = t.app.get(QueueService).queue(JOBS.fireDeadline.queue);
      const promotion = t.app.get(DeadlinePromotion);
      const id = await openWaitingCase(t.app.get(CaseEngine));
      const deadline = await waitingDeadline(ds, id);
      expect(deadline.queued_at).toBeNull();
      expect(await queue.getJob(jobIdOf(deadline))).toBeUndefined();

      // An hour and a half from now the deadline is within the horizon.
      const later = new Date(Date.now() + 90 * 60_000);
      expect(await promotion.promote(later)).toBe(1);
      expect(await promotion.promote(later)).toBe(0); // stamped: nothing to do
      // A crash between the hand-over and the stamp: the next round sends it again.
      await ds.query('UPDATE case_deadlines SET queued_at = NULL WHERE id = ?', [deadline.id]);
      const twice = await Promise.all([promotion.promote(later), promotion.promote(later)]);
      expect(twice.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);

      const delayed = await queue.getDelayed();
      expect(delayed.filter((j) => j.id === jobIdOf(deadline))).toHaveLength(1);
      expect(delayed.filter((j) => j.data.dueAt === deadline.due_at.toISOString())).toHaveLength(1);
      expect((await waitingDeadline(ds, id)).queued_at).not.toBeNull();
    } finally {
      await t.close();
    }
  }, 60_000);

  it('should hand the deadlines that start due at one moment over as rows of their own that join one job per shard', async () => {
    const t: TestApp = await startTestApp({
      workflows: [testFixtureWorkflow],
      // A day deadline ends at the next Shanghai midnight: the same moment for every case today.
      policy: { deadlines: { 'test-fixture': { waiting: '1d' } } },
      env: {
        DEADLINE_HORIZON_MS: String(3 * 24 * 3600_000),
        DEADLINE_PROMOTE_INTERVAL_MS: '60000',
        DEADLINE_PREPARE_MS: '1000',
      },
    });
    try {
      const ds = t.app.get(DataSource);
      const queue = t.app.get(QueueService).queue(JOBS.fireDeadline.queue);
      const engine = t.app.get(CaseEngine);
      const ids = [await openWaitingCase(engine), await openWaitingCase(engine)];
      ids.push(...(await Promise.all([1, 2, 3, 4].map(() => openWaitingCase(engine)))));
      const deadlines = await Promise.all(ids.map((id) => waitingDeadline(ds, id)));
      const moment = deadlines[0].due_at.toISOString();
      expect(deadlines.every((d) => d.due_at.toISOString() === moment)).toBe(true);
      // Each deadline's hand-over is its own outbox row, all handed over, for the moment's job
      // that runs DEADLINE_PREPARE_MS ahead of it.
      const handed = await eventually(async () => {
        const rows = await ds.query<Array<{ job_id: string; dispatched_at: Date | null }>>(
          "SELECT job_id, dispatched_at FROM outbox WHERE job_name = 'fire-deadline' AND run_at = ?",
          [momentJobRunAt(deadlines[0].due_at, 1000)],
        );
        return rows.length === 6 && rows.every((r) => r.dispatched_at !== null) ? rows : undefined;
      }, 10_000);
      expect(new Set(handed.map((r) => r.job_id)).size).toBe(6);
      // BullMQ holds one job per shard of that moment, carrying the moment only.
      const jobs = (await queue.getDelayed()).filter((j) => j.data.dueAt === moment);
      expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(deadlines.map(jobIdOf)));
      expect(jobs.length).toBeLessThanOrEqual(2);
      expect(jobs.every((j) => Object.keys(j.data as object).join() === 'dueAt')).toBe(true);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('should queue the deadlines due at one moment as one job per shard, which fires them all once and none early', async () => {
    const t: TestApp = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '2h' } } },
      // Only the moment's jobs may fire them: no reconciler, no promotion round of its own.
      env: {
        DEADLINE_HORIZON_MS: '3600000',
        DEADLINE_PROMOTE_INTERVAL_MS: '1800000',
        DEADLINE_RECONCILE_GRACE_MS: '600000',
        DEADLINE_FIRE_BATCH: '3',
      },
    });
    try {
      const ds = t.app.get(DataSource);
      const queue = t.app.get(QueueService).queue(JOBS.fireDeadline.queue);
      const engine = t.app.get(CaseEngine);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        ids.push(await openWaitingCase(engine));
      }
      // Twelve deadlines ending at one moment (as day deadlines end at one midnight).
      const moment = new Date(Math.ceil((Date.now() + 2500) / 1000) * 1000);
      await ds.query(
        "UPDATE case_deadlines SET due_at = ? WHERE case_id IN (?) AND name = 'waiting'",
        [moment, ids],
      );
      expect(await t.app.get(DeadlinePromotion).promote()).toBe(12);
      const jobs = (await queue.getDelayed()).filter((j) => j.data.dueAt === moment.toISOString());
      const expected = new Set(ids.map((caseId) => momentJobId({ caseId, dueAt: moment }, 2)));
      expect(new Set(jobs.map((j) => j.id))).toEqual(expected);
      expect(jobs).toHaveLength(expected.size); // one or two jobs for twelve deadlines

      await eventually(async () => {
        const [{ n }] = await ds.query<Array<{ n: string }>>(
          "SELECT COUNT(*) AS n FROM case_deadlines WHERE case_id IN (?) AND status = 'fired'",
          [ids],
        );
        return Number(n) === 12 ? true : undefined;
      }, 20_000);
      await sleep(1000); // give a duplicate every chance to appear
      for (const id of ids) {
        expect(await deadlineEvents(ds, id)).toEqual(['DEADLINE_WAITING']);
      }
      const fired = await ds.query<Array<{ early: number }>>(
        'SELECT fired_at < due_at AS early FROM case_deadlines WHERE case_id IN (?)',
        [ids],
      );
      expect(fired.map((r) => Number(r.early))).toEqual(ids.map(() => 0));
      const cases = await ds.query<Array<{ state: string; version: number }>>(
        'SELECT state, version FROM cases WHERE id IN (?)',
        [ids],
      );
      expect(cases.every((c) => c.state === 'expired' && c.version === 4)).toBe(true);
    } finally {
      await t.close();
    }
  }, 90_000);

  it("should fire a moment's deadline that another transaction held when its job claimed, once that lets go", async () => {
    const t: TestApp = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '1s' } } },
      env: { ROLE: 'api' }, // no worker, no reconciler: only the call below fires
    });
    try {
      const ds = t.app.get(DataSource);
      const id = await openWaitingCase(t.app.get(CaseEngine));
      const deadline = await waitingDeadline(ds, id);
      await sleep(1200); // due now
      // Another transaction holds the row (as a sweep's locking scan briefly does): the job's
      // claim skips it, and the drain must come back for it instead of finishing with none fired.
      const runner = ds.createQueryRunner();
      await runner.startTransaction();
      await runner.query('SELECT id FROM case_deadlines WHERE id = ? FOR UPDATE', [deadline.id]);
      const fired = t.app.get(DeadlineFiring).fireMoment(new Date(deadline.due_at));
      await sleep(300);
      await runner.commitTransaction();
      await runner.release();
      expect(await fired).toBe(1);
      expect(await deadlineEvents(ds, id)).toEqual(['DEADLINE_WAITING']);
    } finally {
      await t.close();
    }
  }, 60_000);

  it("should prepare a moment's deadlines ahead, commit them at the due time, and yield to an event sent before it", async () => {
    // Four deadlines, and three after the EXTEND, are more than a batch of two: a moment claimed
    // the whole lead ahead, and again after it yields (a smaller one is fired at its due time,
    // the test below).
    const t = await startPreparingApp();
    try {
      const ds = t.app.get(DataSource);
      const engine = t.app.get(CaseEngine);
      const ids = await Promise.all([1, 2, 3, 4].map(() => openWaitingCase(engine)));
      const deadlines = await Promise.all(ids.map((id) => waitingDeadline(ds, id)));
      const due = new Date(Math.max(...deadlines.map((d) => new Date(d.due_at).getTime())));
      // One moment: the cases were opened a few milliseconds apart, and a moment's window (20 ms)
      // could split them into moments of no more than a batch, which are fired when due.
      await ds.query('UPDATE case_deadlines SET due_at = ? WHERE id IN (?)', [
        due,
        deadlines.map((d) => d.id),
      ]);
      // The moment's job, run ahead of the moment (as its delayed job is, DEADLINE_PREPARE_MS).
      await sleep(Math.max(0, due.getTime() - Date.now() - 2000));
      const fired = t.app.get(DeadlineFiring).fireMoment(due);
      await sleep(Math.max(0, due.getTime() - Date.now() - 1500));
      // Prepared, not committed: nothing shows before the due time.
      const statuses = await ds.query<Array<{ status: string }>>(
        'SELECT status FROM case_deadlines WHERE id IN (?)',
        [deadlines.map((d) => d.id)],
      );
      expect(statuses.map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
      // An event sent before the due time waits for the held batch, which yields: it applies
      // first, to the case as it was (EXTEND restarts the deadline), and before the due time.
      const extended = await engine.applyEvent(ids[0], { type: 'EXTEND' }, caseworker);
      expect(extended.state).toBe('waiting');
      expect(Date.now()).toBeLessThan(due.getTime());
      expect(await fired).toBe(3);
      expect(Date.now()).toBeGreaterThanOrEqual(due.getTime());
      // The other three fired at their due time exactly, their events recorded then.
      for (const d of deadlines.slice(1)) {
        const [row] = await firings(ds, [d.id]);
        expect(row.status).toBe('fired');
        expect(row.fired_at.toISOString()).toBe(due.toISOString());
        const [event] = await ds.query<Array<{ at: Date }>>(
          "SELECT at FROM case_events WHERE case_id = ? AND type = 'DEADLINE_WAITING'",
          [d.case_id],
        );
        expect(event.at.toISOString()).toBe(due.toISOString());
      }
      // The extended case still waits, on its restarted deadline; its first one was cancelled.
      expect(await deadlineEvents(ds, ids[0])).toEqual([]);
      const restarted = await ds.query<Array<{ status: string; restart: number }>>(
        "SELECT status, restart FROM case_deadlines WHERE case_id = ? AND name = 'waiting' ORDER BY id",
        [ids[0]],
      );
      expect(restarted.map((r) => [r.status, Number(r.restart)])).toEqual([
        ['cancelled', 0],
        ['pending', 1],
      ]);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('should fire a moment of no more deadlines than one batch at its due time, holding nothing ahead of it', async () => {
    const t = await startPreparingApp();
    try {
      const ds = t.app.get(DataSource);
      const id = await openWaitingCase(t.app.get(CaseEngine));
      const deadline = await waitingDeadline(ds, id);
      const due = new Date(deadline.due_at);
      // The moment's job, run ahead of the moment; one deadline is less than a batch of two.
      await sleep(Math.max(0, due.getTime() - Date.now() - 2000));
      const fired = t.app.get(DeadlineFiring).fireMoment(due);
      // Shortly before the due time nobody holds the case: another transaction locks it at once.
      await sleep(Math.max(0, due.getTime() - Date.now() - 120));
      await ds.transaction(async (m) => {
        await m.query('SELECT id FROM cases WHERE id = ? FOR UPDATE NOWAIT', [id]);
      });
      expect(Date.now()).toBeLessThan(due.getTime());
      expect(await fired).toBe(1);
      const [row] = await firings(ds, [deadline.id]);
      expect(row.status).toBe('fired');
      expect(row.fired_at.getTime()).toBeGreaterThanOrEqual(due.getTime());
    } finally {
      await t.close();
    }
  }, 60_000);

  it('should prepare a burst due just after a lone timer ahead, while the timer is fired alone at its due time', async () => {
    const t = await startPreparingApp();
    try {
      const ds = t.app.get(DataSource);
      const engine = t.app.get(CaseEngine);
      const [timerCase, ...burstCases] = await Promise.all(
        [1, 2, 3, 4, 5].map(() => openWaitingCase(engine)),
      );
      const timer = await waitingDeadline(ds, timerCase);
      const burst = await Promise.all(burstCases.map((id) => waitingDeadline(ds, id)));
      // One timer at T and a burst of four (more than a batch of two) 400 ms after it.
      const at = Date.now() + 3000;
      const timerDue = new Date(at);
      const burstDue = new Date(at + 400);
      await ds.query('UPDATE case_deadlines SET due_at = ? WHERE id = ?', [timerDue, timer.id]);
      await ds.query('UPDATE case_deadlines SET due_at = ? WHERE id IN (?)', [
        burstDue,
        burst.map((d) => d.id),
      ]);
      // The timer's job starts the drain, which waits for the timer; the burst's job comes next.
      await sleep(Math.max(0, at - Date.now() - 2000));
      const timerFired = t.app.get(DeadlineFiring).fireMoment(timerDue);
      await sleep(Math.max(0, at - Date.now() - 1500));
      const burstFired = t.app.get(DeadlineFiring).fireMoment(burstDue);
      // Well before the timer, the burst's cases are already held by its prepared batch.
      await sleep(Math.max(0, at - Date.now() - 700));
      await expect(
        ds.transaction(async (m) => {
          await m.query('SELECT id FROM cases WHERE id IN (?) FOR UPDATE NOWAIT', [burstCases]);
        }),
      ).rejects.toThrow(/lock/i);
      expect(Date.now()).toBeLessThan(at);
      // The timer is not held with the burst: it is committed between its due time and the burst's.
      await sleep(Math.max(0, at - Date.now() + 200));
      const [timerRow] = await firings(ds, [timer.id]);
      expect(timerRow.status).toBe('fired');
      expect(timerRow.fired_at.getTime()).toBeGreaterThanOrEqual(at);
      expect(Date.now()).toBeLessThan(burstDue.getTime());
      expect(await Promise.all([timerFired, burstFired])).toEqual([5, 5]);
      const rows = await firings(
        ds,
        burst.map((d) => d.id),
      );
      expect(rows.map((r) => [r.status, r.fired_at.toISOString()])).toEqual(
        burst.map(() => ['fired', burstDue.toISOString()]),
      );
    } finally {
      await t.close();
    }
  }, 60_000);

  it('should fire a batch of due deadlines across many cases exactly once with two workers sweeping at once', async () => {
    const db = await createTestDatabase();
    const policy = { deadlines: { 'test-fixture': { waiting: '2s' } } };
    // ROLE=api: no BullMQ worker and no reconciler; the two apps below are the two workers.
    const env = {
      ROLE: 'api',
      DEADLINE_FIRE_BATCH: '4',
      DEADLINE_FIRE_PARALLEL: '3',
    };
    const a = await startTestApp({ database: db, workflows: [testFixtureWorkflow], policy, env });
    const b = await startTestApp({ database: db, workflows: [testFixtureWorkflow], policy, env });
    try {
      const ds = a.app.get(DataSource);
      const engine = a.app.get(CaseEngine);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push(await openWaitingCase(engine));
      }
      await sleep(2500); // every deadline is due now
      const [first, second] = await Promise.all([
        a.app.get(DeadlineFiring).fireDue(0),
        b.app.get(DeadlineFiring).fireDue(0),
      ]);
      // Each deadline was taken by one sweeper (SKIP LOCKED), and both did a share.
      const both = [...first.keys()].filter((k) => second.has(k));
      expect(both).toEqual([]);
      expect(first.size + second.size).toBe(30);
      expect(first.size).toBeGreaterThan(0);
      expect(second.size).toBeGreaterThan(0);
      expect([...first.values(), ...second.values()].every((o) => o === 'fired')).toBe(true);

      // A job arriving late for a deadline a batch fired finds it done.
      const late = await waitingDeadline(ds, ids[0]);
      expect(['fired', 'stale']).toContain(
        await b.app.get(DeadlineFiring).fireFromJob(String(late.id)),
      );
      for (const id of ids) {
        expect(await deadlineEvents(ds, id)).toEqual(['DEADLINE_WAITING']);
      }
      // Each case its own transition: version, state, SLA record, hash chain.
      const cases = await ds.query<Array<{ state: string; version: number }>>(
        'SELECT state, version FROM cases WHERE id IN (?)',
        [ids],
      );
      expect(cases.every((c) => c.state === 'expired' && c.version === 4)).toBe(true);
      await a.app.get(SlaJournal).settle();
      const [{ open }] = await ds.query<Array<{ open: string }>>(
        "SELECT COUNT(*) AS open FROM sla_records WHERE case_id IN (?) AND state = 'waiting' AND left_at IS NULL",
        [ids],
      );
      expect(Number(open)).toBe(0);
      const verification = await a.app.get(ChainVerifier).verifyAll({ type: 'test-fixture' });
      expect(verification.valid).toBe(true);
      expect(verification.cases).toBe(30);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  }, 90_000);

  it('should not fire a deadline cancelled between its promotion and its due time', async () => {
    const t: TestApp = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '4s' } } },
      env: {
        DEADLINE_HORIZON_MS: '2000',
        DEADLINE_PROMOTE_INTERVAL_MS: '500',
        DEADLINE_RECONCILE_GRACE_MS: '0', // the reconciler sweeps too: it must not fire it either
      },
    });
    try {
      const ds = t.app.get(DataSource);
      const engine = t.app.get(CaseEngine);
      const queue = t.app.get(QueueService).queue(JOBS.fireDeadline.queue);
      const id = await openWaitingCase(engine);
      const deadline = await waitingDeadline(ds, id);
      expect(deadline.queued_at).toBeNull();
      const job = await eventually(async () => {
        const queued = await queue.getJob(jobIdOf(deadline));
        return queued ? queued : undefined;
      }, 8000);
      // The case leaves `waiting` before the deadline: its timer becomes stale.
      await engine.applyEvent(id, { type: 'RESUME' }, caseworker);
      expect((await waitingDeadline(ds, id)).status).toBe('cancelled');

      await eventually(async () => ((await job.isCompleted()) ? true : undefined), 15000);
      const done = await queue.getJob(jobIdOf(deadline));
      expect(done?.returnvalue).toBe(0); // the moment's job ran and fired nothing
      expect(await deadlineEvents(ds, id)).toEqual([]);
      const [c] = await ds.query<Array<{ state: string; version: number }>>(
        'SELECT state, version FROM cases WHERE id = ?',
        [id],
      );
      expect(c).toEqual({ state: 'done', version: 4 });
    } finally {
      await t.close();
    }
  }, 60_000);
});
