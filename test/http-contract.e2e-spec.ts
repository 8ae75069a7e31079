import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { createUser, Http, type Reply, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface Applicant {
  name: string;
  idNumber: string;
  phone: string;
}
interface CaseBody {
  id: string;
  state: string;
  version: number;
  data: { applicant: Applicant };
}
interface HistoryRow {
  seq: number;
  type: string;
  payload: { applicant?: Applicant };
}

const APPLICANT: Applicant = { name: '张三', idNumber: '110105194912310029', phone: '13812345678' };
const MASKED = { idNumber: '110105********0029', phone: '138****5678' };

const fieldsOf = (res: Reply<unknown>): string[] =>
  ((res.body as Problem).errors ?? []).map((e) => e.field);

/** Every refusal is an RFC 9457 problem document with the status it was sent with. */
function expectProblem(res: Reply<unknown>, status: number): Problem {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.body as Problem;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^https?:\/\/.+\/[a-z-]+$/) });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('the HTTP contract (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let street: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  let legal: TestUser;
  let engine: CaseEngine;

  beforeAll(async () => {
    t = await startTestApp({ workflows: [testFixtureWorkflow] });
    engine = t.app.get(CaseEngine);
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function openCase(): Promise<string> {
    const row = await engine.openCase({
      type: 'test-fixture',
      input: { applicant: { ...APPLICANT } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    return row.id;
  }

  const events = (id: string): string => `/api/v1/cases/${id}/events`;
  const versionOf = async (id: string): Promise<number> =>
    (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body.version;

  describe('malformed requests', () => {
    it('should answer a malformed JSON body with a 400 problem document naming the body, never a 500', async () => {
      const res = await admin.request('POST', '/api/v1/users', '{"username": "x",', {
        'content-type': 'application/json',
      });
      const problem = expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual(['body']);
      expect(problem.detail).toMatch(/JSON/);
    });

    it('should answer malformed JSON on a public route (login) with 400 as well', async () => {
      const res = await anon.request('POST', '/api/v1/auth/login', '{not json}', {
        'content-type': 'application/json',
      });
      expectProblem(res, 400);
    });

    it('should refuse a body above 1 MiB with a 413 problem document', async () => {
      const id = await openCase();
      const big = JSON.stringify({ type: 'SUBMIT', note: 'x'.repeat(1024 * 1024) });
      const res = await street.http.request('POST', events(id), big, {
        'content-type': 'application/json',
      });
      const problem = expectProblem(res, 413);
      expect(problem.type).toMatch(/\/payload-too-large$/);
      expect(await versionOf(id)).toBe(1);
    });

    it('should accept a body just under 1 MiB (the limit is not lower)', async () => {
      const res = await admin.request(
        'POST',
        '/api/v1/users',
        JSON.stringify({ username: 'x', pad: 'y'.repeat(1000 * 1000) }),
        { 'content-type': 'application/json' },
      );
      // Parsed and validated (not refused for its size).
      expectProblem(res, 400);
      expect(fieldsOf(res)).toContain('pad');
    });

    it('should answer an unknown route with a 404 problem document, with or without a token', async () => {
      expectProblem(await anon.get('/api/v1/no-such-thing'), 404);
      const res = await admin.get('/api/v1/no-such-thing');
      const problem = expectProblem(res, 404);
      expect(problem.type).toMatch(/\/not-found$/);
      expectProblem(await admin.request('DELETE', '/api/v1/cases'), 404);
    });
  });

  describe('case routes', () => {
    it('should answer a case id that is not a UUID with 404, for reads and events', async () => {
      expectProblem(await caseworker.http.get('/api/v1/cases/not-a-uuid'), 404);
      expectProblem(await caseworker.http.get('/api/v1/cases/not-a-uuid/history'), 404);
      expectProblem(await street.http.post(events('not-a-uuid'), { type: 'SUBMIT' }), 404);
    });

    it('should answer a well-formed id of no case with 404', async () => {
      const res = await caseworker.http.get('/api/v1/cases/00000000-0000-4000-8000-000000000000');
      expect(expectProblem(res, 404).type).toMatch(/\/not-found$/);
    });

    it.each([
      ['page', 'page=0'],
      ['page', 'page=abc'],
      ['pageSize', 'pageSize=0'],
      ['pageSize', 'pageSize=501'],
      ['overdue', 'overdue=maybe'],
      ['status', 'status=sleeping'],
    ])('should refuse a bad list query with 400 naming %s (?%s)', async (field, query) => {
      const res = await caseworker.http.get(`/api/v1/cases?${query}`);
      expectProblem(res, 400);
      expect(fieldsOf(res)).toContain(field);
    });

    it('should refuse a malformed If-Match with 400 naming If-Match, and change nothing', async () => {
      const id = await openCase();
      for (const ifMatch of ['abc', '"-1"', '1.5', '"1","2"']) {
        const res = await street.http.post(events(id), { type: 'SUBMIT' }, { 'if-match': ifMatch });
        expectProblem(res, 400);
        expect(fieldsOf(res)).toEqual(['If-Match']);
      }
      expect(await versionOf(id)).toBe(1);
      // The accepted spellings of version 1.
      const ok = await street.http.post(events(id), { type: 'SUBMIT' }, { 'if-match': 'W/"1"' });
      expect(ok.status).toBe(200);
    });

    it.each([
      ['body', []],
      ['body', [{ type: 'SUBMIT' }]],
      ['body', 'SUBMIT'],
      ['body', null],
      ['type', {}],
      ['type', { reason: 'no type' }],
      ['type', { type: 42 }],
      ['type', { type: 'submit' }],
      ['type', { type: '' }],
    ])(
      'should refuse an event body without a usable type with 400 naming %s (%j)',
      async (field, body) => {
        const id = await openCase();
        const res = await street.http.request('POST', events(id), JSON.stringify(body), {
          'content-type': 'application/json',
        });
        expectProblem(res, 400);
        expect(fieldsOf(res)).toContain(field);
        expect(await versionOf(id)).toBe(1);
      },
    );

    it('should refuse a client sending a deadline event with 403, even a role that could act', async () => {
      const id = await openCase();
      await street.http.post(events(id), { type: 'SUBMIT' });
      await manager.http.post(events(id), { type: 'APPROVE' });
      for (const who of [caseworker, manager, street]) {
        const res = await who.http.post(events(id), { type: 'DEADLINE_WAITING' });
        expect(expectProblem(res, 403).type).toMatch(/\/forbidden$/);
      }
      const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
      expect(c).toMatchObject({ state: 'waiting', version: 3 });
    });
  });

  describe('personal data masking', () => {
    it('should show full ID and phone in GET /cases/:id to a MANAGER, CASEWORKER and the own street office', async () => {
      const id = await openCase();
      for (const who of [manager, caseworker, street]) {
        const res = await who.http.get<CaseBody>(`/api/v1/cases/${id}`);
        expect(res.status).toBe(200);
        expect(res.body.data.applicant).toEqual(APPLICANT);
      }
    });

    it('should mask ID and phone in GET /cases/:id for a role without personal-data access (LEGAL)', async () => {
      const id = await openCase();
      const res = await legal.http.get<CaseBody>(`/api/v1/cases/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.data.applicant).toEqual({ name: APPLICANT.name, ...MASKED });
      const history = await legal.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`);
      expect(history.body[0].payload.applicant).toEqual({ name: APPLICANT.name, ...MASKED });
    });

    it('should mask ID and phone in the case list, even for a MANAGER', async () => {
      const id = await openCase();
      for (const who of [manager, caseworker, street]) {
        const list = await who.http.get<{ items: CaseBody[] }>(
          '/api/v1/cases?type=test-fixture&pageSize=500',
        );
        const item = list.body.items.find((c) => c.id === id);
        expect(item).toBeDefined();
        expect(item!.data.applicant).toEqual({ name: APPLICANT.name, ...MASKED });
        const text = JSON.stringify(list.body);
        expect(text).not.toContain(APPLICANT.idNumber);
        expect(text).not.toContain(APPLICANT.phone);
      }
    });

    it('should mask ID and phone in the task inbox', async () => {
      const id = await openCase();
      const tasks = await street.http.get<{ items: CaseBody[] }>('/api/v1/tasks?pageSize=500');
      const item = tasks.body.items.find((c) => c.id === id);
      expect(item!.data.applicant).toEqual({ name: APPLICANT.name, ...MASKED });
    });

    it('should show full values in the CASE_OPENED payload of the history to a CASEWORKER', async () => {
      const id = await openCase();
      const res = await caseworker.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`);
      expect(res.status).toBe(200);
      expect(res.body[0]).toMatchObject({ seq: 1, type: 'CASE_OPENED' });
      expect(res.body[0].payload.applicant).toEqual(APPLICANT);
    });

    it('should never change the stored data by masking it for a reader', async () => {
      const id = await openCase();
      await legal.http.get(`/api/v1/cases/${id}`);
      await manager.http.get('/api/v1/cases?type=test-fixture');
      const again = await manager.http.get<CaseBody>(`/api/v1/cases/${id}`);
      expect(again.body.data.applicant).toEqual(APPLICANT);
    });
  });
});
