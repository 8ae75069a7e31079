import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPool, type Pool } from 'mysql2/promise';
import { freePort } from '../test/support/processes';
import { percentile, processCpu, residentId, serverPids, serviceEntry } from './support';
import { createTestDatabase, type TestDatabase, testEnvironment } from '../test/support/test-app';

/**
 * Relief-application transitions through the HTTP API, in the shape of the peer benchmarks
 * (closed-loop clients, the six commands of a relief case, CPU per 1,000 transitions per
 * process), against the physical limit.
 *
 * The service runs as its own process (API and worker, as `npm start` runs it, NODE_ENV=production,
 * LOG_LEVEL=warn) on a fresh database. C keep-alive HTTP clients each loop: submit a relief
 * application, ACCEPT, VERIFY, PROPOSE, APPROVE (the case enters 公示 publicity, whose deadline is
 * 1 s in this bench's policy and moves it to disbursement through the deadline job), then
 * RECORD_PAYMENT for its oldest case whose publicity has run out (a 422 because the timer has not
 * fired yet is counted as a retry, not a transition; the case is paid on a later loop). So every
 * case costs six acknowledged commands plus one timer-driven transition that is not counted.
 * WARMUP s of warm-up, then SECONDS s measured per point; latency per request; CPU (user + sys,
 * from /proc/<pid>/stat) of the service process, mariadbd, redis-server and this bench process
 * over the measured window, per 1,000 counted transitions. Then the raw durable limit: the
 * versioned case update, the event insert and the outbox insert straight through mysql2, one
 * transaction per step, same server, same concurrency.
 *
 *   npm run bench                                   (all benches; this one with the defaults)
 *   node -r ts-node/register/transpile-only bench/transitions.ts [seconds=15] [clients=1,16,64]
 *
 * BENCH_SERVICE_DIRS=/path/to/other/checkout,. runs the service of each checkout (its own
 * database and queue prefix, all started before the first point) and measures them point by
 * point in turn, each with the others paused (SIGSTOP; BENCH_PAUSE_OTHERS=0 keeps them
 * running), so a before/after comparison is one sitting on one machine load. Each checkout
 * needs its own node_modules; each is compiled by its own tsc into .data/bench-build and run
 * as `npm start` runs it (BENCH_TS_NODE=1: src/main.ts through ts-node instead). BENCH_WARMUP (s,
 * default 3) before each point; BENCH_SERVICE_WARMUP (s, default 30) of load on each service
 * before the first. BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the
 * services. BENCH_SERVICE_ENV='K=V K2=V2' adds to their environment. BENCH_REPEATS=N measures
 * each point N times, alternating the checkouts, and prints the medians (this machine's speed
 * drifts by ±20% within minutes: compare medians, not single points). Before the points: each
 * process's CPU with no load (pollers and relays), in % of a core.
 *
 * Prints, per concurrency and checkout:
 *   transitions: <n>/s at <c> clients, p50 <x> ms, p99 <y> ms, cpu <s> s/1k (service <a>,
 *   mariadbd <b>, redis <r>; bench client <k>) [<checkout>; SQL statements and commits per
 *   transition (the server's Questions and Com_commit, the timer's work included), ...]
 *   transitions: median of <N> at <c> clients: <n>/s, p99 <y> ms, cpu <s> s/1k [<checkout>]
 *   transitions: raw durable limit <m>/s at <c> clients
 */
const SECONDS = Number(process.argv[2] ?? 15);
const CLIENTS = (process.argv[3] ?? '1,16,64').split(',').map(Number);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
/**
 * Load on each service before its first point, not measured (BENCH_SERVICE_WARMUP s, default 30):
 * V8's optimising compiler keeps the service's worker threads busy for its first half-minute or
 * so under load (a sixth of its CPU 20 s in, none 60 s in), which a point measured right after
 * the start adds to the service's CPU per transition. A service runs for days; the peers' runs
 * (their 1-client points first) are warm by their 16-client points too.
 */
const SERVICE_WARMUP = Number(process.env.BENCH_SERVICE_WARMUP ?? 30);
/** Points per checkout and concurrency (BENCH_REPEATS), alternating; then their medians. */
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 1));
const SERVICE_DIRS = (process.env.BENCH_SERVICE_DIRS ?? '.').split(',').map((d) => resolvePath(d));
/** 公示 in this bench: short, so that the payment of a case follows within the run. */
const PUBLICITY = '1s';
const PUBLICITY_MS = 1000;

// ---------------------------------------------------------------- CPU from /proc

function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// ---------------------------------------------------------------- HTTP

class Client {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
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

  close(): void {
    this.agent.destroy();
  }
}

interface Tokens {
  street: string;
  caseworker: string;
  manager: string;
}

