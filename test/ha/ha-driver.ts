/**
 * `npm run test:ha` (scripts/test-ha.sh runs this inside scripts/cluster-services.sh): under a
 * steady load of relief applications — every transition over HTTP, a short publicity (公示)
 * deadline, a linked hardship hearing once paid — it injects the faults of docs/operations.md
 * ('Failover') one after another and checks after each that nothing acknowledged was lost or
 * applied twice. Not a jest project: it owns processes and takes minutes.
 *
 * Figures per fault: transitions acknowledged, lost, duplicated, the longest unavailability
 * (ms) a client saw, and the answers it got. The last line is `N passed, N failed`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { RowDataPacket } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';

const ROOT = resolve(__dirname, '..', '..');
const CLUSTER = requireEnv('YIBAO_CLUSTER_DIR');
const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run this through \`npm run test:ha\``);
  }
  return v;
}

function log(message: string): void {
  process.stdout.write(`[ha] ${new Date().toISOString().slice(11, 23)} ${message}\n`);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => res(port));
    });
  });
}

function ports(): Record<string, number> {
  return Object.fromEntries(
    readFileSync(join(CLUSTER, 'ports'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('='))
      .map(([k, v]) => [k, Number(v)]),
  );
}

// --- the service's processes --------------------------------------------------------------

const PUBLICITY_MS = 2000;
const GRACE_MS = 4000;
const policyDir = mkdtempSync(join(tmpdir(), 'yibao-ha-'));
const policyFile = join(policyDir, 'policy.json');
writeFileSync(
  policyFile,
  JSON.stringify({ deadlines: { 'relief-application': { publicity: `${PUBLICITY_MS / 1000}s` } } }),
);
const ADMIN = { username: 'admin', password: 'Yibao-ha-pw-2026' };
const LOGS = join(CLUSTER, 'logs');
mkdirSync(LOGS, { recursive: true });

class ServiceProcess {
  child?: ChildProcess;
  constructor(
    readonly name: string,
    readonly role: 'api' | 'worker' | 'all',
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  async start(timeoutMs = 120_000): Promise<void> {
    const out = join(LOGS, `${this.name}.log`);
    const fd = openSync(out, 'a');
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, ROLE: this.role, PORT: String(this.port) },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const tail = (): string => readFileSync(out, 'utf8').slice(-3000);
    this.child = child;
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (child.exitCode !== null) {
        throw new Error(`${this.name} exited with ${child.exitCode}:\n${tail()}`);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/health`);
        if (res.status === 200) {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${this.name} not healthy after ${timeoutMs} ms`);
  }

  kill9(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }
}

function serviceEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    JWT_SECRET: 'ha-test-secret-that-is-long-enough',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    POLICY_FILE: policyFile,
    OUTBOX_RELAY_INTERVAL_MS: '500',
    DEADLINE_RECONCILE_GRACE_MS: String(GRACE_MS),
    LOG_LEVEL: 'warn',
    MIGRATIONS_RUN: 'false',
    ...extra,
  };
}

// --- the client: retries what is retriable, and counts what it saw -------------------------

interface Answer<T> {
  status: number;
  body: T;
}

interface Stats {
  acknowledged: number;
  answers: Record<string, number>;
  /** Longest time from an operation's first attempt to its success (ms). */
  longestMs: number;
  violations: string[];
}

const newStats = (): Stats => ({ acknowledged: 0, answers: {}, longestMs: 0, violations: [] });
let stats = newStats();

class Client {
  private current = 0;
  constructor(
    private readonly apis: () => number[],
    private token?: string,
  ) {}

  withToken(token: string): Client {
    return new Client(this.apis, token);
  }

