import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createPool, type Pool } from 'mysql2/promise';
import { freePort } from '../test/support/processes';
import { createTestDatabase, testEnvironment } from '../test/support/test-app';

/**
 * Relief-application transitions through the HTTP API against the physical limit.
 *
 * The service runs as its own process (API and worker, as `npm start` runs it) on a fresh
 * database; this process drives it over keep-alive HTTP with C concurrent clients, each walking
 * its own relief cases through submit → ACCEPT → VERIFY → PROPOSE → APPROVE (five transitions,
 * each one HTTP request with its full checks, hook, pure transition and durable commit), for a
 * fixed time. Latency is measured per request. Then the raw durable limit: the same three
 * statements a transition must write — the versioned case update, the event insert, the outbox
 * insert — straight through mysql2, one transaction per step, same server, same durability
 * settings, same concurrency.
 *
 *   npm run bench                                   (all benches; this one with the defaults)
 *   node -r ts-node/register/transpile-only bench/transitions.ts [seconds=8] [clients=1,16,64]
 *
 * BENCH_API_PROCESSES=n (default 1) runs the service as n processes on one database and Redis:
 * one with ROLE=all (API and worker, as `npm start`), the others ROLE=api on their own ports, the
 * clients spread over them as a load balancer would. Node runs JavaScript on one core and the
 * service is stateless, so more processes is how it would use more cores; on this 2-core machine
 * the database needs the second core, and two processes measured slower than one.
 *
 * Prints, per concurrency:
 *   transitions: <n>/s at <c> clients, p50 <x> ms, p99 <y> ms; raw durable limit <m>/s; ratio <n/m>
 */
