import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { OutboxRelay } from '../src/engine/outbox/outbox-relay.service';
import { JOBS, jobId } from '../src/queue/jobs';
import { testFixtureWorkflow } from '../test/fixtures/test-fixture.workflow';
import { startTestApp } from '../test/support/test-app';

/**
 * Deadlines with many pending: N cases of the engine's test workflow wait in a state whose
 * deadline fires an event. N − B of them are due in two hours (the pending load: rows in
 * `case_deadlines`, delayed jobs in Redis); then B more come due together a few seconds later
 * (the burst). The worker fires them through the same path as production (BullMQ delayed job →
 * locked `pending` row → the deadline's event applied as `system`). Measured: the Redis memory of
 * the pending jobs, the burst's lateness (fired_at − due_at) p50/p99, deadlines lost (not fired
 * within a minute of their due time) and duplicated (a case with more than one deadline event).
 *
 *   node -r ts-node/register/transpile-only bench/deadlines.ts [pending=100000] [burst=500]
 *
 * Prints: deadlines: <k> pending, lateness p50 <a> ms, p99 <b> ms, lost <l>, duplicated <d>
 */
const PENDING = Number(process.argv[2] ?? 100_000);
const BURST = Number(process.argv[3] ?? 500);
const CHUNK = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function redisUsedMemory(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await redis.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const t = await startTestApp({
    workflows: [testFixtureWorkflow],
    policy: { deadlines: { 'test-fixture': { waiting: '2h' } } },
    // Only BullMQ fires here: the reconciler would hide a lost job.
    env: { LOG_LEVEL: 'error', DEADLINE_RECONCILE_GRACE_MS: '3600000' },
  });
  const engine = t.app.get(CaseEngine);
  const relay = t.app.get(OutboxRelay);
  const ds = t.app.get(DataSource);
  try {
    // One real case in `waiting`: the others are copies of its row with ids of their own.
    const template = await engine.openCase({
      type: 'test-fixture',
      input: { applicant: { name: '王五', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    await engine.applyEvent(
      template.id,
      { type: 'SUBMIT' },
      {
        id: 'bench-street',
        roles: ['STREET_OFFICE'],
        streetCode: '330106001',
      },
    );
    const row = await engine.applyEvent(
      template.id,
      { type: 'APPROVE' },
      {
        id: 'bench-manager',
        roles: ['MANAGER'],
        streetCode: null,
      },
    );
    const [{ maxId }] = await ds.query<Array<{ maxId: string }>>(
      'SELECT COALESCE(MAX(id), 0) AS maxId FROM case_deadlines',
    );
    let nextDeadlineId = Number(maxId) + 1;
    const memoryBefore = await redisUsedMemory(t.env.REDIS_URL);

    /** Inserts `count` waiting cases with their pending deadline and outbox row, due at `dueAt`. */
    const insert = async (count: number, dueAt: Date): Promise<string[]> => {
      const ids: string[] = [];
      for (let done = 0; done < count; done += CHUNK) {
        const n = Math.min(CHUNK, count - done);
        const cases: unknown[][] = [];
        const deadlines: unknown[][] = [];
        const outbox: unknown[][] = [];
        const now = new Date();
        for (let i = 0; i < n; i++) {
          const id = randomUUID();
          const deadlineId = nextDeadlineId++;
          ids.push(id);
          cases.push([
            id,
            row.type,
            row.machineVersion,
            row.state,
            'active',
            row.version,
            JSON.stringify(row.snapshot),
            JSON.stringify(row.data),
            row.streetCode,
            row.lastEventHash,
            row.policyVersion,
            'bench',
            now,
            now,
          ]);
          deadlines.push([
            deadlineId,
            id,
            'waiting',
            'state',
            row.version,
            0,
            '2h',
            now,
            dueAt,
            'DEADLINE_WAITING',
            'pending',
          ]);
          outbox.push([
            JOBS.fireDeadline.queue,
            JOBS.fireDeadline.name,
            jobId('deadline', id, row.version, 'waiting', 0),
            JSON.stringify({ deadlineId: String(deadlineId), caseId: id }),
            dueAt,
            now,
          ]);
        }
        await ds.transaction(async (m) => {
          await m.query(
            `INSERT INTO cases (id, type, machine_version, state, status, version, snapshot, data,
               street_code, last_event_hash, policy_version, created_by, created_at, updated_at) VALUES ?`,
            [cases],
          );
          await m.query(
            `INSERT INTO case_deadlines (id, case_id, name, kind, entry_seq, restart, duration,
               started_at, due_at, on_expire_event, status) VALUES ?`,
            [deadlines],
          );
          await m.query(
            'INSERT INTO outbox (queue, job_name, job_id, payload, run_at, created_at) VALUES ?',
            [outbox],
          );
        });
      }
      return ids;
    };

    const s = performance.now();
    await insert(PENDING - BURST, new Date(Date.now() + 2 * 3600_000));
    const inserted = performance.now();
    while ((await relay.dispatchPending(2000)) > 0) {
      // hand every row to BullMQ
    }
    const dispatched = performance.now();
    const memoryPending = (await redisUsedMemory(t.env.REDIS_URL)) - memoryBefore;
    console.log(
      `deadlines bench: ${PENDING - BURST} pending inserted in ${((inserted - s) / 1000).toFixed(1)} s, ` +
        `handed to BullMQ in ${((dispatched - inserted) / 1000).toFixed(1)} s; Redis memory ` +
        `${(((memoryPending / (PENDING - BURST)) * 100_000) / 1024 / 1024).toFixed(1)} MiB per 100k pending`,
    );

    const burstDue = new Date(Date.now() + 8000);
    const burst = await insert(BURST, burstDue);
    await relay.dispatchPending(2000);
    const waitUntil = burstDue.getTime() + 60_000;
    for (;;) {
      const [{ n }] = await ds.query<Array<{ n: string }>>(
        `SELECT COUNT(*) AS n FROM case_deadlines WHERE due_at = ? AND status = 'fired'`,
        [burstDue],
      );
      if (Number(n) >= BURST || Date.now() > waitUntil) {
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2000)); // a duplicate would show by now
    const fired = await ds.query<Array<{ ms: string }>>(
      `SELECT TIMESTAMPDIFF(MICROSECOND, due_at, fired_at) / 1000 AS ms FROM case_deadlines
        WHERE due_at = ? AND status = 'fired'`,
      [burstDue],
    );
    const lateness = fired.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const [{ dup }] = await ds.query<Array<{ dup: string }>>(
      `SELECT COUNT(*) AS dup FROM (SELECT case_id FROM case_events WHERE type = 'DEADLINE_WAITING'
         GROUP BY case_id HAVING COUNT(*) > 1) d`,
    );
    const [{ pending }] = await ds.query<Array<{ pending: string }>>(
      "SELECT COUNT(*) AS pending FROM case_deadlines WHERE status = 'pending'",
    );
    console.log(
      `deadlines: ${Number(pending) + lateness.length} pending, lateness p50 ${percentile(lateness, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(lateness, 99).toFixed(0)} ms, lost ${burst.length - lateness.length}, duplicated ${Number(dup)}`,
    );
  } finally {
    await t.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
