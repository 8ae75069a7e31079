import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { createUser, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface WorkflowState {
  name: string;
  final: boolean;
  initial: boolean;
  transitions: Array<{ event: string; targets: string[] }>;
  events: Array<{ type: string; label: string | null; roles: string[]; scope?: unknown }>;
  deadline: { duration: string | null; onExpire: unknown; pausesSla: boolean } | null;
}
interface WorkflowDescription {
  type: string;
  title: string;
  version: number;
  states: WorkflowState[];
}

describe('operations endpoints (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let caseworker: TestUser;
  let street: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { waiting: '2s' } } },
    });
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('health, metrics and docs (no token)', () => {
    it('should answer /health with 200 and database, redis and queues up', async () => {
      const res = await anon.get<{
        status: string;
        info: Record<string, { status: string }>;
      }>('/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.info.database.status).toBe('up');
      expect(res.body.info.redis.status).toBe('up');
      expect(res.body.info.queues.status).toBe('up');
    });

    it('should serve Prometheus metrics with latency, transitions, outbox backlog and queue depth', async () => {
      // One transition and a few requests first, so the counters have samples.
      const row = await t.app.get(CaseEngine).openCase({
        type: 'test-fixture',
        input: {
          applicant: { name: '张三', idNumber: '110105194912310029', phone: '13812345678' },
        },
        actor: SYSTEM,
        streetCode: '330106001',
      });
      const sent = await street.http.post(`/api/v1/cases/${row.id}/events`, { type: 'SUBMIT' });
      expect(sent.status).toBe(200);
      await anon.get('/health');

      const res = await anon.get<string>('/metrics');
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
      const text = res.body;
      expect(typeof text).toBe('string');
      for (const name of [
        'http_request_duration_seconds',
        'case_transitions_total',
        'outbox_backlog',
        'sla_journal_backlog',
        'queue_jobs',
      ]) {
        expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
      }
      expect(text).toMatch(/^http_request_duration_seconds_count\{[^}]*\} \d+/m);
      expect(text).toMatch(/^case_transitions_total\{[^}]*test-fixture[^}]*\} \d+/m);
      expect(text).toMatch(/^outbox_backlog \d+$/m);
      expect(text).toMatch(/^sla_journal_backlog \d+$/m);
      expect(text).toMatch(/^queue_jobs\{queue="[^"]+",state="[^"]+"\} \d+$/m);
      // Personal data never reaches the metrics.
      expect(text).not.toContain('110105194912310029');
    });

    it('should serve the OpenAPI UI at /docs', async () => {
      const res = await anon.get<string>('/docs');
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toContain('text/html');
      expect(res.body).toMatch(/swagger/i);
    });

    it('should serve the OpenAPI document at /docs-json, generated from the code', async () => {
      const res = await anon.get<{
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      }>('/docs-json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(res.body.paths['/api/v1/cases/{id}/events']).toHaveProperty('post');
      expect(res.body.paths['/api/v1/auth/login']).toHaveProperty('post');
      expect(res.body.paths['/api/v1/calendar/due']).toHaveProperty('get');
    });
  });

  describe('workflow descriptions', () => {
    it('should need a token', async () => {
      expect((await anon.get('/api/v1/workflows')).status).toBe(401);
    });

    it('should list the registered workflows, including test-fixture', async () => {
      const res =
        await caseworker.http.get<Array<{ type: string; title: string; version: number }>>(
          '/api/v1/workflows',
        );
      expect(res.status).toBe(200);
      expect(res.body).toContainEqual({
        type: 'test-fixture',
        title: testFixtureWorkflow.title,
        version: testFixtureWorkflow.version,
      });
    });

    it('should describe states with their events, roles and the deadline from the policy', async () => {
      const res = await caseworker.http.get<WorkflowDescription>('/api/v1/workflows/test-fixture');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'test-fixture', version: 1 });
      const states = Object.fromEntries(res.body.states.map((s) => [s.name, s]));
      expect(Object.keys(states)).toEqual(
        expect.arrayContaining(['draft', 'review', 'waiting', 'done', 'rejected', 'expired']),
      );
      // `events` is an array (docs/api.md "Events as data, workflows and versions"): type, label,
      // roles, scope, schema.
      const event = (state: string, type: string): WorkflowState['events'][number] | undefined =>
        states[state].events.find((e) => e.type === type);
      expect(states.draft).toMatchObject({ initial: true, final: false, deadline: null });
      expect(states.draft.events.map((e) => e.type)).toEqual(['SUBMIT']);
      expect(event('draft', 'SUBMIT')).toMatchObject({
        roles: ['STREET_OFFICE'],
        scope: 'street',
        label: null, // the fixture names no labels
      });
      expect(event('review', 'APPROVE')).toMatchObject({ roles: ['MANAGER'] });
      expect(event('review', 'APPROVE')).not.toHaveProperty('scope');
      expect(event('review', 'REJECT')).toMatchObject({ roles: ['CASEWORKER', 'MANAGER'] });
      expect(states.review.transitions).toContainEqual(
        expect.objectContaining({ event: 'APPROVE', targets: ['waiting'] }),
      );
      // `review` declares an overdue-only deadline, but this policy gives it no duration.
      expect(states.review.deadline).toEqual({
        duration: null,
        onExpire: 'overdue',
        pausesSla: false,
      });
      expect(states.waiting.deadline).toEqual({
        duration: '2s',
        onExpire: { event: 'DEADLINE_WAITING' },
        pausesSla: false,
      });
      expect(event('waiting', 'DEADLINE_WAITING')).toMatchObject({ roles: ['system'] });
      expect(states.done).toMatchObject({ final: true, initial: false, deadline: null });
    });

    it('should draw a Mermaid diagram generated from the machine', async () => {
      const res = await caseworker.http.get<string>('/api/v1/workflows/test-fixture/diagram');
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
      const text = res.body;
      expect(text.startsWith('stateDiagram-v2')).toBe(true);
      const lines = text.split('\n').map((l) => l.trim());
      expect(lines).toContain('[*] --> draft');
      expect(lines).toContain('draft --> review : SUBMIT');
      expect(lines).toContain('review --> waiting : APPROVE');
      expect(lines).toContain('review --> rejected : REJECT');
      expect(lines).toContain('waiting --> expired : DEADLINE_WAITING');
      expect(lines).toContain('waiting --> waiting : EXTEND'); // a targetless transition
      expect(lines).toContain('done --> [*]');
    });

    it('should answer an unknown workflow type with 404 for its description and its diagram', async () => {
      for (const path of [
        '/api/v1/workflows/no-such-type',
        '/api/v1/workflows/no-such-type/diagram',
      ]) {
        const res = await caseworker.http.get<{ type: string }>(path);
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.type).toMatch(/\/not-found$/);
      }
    });
  });
});