const SECONDS = Number(process.argv[2] ?? 8);
const CLIENTS = (process.argv[3] ?? '1,16,64').split(',').map(Number);
const API_PROCESSES = Number(process.env.BENCH_API_PROCESSES ?? 1);

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** GB 11643 check character. */
function residentId(n: number): string {
  const day = 1 + (Math.floor(n / 1000) % 28);
  const month = 1 + (Math.floor(n / 28000) % 12);
  const first17 = `3301061980${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}

class Client {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  call(
    method: string,
    path: string,
    body: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...(payload ? { 'content-type': 'application/json' } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}

async function startService(env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the service.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...extra, '-r', 'ts-node/register/transpile-only', 'src/main.ts'],
    {
      env: { ...process.env, ...env, TS_NODE_PROJECT: 'tsconfig.json' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const client = new Client(Number(env.PORT), 1);
  const until = Date.now() + 90_000;
  for (;;) {
    const up = await client.call('GET', '/health', undefined).catch(() => ({ status: 0 }));
    if (up.status === 200) {
      return child;
    }
    if (Date.now() > until || child.exitCode !== null) {
      throw new Error('the service did not start');
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

interface Tokens {
  street: string;
  caseworker: string;
  manager: string;
}

async function users(
  client: Client,
  admin: { username: string; password: string },
): Promise<Tokens> {
  const login = async (username: string, password: string): Promise<string> =>
    String(
      (await client.call('POST', '/api/v1/auth/login', { username, password })).body.accessToken,
    );
  const adminToken = await login(admin.username, admin.password);
  const make = async (username: string, roles: string[], extra = {}): Promise<string> => {
    await client.call(
      'POST',
      '/api/v1/users',
      { username, password: 'bench-password-1', displayName: username, roles, ...extra },
      adminToken,
    );
    return login(username, 'bench-password-1');
  };
  return {
    street: await make('bench-street', ['STREET_OFFICE'], { streetCode: '330106001' }),
    caseworker: await make('bench-caseworker', ['CASEWORKER']),
    manager: await make('bench-manager', ['MANAGER']),
  };
}

let person = 0;

/** One relief case walked through five transitions; every request's latency recorded. */
async function walkCase(client: Client, t: Tokens, latencies: number[]): Promise<number> {
  const timed = async (
    method: string,
    path: string,
    body: unknown,
    token: string,
    headers?: Record<string, string>,
  ): Promise<Record<string, unknown>> => {
    const s = performance.now();
    const res = await client.call(method, path, body, token, headers);
    latencies.push(performance.now() - s);
    if (res.status >= 300) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  };
  person += 1;
  const created = await timed(
    'POST',
    '/api/v1/relief-applications',
    {
      applicant: {
        name: '张三',
        idNumber: residentId(person),
        phone: '13812345678',
        category: 'DIBAO',
        insuranceType: 'RESIDENT',
      },
      streetCode: '330106001',
      year: 2026,
      expenses: [
        {
          kind: 'INPATIENT',
          institution: '杭州市西溪医院',
          date: '2026-03-02',
          totalCost: '52000.00',
          inPolicyCost: '50000.00',
          basicInsurancePaid: '30000.00',
          criticalIllnessPaid: '5000.00',
          otherInsurancePaid: '0.00',
        },
      ],
    },
    t.street,
    { 'idempotency-key': `bench-${person}` },
  );
  const events = `/api/v1/cases/${String(created.id)}/events`;
  await timed('POST', events, { type: 'ACCEPT' }, t.caseworker);
  await timed(
    'POST',
    events,
    { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: `DB-${person}` },
    t.caseworker,
  );
  await timed('POST', events, { type: 'PROPOSE' }, t.caseworker);
  await timed('POST', events, { type: 'APPROVE' }, t.manager);
  return 5;
}

async function httpRun(apis: Client[], t: Tokens, clients: number): Promise<[number, number[]]> {
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  let steps = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const client = apis[c % apis.length];
      while (performance.now() < end) {
        const done = await walkCase(client, t, latencies);
        steps += done; // not `steps += await …`: that reads `steps` before the await
      }
    }),
  );
  return [steps / ((performance.now() - started) / 1000), latencies.sort((a, b) => a - b)];
}

/** The three statements of a transition, one transaction per step, straight through mysql2. */
async function rawRun(pool: Pool, clients: number): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let steps = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const conn = await pool.getConnection();
      const id = `raw-${clients}-${c}`;
      await conn.query('INSERT INTO bench_cases (id, version, state, data) VALUES (?, 1, ?, ?)', [
        id,
        'submitted',
        '{}',
      ]);
      let version = 1;
      const data = JSON.stringify({ applicant: { name: '张三' }, step: 0 });
      try {
        while (performance.now() < end) {
          await conn.beginTransaction();
          await conn.query(
            'UPDATE bench_cases SET version = ?, state = ?, data = ? WHERE id = ? AND version = ?',
            [version + 1, 'approval', data, id, version],
          );
          await conn.query(
            'INSERT INTO bench_events (case_id, seq, type, payload, at) VALUES (?, ?, ?, ?, NOW(3))',
            [id, version + 1, 'APPROVE', data],
          );
          await conn.query(
            'INSERT INTO bench_outbox (job_id, payload, run_at) VALUES (?, ?, NOW(3))',
            [`${id}-${version + 1}`, data],
          );
          await conn.commit();
          version += 1;
          steps += 1;
        }
      } finally {
        conn.release();
      }
    }),
  );
  return steps / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const port = await freePort();
  const env = testEnvironment(db, { env: { PORT: String(port), LOG_LEVEL: 'error' } });
  const services: ChildProcess[] = [];
  const pool = createPool({ uri: db.url, connectionLimit: Math.max(...CLIENTS) + 1 });
  try {
    services.push(await startService(env)); // migrates the database first
    const apis = [new Client(port, Math.max(...CLIENTS))];
    for (let i = 1; i < API_PROCESSES; i++) {
      const apiPort = await freePort();
      services.push(await startService({ ...env, PORT: String(apiPort), ROLE: 'api' }));
      apis.push(new Client(apiPort, Math.max(...CLIENTS)));
    }
    const client = apis[0];
    const tokens = await users(client, {
      username: env.ADMIN_USERNAME,
      password: env.ADMIN_PASSWORD,
    });
    await walkCase(client, tokens, []); // warm-up
    await pool.query(
      'CREATE TABLE bench_cases (id VARCHAR(40) PRIMARY KEY, version INT NOT NULL, state VARCHAR(64) NOT NULL, data JSON NOT NULL) ENGINE=InnoDB',
    );
    await pool.query(
      'CREATE TABLE bench_events (id BIGINT AUTO_INCREMENT PRIMARY KEY, case_id VARCHAR(40) NOT NULL, seq INT NOT NULL, type VARCHAR(64) NOT NULL, payload JSON NOT NULL, at DATETIME(3) NOT NULL, UNIQUE KEY (case_id, seq)) ENGINE=InnoDB',
    );
    await pool.query(
      'CREATE TABLE bench_outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, job_id VARCHAR(191) NOT NULL UNIQUE, payload JSON NOT NULL, run_at DATETIME(3) NOT NULL, dispatched_at DATETIME(3) NULL, KEY (dispatched_at, id)) ENGINE=InnoDB',
    );
    const lines: string[] = [];
    for (const clients of CLIENTS) {
      const [rate, latencies] = await httpRun(apis, tokens, clients);
      const raw = await rawRun(pool, clients);
      lines.push(
        `transitions: ${rate.toFixed(0)}/s at ${clients} clients, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(1)} ms; raw durable limit ${raw.toFixed(0)}/s; ratio ${(rate / raw).toFixed(2)}`,
      );
      console.log(lines.at(-1));
    }
  } finally {
    await pool.end();
    await Promise.all(
      services
        .filter((service) => service.exitCode === null)
        .map((service) => {
          const exited = new Promise((r) => service.once('exit', r));
          service.kill('SIGTERM');
          return exited;
        }),
    );
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
