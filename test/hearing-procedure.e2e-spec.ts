import { createUser, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  allowedEvents: string[];
  data: Record<string, unknown> & {
    hearingSchedule?: { date: string; presidingOfficerId: string; earliestDate: string };
  };
  detail?: string;
  rule?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface HistoryRow {
  type: string;
  payload: Record<string, unknown>;
}
interface Inbox {
  items: Array<{ type: string; caseId: string | null; title: string; body: string }>;
}

/** YYYY-MM-DD in Asia/Shanghai, `days` calendar days from now. */
function shanghaiDay(days = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The hearing procedure of the Administrative Penalty Law art. 64 on real MariaDB and Redis, with
 * the default policy (notice 7 working days ahead): a hearing day too early is refused naming
 * `date`, an investigator as presiding officer is refused with 403 naming the rule, and a proper
 * notice reaches the presiding officer's inbox and the case's history.
 */
describe('hearing procedure (Law art. 64): notice period, presiding officer, notice', () => {
  let t: TestApp;
  let legal: TestUser;
  let secondLegal: TestUser;
  let investigatorLegal: TestUser;
  let caseworker: TestUser;
  let caseId: string;

  const send = (who: TestUser, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${caseId}/events`, event);

  beforeAll(async () => {
    t = await startTestApp();
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    const manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
    secondLegal = await createUser(admin, anon, { roles: ['LEGAL'] });
    // A bureau officer who both investigates and sits in legal: the law bars them from presiding.
    investigatorLegal = await createUser(admin, anon, { roles: ['INSPECTOR', 'LEGAL'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    const imported = await manager.http.post<{ items: Array<{ id: string }> }>(
      '/api/v1/institutions',
      [{ code: 'H640', name: '某某骨科医院', type: 'HOSPITAL', creditGrade: 'B' }],
    );
    const opened = await investigatorLegal.http.post<CaseBody>('/api/v1/penalty-cases', {
      institutionId: imported.body.items[0].id,
      source: 'COMPLAINT',
      summary: '群众举报：虚构住院',
    });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    const investigated = await send(investigatorLegal, {
      type: 'RECORD_INVESTIGATION',
      violations: [{ article: 40, lossAmount: '0.00', fraudAmount: '50000.00' }],
    });
    expect(investigated.body.state).toBe('legal_review');
    expect((await send(legal, { type: 'APPROVE_PROPOSAL' })).body.state).toBe('notice');
    const requested = await send(caseworker, { type: 'REQUEST_HEARING' });
    expect(requested.body.state).toBe('hearing');
    const asLegal = await legal.http.get<CaseBody>(`/api/v1/cases/${caseId}`);
    expect(asLegal.body.allowedEvents).toContain('SCHEDULE_HEARING');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('should refuse a hearing day less than 7 working days after the notice (422 naming date)', async () => {
    // Tomorrow is never 7 working days away.
    const early = await send(legal, {
      type: 'SCHEDULE_HEARING',
      date: shanghaiDay(1),
      presidingOfficerId: secondLegal.id,
    });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([
      { field: 'date', message: expect.stringContaining('earliest hearing day') as string },
    ]);
    const notADate = await send(legal, {
      type: 'SCHEDULE_HEARING',
      date: 'next week',
      presidingOfficerId: secondLegal.id,
    });
    expect(notADate.status).toBe(400);
    expect(notADate.body.errors!.map((e) => e.field)).toEqual(['date']);
  });

  it('should refuse an investigator of the case as presiding officer (403 naming the rule)', async () => {
    const res = await send(legal, {
      type: 'SCHEDULE_HEARING',
      date: shanghaiDay(30),
      presidingOfficerId: investigatorLegal.id,
    });
    expect(res.status).toBe(403);
    expect(res.body.rule).toBe('presiding-officer-not-investigator');
    expect(res.body.detail).toContain('presiding-officer-not-investigator');
    const notLegal = await send(legal, {
      type: 'SCHEDULE_HEARING',
      date: shanghaiDay(30),
      presidingOfficerId: caseworker.id,
    });
    expect(notLegal.status).toBe(422);
    expect(notLegal.body.errors!.map((e) => e.field)).toEqual(['presidingOfficerId']);
  });

  it('should notify the hearing to the presiding officer and keep it in the history; no hearing before its day', async () => {
    const date = shanghaiDay(30);
    const res = await send(legal, {
      type: 'SCHEDULE_HEARING',
      date,
      presidingOfficerId: secondLegal.id,
    });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('hearing');
    expect(res.body.data.hearingSchedule).toMatchObject({
      date,
      presidingOfficerId: secondLegal.id,
    });
    const history = (await caseworker.http.get<HistoryRow[]>(`/api/v1/cases/${caseId}/history`))
      .body;
    expect(history.map((h) => h.type)).toContain('SCHEDULE_HEARING');
    const inbox = (await secondLegal.http.get<Inbox>('/api/v1/notifications')).body;
    const notice = inbox.items.find((n) => n.type === 'hearing.notice');
    expect(notice).toMatchObject({ caseId });
    expect(notice!.body).toContain(date);
    expect(notice!.body).toContain('某某骨科医院');
    // The hearing day is a month away: it cannot be held (nor waived) today.
    const held = await send(secondLegal, { type: 'HEARING_HELD', outcome: 'waived' });
    expect(held.status).toBe(422);
    expect(held.body.detail).toContain(date);
  });
});
