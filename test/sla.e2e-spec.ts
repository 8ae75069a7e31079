import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { generatedPeople, generateSlaData } from '../bench/sla-data';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { addDays } from '../src/sla/periods';
import { shanghaiDate, startOfShanghaiDay } from '../src/time/shanghai';
import type { SlaFigures, SlaSummary } from '../src/sla/sla-reports.service';
import { reliefApplication, residentId } from './factories/relief';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { createUser, eventually, Http, sleep, type TestUser } from './support/http';
import { SlaJournal } from '../src/sla/sla-journal.service';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  deadlines: Array<{ name: string; kind: string; dueAt: string; overdue: boolean }>;
}
interface OverduePage {
  items: Array<{
    caseId: string;
    overdueMs: number;
    dueAt: string;
    link: string;
    stateLabel: string;
  }>;
  total: number;
}
interface Problem {
  status: number;
  errors?: Array<{ field: string; message: string }>;
}
interface SlaRecordRow {
  state: string;
  assignee_id: string | null;
  due_at: Date | null;
  left_at: Date | null;
  paused_ms: string;
  duration_ms: string | null;
  pauses_sla: number;
  breached: number;
}

const STREET = '330106001';
const streetOfficeActor = { id: 'street-1', roles: ['STREET_OFFICE'] as const, streetCode: STREET };