  /**
   * Sends until an answer that is not retriable: a refused connection (a killed API) moves to
   * the other API, as a load balancer would; a 503 waits for its Retry-After (capped at 0.5 s so
   * the test measures the service, not the pause). Any 5xx but 503, or a 503 without
   * Retry-After, is a violation.
   */
  async send<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T> & { elapsedMs: number; attempts: number }> {
    const started = Date.now();
    for (let attempts = 1; ; attempts++) {
      const list = this.apis();
      const port = list[this.current % list.length];
      let res: Response;
      try {
        res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        count('network (retried on the other API)');
        this.current += 1;
        await sleep(100);
        if (Date.now() - started > 120_000) {
          throw new Error(`${method} ${path}: no API answered for 120 s`);
        }
        continue;
      }
      const text = await res.text();
      const parsed: unknown = text.length > 0 && text.startsWith('{') ? JSON.parse(text) : text;
      count(String(res.status));
      if (res.status === 503) {
        if (!res.headers.get('retry-after')) {
          stats.violations.push(`${method} ${path}: 503 without Retry-After`);
        }
        await sleep(Math.min(Number(res.headers.get('retry-after') ?? 1) * 1000, 500));
        if (Date.now() - started > 120_000) {
          throw new Error(`${method} ${path}: 503 for 120 s`);
        }
        continue;
      }
      if (res.status >= 500) {
        stats.violations.push(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      }
      const elapsedMs = Date.now() - started;
      if (res.status < 300) {
        stats.longestMs = Math.max(stats.longestMs, elapsedMs);
      }
      return { status: res.status, body: parsed as T, elapsedMs, attempts };
    }
  }
}

function count(answer: string): void {
  stats.answers[answer] = (stats.answers[answer] ?? 0) + 1;
}

// --- the load -----------------------------------------------------------------------------

interface CaseView {
  id: string;
  state: string;
  version: number;
}

/** A transition a client got a 2xx for: it must be in the database exactly once. */
interface Acknowledged {
  caseId: string;
  type: string;
  version: number;
  at: number;
}

const acknowledged: Acknowledged[] = [];
const createdCases = new Map<string, { key: string; at: number }>();
const toPay: string[] = [];

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A distinct valid resident ID per case (test/factories/relief.ts's rule). */
let personSeq = 0;
function nextPerson(): string {
  const n = personSeq++;
  const year = 1950 + Math.floor(n / 1000);
  const first17 = `330106${year}0615${String(n % 1000).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * ID_WEIGHTS[i], 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}

function application(idNumber: string): Record<string, unknown> {
  return {
    applicant: {
      name: '张三',
      idNumber,
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
  };
}

interface Users {
  street: Client;
  caseworker: Client;
  manager: Client;
  admin: Client;
}

/**
 * One transition with If-Match: repeated on 503 with the same version, so a first attempt that
 * committed turns the repeat into a 409 (version moved) — never a second event. A 409 is then
 * resolved by reading the case: the event is there once (committed, not acknowledged).
 */
async function transition(
  who: Client,
  c: CaseView,
  event: Record<string, unknown>,
): Promise<CaseView | null> {
  const res = await who.send<CaseView>('POST', `/api/v1/cases/${c.id}/events`, event, {
    'if-match': `"${c.version}"`,
  });
  if (res.status === 200) {
    stats.acknowledged += 1;
    acknowledged.push({
      caseId: c.id,
      type: String(event.type),
      version: res.body.version,
      at: Date.now(),
    });
    return res.body;
  }
  if ((res.status === 409 || res.status === 412) && res.attempts > 1) {
    // A repeated request whose first attempt committed (its answer was lost with a killed API
    // or a COMMIT of unknown outcome): the version moved, the event is there once.
    const now = await who.send<CaseView>('GET', `/api/v1/cases/${c.id}`);
    return now.status === 200 ? now.body : null;
  }
  stats.violations.push(
    `${String(event.type)} on ${c.id}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
  );
  return null;
}

async function oneCase(u: Users): Promise<void> {
  const key = randomUUID();
  const created = await u.street.send<CaseView>(
    'POST',
    '/api/v1/relief-applications',
    application(nextPerson()),
    { 'idempotency-key': key },
  );
  if (created.status !== 201 && created.status !== 200) {
    stats.violations.push(
      `create: ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`,
    );
    return;
  }
  stats.acknowledged += 1;
  createdCases.set(created.body.id, { key, at: Date.now() });
  let c: CaseView | null = created.body;
  for (const [who, event] of [
    [u.caseworker, { type: 'ACCEPT' }],
    [u.caseworker, { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: '民低保字0001' }],
    [u.caseworker, { type: 'PROPOSE' }],
    [u.manager, { type: 'APPROVE' }],
  ] as Array<[Client, Record<string, unknown>]>) {
    if (!c) {
      return;
    }
    c = await transition(who, c, event);
  }
  if (c) {
    toPay.push(c.id);
  }
}

/** Cases whose publicity ended (the deadline fired): paid, which opens the linked hearing. */
async function payDue(u: Users): Promise<void> {
  for (const id of toPay.splice(0)) {
    const now = await u.caseworker.send<CaseView>('GET', `/api/v1/cases/${id}`);
    if (now.status !== 200 || now.body.state === 'publicity') {
      toPay.push(id);
      continue;
    }
    if (now.body.state === 'disbursement') {
      await transition(u.caseworker, now.body, {
        type: 'RECORD_PAYMENT',
        amount: '12000.00',
        reference: `BANK-${id.slice(0, 8)}`,
      });
    }
  }
}

let loadRunning = false;
async function runLoad(u: Users, clients: number): Promise<void> {
  loadRunning = true;
  const loops = Array.from({ length: clients }, async () => {
    while (loadRunning) {
      await oneCase(u).catch((e: Error) => stats.violations.push(`load: ${e.message}`));
    }
  });
  const payer = (async () => {
    while (loadRunning) {
      await payDue(u).catch((e: Error) => stats.violations.push(`pay: ${e.message}`));
      await sleep(500);
    }
  })();
  await Promise.all([...loops, payer]);
}

// --- the checks ---------------------------------------------------------------------------

async function db(url = requireEnv('DATABASE_URL'), port?: number): Promise<Connection> {
  const u = new URL(url);
  // Any node: the cluster is one database. A node that is down is skipped.
  const hosts = port
    ? [`127.0.0.1:${port}`]
    : (process.env.DATABASE_HOSTS ?? `${u.hostname}:${u.port}`).split(',');
  for (const h of hosts.reverse()) {
    const [host, p] = h.split(':');
    try {
      const conn = await createConnection({
        host,
        port: Number(p),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: u.pathname.slice(1),
        connectTimeout: 2000,
      });
      // Galera applies another node's commits asynchronously: a read on this node waits until it
      // has applied every commit the cluster had made when the read began (causal read), or a
      // transition committed on the writing node a moment ago looks lost.
      await conn.query('SET SESSION wsrep_sync_wait = 1').catch(() => undefined);
      return conn;
    } catch {
      // the next node
    }
  }
  throw new Error('no database node answers');
}

/**
 * What must have happened by now, each with the slack a healthy system needs (the load keeps
 * running while a phase is checked): a deadline fires at its due time (the reconciler after
 * GRACE_MS), an outbox row is handed over within a relay round, a cross-case job settles and a
 * paid case gets its hearing within seconds.
 */
const SLACK_S = Math.ceil(GRACE_MS / 1000) + 8;
const LATE: Array<[string, string]> = [
  [
    'deadlines due and not fired',
    `SELECT COUNT(*) FROM case_deadlines WHERE status = 'pending' AND due_at < NOW(3) - INTERVAL ${SLACK_S} SECOND`,
  ],
  [
    'outbox rows not handed over',
    // A row held back until it comes within the relay's horizon carries that time in
    // claimed_until, as a leased row carries its lease: due only after it.
    `SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL AND created_at < NOW(3) - INTERVAL ${SLACK_S} SECOND
       AND (claimed_until IS NULL OR claimed_until < NOW(3) - INTERVAL ${SLACK_S} SECOND)`,
  ],
  [
    'cross-case jobs not settled',
    `SELECT COUNT(*) FROM outbox WHERE queue = 'case-signals' AND settled_at IS NULL AND dispatched_at < NOW(3) - INTERVAL ${SLACK_S} SECOND`,
  ],
  [
    'paid cases without their linked hearing',
    `SELECT COUNT(*) FROM cases r WHERE r.type = 'relief-application' AND r.state = 'paid'
       AND r.updated_at < NOW(3) - INTERVAL ${SLACK_S} SECOND
       AND NOT EXISTS (SELECT 1 FROM case_links l WHERE l.case_id = r.id)`,
  ],
];

interface CheckResult {
  lost: number;
  duplicated: number;
  problems: string[];
}

/**
 * Every acknowledged transition once, no event twice, every due deadline fired once, every
 * outbox row handed over (and settled, for cross-case jobs), every paid case's hearing once,
 * every case's chain verified (the audit endpoint). Waits for the reconcilers to settle.
 */
async function checkAll(admin: Client, conn: Connection, since = 0): Promise<CheckResult> {
  const problems: string[] = [];
  // Let deadlines due by now fire and the outbox drain (grace + a relay round or two).
  const settleUntil = Date.now() + PUBLICITY_MS + GRACE_MS + 20_000;
  for (;;) {
    const [[pending]] = await conn.query<Array<{ n: number } & RowDataPacket>>(
      `SELECT ${LATE.map(([, sql]) => `(${sql})`).join(' + ')} AS n`,
    );
    if (Number(pending.n) === 0 || Date.now() > settleUntil) {
      break;
    }
    await sleep(500);
  }
  // The load goes on while a phase is checked: only what was acknowledged before the events are
  // read can be looked for in them.
  const cutoff = Date.now();
  const [events] = await conn.query<
    Array<{ case_id: string; seq: number; type: string } & RowDataPacket>
  >('SELECT case_id, seq, type FROM case_events');
  const byCase = new Map<string, Array<{ seq: number; type: string }>>();
  for (const e of events) {
    const list = byCase.get(e.case_id) ?? [];
    list.push({ seq: Number(e.seq), type: e.type });
    byCase.set(e.case_id, list);
  }
  let lost = 0;
  for (const a of acknowledged.filter((x) => x.at >= since && x.at < cutoff)) {
    const found = (byCase.get(a.caseId) ?? []).filter((e) => e.type === a.type);
    if (found.length === 0) {
      lost += 1;
      problems.push(
        `acknowledged ${a.type} (version ${a.version}) of case ${a.caseId} is not among its events: ${JSON.stringify(byCase.get(a.caseId) ?? [])}`,
      );
    }
  }
  for (const [id] of [...createdCases].filter(([, v]) => v.at >= since && v.at < cutoff)) {
    if (!byCase.has(id)) {
      lost += 1;
      problems.push(`acknowledged case ${id} has no events`);
    }
  }
  // Each event type is sent (or fired) once per case in this load: a second one is a duplicate.
  let duplicated = 0;
  for (const [caseId, list] of byCase) {
    const seen = new Map<string, number>();
    for (const e of list) {
      seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
    }
    for (const [type, n] of seen) {
      if (n > 1 && type !== 'LINKED') {
        duplicated += n - 1;
        problems.push(`case ${caseId}: ${type} ${n} times`);
      }
    }
  }
  const [[late]] = await conn.query<Array<Record<string, number> & RowDataPacket>>(
    `SELECT ${LATE.map(([name, sql]) => `(${sql}) AS \`${name}\``).join(', ')}`,
  );
  for (const [name] of LATE) {
    if (Number(late[name]) > 0) {
      problems.push(`${late[name]} ${name}`);
    }
  }
  const [[counts]] = await conn.query<
    Array<{ dupHearings: number; dupCases: number } & RowDataPacket>
  >(
    `SELECT
       (SELECT COUNT(*) FROM (SELECT origin_key FROM cases WHERE origin_key IS NOT NULL GROUP BY origin_key HAVING COUNT(*) > 1) d) AS dupHearings,
       (SELECT COUNT(*) FROM (SELECT JSON_VALUE(data, '$.applicant.idNumber') p FROM cases
          WHERE type = 'relief-application' GROUP BY p HAVING COUNT(*) > 1) d) AS dupCases`,
  );
  if (Number(counts.dupHearings) > 0) {
    problems.push(`${counts.dupHearings} linked cases opened twice`);
  }
  if (Number(counts.dupCases) > 0) {
    problems.push(`${counts.dupCases} applications created twice`);
  }
  duplicated += Number(counts.dupHearings) + Number(counts.dupCases);
  const verify = await admin.send<{ valid: boolean; cases: number; broken: number }>(
    'GET',
    '/api/v1/audit/verify',
  );
  if (verify.status !== 200 || !verify.body.valid) {
    problems.push(`hash chains: ${verify.status} ${JSON.stringify(verify.body).slice(0, 300)}`);
  }
  if (lost > 0) {
    problems.push(`${lost} acknowledged transitions missing`);
  }
  return { lost, duplicated, problems };
}

// --- faults -------------------------------------------------------------------------------

function pidOf(name: string): number {
  return Number(readFileSync(join(CLUSTER, name, 'pid'), 'utf8').trim());
}

async function redisMaster(): Promise<number> {
  const p = ports();
  const { stdout } = await run('redis-cli', [
    '-p',
    String(p.S1),
    'sentinel',
    'get-master-addr-by-name',
    'yibao',
  ]);
  return Number(stdout.trim().split('\n')[1]);
}

async function writingNode(): Promise<string> {
  // The API writes to the first ready node of DATABASE_HOSTS; confirm it holds its connections.
  const p = ports();
  for (const n of [1, 2, 3]) {
    try {
      const c = await db(undefined, p[`G${n}`]);
      const [[row]] = await c.query<Array<{ n: number } & RowDataPacket>>(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = 'yibao' AND ID <> CONNECTION_ID()",
      );
      await c.end();
      if (Number(row.n) > 0) {
        return `g${n}`;
      }
    } catch {
      // down
    }
  }
  return 'g1';
}

interface FaultResult {
  name: string;
  stats: Stats;
  check: CheckResult;
  passed: boolean;
  note: string;
}

async function main(): Promise<number> {
  const results: FaultResult[] = [];
  const started = Date.now();
  const p = ports();
  const apiPorts = [await freePort(), await freePort()];
  const workerPorts = [await freePort(), await freePort()];
  const prefix = `ha${Date.now() % 100000}`;
  const env = serviceEnv({ QUEUE_PREFIX: prefix });
  const api = [
    new ServiceProcess('api-1', 'api', apiPorts[0], { ...env, MIGRATIONS_RUN: 'true' }),
    new ServiceProcess('api-2', 'api', apiPorts[1], env),
  ];
  const workers = [
    new ServiceProcess('worker-1', 'worker', workerPorts[0], env),
    new ServiceProcess('worker-2', 'worker', workerPorts[1], env),
  ];
  const alive = new Set<number>(apiPorts);
  const all = [...api, ...workers];
  const extra: ChildProcess[] = [];
  const stopAll = async (): Promise<void> => {
    loadRunning = false;
    await Promise.all(all.map((s) => s.stop()));
    extra.forEach((c) => c.kill('SIGKILL'));
    // The restored standalone server (scripts/restore.sh --start keeps it running).
    try {
      process.kill(
        Number(readFileSync(`${join(CLUSTER, 'restored')}.pid`, 'utf8').trim()),
        'SIGKILL',
      );
    } catch {
      // not started
    }
  };
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    log('starting 2 API and 2 worker processes');
    await api[0].start();
    await Promise.all([api[1].start(), ...workers.map((w) => w.start())]);
    const anon = new Client(() => [...alive]);
    const login = async (username: string, password: string): Promise<Client> => {
      const res = await anon.send<{ accessToken: string }>('POST', '/api/v1/auth/login', {
        username,
        password,
      });
      if (res.status !== 200) {
        throw new Error(`login ${username}: ${res.status}`);
      }
      return anon.withToken(res.body.accessToken);
    };
    const admin = await login(ADMIN.username, ADMIN.password);
    const user = async (roles: string[], streetCode?: string): Promise<Client> => {
      const username = `${roles[0].toLowerCase()}-${randomUUID().slice(0, 8)}`;
      const res = await admin.send('POST', '/api/v1/users', {
        username,
        password: 'password-123',
        displayName: username,
        roles,
        ...(streetCode ? { streetCode } : {}),
      });
      if (res.status !== 201) {
        throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return login(username, 'password-123');
    };
    const u: Users = {
      admin,
      street: await user(['STREET_OFFICE'], '330106001'),
      caseworker: await user(['CASEWORKER']),
      manager: await user(['MANAGER']),
    };
    const conn = await db();
    const [noPk] = await conn.query<Array<{ t: string } & RowDataPacket>>(
      `SELECT t.TABLE_NAME AS t FROM information_schema.TABLES t
        WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND NOT EXISTS (
          SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA
            AND c.TABLE_NAME = t.TABLE_NAME AND c.CONSTRAINT_TYPE = 'PRIMARY KEY')`,
    );
    await conn.end();
    results.push({
      name: 'every table has a primary key (Galera)',
      stats: newStats(),
      check: { lost: 0, duplicated: 0, problems: noPk.map((r) => `no primary key: ${r.t}`) },
      passed: noPk.length === 0,
      note: '',
    });

    const load = runLoad(u, 3);
    await sleep(8000);

    const phase = async (
      name: string,
      fault: () => Promise<string>,
      after = 8000,
    ): Promise<void> => {
      stats = newStats();
      const since = Date.now();
      log(`fault: ${name}`);
      const note = await fault();
      await sleep(after);
      const snapshot = stats;
      stats = newStats();
      const conn = await db();
      const check = await checkAll(admin, conn, 0);
      await conn.end();
      const passed =
        check.lost === 0 &&
        check.duplicated === 0 &&
        check.problems.length === 0 &&
        snapshot.violations.length === 0;
      results.push({ name, stats: snapshot, check, passed, note });
      void since;
      log(
        `${name}: acknowledged ${snapshot.acknowledged}, lost ${check.lost}, duplicated ${check.duplicated}, ` +
          `longest unavailability ${snapshot.longestMs} ms; answers ${JSON.stringify(snapshot.answers)}` +
          (note ? `; ${note}` : '') +
          (passed
            ? ''
            : `\n    PROBLEMS: ${[...snapshot.violations, ...check.problems].slice(0, 20).join('\n    ')}`),
      );
    };

    let killedNode = 'g1';
    await phase('1. kill -9 the Galera node the API writes to', async () => {
      killedNode = await writingNode();
      process.kill(pidOf(killedNode), 'SIGKILL');
      return `killed ${killedNode}`;
    });

    await phase('2. stop the Redis primary: Sentinel promotes the replica', async () => {
      const before = await redisMaster();
      const name = before === p.R1 ? 'r1' : 'r2';
      const t0 = Date.now();
      process.kill(pidOf(name), 'SIGTERM');
      let after = before;
      while (after === before && Date.now() - t0 < 30_000) {
        await sleep(200);
        after = await redisMaster().catch(() => before);
      }
      const promoted = Date.now() - t0;
      await sleep(3000);
      // The old primary comes back as the new primary's replica.
      await run('bash', [join(CLUSTER, name, 'start.sh')]);
      return `primary ${before} stopped, ${after} promoted after ${promoted} ms; old primary back as replica`;
    });

    await phase('3. kill -9 an API and a worker process', async () => {
      alive.delete(apiPorts[0]);
      api[0].kill9();
      workers[0].kill9();
      await sleep(5000);
      await api[0].start();
      await workers[0].start();
      alive.add(apiPorts[0]);
      return 'api-1 and worker-1 killed, restarted after 5 s';
    });

    await phase('4. the killed Galera node comes back (IST)', async () => {
      const t0 = Date.now();
      await run('bash', [join(CLUSTER, killedNode, 'start.sh')], { timeout: 180_000 });
      const log = readFileSync(join(CLUSTER, killedNode, 'error.log'), 'utf8');
      const how = log.lastIndexOf('IST received') > log.lastIndexOf('SST received') ? 'IST' : 'SST';
      return `${killedNode} synced again after ${Date.now() - t0} ms (${how})`;
    });

    // --- the restore drill -----------------------------------------------------------------
    stats = newStats();
    log('restore drill: backup under load from a node that takes no writes');
    const backupStarted = Date.now();
    const backupDir = join(CLUSTER, 'backups');
    const t0 = Date.now();
    const backup = await run('bash', [join(ROOT, 'scripts', 'backup.sh'), backupDir], {
      env: process.env,
      timeout: 300_000,
    });
    const backupMs = Date.now() - t0;
    const folder = backup.stdout.trim().split('\n').at(-1) ?? '';
    loadRunning = false;
    await load;
    const drillStats = stats;
    const restorePort = await freePort();
    const t1 = Date.now();
    const restoreDir = join(CLUSTER, 'restored');
    await run(
      'bash',
      [
        join(ROOT, 'scripts', 'restore.sh'),
        folder,
        '--datadir',
        restoreDir,
        '--port',
        String(restorePort),
        '--start',
      ],
      {
        env: process.env,
        timeout: 300_000,
      },
    );
    const restoreMs = Date.now() - t1;
    // A fresh, empty Redis: the database is the truth, the reconcilers rebuild the queues.
    const redisPort = await freePort();
    const redisDir = mkdtempSync(join(tmpdir(), 'yibao-ha-redis-'));
    const redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--dir', redisDir],
      { stdio: 'ignore' },
    );
    extra.push(redis);
    const restoredUrl = `mysql://root@127.0.0.1:${restorePort}/yibao`;
    const restored = new ServiceProcess('restored-all', 'all', await freePort(), {
      ...serviceEnv({ QUEUE_PREFIX: `${prefix}r` }),
      DATABASE_URL: restoredUrl,
      DATABASE_HOSTS: '',
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      REDIS_SENTINELS: '',
      MIGRATIONS_RUN: 'true',
    });
    all.push(restored);
    await restored.start();
    const restoredConn = await db(restoredUrl, restorePort);
    const restoredAdmin = await new Client(() => [restored.port])
      .send<{ accessToken: string }>('POST', '/api/v1/auth/login', ADMIN)
      .then((r) => new Client(() => [restored.port], r.body.accessToken));
    // Only what was acknowledged before the backup started must be there.
    const beforeBackup = acknowledged.filter((a) => a.at < backupStarted);
    acknowledged.splice(0, acknowledged.length, ...beforeBackup);
    for (const [id, v] of createdCases) {
      if (v.at >= backupStarted) {
        createdCases.delete(id);
      }
    }
    const drillCheck = await checkAll(restoredAdmin, restoredConn);
    await restoredConn.end();
    const drillPassed =
      drillCheck.lost === 0 &&
      drillCheck.duplicated === 0 &&
      drillCheck.problems.length === 0 &&
      drillStats.violations.length === 0;
    results.push({
      name: '5. restore drill: backup under load, restore into a fresh instance, reconcilers rebuild Redis',
      stats: drillStats,
      check: drillCheck,
      passed: drillPassed,
      note: `backup ${backupMs} ms (${folder}), restore ${restoreMs} ms`,
    });
    log(
      `restore drill: acknowledged before the backup ${beforeBackup.length}, lost ${drillCheck.lost}, duplicated ${drillCheck.duplicated}; backup ${backupMs} ms, restore ${restoreMs} ms` +
        (drillPassed
          ? ''
          : `\n    PROBLEMS: ${[...drillStats.violations, ...drillCheck.problems].slice(0, 20).join('\n    ')}`),
    );
  } catch (e) {
    results.push({
      name: 'the run itself',
      stats: newStats(),
      check: {
        lost: 0,
        duplicated: 0,
        problems: [e instanceof Error ? (e.stack ?? e.message) : String(e)],
      },
      passed: false,
      note: '',
    });
    log(`aborted: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    await stopAll();
  }
  process.stdout.write('\n==== test:ha summary ====\n');
  for (const r of results) {
    process.stdout.write(
      `${r.passed ? 'PASS' : 'FAIL'} ${r.name}: acknowledged ${r.stats.acknowledged}, lost ${r.check.lost}, ` +
        `duplicated ${r.check.duplicated}, longest unavailability ${r.stats.longestMs} ms${r.note ? ` (${r.note})` : ''}\n`,
    );
  }
  process.stdout.write(`total ${Math.round((Date.now() - started) / 1000)} s\n`);
  const passed = results.filter((r) => r.passed).length;
  process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
  return results.length - passed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
