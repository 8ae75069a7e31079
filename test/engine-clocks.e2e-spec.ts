import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { CaseDeadlineEntity } from '../src/engine/entities/case-deadline.entity';
import { clockFixtureWorkflow } from './fixtures/clock-fixture.workflow';
import { createUser, eventually, Http, sleep, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  deadlines: Array<{ name: string; kind: string; dueAt: string; overdue: boolean }>;
  data: Record<string, unknown>;
}

/** Case-level clocks (start, pause, resume, extend, stop, restart) and confidential cases. */
describe('engine: case-level clocks and confidential cases (real MariaDB and Redis)', () => {
  let t: TestApp;
  let engine: CaseEngine;
  let ds: DataSource;
  let caseworker: TestUser;
  let owner: TestUser;
  let otherManager: TestUser;
  let inspector: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      workflows: [clockFixtureWorkflow],
      policy: {
        deadlines: { 'clock-fixture': { total: '4s', total_extension: '10s', mark: '2s' } },
      },
    });
    engine = t.app.get(CaseEngine);
    ds = t.app.get(DataSource);
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    owner = await createUser(admin, anon, { roles: ['MANAGER'] });
    otherManager = await createUser(admin, anon, { roles: ['MANAGER'] });
    inspector = await createUser(admin, anon, { roles: ['INSPECTOR'] });
    outsider = await createUser(admin, anon, { roles: ['INSPECTOR'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function open(secret = false): Promise<string> {
    const row = await engine.openCase({
      type: 'clock-fixture',
      input: { ownerId: owner.id, team: [inspector.id], secret },
      actor: SYSTEM,
    });
    return row.id;
  }
  const send = (who: TestUser, id: string, type: string) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, { type });
  const clock = (c: CaseBody, name: string) =>
    c.deadlines.find((d) => d.kind === 'case' && d.name === name);
  const rows = (caseId: string) =>
    ds.getRepository(CaseDeadlineEntity).find({ where: { caseId }, order: { id: 'ASC' } });

  it('should start a clock at the opening, not count paused time, and stop it at the stop state', async () => {
    const id = await open();
    const opened = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
    const firstDue = Date.parse(clock(opened, 'total')!.dueAt);
    expect(clock(opened, 'total')).toMatchObject({ kind: 'case', overdue: false });

    expect((await send(caseworker, id, 'PAUSE')).status).toBe(200);
    const paused = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
    expect(clock(paused, 'total')).toBeUndefined();
    await sleep(1500);
    const resumed = await send(caseworker, id, 'RESUME');
    const resumedDue = Date.parse(clock(resumed.body, 'total')!.dueAt);
    // The 1.5 s in `paused` are added to the due time (give or take the requests' own time).
    expect(resumedDue - firstDue).toBeGreaterThanOrEqual(1400);
    expect(resumedDue - firstDue).toBeLessThan(2500);

    await send(caseworker, id, 'FINISH');
    const all = await rows(id);
    expect(all.filter((d) => d.name === 'total').map((d) => d.status)).toEqual([
      'paused',
      'cancelled',
    ]);
    expect(all.every((d) => d.closedAt !== null)).toBe(true);
  });

  it('should mark the case overdue when its clock runs out, once', async () => {
    const id = await open();
    const overdue = await eventually(async () => {
      const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
      return clock(c, 'total')?.overdue ? c : undefined;
    }, 10000);
    expect(overdue.state).toBe('working');
    await sleep(500);
    const history = (
      await caseworker.http.get<Array<{ type: string; payload: Record<string, unknown> }>>(
        `/api/v1/cases/${id}/history`,
      )
    ).body;
    const breaches = history.filter((e) => e.type === 'DEADLINE_OVERDUE');
    expect(breaches.map((e) => e.payload.deadline)).toEqual(['total']);
  });

  it('should extend a running clock by the policy extension, and a paused one too', async () => {
    const id = await open();
    const before = Date.parse(
      clock((await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body, 'total')!.dueAt,
    );
    const extended = await send(owner, id, 'EXTEND');
    expect(extended.status).toBe(200);
    expect(Date.parse(clock(extended.body, 'total')!.dueAt) - before).toBe(10_000);

    await send(caseworker, id, 'PAUSE');
    await send(owner, id, 'EXTEND');
    const [paused] = (await rows(id)).filter((d) => d.status === 'paused');
    // The remainder kept while paused grew by the extension as well: 4 s + 10 s + 10 s in all.
    expect(paused.dueAt.getTime() - paused.startedAt.getTime()).toBe(24_000);
  });

  it('should restart a clock on its start event and fire its event when it runs out', async () => {
    const id = await open();
    expect((await send(caseworker, id, 'MARK')).status).toBe(200);
    await sleep(1000);
    const again = await send(caseworker, id, 'MARK');
    expect(again.status).toBe(200);
    const fired = await eventually(async () => {
      const c = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
      return c.data.expired === 1 ? c : undefined;
    }, 10000);
    expect(fired.data.expired).toBe(1);
    const marks = (await rows(id)).filter((d) => d.name === 'mark');
    expect(marks.map((d) => d.status)).toEqual(['cancelled', 'fired']);
    await sleep(1500);
    const later = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
    expect(later.data.expired).toBe(1);
  });

  it('should hide a confidential case from every role but its members and viewers, in lists too', async () => {
    const id = await open(true);
    expect((await otherManager.http.get(`/api/v1/cases/${id}`)).status).toBe(404);
    expect((await caseworker.http.get(`/api/v1/cases/${id}`)).status).toBe(404);
    expect((await outsider.http.get(`/api/v1/cases/${id}`)).status).toBe(404);
    expect((await send(caseworker, id, 'PAUSE')).status).toBe(404);
    expect((await owner.http.get(`/api/v1/cases/${id}`)).status).toBe(200);
    expect((await inspector.http.get(`/api/v1/cases/${id}`)).status).toBe(200);
    const listed = async (who: TestUser) =>
      (
        await who.http.get<{ items: CaseBody[]; total: number }>(
          '/api/v1/cases?type=clock-fixture&pageSize=200',
        )
      ).body.items.some((c) => c.id === id);
    expect(await listed(otherManager)).toBe(false);
    expect(await listed(owner)).toBe(true);
    expect(await listed(inspector)).toBe(true);

    expect((await send(inspector, id, 'REVEAL')).status).toBe(200);
    expect((await otherManager.http.get(`/api/v1/cases/${id}`)).status).toBe(200);
    expect(await listed(otherManager)).toBe(true);
    expect(await listed(outsider)).toBe(false);
  });
});
