/**
 * `npm run bench:sla -- [cases=1000000]`: does GET /api/v1/sla/summary answer in < 300 ms over
 * 1,000,000 cases? Creates a scratch database on DATABASE_URL's server, applies the migrations,
 * generates the cases' history with bulk INSERTs (bench/sla-data.ts: cases, their deadlines and
 * SLA records, the rollups the service keeps), starts the service (ROLE=api) on it and times
 * the endpoint through the full HTTP stack (auth, validation, queries, JSON) for several ranges,
 * warm, 15 runs each. Prints the figures; the database is dropped at the end (KEEP=1 keeps it;
 * BENCH_DB=<name> times a kept database again without generating).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap';
import { databaseOptions } from '../src/database/database-options';
import { addDays } from '../src/sla/periods';
import { shanghaiDate } from '../src/time/shanghai';
import { generatedPeople, generateSlaData } from './sla-data';

const CASES = Number(process.argv[2] ?? 1_000_000);
const RUNS = 15;
const GOAL_MS = 300;

function stats(ms: number[]): { p50: number; p90: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { p50: at(0.5), p90: at(0.9), max: s[s.length - 1] };
}

/** The counts of a kept database (BENCH_DB). */
async function existing(
  ds: DataSource,
): Promise<{ cases: number; active: number; slaRecords: number; deadlines: number }> {
  const n = async (sql: string): Promise<number> =>
    Number((await ds.query<Array<{ n: string }>>(sql))[0].n);
  return {
    cases: await n('SELECT COUNT(*) AS n FROM cases'),
    active: await n("SELECT COUNT(*) AS n FROM cases WHERE status = 'active'"),
    slaRecords: await n('SELECT COUNT(*) AS n FROM sla_records'),
    deadlines: await n('SELECT COUNT(*) AS n FROM case_deadlines'),
  };
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  const redis = process.env.REDIS_URL;
  if (!base || !redis) {
    throw new Error('DATABASE_URL and REDIS_URL must be set (npm run bench:sla starts them)');
  }
  const reuse = process.env.BENCH_DB;
  const name = reuse ?? `yibao_bench_${randomBytes(4).toString('hex')}`;
  const server = new URL(base);
  server.pathname = '/';
  const admin = await createConnection(server.toString());
  if (!reuse) {
    await admin.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const ds = new DataSource({
    ...databaseOptions(url.toString(), true),
    extra: { connectionLimit: 4 },
  });
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const people = generatedPeople(60, 12);
    const started = Date.now();
    const now = new Date();
    const counts = reuse
      ? await existing(ds)
      : await generateSlaData(ds, {
          cases: CASES,
          seed: 2026,
          now,
          days: 730,
          streets: people.streets,
          assignees: people.assignees,
          batchSize: 2500,
          onProgress: (n) => {
            if (n % 100_000 === 0) {
              process.stdout.write(
                `  generated ${n} cases (${Math.round((Date.now() - started) / 1000)} s)\n`,
              );
            }
          },
        });
    if (!reuse) {
      await ds.query('ANALYZE TABLE cases, case_deadlines, sla_records, sla_rollups');
    }
    const [{ rollupRows }] = await ds.query<Array<{ rollupRows: string }>>(
      'SELECT COUNT(*) AS rollupRows FROM sla_rollups',
    );
    process.stdout.write(
      `data: ${counts.cases} cases (${counts.active} active), ${counts.slaRecords} SLA records, ` +
        `${counts.deadlines} deadlines, ${rollupRows} rollup rows; generated in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    await ds.destroy();

    const policyDir = mkdtempSync(join(tmpdir(), 'yibao-bench-'));
    writeFileSync(join(policyDir, 'policy.json'), '{}');
    Object.assign(process.env, {
      DATABASE_URL: url.toString(),
      JWT_SECRET: 'bench-secret-that-is-long-enough',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'Bench-root-pw-7',
      ROLE: 'api',
      MIGRATIONS_RUN: 'false',
      POLICY_FILE: join(policyDir, 'policy.json'),
      QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
      LOG_LEVEL: 'warn',
    });
    const app = await createApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: 'Bench-root-pw-7' },
      });
      const token = (JSON.parse(login.body) as { accessToken: string }).accessToken;
      const today = shanghaiDate(now);
      const ranges: Array<[string, string]> = [
        ['default (last 30 days)', ''],
        [
          'one calendar year (12 whole months)',
          `?from=${today.slice(0, 4)}-01-01&to=${today.slice(0, 4)}-12-31`,
        ],
        [
          '365 days, mid-month to mid-month (worst case: 2 partial months)',
          `?from=${addDays(today, -380)}&to=${addDays(today, -15)}`,
        ],
        ['two years, all workflows', `?from=${addDays(today, -730)}&to=${today}`],
        [
          'one workflow, 365 days',
          `?type=relief-application&from=${addDays(today, -365)}&to=${today}`,
        ],
      ];
      process.stdout.write(
        `\nGET /api/v1/sla/summary over ${counts.cases} cases (${RUNS} warm runs each; goal < ${GOAL_MS} ms)\n`,
      );
      process.stdout.write(
        '| range | p50 ms | p90 ms | max ms | open | overdue | closed in range |\n| --- | --- | --- | --- | --- | --- | --- |\n',
      );
      let worst = 0;
      for (const [label, query] of ranges) {
        const times: number[] = [];
        let body: { totals: { open: number; overdue: number; closedInRange: number } } | undefined;
        for (let i = 0; i < RUNS + 2; i++) {
          const t0 = process.hrtime.bigint();
          const res = await app.inject({
            url: `/api/v1/sla/summary${query}`,
            headers: { authorization: `Bearer ${token}` },
          });
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (res.statusCode !== 200) {
            throw new Error(`${label}: ${res.statusCode} ${res.body}`);
          }
          body = JSON.parse(res.body) as typeof body;
          if (i >= 2) {
            times.push(ms);
          }
        }
        const s = stats(times);
        worst = Math.max(worst, s.p90);
        process.stdout.write(
          `| ${label} | ${s.p50.toFixed(1)} | ${s.p90.toFixed(1)} | ${s.max.toFixed(1)} | ${body!.totals.open} | ${body!.totals.overdue} | ${body!.totals.closedInRange} |\n`,
        );
      }
      process.stdout.write(
        `\nworst p90 ${worst.toFixed(1)} ms: ${worst < GOAL_MS ? 'within' : 'ABOVE'} the ${GOAL_MS} ms goal\n`,
      );
    } finally {
      await app.close();
    }
  } finally {
    if (ds.isInitialized) {
      await ds.destroy();
    }
    if (process.env.KEEP === '1' || reuse) {
      process.stdout.write(`kept database ${name}\n`);
    } else {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
    await admin.end();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
