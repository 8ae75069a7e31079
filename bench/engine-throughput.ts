import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { testFixtureWorkflow } from '../test/fixtures/test-fixture.workflow';
import { startTestApp } from '../test/support/test-app';

/**
 * Engine throughput: N cases walked through open -> SUBMIT -> APPROVE (a state with a 2s
 * deadline) -> DEADLINE fired by the worker, at C concurrent clients, each step one full
 * `applyEvent` (lock, checks, pure transition, versioned update, hash-chained event, outbox).
 * Prints steps/s, step latency percentiles, and deadline lateness (fired_at - due_at).
 *
 *   npm run bench -- [cases=2000] [concurrency=16]
 *
 * ENVIRONMENT.md measured on these machines: one transaction straight through mysql2
 * ~1,100-1,500 steps/s at 16-64 clients. The ratio printed compares with 1,100/s.
 */
const CASES = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const RAW_MYSQL_FLOOR = 1100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const t = await startTestApp({
    workflows: [testFixtureWorkflow],
    policy: { deadlines: { 'test-fixture': { waiting: '2s' } } },
    env: { LOG_LEVEL: 'error', DEADLINE_RECONCILE_GRACE_MS: '600000' },
  });
  const engine = t.app.get(CaseEngine);
  const ds = t.app.get(DataSource);
  const street = { id: 'bench-street', roles: ['STREET_OFFICE'] as const, streetCode: '330106001' };
  const manager = { id: 'bench-manager', roles: ['MANAGER'] as const, streetCode: null };
  const latencies: number[] = [];
  const timed = async <T>(f: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    const r = await f();
    latencies.push(performance.now() - s);
    return r;
  };

  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES) {
        next += 1;
        const row = await timed(() =>
          engine.openCase({
            type: 'test-fixture',
            input: {
              applicant: { name: '王五', idNumber: '110105194912310029', phone: '13812345678' },
            },
            actor: SYSTEM,
            streetCode: '330106001',
          }),
        );
        await timed(() => engine.applyEvent(row.id, { type: 'SUBMIT' }, street));
        await timed(() => engine.applyEvent(row.id, { type: 'APPROVE' }, manager));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const steps = latencies.length;

  // Wait for every deadline to fire, then measure lateness.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [{ n }] = await ds.query(
      "SELECT COUNT(*) AS n FROM case_deadlines WHERE status = 'pending'",
    );
    if (Number(n) === 0 || Date.now() > deadline) {
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const rows: Array<{ ms: string }> = await ds.query(
    "SELECT TIMESTAMPDIFF(MICROSECOND, due_at, fired_at) / 1000 AS ms FROM case_deadlines WHERE status = 'fired'",
  );
  const lateness = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const sorted = [...latencies].sort((a, b) => a - b);

  const rate = steps / seconds;
  console.log(`engine-throughput: ${CASES} cases x 3 steps, ${CONCURRENCY} concurrent clients`);
  console.log(
    `  steps/s            ${rate.toFixed(0)}  (ratio to raw mysql2 floor ${RAW_MYSQL_FLOOR}/s: ${(rate / RAW_MYSQL_FLOOR).toFixed(2)})`,
  );
  console.log(
    `  step latency ms    p50 ${percentile(sorted, 50).toFixed(1)}  p90 ${percentile(sorted, 90).toFixed(1)}  p99 ${percentile(sorted, 99).toFixed(1)}`,
  );
  console.log(`  deadlines fired    ${lateness.length}/${CASES}`);
  if (lateness.length > 0) {
    console.log(
      `  timer lateness ms  p50 ${percentile(lateness, 50).toFixed(0)}  p99 ${percentile(lateness, 99).toFixed(0)}  max ${lateness.at(-1)?.toFixed(0)}`,
    );
  }
  await t.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
