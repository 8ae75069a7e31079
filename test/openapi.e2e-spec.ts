import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { residentId } from './factories/relief';
import { hearingToPaid } from './fixtures/typed-client/hearing-to-paid';
import { penaltyToClosed } from './fixtures/typed-client/penalty-to-closed';
import { reliefToPaid } from './fixtures/typed-client/relief-to-paid';
import { Http } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);
const SERVED_FILE = join(ROOT, '.data', 'openapi-served.json');
const CLIENT_TYPES_FILE = join(ROOT, 'test/fixtures/typed-client/api.d.ts');

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
}

/** Issue 15: the document is the contract, so CI keeps it equal to what the service does. */
describe('the OpenAPI document (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let baseUrl: string;
  let served: OpenApiDocument;
  const password = 'password-123';
  const users = {
    street: { username: 'tc-street', password },
    caseworker: { username: 'tc-caseworker', password },
    manager: { username: 'tc-manager', password },
    inspector: { username: 'tc-inspector', password },
    legal: { username: 'tc-legal', password },
  };
  const EXPERT_FIELDS = ['MEDICAL', 'INSURANCE', 'FINANCE'] as const;
  const experts = EXPERT_FIELDS.map((field) => ({ username: `tc-expert-${field}`, password }));

  beforeAll(async () => {
    t = await startTestApp({
      policy: {
        deadlines: {
          'relief-application': { publicity: '2s' },
          'hardship-hearing': { publicity: '2s' },
          'penalty-case': { notice: '2s' },
        },
      },
    });
    // A real socket: the typed client uses fetch like any integrator.
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    for (const [who, roles, streetCode] of [
      ['street', ['STREET_OFFICE'], '330106001'],
      ['caseworker', ['CASEWORKER'], undefined],
      ['manager', ['MANAGER'], undefined],
      ['inspector', ['INSPECTOR'], undefined],
      ['legal', ['LEGAL'], undefined],
    ] as const) {
      const res = await admin.post('/api/v1/users', {
        username: users[who].username,
        password,
        displayName: users[who].username,
        roles,
        ...(streetCode ? { streetCode } : {}),
      });
      expect(res.status).toBe(201);
    }
    // The expert pool (专家库): one per field, none of the treating hospital.
    for (const [i, field] of EXPERT_FIELDS.entries()) {
      const res = await admin.post('/api/v1/users', {
        username: experts[i].username,
        password,
        displayName: experts[i].username,
        roles: ['EXPERT'],
        expertField: field,
        affiliation: '浙江大学医学院附属医院',
      });
      expect(res.status).toBe(201);
    }
    const docs = await anon.get<OpenApiDocument>('/docs-json');
    expect(docs.status).toBe(200);
    served = docs.body;
    mkdirSync(join(ROOT, '.data'), { recursive: true });
    writeFileSync(SERVED_FILE, JSON.stringify(served));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('should serve at /docs-json exactly the checked-in docs/openapi.json (npm run openapi)', () => {
    expect(served).toEqual(JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8')));
  });

  it('should pass Redocly recommended with 0 errors', async () => {
    const { stdout } = await run(
      bin('redocly'),
      ['lint', SERVED_FILE, '--config', join(ROOT, 'redocly.yaml'), '--format=json'],
      {
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const report = JSON.parse(stdout) as {
      totals: { errors: number };
      problems: Array<{ ruleId: string; severity: string; message: string }>;
    };
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 120_000);

  it('should give every operation a readable unique operationId and mark only public routes anonymous', () => {
    const operations = Object.values(served.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const anonymous = Object.entries(served.paths)
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, o]) => Array.isArray(o.security) && o.security.length === 0)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(anonymous).toEqual([
      'GET /api/v1/public/inspection-plans/{id}/draw',
      'GET /api/v1/public/inspection-results',
      'GET /api/v1/public/relief-notices',
      'GET /api/v1/public/special-relief-notices',
      'GET /api/v1/streets',
      'GET /health',
      'GET /metrics',
      'POST /api/v1/auth/login',
      'POST /api/v1/public/inspection-plans/{id}/verify-draw',
    ]);
  });

  it('should generate the checked-in client types from the served document, and the client compiles', async () => {
    const generated = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'scripts/openapi-client-types.ts', SERVED_FILE],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 },
    );
    expect(generated.stdout).toBe(readFileSync(CLIENT_TYPES_FILE, 'utf8'));
    // tsc exits non-zero (and the promise rejects with its diagnostics) on any type error.
    await expect(
      run(bin('tsc'), ['-p', join(ROOT, 'test/fixtures/typed-client/tsconfig.json')], {
        cwd: ROOT,
      }),
    ).resolves.toMatchObject({ stdout: '' });
  }, 120_000);

  it('should walk a relief case to paid with the typed client, no cast and no raw header', async () => {
    const paid = await reliefToPaid(baseUrl, users, {
      idNumber: residentId(901),
      name: '李四',
    });
    expect(paid).toMatchObject({ type: 'relief-application', state: 'paid', status: 'closed' });
  }, 60_000);

  it('should take the hearing the payment opened to paid with the typed client', async () => {
    const paid = await hearingToPaid(baseUrl, { ...users, experts });
    expect(paid).toMatchObject({ type: 'hardship-hearing', state: 'paid', status: 'closed' });
  }, 60_000);

  it('should take a penalty case from filing to closed with the typed client', async () => {
    const closed = await penaltyToClosed(baseUrl, users);
    expect(closed).toMatchObject({ type: 'penalty-case', state: 'closed', status: 'closed' });
  }, 60_000);
});
