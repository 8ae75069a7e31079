import { DataSource } from 'typeorm';
import { CaseEngine } from '../src/engine/case-engine.service';
import { EventHandlerRegistry } from '../src/engine/event-handlers';
import { SYSTEM } from '../src/engine/actor';
import { WorkflowRegistry } from '../src/engine/workflow-registry';
import {
  fixtureMachine,
  testFixtureEventPayloads,
  testFixtureWorkflow,
} from './fixtures/test-fixture.workflow';
import { createUser, eventually, Http, sleep, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  status: string;
  version: number;
  allowedEvents: string[];
  deadlines: Array<{ name: string; kind: string; dueAt: string; overdue: boolean }>;
  data: Record<string, unknown>;
  // problem+json fields when the request was refused
  type?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface HistoryRow {
  seq: number;
  type: string;
  actor: string;
  from: string | null;
  to: string;
  payload: Record<string, unknown>;
}

describe('the case engine (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let street: TestUser;
  let otherStreet: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  let engine: CaseEngine;
  let signalTarget: string | undefined;

  beforeAll(async () => {
    t = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: {
        deadlines: { 'test-fixture': { review: '1s', waiting: '2s' } },
        // Version 2 is registered by a test below: from then on, new cases open on it.
        workflowVersions: { 'test-fixture': [{ version: 2, from: '2020-01-01' }] },
      },
    });
    t.app.get(EventHandlerRegistry).registerPayloads(testFixtureEventPayloads);
    // EXTEND may signal another case (as a closing penalty case signals its inspection).
    t.app.get(EventHandlerRegistry).register('test-fixture', 'EXTEND', {
      hook: ({ signalCase }) => {
        if (signalTarget) {
          signalCase(signalTarget, { type: 'NOTE' });
        }
        return Promise.resolve();
      },
    });
    // RESUME opens a follow-up case, linked both ways (as a paid relief case opens a hearing).
    t.app.get(EventHandlerRegistry).register('test-fixture', 'RESUME', {
      hook: ({ caseRow, openLinkedCase }) => {
        openLinkedCase({
          type: 'test-fixture',
          rel: 'follow-up',
          backRel: 'origin',
          input: { applicant: (caseRow.data as { applicant: unknown }).applicant },
          streetCode: caseRow.streetCode,
        });
        return Promise.resolve();
      },
    });
    engine = t.app.get(CaseEngine);
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    otherStreet = await createUser(admin, anon, {
      roles: ['STREET_OFFICE'],
      streetCode: '330106002',
    });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function openCase(streetCode = '330106001'): Promise<string> {
    const row = await engine.openCase({
      type: 'test-fixture',
      input: { applicant: { name: '张三', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode,
    });
    return row.id;
  }

  const send = (who: TestUser, id: string, event: Record<string, unknown>, ifMatch?: string) =>
    who.http.post<CaseBody>(
      `/api/v1/cases/${id}/events`,
      event,
      ifMatch ? { 'if-match': ifMatch } : {},
    );
  const history = async (id: string) =>
    (await caseworker.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`)).body;

  it('should move a case through its states and log each event with its actor', async () => {
    const id = await openCase();
    expect((await send(street, id, { type: 'SUBMIT' })).status).toBe(200);
    const res = await send(caseworker, id, { type: 'REJECT', reason: 'not eligible' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'rejected',
      status: 'closed',
      version: 3,
      allowedEvents: [],
    });
    expect(res.body.data.reason).toBe('not eligible');
    const log = await history(id);
    expect(log.map((e) => [e.seq, e.type, e.actor, e.from, e.to])).toEqual([
      [1, 'CASE_OPENED', 'system', null, 'draft'],
      [2, 'SUBMIT', street.id, 'draft', 'review'],
      [3, 'REJECT', caseworker.id, 'review', 'rejected'],
    ]);
  });

  it('should answer a stale If-Match with 409 and leave exactly one event', async () => {
    const id = await openCase();
    const [a, b] = await Promise.all([
      send(street, id, { type: 'SUBMIT' }, '"1"'),
      send(street, id, { type: 'SUBMIT' }, '"1"'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(String(conflict.body.type)).toMatch(/\/version-conflict$/);
    expect(conflict.headers['content-type']).toContain('application/problem+json');
    const log = await history(id);
    expect(log.filter((e) => e.type === 'SUBMIT')).toHaveLength(1);
    expect(log).toHaveLength(2);
  });

  it('should apply concurrent events without If-Match one after the other, losing none', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    await send(manager, id, { type: 'APPROVE' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => send(caseworker, id, { type: 'EXTEND' })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
    expect(c.data.restarts).toBe(5);
    expect(c.version).toBe(8);
  });

  it('should refuse an event the state does not accept with 422 listing the allowed events', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    const res = await send(caseworker, id, { type: 'RESUME' });
    expect(res.status).toBe(422);
    expect(String(res.body.type)).toMatch(/\/event-not-accepted$/);
    expect(res.body.allowedEvents).toEqual(['REJECT']);
    const asManager = await send(manager, id, { type: 'SUBMIT' });
    expect(asManager.body.allowedEvents).toEqual(['APPROVE', 'REJECT']);
  });

  it('should refuse a role that may not send the event here with 403', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    const res = await send(caseworker, id, { type: 'APPROVE' });
    expect(res.status).toBe(403);
    expect((await history(id)).map((e) => e.type)).toEqual(['CASE_OPENED', 'SUBMIT']);
  });

  it("should hide another street's case from a street office (404) and let its own act", async () => {
    const id = await openCase('330106001');
    expect((await otherStreet.http.get(`/api/v1/cases/${id}`)).status).toBe(404);
    expect((await send(otherStreet, id, { type: 'SUBMIT' })).status).toBe(404);
    expect((await street.http.get(`/api/v1/cases/${id}`)).status).toBe(200);
    const list = await otherStreet.http.get<{ items: CaseBody[] }>(
      '/api/v1/cases?type=test-fixture',
    );
    expect(list.body.items.find((c) => c.id === id)).toBeUndefined();
  });

  it('should reject a bad payload with 400 naming the field, and change nothing', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    const missing = await send(caseworker, id, { type: 'REJECT' });
    expect(missing.status).toBe(400);
    expect((missing.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(
      'reason',
    );
    const unknown = await send(caseworker, id, { type: 'REJECT', reason: 'ok reason', extra: 1 });
    expect(unknown.status).toBe(400);
    expect((unknown.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(
      'extra',
    );
    const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
    expect(c).toMatchObject({ state: 'review', version: 2 });
  });

  it('should fire a 2s deadline as an event of actor system', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    const approved = await send(manager, id, { type: 'APPROVE' });
    expect(approved.body.deadlines).toEqual([
      expect.objectContaining({ name: 'waiting', kind: 'state', overdue: false }),
    ]);
    const log = await eventually(async () => {
      const h = await history(id);
      return h.some((e) => e.type === 'DEADLINE_WAITING') ? h : undefined;
    }, 15000);
    const fired = log.filter((e) => e.type === 'DEADLINE_WAITING');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ actor: 'system', from: 'waiting', to: 'expired' });
    const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
    expect(c).toMatchObject({ state: 'expired', status: 'closed', deadlines: [] });
  });

  it('should ignore a deadline for a state the case has already left', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    await send(manager, id, { type: 'APPROVE' });
    await send(caseworker, id, { type: 'RESUME' });
    await sleep(3500);
    const log = await history(id);
    // (RESUME also opens a linked follow-up case: LINKED may follow; no deadline event may.)
    expect(log.map((e) => e.type).filter((type) => type !== 'LINKED')).toEqual([
      'CASE_OPENED',
      'SUBMIT',
      'APPROVE',
      'RESUME',
    ]);
    const ds = t.app.get(DataSource);
    const [row] = await ds.query('SELECT status FROM case_deadlines WHERE case_id = ?', [id]);
    expect(row.status).toBe('cancelled');
  });

  it('should mark a case overdue when an overdue-only deadline passes, and show it in lists', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    const log = await eventually(async () => {
      const h = await history(id);
      return h.some((e) => e.type === 'DEADLINE_OVERDUE') ? h : undefined;
    }, 15000);
    expect(log.at(-1)).toMatchObject({
      type: 'DEADLINE_OVERDUE',
      actor: 'system',
      from: 'review',
      to: 'review',
    });
    const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
    expect(c.state).toBe('review');
    expect(c.deadlines).toEqual([expect.objectContaining({ name: 'review', overdue: true })]);
    const overdue = await caseworker.http.get<{ items: CaseBody[] }>(
      '/api/v1/cases?overdue=true&pageSize=500',
    );
    expect(overdue.body.items.map((x) => x.id)).toContain(id);
    const notOverdue = await caseworker.http.get<{ items: CaseBody[] }>(
      '/api/v1/cases?overdue=false&pageSize=500',
    );
    expect(notOverdue.body.items.map((x) => x.id)).not.toContain(id);
  });

  it('should start a deadline again when the machine asks for it', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    const first = (await send(manager, id, { type: 'APPROVE' })).body.deadlines[0].dueAt;
    await sleep(1200);
    const extended = await send(caseworker, id, { type: 'EXTEND' });
    const second = extended.body.deadlines;
    expect(second).toHaveLength(1);
    expect(new Date(second[0].dueAt).getTime()).toBeGreaterThan(new Date(first).getTime() + 1000);
    // The first timer (restart 0) comes due now and must be ignored: the case is still waiting.
    await sleep(1200);
    expect((await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body.state).toBe('waiting');
  });

  it('should list in /tasks the cases the caller can act on now, earliest deadline first', async () => {
    const a = await openCase();
    const b = await openCase();
    await send(street, b, { type: 'SUBMIT' });
    const streetTasks = await street.http.get<{ items: CaseBody[] }>('/api/v1/tasks?pageSize=500');
    const ids = streetTasks.body.items.map((c) => c.id);
    expect(ids).toContain(a);
    expect(ids).not.toContain(b);
    const managerTasks = await manager.http.get<{ items: CaseBody[] }>(
      '/api/v1/tasks?pageSize=500',
    );
    expect(managerTasks.body.items.map((c) => c.id)).toContain(b);
    expect(managerTasks.body.items.every((c) => c.allowedEvents.length > 0)).toBe(true);
    const other = await otherStreet.http.get<{ items: CaseBody[] }>('/api/v1/tasks?pageSize=500');
    expect(other.body.items.map((c) => c.id)).not.toContain(a);
  });

  it('should narrow /tasks by workflow, state and street, and name who holds and did what', async () => {
    const b = await openCase();
    await send(street, b, { type: 'SUBMIT' });
    const state = (await manager.http.get<CaseBody>(`/api/v1/cases/${b}`)).body.state;
    const ids = async (query: string): Promise<string[]> => {
      const res = await manager.http.get<{ items: CaseBody[] }>(
        `/api/v1/tasks?pageSize=500&${query}`,
      );
      expect(res.status).toBe(200);
      return res.body.items.map((c) => c.id);
    };
    expect(await ids(`type=test-fixture&state=${state}`)).toContain(b);
    expect(await ids('state=draft')).not.toContain(b);
    expect(await ids('type=relief-application')).not.toContain(b);
    expect(await ids('streetCode=330106001')).toContain(b);
    expect(await ids('streetCode=999999999')).not.toContain(b);
    const bad = await manager.http.get('/api/v1/tasks?overdue=sometimes');
    expect(bad.status).toBe(400);

    // The inbox and the case page show names, not user ids.
    const claimed = await manager.http.post<{ assignee: string; assigneeName: string }>(
      `/api/v1/cases/${b}/claim`,
    );
    expect(claimed.body).toMatchObject({ assignee: manager.id, assigneeName: manager.username });
    const events = (
      await manager.http.get<Array<{ actor: string; actorName: string | null }>>(
        `/api/v1/cases/${b}/history`,
      )
    ).body;
    expect(events.at(-1)).toMatchObject({ actor: manager.id, actorName: manager.username });
    expect(events.find((e) => e.actor === street.id)?.actorName).toBe(street.username);
  });

  it('should let a caller who can act claim a case, and log it', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    expect((await street.http.post(`/api/v1/cases/${id}/claim`)).status).toBe(422);
    const res = await caseworker.http.post<CaseBody & { assignee: string }>(
      `/api/v1/cases/${id}/claim`,
    );
    expect(res.status).toBe(200);
    expect(res.body.assignee).toBe(caseworker.id);
    expect((await history(id)).at(-1)).toMatchObject({ type: 'CLAIMED', actor: caseworker.id });
  });

  it('should let the assignee give a claimed case back, and nobody else', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    expect((await caseworker.http.post(`/api/v1/cases/${id}/claim`)).status).toBe(200);
    // Not the assignee: refused, the case stays assigned.
    expect((await manager.http.delete(`/api/v1/cases/${id}/claim`)).status).toBe(403);
    const res = await caseworker.http.delete<CaseBody & { assignee: string | null }>(
      `/api/v1/cases/${id}/claim`,
    );
    expect(res.status).toBe(200);
    expect(res.body.assignee).toBeNull();
    expect((await history(id)).at(-1)).toMatchObject({ type: 'UNCLAIMED', actor: caseworker.id });
    // Given back already: a second release is refused.
    expect((await caseworker.http.delete(`/api/v1/cases/${id}/claim`)).status).toBe(403);
  });

  it('should keep a running case on the machine version it started with', async () => {
    const old = await openCase();
    // Version 2 lets a caseworker submit too (a changed definition, registered while cases run).
    const v2 = fixtureMachine.provide({});
    const registry = t.app.get(WorkflowRegistry);
    registry.register({
      ...testFixtureWorkflow,
      version: 2,
      machine: v2,
      permissions: {
        ...testFixtureWorkflow.permissions,
        draft: { SUBMIT: { roles: ['STREET_OFFICE', 'CASEWORKER'] } },
      },
    });
    const fresh = await openCase();
    const c1 = (
      await caseworker.http.get<CaseBody & { machineVersion: number }>(`/api/v1/cases/${old}`)
    ).body;
    const c2 = (
      await caseworker.http.get<CaseBody & { machineVersion: number }>(`/api/v1/cases/${fresh}`)
    ).body;
    expect([c1.machineVersion, c2.machineVersion]).toEqual([1, 2]);
    // v2 lets a caseworker submit; v1 (the old case) still does not.
    expect((await send(caseworker, fresh, { type: 'SUBMIT' })).status).toBe(200);
    expect((await send(caseworker, old, { type: 'SUBMIT' })).status).toBe(403);
  });

  it('should filter and page the case list', async () => {
    const ids = [await openCase(), await openCase(), await openCase()];
    await send(street, ids[0], { type: 'SUBMIT' });
    const inReview = await manager.http.get<{ items: CaseBody[]; total: number }>(
      '/api/v1/cases?type=test-fixture&state=review&pageSize=500',
    );
    expect(inReview.body.items.map((c) => c.id)).toContain(ids[0]);
    expect(inReview.body.items.every((c) => c.state === 'review')).toBe(true);
    const page = await manager.http.get<{
      items: CaseBody[];
      total: number;
      page: number;
      pageSize: number;
    }>('/api/v1/cases?type=test-fixture&page=2&pageSize=2');
    expect(page.body).toMatchObject({ page: 2, pageSize: 2 });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(5);
  });

  it('should scope inspectors to the cases whose team lists them, in SQL lists and in actions', async () => {
    const inTeam = await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: 'H001' });
    const outsider = await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: 'H002' });
    const row = await engine.openCase({
      type: 'test-fixture',
      input: {
        applicant: { name: '孙八', idNumber: '110105194912310029', phone: '13812345678' },
        team: [inTeam.id],
      },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    await send(street, row.id, { type: 'SUBMIT' });
    const list = await inTeam.http.get<{ items: CaseBody[]; total: number }>(
      '/api/v1/cases?pageSize=500',
    );
    expect(list.body.items.map((c) => c.id)).toEqual([row.id]);
    expect(list.body.total).toBe(1);
    expect(
      (await inTeam.http.get<{ items: CaseBody[] }>('/api/v1/tasks')).body.items.map((c) => c.id),
    ).toEqual([row.id]);
    const noted = await send(inTeam, row.id, { type: 'NOTE' });
    expect(noted.status).toBe(200);
    expect(noted.body.data.notes).toBe(1);
    // The team member sees masked personal data: full ID numbers are for caseworkers and managers.
    expect((noted.body.data.applicant as { idNumber: string }).idNumber).toBe('110105********0029');
    expect((await outsider.http.get(`/api/v1/cases/${row.id}`)).status).toBe(404);
    expect((await send(outsider, row.id, { type: 'NOTE' })).status).toBe(404);
    expect((await outsider.http.get<{ total: number }>('/api/v1/cases')).body.total).toBe(0);
  });

  it('should open a linked case once, after the commit, and link both ways', async () => {
    const id = await openCase();
    await send(street, id, { type: 'SUBMIT' });
    await send(manager, id, { type: 'APPROVE' });
    await send(caseworker, id, { type: 'RESUME' });
    const source = await eventually(async () => {
      const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
      return (c.data.links as unknown[]).length > 0 ? c : undefined;
    }, 15000);
    const [link] = source.data.links as Array<{ rel: string; caseId: string }>;
    expect(link.rel).toBe('follow-up');
    const opened = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${link.caseId}`)).body;
    expect(opened).toMatchObject({
      state: 'draft',
      data: { links: [{ rel: 'origin', caseId: id }] },
    });
    expect((await history(id)).at(-1)).toMatchObject({ type: 'LINKED', actor: 'system' });
    expect((await history(link.caseId))[0]).toMatchObject({ type: 'CASE_OPENED', actor: 'system' });

    // The job run again (a relay resend, a retry) finds the case already opened.
    const seq = (await history(id)).find((e) => e.type === 'RESUME')!.seq;
    const again = await engine.openLinkedCase({
      sourceCaseId: id,
      sourceSeq: seq,
      type: 'test-fixture',
      rel: 'follow-up',
      backRel: 'origin',
      input: { applicant: { name: '张三', idNumber: '110105194912310029', phone: '13812345678' } },
      streetCode: '330106001',
    });
    expect(again).toBe(link.caseId);
    const [{ n }] = await t.app
      .get(DataSource)
      .query('SELECT COUNT(*) AS n FROM case_links WHERE case_id = ?', [id]);
    expect(Number(n)).toBe(1);
  });

  it('should count open and overdue cases per workflow and state, scoped to the caller', async () => {
    const id = await openCase('330106001');
    await send(street, id, { type: 'SUBMIT' }); // review: 1s overdue-only deadline
    await eventually(async () => {
      const rows = (
        await manager.http.get<
          Array<{ type: string; state: string; open: number; overdue: number }>
        >('/api/v1/cases/stats')
      ).body;
      const review = rows.find((r) => r.type === 'test-fixture' && r.state === 'review');
      return review && review.overdue >= 1 ? review : undefined;
    }, 15000);
    const all = (
      await manager.http.get<Array<{ state: string; open: number }>>('/api/v1/cases/stats')
    ).body;
    const mine = (
      await otherStreet.http.get<Array<{ state: string; open: number }>>('/api/v1/cases/stats')
    ).body;
    const total = (rows: Array<{ open: number }>) => rows.reduce((n, r) => n + r.open, 0);
    expect(total(all)).toBeGreaterThan(total(mine));
    expect(total(mine)).toBe(0);
  });

  it('should deliver a cross-case signal once, as actor system, after the commit', async () => {
    const target = await openCase();
    await send(street, target, { type: 'SUBMIT' }); // review takes NOTE
    const source = await openCase();
    await send(street, source, { type: 'SUBMIT' });
    await send(manager, source, { type: 'APPROVE' });
    signalTarget = target;
    try {
      await send(caseworker, source, { type: 'EXTEND' });
    } finally {
      signalTarget = undefined;
    }
    const noted = await eventually(async () => {
      const h = await history(target);
      return h.some((e) => e.type === 'NOTE') ? h : undefined;
    }, 15000);
    const seq = (await history(source)).find((e) => e.type === 'EXTEND')!.seq;
    expect(noted.filter((e) => e.type === 'NOTE')).toEqual([
      expect.objectContaining({
        actor: 'system',
        payload: expect.objectContaining({ source: { caseId: source, seq } }),
      }),
    ]);
    const again = await engine.applySignal({
      sourceCaseId: source,
      sourceSeq: seq,
      targetCaseId: target,
      event: { type: 'NOTE' },
    });
    expect(again).toBe('duplicate');
    expect((await history(target)).filter((e) => e.type === 'NOTE')).toHaveLength(1);
    // A target that has moved on refuses: logged, not retried forever.
    await send(caseworker, target, { type: 'REJECT', reason: 'closed now' });
    expect(
      await engine.applySignal({
        sourceCaseId: source,
        sourceSeq: 999,
        targetCaseId: target,
        event: { type: 'NOTE' },
      }),
    ).toBe('refused');
  });
});
