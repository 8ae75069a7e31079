import { DataSource } from 'typeorm';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  status: string;
  allowedEvents: string[];
  deadlines: Array<{ name: string; kind: string; dueAt: string; overdue: boolean }>;
  data: Record<string, unknown> & { links: Array<{ rel: string; caseId: string }> };
}
interface DrawBody {
  planId: string;
  seed: string;
  algorithm: string;
  institutions: Array<{ id: string; code: string }>;
  teams: Array<{ institutionId: string; inspectorIds: string[] }>;
  caseIds: string[];
  institutionsHash: string;
}
interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

/**
 * Double random, one public (双随机一公开) through the API on real MariaDB and Redis: the
 * directory import, a plan, its seeded draw and verification, an inspection walked to the public
 * results, and an unanswered rectification that opens a penalty case by itself.
 */
describe('inspections: directory, draw, inspection cases and public results', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let manager: TestUser;
  let otherManager: TestUser;
  let caseworker: TestUser;
  const inspectors: TestUser[] = [];
  /** Affiliated with H002: never on H002's team. */
  let affiliated: TestUser;

  const institutions = [
    {
      code: 'H001',
      name: '杭州市西溪医院',
      type: 'HOSPITAL',
      level: 3,
      district: '西湖区',
      creditGrade: 'A',
    },
    {
      code: 'H002',
      name: '浙江省中医院',
      type: 'HOSPITAL',
      level: 3,
      district: '上城区',
      creditGrade: 'E',
    },
    { code: 'P001', name: '翠苑社区卫生服务中心', type: 'PRIMARY_CARE', district: '西湖区' },
    { code: 'C001', name: '文新诊所', type: 'CLINIC', district: '西湖区', creditGrade: 'C' },
  ];

  beforeAll(async () => {
    t = await startTestApp({
      policy: { deadlines: { inspection: { rectification: '2s' } } },
    });
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    otherManager = await createUser(admin, anon, { roles: ['MANAGER'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    for (let i = 0; i < 4; i++) {
      inspectors.push(
        await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: '区医保局' }),
      );
    }
    affiliated = await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: 'h002' });
    inspectors.push(affiliated);
  });

  afterAll(async () => {
    await t?.close();
  });

  const count = async (): Promise<number> =>
    (await manager.http.get<{ total: number }>('/api/v1/institutions')).body.total;
  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody & Problem>(`/api/v1/cases/${id}/events`, event);
  const getCase = async (who: TestUser, id: string) =>
    (await who.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
  const teamOf = (draw: DrawBody, caseIndex: number): TestUser[] => {
    const ids = draw.teams[caseIndex].inspectorIds;
    return inspectors.filter((i) => ids.includes(i.id));
  };

  it('should import institutions as JSON and CSV, refusing a batch with a bad row whole', async () => {
    const created = await manager.http.post<{ created: number; items: Array<{ code: string }> }>(
      '/api/v1/institutions',
      institutions,
    );
    expect(created.status).toBe(201);
    expect(created.body.created).toBe(4);

    const bad = await manager.http.post<Problem>(
      '/api/v1/institutions',
      'code,name,type,level,creditGrade\nD001,一心堂药店,PHARMACY,,B\nD002,好药师,SHOP,,B\nD003,,PHARMACY,4,Z\n',
      { 'content-type': 'text/csv' },
    );
    expect(bad.status).toBe(400);
    const fields = bad.body.errors!.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'rows[2].type',
        'rows[3].name',
        'rows[3].level',
        'rows[3].creditGrade',
      ]),
    );
    expect(fields.some((f) => f.startsWith('rows[1]'))).toBe(false);
    expect(await count()).toBe(4);

    const again = await manager.http.post<Problem>('/api/v1/institutions', [institutions[0]]);
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([
      { field: 'rows[1].code', message: 'H001 is already in the directory' },
    ]);

    const boundary = 'yibao-boundary';
    const multipart =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="drugstores.csv"\r\n` +
      'Content-Type: text/csv\r\n\r\ncode,name,type,district,creditGrade\n' +
      'D001,一心堂药店,PHARMACY,西湖区,B\nD002,好药师大药房,PHARMACY,西湖区,D\n' +
      `\r\n--${boundary}--\r\n`;
    const uploaded = await manager.http.post<{ created: number }>(
      '/api/v1/institutions',
      multipart,
      {
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.created).toBe(2);
    expect(await count()).toBe(6);
    expect((await caseworker.http.post('/api/v1/institutions', institutions[0])).status).toBe(403);
  });

  it('should refuse bad plans naming the field', async () => {
    const small = await manager.http.post<Problem>('/api/v1/inspection-plans', {
      name: '一人检查',
      year: 2026,
      kind: 'ROUTINE',
      sampleSize: 2,
      teamSize: 1,
    });
    expect(small.status).toBe(400);
    expect(small.body.errors!.map((e) => e.field)).toEqual(['teamSize']);
    const both = await manager.http.post<Problem>('/api/v1/inspection-plans', {
      name: '两种抽样',
      year: 2026,
      kind: 'ROUTINE',
      sampleSize: 2,
      sampleRatio: '0.5',
      teamSize: 2,
    });
    expect(both.status).toBe(400);
    expect(both.body.errors!.map((e) => e.field)).toEqual(['sampleRatio']);
  });

  let draw: DrawBody;

  it('should draw a plan once, reproducibly, with teams of two and recusal, and verify it', async () => {
    const plan = await manager.http.post<{ id: string }>('/api/v1/inspection-plans', {
      name: '2026年度医院双随机抽查',
      year: 2026,
      kind: 'ROUTINE',
      sampleRatio: '1',
      institutionTypes: ['HOSPITAL'],
      teamSize: 2,
    });
    expect(plan.status).toBe(201);
    const drawn = await manager.http.post<DrawBody>(
      `/api/v1/inspection-plans/${plan.body.id}/draw`,
      {
        seed: '2026-11-24 福彩3D 517',
      },
    );
    expect(drawn.status).toBe(201);
    draw = drawn.body;
    expect(draw.seed).toBe('2026-11-24 福彩3D 517');
    expect(draw.algorithm).toMatch(/^sha256-ctr/);
    expect(draw.institutions.map((i) => i.code).sort()).toEqual(['H001', 'H002']);
    expect(draw.caseIds).toHaveLength(2);
    for (const team of draw.teams) {
      expect(new Set(team.inspectorIds).size).toBe(2);
    }
    const h002 = draw.institutions.find((i) => i.code === 'H002')!;
    expect(draw.teams.find((tm) => tm.institutionId === h002.id)!.inspectorIds).not.toContain(
      affiliated.id,
    );

    const twice = await manager.http.post<Problem>(
      `/api/v1/inspection-plans/${plan.body.id}/draw`,
      {},
    );
    expect(twice.status).toBe(409);
    const stored = await caseworker.http.get<DrawBody>(
      `/api/v1/inspection-plans/${plan.body.id}/draw`,
    );
    expect(stored.body.teams).toEqual(draw.teams);
    const verified = await caseworker.http.post<{ matches: boolean }>(
      `/api/v1/inspection-plans/${plan.body.id}/verify-draw`,
    );
    expect(verified.body.matches).toBe(true);
    // 一公开: anyone can read the draw and have it re-run, without an account.
    expect((await anon.get(`/api/v1/public/inspection-plans/${plan.body.id}/draw`)).status).toBe(
      200,
    );

    const first = await getCase(manager, draw.caseIds[0]);
    expect(first).toMatchObject({ type: 'inspection', state: 'scheduled' });
    expect((first.data.team as Array<{ userId: string }>).map((m) => m.userId)).toEqual(
      draw.teams[0].inspectorIds,
    );
    expect(first.deadlines.map((d) => d.name)).toEqual(['scheduled']);
  });

  it('should detect an edited stored draw', async () => {
    const plan = await manager.http.post<{ id: string }>('/api/v1/inspection-plans', {
      name: '诊所抽查',
      year: 2026,
      kind: 'SPECIAL',
      sampleSize: 1,
      institutionTypes: ['CLINIC', 'PHARMACY'],
      teamSize: 2,
    });
    await manager.http.post(`/api/v1/inspection-plans/${plan.body.id}/draw`, { seed: 'edit-me' });
    const ds = t.app.get(DataSource);
    const [{ record }] = await ds.query<Array<{ record: string }>>(
      'SELECT record FROM inspection_draws WHERE plan_id = ?',
      [plan.body.id],
    );
    const edited = JSON.parse(record) as { teams: Array<{ inspectorIds: string[] }> };
    edited.teams[0].inspectorIds.reverse();
    await ds.query('UPDATE inspection_draws SET record = ? WHERE plan_id = ?', [
      JSON.stringify(edited),
      plan.body.id,
    ]);
    const verified = await anon.post<{ matches: boolean; mismatches: string[] }>(
      `/api/v1/public/inspection-plans/${plan.body.id}/verify-draw`,
    );
    expect(verified.body.matches).toBe(false);
    expect(verified.body.mismatches.join()).toContain('teams');
  });

  it('should refuse a draw without enough inspectors with 422 naming teamSize, and open nothing', async () => {
    const plan = await manager.http.post<{ id: string }>('/api/v1/inspection-plans', {
      name: '大组检查',
      year: 2026,
      kind: 'SPECIAL',
      sampleSize: 1,
      teamSize: 6,
    });
    const before = (await manager.http.get<{ total: number }>('/api/v1/cases?type=inspection')).body
      .total;
    const refused = await manager.http.post<Problem>(
      `/api/v1/inspection-plans/${plan.body.id}/draw`,
      {},
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors!.map((e) => e.field)).toContain('teamSize');
    expect((await manager.http.get(`/api/v1/inspection-plans/${plan.body.id}/draw`)).status).toBe(
      404,
    );
    const after = (await manager.http.get<{ total: number }>('/api/v1/cases?type=inspection')).body
      .total;
    expect(after).toBe(before);
  });

  it('should walk an inspection to publication and show it on the public list, without personal data', async () => {
    const id = draw.caseIds[0];
    const [lead, second] = teamOf(draw, 0);
    const outsider = inspectors.find((i) => !draw.teams[0].inspectorIds.includes(i.id))!;
    expect((await send(outsider, id, { type: 'START_ONSITE' })).status).toBe(404);
    expect((await send(lead, id, { type: 'START_ONSITE' })).status).toBe(200);
    const findings = await send(second, id, {
      type: 'RECORD_FINDINGS',
      conclusion: 'NO_ISSUE',
      findings: [],
    });
    expect(findings.body.state).toBe('findings_review');
    expect(findings.body.deadlines.find((d) => d.kind === 'case')).toMatchObject({
      name: 'publication',
    });
    expect((await send(lead, id, { type: 'CONFIRM' })).status).toBe(403);
    expect((await send(manager, id, { type: 'CONFIRM' })).body.state).toBe('publication');
    const closed = await send(manager, id, { type: 'PUBLISH' });
    expect(closed.body).toMatchObject({ state: 'closed', status: 'closed' });

    const published = await anon.get<{ items: Array<Record<string, unknown>>; total: number }>(
      '/api/v1/public/inspection-results?year=2026',
    );
    expect(published.status).toBe(200);
    const code = draw.institutions[0].code;
    const row = published.body.items.find((r) => r.institutionCode === code)!;
    expect(row).toMatchObject({
      conclusion: 'NO_ISSUE',
      year: 2026,
      kind: 'ROUTINE',
      sanctions: [],
    });
    expect(row.inspectedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const text = JSON.stringify(published.body);
    for (const inspector of inspectors) {
      expect(text).not.toContain(inspector.id);
      expect(text).not.toContain(inspector.username);
    }
    const district = (
      await anon.get<{ total: number }>(
        `/api/v1/public/inspection-results?year=2026&district=${encodeURIComponent('没有的区')}`,
      )
    ).body;
    expect(district.total).toBe(0);
    expect((await anon.get('/api/v1/public/inspection-results?year=abc')).status).toBe(400);
  });

  it('should open a penalty case by itself when the rectification deadline passes unanswered', async () => {
    const id = draw.caseIds[1];
    const [lead] = teamOf(draw, 1);
    await send(lead, id, { type: 'START_ONSITE' });
    const recorded = await send(lead, id, {
      type: 'RECORD_FINDINGS',
      conclusion: 'ISSUES',
      findings: [{ article: 38, description: '超标准收费：重复收取护理费', amount: '5000.00' }],
    });
    expect(recorded.status).toBe(200);
    expect((await send(manager, id, { type: 'CONFIRM' })).body.state).toBe('rectification');
    const waiting = await eventually(async () => {
      const c = await getCase(manager, id);
      return c.state === 'awaiting_penalty' && c.data.links.length > 0 ? c : undefined;
    }, 15000);
    expect(waiting.data.penaltyReferral).toMatchObject({
      reason: 'RECTIFICATION_UNANSWERED',
      refusedToCorrect: true,
    });
    const link = waiting.data.links.find((l) => l.rel === 'penalty-case')!;
    const penalty = await getCase(manager, link.caseId);
    expect(penalty).toMatchObject({ type: 'penalty-case', state: 'investigation' });
    expect(penalty.data).toMatchObject({
      source: 'INSPECTION',
      inspectionCaseId: id,
      refusedToCorrect: true,
      institution: { code: draw.institutions[1].code },
    });
    expect(penalty.data.links).toEqual([{ rel: 'inspection', caseId: id }]);
  });

  it('should keep a FLIGHT draw secret to its owner and team until the team is on site', async () => {
    const plan = await manager.http.post<{ id: string }>('/api/v1/inspection-plans', {
      name: '飞行检查',
      year: 2026,
      kind: 'FLIGHT',
      sampleSize: 1,
      institutionTypes: ['PRIMARY_CARE'],
      teamSize: 2,
      windowDays: 3,
    });
    expect(
      (await otherManager.http.post(`/api/v1/inspection-plans/${plan.body.id}/draw`, {})).status,
    ).toBe(403);
    const drawn = await manager.http.post<DrawBody>(
      `/api/v1/inspection-plans/${plan.body.id}/draw`,
      {},
    );
    expect(drawn.status).toBe(201);
    const [caseId] = drawn.body.caseIds;
    expect((await otherManager.http.get(`/api/v1/cases/${caseId}`)).status).toBe(404);
    expect((await caseworker.http.get(`/api/v1/cases/${caseId}`)).status).toBe(404);
    expect(
      (await otherManager.http.get(`/api/v1/inspection-plans/${plan.body.id}/draw`)).status,
    ).toBe(404);
    expect((await anon.get(`/api/v1/public/inspection-plans/${plan.body.id}/draw`)).status).toBe(
      404,
    );
    const listed = await otherManager.http.get<{ items: CaseBody[] }>(
      '/api/v1/cases?type=inspection&pageSize=100',
    );
    expect(listed.body.items.some((c) => c.id === caseId)).toBe(false);
    const ownCase = await getCase(manager, caseId);
    const due = ownCase.deadlines.find((d) => d.name === 'scheduled')!;
    // windowDays 3: due at 00:00 Asia/Shanghai after the third calendar day.
    expect(Date.parse(due.dueAt) - Date.now()).toBeGreaterThan(2 * 86_400_000);
    expect(Date.parse(due.dueAt) - Date.now()).toBeLessThanOrEqual(4 * 86_400_000);

    const [lead] = inspectors.filter((i) => drawn.body.teams[0].inspectorIds.includes(i.id));
    expect((await lead.http.get(`/api/v1/cases/${caseId}`)).status).toBe(200);
    expect((await send(lead, caseId, { type: 'START_ONSITE' })).status).toBe(200);
    expect((await otherManager.http.get(`/api/v1/cases/${caseId}`)).status).toBe(200);
    expect((await anon.get(`/api/v1/public/inspection-plans/${plan.body.id}/draw`)).status).toBe(
      200,
    );
  });
});