describe('SLA: records, overdue, summary and reports (real MariaDB and Redis)', () => {
  let t: TestApp;
  let engine: CaseEngine;
  let ds: DataSource;
  let manager: TestUser;
  let auditor: TestUser;
  let caseworker: TestUser;
  let street: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: {
        deadlines: {
          'test-fixture': { review: '3s', waiting: '60s' },
          'relief-application': { submitted: '60s', publicity: '1s' },
        },
      },
    });
    engine = t.app.get(CaseEngine);
    ds = t.app.get(DataSource);
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A fixture case in `review` (overdue-only deadline, 3 s). */
  async function inReview(): Promise<string> {
    const row = await engine.openCase({
      type: 'test-fixture',
      input: { applicant: { name: '李四', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: STREET,
    });
    await engine.applyEvent(row.id, { type: 'SUBMIT' }, streetOfficeActor);
    return row.id;
  }
  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
  /** The case's stage records, once every committed transition is folded in (SlaJournal). */
  const records = async (caseId: string): Promise<SlaRecordRow[]> => {
    await t.app.get(SlaJournal).settle();
    return ds.query('SELECT * FROM sla_records WHERE case_id = ? ORDER BY id', [caseId]);
  };
  const summary = async (query = ''): Promise<SlaSummary> => {
    const r = await manager.http.get<SlaSummary>(`/api/v1/sla/summary${query}`);
    expect(r.status).toBe(200);
    return r.body;
  };
  const stateRow = (s: SlaSummary, type: string, state: string) =>
    s.byState.find((r) => r.type === type && r.state === state);
  async function submitRelief(seq: number): Promise<string> {
    const res = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(seq) }),
      { 'idempotency-key': `sla-${seq}-${Date.now()}` },
    );
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('should mark overdue stages on the case, in GET /cases?overdue=true and in GET /sla/overdue, most overdue first', async () => {
    const first = await inReview();
    await sleep(1000);
    const second = await inReview();
    const page = await eventually(async () => {
      const r = await manager.http.get<OverduePage>('/api/v1/sla/overdue?type=test-fixture');
      const ids = r.body.items.map((i) => i.caseId);
      return ids.includes(first) && ids.includes(second) ? r.body : undefined;
    }, 15000);
    const ids = page.items.map((i) => i.caseId);
    expect(ids.indexOf(first)).toBeLessThan(ids.indexOf(second));
    const a = page.items.find((i) => i.caseId === first)!;
    const b = page.items.find((i) => i.caseId === second)!;
    expect(a.overdueMs).toBeGreaterThan(b.overdueMs);
    expect(a).toMatchObject({ link: `/cases/${first}` });

    const view = await caseworker.http.get<CaseBody>(`/api/v1/cases/${first}`);
    expect(view.body.deadlines).toEqual([
      expect.objectContaining({ name: 'review', kind: 'state', overdue: true }),
    ]);
    const listed = await manager.http.get<{ items: CaseBody[] }>(
      '/api/v1/cases?overdue=true&type=test-fixture&pageSize=500',
    );
    expect(listed.body.items.map((c) => c.id)).toEqual(expect.arrayContaining([first, second]));

    // The breach is on the stage's record as soon as the deadline marks it (the job, not the reader).
    const [, review] = await eventually(async () => {
      const rows = await records(first);
      return rows[1]?.breached ? rows : undefined;
    }, 15000);
    expect(review).toMatchObject({ state: 'review', left_at: null, breached: 1 });
    expect(review.due_at).not.toBeNull();
  });

  it('should keep live counts and completions in the summary as cases move, with the breach rate', async () => {
    const id = await inReview();
    await eventually(async () => ((await records(id))[1]?.breached ? true : undefined), 15000);
    const before = await summary('?type=test-fixture');
    expect((await send(manager, id, { type: 'APPROVE' })).status).toBe(200);
    expect((await send(caseworker, id, { type: 'RESUME' })).body.state).toBe('done');
    const after = await summary('?type=test-fixture');

    const reviewBefore = stateRow(before, 'test-fixture', 'review')!;
    const reviewAfter = stateRow(after, 'test-fixture', 'review')!;
    expect(reviewAfter.open).toBe(reviewBefore.open - 1);
    expect(reviewAfter.overdue).toBe(reviewBefore.overdue - 1);
    expect(reviewAfter.closedInRange).toBe(reviewBefore.closedInRange + 1);
    expect(reviewAfter.breached).toBe(reviewBefore.breached + 1);
    expect(reviewAfter.durationP50Ms).toBeGreaterThan(2900);
    const wf = after.byWorkflow.find((w) => w.type === 'test-fixture')!;
    const wfBefore = before.byWorkflow.find((w) => w.type === 'test-fixture')!;
    expect(wf.closedInRange).toBe(wfBefore.closedInRange + 1);
    expect(wf.breached).toBe(wfBefore.breached + 1);
    expect(wf.breachRate).toBe((wf.breached / wf.closedInRange).toFixed(4));
    // The draft stage was quick and on time: every finished draft counted, none breached.
    expect(stateRow(after, 'test-fixture', 'draft')).toMatchObject({ breached: 0, open: 0 });
    const [, review] = await records(id);
    expect(review.left_at).not.toBeNull();
    expect(Number(review.duration_ms)).toBeGreaterThan(2900);
  });

  it('should record each stage entered, due, left, paused while awaiting the applicant, and who held it', async () => {
    const id = await submitRelief(11);
    expect((await caseworker.http.post(`/api/v1/cases/${id}/claim`)).status).toBe(200);
    expect(
      (await send(caseworker, id, { type: 'REQUEST_SUPPLEMENT', items: ['住院费用明细清单'] }))
        .status,
    ).toBe(200);
    await sleep(1200);
    expect((await send(street, id, { type: 'SUPPLEMENT', note: '已补交' })).status).toBe(200);
    expect((await send(caseworker, id, { type: 'ACCEPT' })).status).toBe(200);

    const rows = await records(id);
    expect(rows.map((r) => r.state)).toEqual([
      'submitted',
      'awaiting_supplement',
      'submitted',
      'eligibility_review',
    ]);
    const [submitted, waiting, again, review] = rows;
    expect(submitted).toMatchObject({ assignee_id: caseworker.id, pauses_sla: 0, breached: 0 });
    expect(submitted.left_at).not.toBeNull();
    expect(waiting.pauses_sla).toBe(1);
    expect(Number(waiting.paused_ms)).toBeGreaterThanOrEqual(1150);
    expect(Number(waiting.duration_ms)).toBe(0);
    expect(again.left_at).not.toBeNull();
    expect(review).toMatchObject({ left_at: null, assignee_id: caseworker.id });
    expect(review.due_at).not.toBeNull();

    const api = await manager.http.get<Array<Record<string, unknown>>>(
      `/api/v1/sla/cases/${id}/records`,
    );
    expect(api.body.map((r) => [r.state, r.stateLabel, r.leftAt === null, r.assigneeName])).toEqual(
      [
        ['submitted', '已提交待受理', false, caseworker.username],
        ['awaiting_supplement', '待补正材料', false, caseworker.username],
        ['submitted', '已提交待受理', false, caseworker.username],
        ['eligibility_review', '资格审核中', true, caseworker.username],
      ],
    );
    expect(api.body[1]).toMatchObject({ durationMs: 0, breached: false });
    expect(api.body[1].pausedMs as number).toBeGreaterThanOrEqual(1150);
    expect((await street.http.get(`/api/v1/sla/cases/${id}/records`)).status).toBe(403);
    expect((await manager.http.get('/api/v1/sla/cases/nope/records')).status).toBe(404);

    const s = await summary('?type=relief-application');
    expect(stateRow(s, 'relief-application', 'awaiting_supplement')).toMatchObject({
      pausesSla: true,
      label: '待补正材料',
    });
    expect(stateRow(s, 'relief-application', 'submitted')!.closedInRange).toBeGreaterThanOrEqual(2);
    const held = s.byAssignee.find((a) => a.assigneeId === caseworker.id)!;
    expect(held.displayName).toBe(caseworker.username);
    // Waiting on the applicant is nobody's time in the bureau: only the two submitted stages.
    expect(held.closedInRange).toBe(2);
    expect(held.open).toBeGreaterThanOrEqual(1);
    expect(s.byStreet.find((x) => x.streetCode === STREET)!.open).toBeGreaterThanOrEqual(1);
  });

  it('should report seed 002 indicators per street and year from paid relief cases', async () => {
    const id = await submitRelief(12);
    await send(caseworker, id, { type: 'ACCEPT' });
    await send(caseworker, id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: '杭西低保2026-007',
    });
    await send(caseworker, id, { type: 'PROPOSE' });
    expect((await send(manager, id, { type: 'APPROVE' })).status).toBe(200);
    await eventually(async () => {
      const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
      return c.body.state === 'disbursement' ? true : undefined;
    }, 15000);
    const paid = await send(caseworker, id, {
      type: 'RECORD_PAYMENT',
      amount: '12000.00',
      reference: 'BANK-SLA-1',
    });
    expect(paid.body.state).toBe('paid');

    const r = await manager.http.get<{
      year: number;
      streets: Array<Record<string, unknown>>;
      goals: Record<string, string>;
    }>('/api/v1/sla/relief-indicators?year=2026');
    expect(r.status).toBe(200);
    // DOMAIN §1's line: in-policy 50,000, insurance 35,000, relief 12,000 -> burden 3,000.
    expect(r.body.streets).toEqual([
      {
        streetCode: STREET,
        cases: 1,
        inPolicyCost: '50000.00',
        insurancePaid: '35000.00',
        reliefPaid: '12000.00',
        personalBurden: '3000.00',
        coverageRate: '0.9400',
        burdenRate: '0.0600',
        meetsCoverageGoal: true,
        meetsBurdenGoal: true,
      },
    ]);
    expect(r.body.goals).toEqual({ coverageGoal: '0.85', burdenGoal: '0.15' });
    const csv = await t.app.inject({
      url: '/api/v1/sla/relief-indicators?year=2026&format=csv',
      headers: { authorization: await tokenOf(manager) },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('综合保障率(%)');
    expect(csv.body).toContain('94');
  });

  it('should refuse the reports to a street office and a caseworker (403), and serve auditors', async () => {
    for (const path of ['summary', 'overdue', 'relief-indicators']) {
      expect((await street.http.get(`/api/v1/sla/${path}`)).status).toBe(403);
      expect((await caseworker.http.get(`/api/v1/sla/${path}`)).status).toBe(403);
      expect((await auditor.http.get(`/api/v1/sla/${path}`)).status).toBe(200);
    }
  });

  it('should answer bad report parameters with 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/sla/summary?from=2026-02-30', 'from'],
      ['/api/v1/sla/summary?from=2026-13-01', 'from'],
      ['/api/v1/sla/summary?from=2026-05-02&to=2026-05-01', 'from'],
      ['/api/v1/sla/summary?to=yesterday', 'to'],
      ['/api/v1/sla/summary?type=nope', 'type'],
      ['/api/v1/sla/summary?format=pdf', 'format'],
      ['/api/v1/sla/summary?from=2000-01-01&to=2026-01-01', 'from'],
      ['/api/v1/sla/overdue?page=0', 'page'],
      ['/api/v1/sla/overdue?type=nope', 'type'],
      ['/api/v1/sla/relief-indicators?year=abc', 'year'],
      ['/api/v1/sla/relief-indicators?year=1999', 'year'],
    ];
    for (const [url, field] of cases) {
      const r = await manager.http.get<Problem>(url);
      expect({ url, status: r.status }).toEqual({ url, status: 400 });
      expect(r.body.errors?.map((e) => e.field)).toContain(field);
    }
  });

  it('should export the summary and the overdue list as CSV and Excel', async () => {
    const auth = { authorization: await tokenOf(manager) };
    const csv = await t.app.inject({ url: '/api/v1/sla/summary?format=csv', headers: auth });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="sla-summary-/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body.split('\n')[0]).toContain('分组');
    expect(csv.body).toContain('资格审核中');

    const xlsx = await t.app.inject({ url: '/api/v1/sla/summary?format=xlsx', headers: auth });
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['按流程', '按环节', '按街道', '按经办人']);

    const overdue = await t.app.inject({ url: '/api/v1/sla/overdue?format=xlsx', headers: auth });
    const sheet = new ExcelJS.Workbook();
    await sheet.xlsx.load(overdue.rawPayload as unknown as ArrayBuffer);
    const page = (await manager.http.get<OverduePage>('/api/v1/sla/overdue')).body;
    const ids = sheet.worksheets[0].getColumn(1).values.slice(2);
    expect(ids).toEqual(page.items.map((i) => i.caseId));
  });

  async function tokenOf(user: TestUser): Promise<string> {
    const res = await new Http(t.app).post<{ accessToken: string }>('/api/v1/auth/login', {
      username: user.username,
      password: 'password-123',
    });
    return `Bearer ${res.body.accessToken}`;
  }
});