/** One checkout's service: its process, database, HTTP client and bench users. */
interface Service {
  dir: string;
  label: string;
  child: ChildProcess;
  db: TestDatabase;
  port: number;
  client: Client;
  tokens: Tokens;
}

async function startService(dir: string, maxClients: number): Promise<Service> {
  const db = await createTestDatabase();
  const port = await freePort();
  const extraEnv = Object.fromEntries(
    (process.env.BENCH_SERVICE_ENV ?? '')
      .split(' ')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const env = testEnvironment(db, {
    policy: { deadlines: { 'relief-application': { publicity: PUBLICITY } } },
    env: {
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // The service's own default, not the tests' 200 ms.
      OUTBOX_RELAY_INTERVAL_MS: '1000',
      ...extraEnv,
    },
  });
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...serviceEntry(dir)], {
    cwd: dir,
    env: { ...process.env, ...env, TS_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const client = new Client(port, maxClients + 2);
  const until = Date.now() + 120_000;
  for (;;) {
    const up = await client.call('GET', '/health', undefined).catch(() => ({ status: 0 }));
    if (up.status === 200) {
      break;
    }
    if (Date.now() > until || child.exitCode !== null) {
      throw new Error(`the service of ${dir} did not start`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const tokens = await users(client, {
    username: env.ADMIN_USERNAME,
    password: env.ADMIN_PASSWORD,
  });
  const label = dir === process.cwd() ? 'this checkout' : dir;
  return { dir, label, child, db, port, client, tokens };
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

// ---------------------------------------------------------------- the workload

let person = 0;

class RefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One request, timed; answers >= 300 throw. */
type Timed = (
  method: string,
  path: string,
  body: unknown,
  token: string,
  headers?: Record<string, string>,
) => Promise<Record<string, unknown>>;

/** A case in publicity: paid once its publicity deadline (1 s) has moved it to disbursement. */
interface Publicised {
  id: string;
  amount: string;
  dueAt: number;
}

/** Submit → ACCEPT → VERIFY → PROPOSE → APPROVE: five commands; the case waits in 公示. */
async function fiveCommands(timed: Timed, t: Tokens): Promise<Publicised> {
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
          // No out-of-policy cost: the burden left stays under the hardship threshold, so the
          // payment opens no hardship hearing (the peers' workload has no linked case).
          totalCost: '50000.00',
          inPolicyCost: '50000.00',
          basicInsurancePaid: '30000.00',
          criticalIllnessPaid: '5000.00',
          otherInsurancePaid: '0.00',
        },
      ],
    },
    t.street,
    { 'idempotency-key': `bench-${person}-${Date.now()}` },
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
  const approved = await timed('POST', events, { type: 'APPROVE' }, t.manager);
  const data = approved.data as { approvedAmount?: string };
  return {
    id: String(created.id),
    amount: String(data.approvedAmount),
    dueAt: Date.now() + PUBLICITY_MS,
  };
}

interface PointResult {
  /** SQL statements and commits per counted transition (the server's counters, all clients). */
  statements: number;
  commits: number;
  rate: number;
  latencies: number[];
  cpu: { service: number; mariadbd: number; redis: number; bench: number };
  retries: number;
  errors: number;
  paid: number;
}

/** Statements the server executed so far (all clients), and the transactions committed. */
async function serverCounters(pool: Pool): Promise<{ statements: number; commits: number }> {
  const [rows] = await pool.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit')",
  );
  const value = (name: string): number =>
    Number(
      (rows as Array<{ Variable_name: string; Value: string }>).find(
        (r) => r.Variable_name === name,
      )?.Value ?? NaN,
    );
  return { statements: value('Questions'), commits: value('Com_commit') };
}

async function httpPoint(
  service: Service,
  clients: number,
  pool: Pool,
  { warmup, seconds } = { warmup: WARMUP, seconds: SECONDS },
): Promise<PointResult> {
  // Fresh sockets: a kept-alive one may have been closed by the server while other checkouts ran.
  service.client.close();
  service.client = new Client(service.port, clients + 2);
  const latencies: number[] = [];
  const t0 = performance.now() + warmup * 1000;
  const t1 = t0 + seconds * 1000;
  const measuring = (): boolean => {
    const now = performance.now();
    return now >= t0 && now <= t1;
  };
  let count = 0;
  let retries = 0;
  let errors = 0;
  let paid = 0;
  const timed: Timed = async (method, path, body, token, headers) => {
    const s = performance.now();
    const res = await service.client.call(method, path, body, token, headers);
    const e = performance.now();
    if (res.status >= 300) {
      throw new RefusedError(
        res.status,
        `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    if (s >= t0 && e <= t1) {
      count += 1;
      latencies.push(e - s);
    }
    return res.body;
  };
  const pids = { service: service.child.pid ?? 0, ...serverPids() };
  const sample = (): PointResult['cpu'] => ({
    service: processCpu(pids.service),
    mariadbd: pids.mariadbd ? processCpu(pids.mariadbd) : NaN,
    redis: pids.redis ? processCpu(pids.redis) : NaN,
    bench: selfCpu(),
  });
  let cpu0 = sample();
  let cpu1 = cpu0;
  let sql0 = serverCounters(pool);
  let sql1 = sql0;
  const startWatch = setTimeout(() => {
    cpu0 = sample();
    sql0 = serverCounters(pool);
  }, t0 - performance.now());
  const stopWatch = new Promise<void>((r) =>
    setTimeout(() => {
      cpu1 = sample();
      sql1 = serverCounters(pool);
      r();
    }, t1 - performance.now()),
  );
  const client = async (): Promise<void> => {
    const waiting: Publicised[] = [];
    while (performance.now() < t1) {
      try {
        waiting.push(await fiveCommands(timed, service.tokens));
        // The sixth command: pay the oldest case whose 公示 has run out (at most one a loop).
        const due = waiting[0];
        if (due && due.dueAt <= Date.now()) {
          try {
            await timed(
              'POST',
              `/api/v1/cases/${due.id}/events`,
              { type: 'RECORD_PAYMENT', amount: due.amount, reference: `BANK-${due.id}` },
              service.tokens.caseworker,
            );
            waiting.shift();
            if (measuring()) {
              paid += 1;
            }
          } catch (e) {
            // The deadline job has not moved it to disbursement yet: paid on a later loop.
            if (!(e instanceof RefusedError && e.status === 422)) {
              throw e;
            }
            retries += 1;
          }
        }
      } catch (e) {
        errors += 1;
        if (errors <= 3) {
          console.error(`[${service.label}] ${(e as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all([...Array.from({ length: clients }, client), stopWatch]);
  clearTimeout(startWatch);
  const per1k = (a: number, b: number): number => ((b - a) / Math.max(count, 1)) * 1000;
  const [before, after] = await Promise.all([sql0, sql1]);
  return {
    statements: (after.statements - before.statements) / Math.max(count, 1),
    commits: (after.commits - before.commits) / Math.max(count, 1),
    rate: seconds > 0 ? count / seconds : 0,
    latencies: latencies.sort((a, b) => a - b),
    cpu: {
      service: per1k(cpu0.service, cpu1.service),
      mariadbd: per1k(cpu0.mariadbd, cpu1.mariadbd),
      redis: per1k(cpu0.redis, cpu1.redis),
      bench: per1k(cpu0.bench, cpu1.bench),
    },
    retries,
    errors,
    paid,
  };
}

/** CPU of each service, mariadbd and redis-server over `seconds` with no load, in % of a core. */
async function idleCpu(
  services: Service[],
  seconds: number,
): Promise<{ services: number[]; mariadbd: number; redis: number }> {
  const pids = serverPids();
  const sample = (): number[] => [
    ...services.map((s) => processCpu(s.child.pid ?? 0)),
    pids.mariadbd ? processCpu(pids.mariadbd) : NaN,
    pids.redis ? processCpu(pids.redis) : NaN,
  ];
  const before = sample();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = sample().map((c, i) => ((c - before[i]) / seconds) * 100);
  return {
    services: used.slice(0, services.length),
    mariadbd: used.at(-2) ?? NaN,
    redis: used.at(-1) ?? NaN,
  };
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

/**
 * Runs a point with the other checkouts' services paused (SIGSTOP, then SIGCONT): their pollers,
 * relays and timers would otherwise take CPU from the one measured, and the one with the busier
 * idle loop would slow the others down (BENCH_PAUSE_OTHERS=0: all keep running). Each service
 * has its own database and queue prefix, so a paused one holds nothing the measured one needs.
 */
async function alone<T>(
  service: Service,
  services: Service[],
  point: () => Promise<T>,
): Promise<T> {
  const others =
    process.env.BENCH_PAUSE_OTHERS === '0' ? [] : services.filter((s) => s !== service);
  others.forEach((s) => s.child.kill('SIGSTOP'));
  try {
    return await point();
  } finally {
    others.forEach((s) => s.child.kill('SIGCONT'));
  }
}

async function main(): Promise<void> {
  const services: Service[] = [];
  const rawDb = await createTestDatabase();
  const pool = createPool({ uri: rawDb.url, connectionLimit: Math.max(...CLIENTS) + 1 });
  try {
    for (const dir of SERVICE_DIRS) {
      services.push(await startService(dir, Math.max(...CLIENTS)));
    }
    for (const service of services) {
      // warm-up: one case through its first five commands
      await fiveCommands(async (method, path, body, token, headers) => {
        const res = await service.client.call(method, path, body, token, headers);
        return res.body;
      }, service.tokens);
    }
    // Then each service under load until V8 has compiled its hot paths (SERVICE_WARMUP s, alone,
    // not measured): a point measured right after the start measures the compiler too.
    for (const service of SERVICE_WARMUP > 0 ? services : []) {
      await alone(service, services, () =>
        httpPoint(service, Math.max(...CLIENTS), pool, { warmup: SERVICE_WARMUP, seconds: 0 }),
      );
    }
    await pool.query(
      'CREATE TABLE bench_cases (id VARCHAR(40) PRIMARY KEY, version INT NOT NULL, state VARCHAR(64) NOT NULL, data JSON NOT NULL) ENGINE=InnoDB',
    );
    await pool.query(
      'CREATE TABLE bench_events (id BIGINT AUTO_INCREMENT PRIMARY KEY, case_id VARCHAR(40) NOT NULL, seq INT NOT NULL, type VARCHAR(64) NOT NULL, payload JSON NOT NULL, at DATETIME(3) NOT NULL, UNIQUE KEY (case_id, seq)) ENGINE=InnoDB',
    );
    await pool.query(
      'CREATE TABLE bench_outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, job_id VARCHAR(191) NOT NULL UNIQUE, payload JSON NOT NULL, run_at DATETIME(3) NOT NULL, dispatched_at DATETIME(3) NULL, KEY (dispatched_at, id)) ENGINE=InnoDB',
    );
    const f = (n: number): string => n.toFixed(2);
    // What the processes burn with no request in flight (pollers, relays, timers): it is paid
    // during every point too, and weighs most where the rate is lowest.
    const idle = await idleCpu(services, 5);
    console.log(
      `transitions: idle cpu over 5 s, % of a core: ${idle.services.map((c, i) => `service ${c.toFixed(1)} [${services[i].label}]`).join(', ')}, ` +
        `mariadbd ${idle.mariadbd.toFixed(1)}, redis ${idle.redis.toFixed(1)} (all services up)`,
    );
    for (const clients of CLIENTS) {
      const runs = new Map<Service, PointResult[]>(services.map((service) => [service, []]));
      // Repeats alternate the checkouts (A B A B …): a machine whose speed drifts during the
      // sitting then weighs on each of them alike.
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        for (const service of services) {
          const r = await alone(service, services, () => httpPoint(service, clients, pool));
          runs.get(service)!.push(r);
          const total = r.cpu.service + r.cpu.mariadbd + r.cpu.redis;
          console.log(
            `transitions: ${r.rate.toFixed(0)}/s at ${clients} clients, p50 ${percentile(r.latencies, 50).toFixed(1)} ms, ` +
              `p99 ${percentile(r.latencies, 99).toFixed(1)} ms, cpu ${f(total)} s/1k (service ${f(r.cpu.service)}, ` +
              `mariadbd ${f(r.cpu.mariadbd)}, redis ${f(r.cpu.redis)}; bench client ${f(r.cpu.bench)}) [${service.label}; ` +
              `${r.statements.toFixed(1)} statements and ${r.commits.toFixed(2)} commits per transition, paid ${(r.paid / SECONDS).toFixed(1)}/s, pay-before-timer retries ${r.retries}, errors ${r.errors}]`,
          );
        }
      }
      if (REPEATS > 1) {
        for (const service of services) {
          const rs = runs.get(service)!;
          const median = (values: number[]): number =>
            percentile(
              [...values].sort((a, b) => a - b),
              50,
            );
          console.log(
            `transitions: median of ${REPEATS} at ${clients} clients: ${median(rs.map((r) => r.rate)).toFixed(0)}/s, ` +
              `p99 ${median(rs.map((r) => percentile(r.latencies, 99))).toFixed(1)} ms, cpu ` +
              `${f(median(rs.map((r) => r.cpu.service + r.cpu.mariadbd + r.cpu.redis)))} s/1k [${service.label}]`,
          );
        }
      }
      const raw = await rawRun(pool, clients);
      console.log(`transitions: raw durable limit ${raw.toFixed(0)}/s at ${clients} clients`);
    }
  } finally {
    await pool.end();
    await Promise.all(
      services
        .filter((service) => service.child.exitCode === null)
        .map((service) => {
          service.client.close();
          const exited = new Promise((r) => service.child.once('exit', r));
          service.child.kill('SIGTERM');
          return exited;
        }),
    );
    for (const service of services) {
      await service.db.drop();
    }
    await rawDb.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
