import { CaseEngine } from '../src/engine/case-engine.service';
import { SYSTEM } from '../src/engine/actor';
import { EventHandlerRegistry } from '../src/engine/event-handlers';
import { workflowProblems } from '../workflows/registry-invariants';
import {
  LEAVE_REQUEST_EVENT_PAYLOADS,
  leaveRequestWorkflow,
} from './fixtures/leave-request.workflow';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  type: string;
  state: string;
  status: string;
  version: number;
  allowedEvents: string[];
  deadlines: Array<{ name: string; kind: string; dueAt: string; overdue: boolean }>;
  data: { employee: string; days: number; refusal?: string };
}
interface HistoryRow {
  seq: number;
  type: string;
  actor: string;
  from: string | null;
  to: string | null;
  payload: Record<string, unknown>;
}
interface Problem {
  status: number;
  errors?: Array<{ field: string; message: string }>;
  allowedEvents?: string[];
}
interface WorkflowDescription {
  type: string;
  title: string;
  states: Array<{
    name: string;
    label: string | null;
    events: Array<{ type: string; label: string | null; roles: string[]; schema: unknown }>;
  }>;
}

/*
 * The README's "Add a workflow" guide, proven: a toy machine under test/fixtures, registered the
 * way the guide says (the definition in the registry, its payload table beside it, a default
 * deadline in the policy), gets the registry's invariants, the generic case API (open, events with
 * every check, history, deadlines) and the diagram without a line of engine code.
 */
describe('add a workflow: the leave-request toy (real MariaDB and Redis)', () => {
  let t: TestApp;
  let caseworker: TestUser;
  let manager: TestUser;
  let engine: CaseEngine;

  beforeAll(async () => {
    t = await startTestApp({
      workflows: [leaveRequestWorkflow],
      policy: { deadlines: { 'leave-request': { requested: '2s' } } },
    });
    t.app.get(EventHandlerRegistry).registerPayloads(LEAVE_REQUEST_EVENT_PAYLOADS);
    engine = t.app.get(CaseEngine);
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  const open = async (): Promise<string> =>
    (
      await engine.openCase({
        type: 'leave-request',
        input: { employee: '王科员', days: 3 },
        actor: SYSTEM,
      })
    ).id;

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody & Problem>(`/api/v1/cases/${id}/events`, event);

  it('should hold the registry invariants (step 2 of the guide)', () => {
    expect(workflowProblems(leaveRequestWorkflow)).toEqual([]);
  });

  it('should open a case, apply events with the engine checks and keep the history', async () => {
    const id = await open();
    const opened = await manager.http.get<CaseBody>(`/api/v1/cases/${id}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({
      type: 'leave-request',
      state: 'requested',
      status: 'active',
      data: { employee: '王科员', days: 3 },
    });
    expect(opened.body.allowedEvents.sort()).toEqual(['APPROVE', 'REFUSE']);
    expect(opened.body.deadlines.map((d) => [d.name, d.kind])).toEqual([['requested', 'state']]);
    expect(opened.headers.etag).toBe(`"${opened.body.version}"`);

    // The payload class is the check: 400 naming the field, nothing applied.
    const bad = await send(manager, id, { type: 'REFUSE', reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toEqual(['reason']);
    // The permissions are the check: a caseworker may not refuse (403) …
    expect((await send(caseworker, id, { type: 'REFUSE', reason: '人手不足' })).status).toBe(403);
    // … and the state is: no such event here (422 with what the caller may send).
    const wrong = await send(manager, id, { type: 'SUBMIT' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.allowedEvents?.sort()).toEqual(['APPROVE', 'REFUSE']);

    const refused = await send(manager, id, { type: 'REFUSE', reason: '年底人手不足' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      state: 'refused',
      status: 'closed',
      data: { refusal: '年底人手不足' },
    });

    const history = await manager.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`);
    expect(history.body.map((e) => [e.type, e.from, e.to])).toEqual([
      ['CASE_OPENED', null, 'requested'],
      ['REFUSE', 'requested', 'refused'],
    ]);
    expect(history.body[1].actor).toBe(manager.id);
    const verified = await manager.http.get<{ valid: boolean }>(
      `/api/v1/cases/${id}/history/verify`,
    );
    expect(verified.body.valid).toBe(true);
  });

  it('should fire the deadline the policy gives the state, as the service', async () => {
    const id = await open();
    const lapsed = await eventually(async () => {
      const c = await manager.http.get<CaseBody>(`/api/v1/cases/${id}`);
      return c.body.state === 'withdrawn' ? c.body : undefined;
    }, 20000);
    expect(lapsed.status).toBe('closed');
    const history = await manager.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`);
    expect(history.body.at(-1)).toMatchObject({ type: 'DEADLINE_REQUESTED', actor: 'system' });
  });

  it('should describe the workflow, its labels and event schemas, and draw it', async () => {
    const described = await caseworker.http.get<WorkflowDescription>(
      '/api/v1/workflows/leave-request',
    );
    expect(described.status).toBe(200);
    const requested = described.body.states.find((s) => s.name === 'requested');
    expect(requested?.label).toBe('待审批');
    const refuse = requested?.events.find((e) => e.type === 'REFUSE');
    expect(refuse).toMatchObject({ label: '不予批准', roles: ['MANAGER'] });
    expect(refuse?.schema).toMatchObject({ required: expect.arrayContaining(['type', 'reason']) });

    const diagram = await caseworker.http.get<string>('/api/v1/workflows/leave-request/diagram');
    expect(diagram.status).toBe(200);
    expect(diagram.body).toContain('[*] --> requested');
    expect(diagram.body).toContain('requested --> refused : REFUSE');
    expect(diagram.body).toContain('requested --> withdrawn : DEADLINE_REQUESTED');
  });
});