describe('SLA summary on a known data set (generated history, checked against the raw records)', () => {
  let t: TestApp;
  let ds: DataSource;
  let manager: Http;

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    const people = generatedPeople(8, 4);
    await generateSlaData(ds, {
      cases: 3000,
      seed: 7,
      now: new Date(),
      days: 240,
      streets: people.streets,
      assignees: people.assignees,
    });
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    manager = (await createUser(admin, anon, { roles: ['MANAGER'] })).http;
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Nearest-rank percentile of exact values. */
  const exact = (values: number[], p: number): number | null => {
    if (values.length === 0) {
      return null;
    }
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
  };
  const close = (estimate: number | null, truth: number | null): boolean =>
    truth === null ? estimate === null : Math.abs(estimate! - truth) <= truth * 0.026 + 1;

  it.each([
    ['edges of two months and the whole months between', 150, 20],
    ['a few days inside one month', 40, 37],
  ])('should match the raw records over %s', async (_name, back, until) => {
    const today = shanghaiDate(new Date());
    const from = addDays(today, -back);
    const to = addDays(today, -until);
    const s = (await manager.get<SlaSummary>(`/api/v1/sla/summary?from=${from}&to=${to}`)).body;
    const lo = startOfShanghaiDay(from);
    const hi = startOfShanghaiDay(addDays(to, 1));

    const stages: Array<{
      case_type: string;
      state: string;
      elapsed: string;
      breached: number;
      assignee_id: string | null;
      pauses_sla: number;
    }> = await ds.query(
      `SELECT case_type, state, duration_ms + paused_ms AS elapsed, breached, assignee_id, pauses_sla
       FROM sla_records WHERE left_at >= ? AND left_at < ?`,
      [lo, hi],
    );
    const byState = new Map<string, { n: number; breached: number; values: number[] }>();
    for (const r of stages) {
      const k = `${r.case_type}/${r.state}`;
      const g = byState.get(k) ?? { n: 0, breached: 0, values: [] };
      g.n++;
      g.breached += r.breached;
      g.values.push(Number(r.elapsed));
      byState.set(k, g);
    }
    expect(byState.size).toBeGreaterThan(10);
    for (const [k, g] of byState) {
      const [type, state] = k.split('/');
      const row = s.byState.find((x) => x.type === type && x.state === state) as SlaFigures;
      expect({ k, n: row.closedInRange, b: row.breached }).toEqual({ k, n: g.n, b: g.breached });
      expect(row.breachRate).toBe((g.breached / g.n).toFixed(4));
      expect({ k, p50: close(row.durationP50Ms, exact(g.values, 0.5)) }).toEqual({ k, p50: true });
      expect({ k, p90: close(row.durationP90Ms, exact(g.values, 0.9)) }).toEqual({ k, p90: true });
    }

    const closed: Array<{
      type: string;
      street: string | null;
      counted: string;
      breached: number;
    }> = await ds.query(
      `SELECT c.type, c.street_code AS street, SUM(r.duration_ms) AS counted, MAX(r.breached) AS breached
         FROM cases c JOIN sla_records r ON r.case_id = c.id
         WHERE c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?
         GROUP BY c.id, c.type, c.street_code`,
      [lo, hi],
    );
    for (const type of ['relief-application', 'inspection']) {
      const mine = closed.filter((c) => c.type === type);
      const row = s.byWorkflow.find((w) => w.type === type)!;
      expect(row.closedInRange).toBe(mine.length);
      expect(row.breached).toBe(mine.filter((c) => Number(c.breached) > 0).length);
      const counted = mine.map((c) => Number(c.counted));
      expect(close(row.durationP50Ms, exact(counted, 0.5))).toBe(true);
      expect(close(row.durationP90Ms, exact(counted, 0.9))).toBe(true);
    }
    const streetCode = closed.find((c) => c.street !== null)!.street!;
    expect(s.byStreet.find((x) => x.streetCode === streetCode)!.closedInRange).toBe(
      closed.filter((c) => c.street === streetCode).length,
    );

    const open: Array<{ type: string; state: string; n: string }> = await ds.query(
      "SELECT type, state, COUNT(*) AS n FROM cases WHERE status = 'active' GROUP BY type, state",
    );
    for (const o of open) {
      expect(stateRow(s, o.type, o.state).open).toBe(Number(o.n));
    }
    expect(s.totals.open).toBe(open.reduce((a, o) => a + Number(o.n), 0));
    const [overdue] = await ds.query(
      `SELECT COUNT(*) AS n FROM cases c WHERE c.status = 'active' AND EXISTS (SELECT 1 FROM case_deadlines d
         WHERE d.case_id = c.id AND d.closed_at IS NULL AND (d.status = 'overdue' OR d.due_at < ?))`,
      [new Date()],
    );
    expect(s.totals.overdue).toBe(Number(overdue.n));
  });

  const stateRow = (s: SlaSummary, type: string, state: string) =>
    s.byState.find((r) => r.type === type && r.state === state)!;
});
