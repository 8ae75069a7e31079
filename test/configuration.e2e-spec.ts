import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './support/processes';
import { createTestDatabase, type TestDatabase, testEnvironment } from './support/test-app';

const REPO_ROOT = resolve(__dirname, '..');

/** Every variable the service reads: removed from the inherited environment so only ours count. */
const SERVICE_VARIABLES = [
  'PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'JWT_EXPIRES_IN',
  'ADMIN_USERNAME',
  'ADMIN_PASSWORD',
  'ROLE',
  'POLICY_FILE',
  'QUEUE_PREFIX',
  'MIGRATIONS_RUN',
  'OUTBOX_RELAY_INTERVAL_MS',
  'DEADLINE_RECONCILE_GRACE_MS',
  'LOG_LEVEL',
];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The real entry point (src/main.ts) as a child process with exactly this service environment. */
function spawnService(env: Record<string, string | undefined>): ChildProcess {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const name of SERVICE_VARIABLES) {
    delete base[name];
  }
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...base, ...env, TS_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(timer);
}

/** Runs the service until it exits on its own; kills it (and fails) after `timeoutMs`. */
async function runToExit(
  env: Record<string, string | undefined>,
  timeoutMs = 80000,
): Promise<Exit> {
  const child = spawnService(env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    return await new Promise<Exit>((resolvePromise, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`)),
        timeoutMs,
      );
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        // Let the pipes drain before reporting.
        setImmediate(() => resolvePromise({ code, signal, stdout, stderr }));
      });
    });
  } finally {
    await stop(child);
  }
}

// Each case starts the real process (ts-node compiles the whole service first): slow on a loaded
// machine, and what is checked is the exit and its message, never how fast it came.
jest.setTimeout(120_000);

describe('start-up configuration (the real process, src/main.ts)', () => {
  let db: TestDatabase;
  let good: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    good = testEnvironment(db);
    dir = mkdtempSync(join(tmpdir(), 'yibao-config-'));
  });

  afterAll(async () => {
    await db?.drop();
  });

  const policyFile = (name: string, content: string): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['DATABASE_URL is missing', { DATABASE_URL: undefined }, /DATABASE_URL is missing/],
    ['DATABASE_URL is not a mysql URL', { DATABASE_URL: 'postgres://x@h/db' }, /DATABASE_URL:/],
    ['REDIS_URL is malformed', { REDIS_URL: 'nope' }, /REDIS_URL:/],
    ['ROLE is unknown', { ROLE: 'boss' }, /ROLE:.*api, worker, all/],
    ['JWT_SECRET is too short', { JWT_SECRET: 'short' }, /JWT_SECRET:.*16/],
    ['JWT_SECRET is missing', { JWT_SECRET: undefined }, /JWT_SECRET is missing/],
    ['MIGRATIONS_RUN is neither true nor false', { MIGRATIONS_RUN: 'maybe' }, /MIGRATIONS_RUN:/],
    ['PORT is not a number', { PORT: 'eighty' }, /PORT:/],
    ['ADMIN_PASSWORD is too short', { ADMIN_PASSWORD: 'pw' }, /ADMIN_PASSWORD:/],
    ['QUEUE_PREFIX has a bad character', { QUEUE_PREFIX: 'a b' }, /QUEUE_PREFIX:/],
  ])('should exit with 1 naming the variable when %s', async (_case, override, pattern) => {
    const result = await runToExit({ ...good, ...override });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).toMatch(/Invalid configuration/);
  });

  it('should name every bad variable at once', async () => {
    const result = await runToExit({
      ...good,
      ROLE: 'boss',
      JWT_SECRET: 'short',
      REDIS_URL: 'nope',
    });
    expect(result.code).toBe(1);
    for (const name of ['ROLE', 'JWT_SECRET', 'REDIS_URL']) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).not.toMatch(/DATABASE_URL/);
  });

  it('should exit with 1 naming the policy path when POLICY_FILE holds a bad duration', async () => {
    const file = policyFile(
      'bad-duration.json',
      JSON.stringify({ deadlines: { 'relief-application': { submitted: '2 weeks' } } }),
    );
    const result = await runToExit({ ...good, POLICY_FILE: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('POLICY_FILE');
    expect(result.stderr).toContain('deadlines.relief-application.submitted');
    expect(result.stderr).toContain('2 weeks');
  });

  it('should exit with 1 naming POLICY_FILE when the file is missing or not JSON', async () => {
    for (const file of [
      join(dir, 'does-not-exist.json'),
      policyFile('broken.json', '{"deadlines":'),
    ]) {
      const result = await runToExit({ ...good, POLICY_FILE: file });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('POLICY_FILE');
      expect(result.stderr).toContain(file);
    }
  });

  it('should start with a good configuration and answer /health over real HTTP', async () => {
    const port = await freePort();
    const child = spawnService({ ...good, PORT: String(port) });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const until = Date.now() + 80000;
      let health: { status: number; body: { status?: string } } | undefined;
      while (!health && Date.now() < until) {
        if (child.exitCode !== null) {
          throw new Error(`the service exited with ${child.exitCode}:\n${output}`);
        }
        try {
          const res = await fetch(`http://127.0.0.1:${port}/health`);
          health = { status: res.status, body: (await res.json()) as { status?: string } };
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      expect(health).toBeDefined();
      expect(health!.status).toBe(200);
      expect(health!.body.status).toBe('ok');
      // The migrations ran at start-up (MIGRATIONS_RUN=true) and the administrator exists.
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: good.ADMIN_USERNAME, password: good.ADMIN_PASSWORD }),
      });
      expect(login.status).toBe(200);
    } finally {
      await stop(child);
    }
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
  }, 120000);
});
