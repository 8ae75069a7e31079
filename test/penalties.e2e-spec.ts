import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Sanction {
  type: string;
  article: number;
  amount?: string;
  minAmount?: string;
  maxAmount?: string;
  months?: number;
  minMonths?: number;
  maxMonths?: number;
}
interface CaseBody {
  id: string;
  type: string;
  state: string;
  status: string;
  allowedEvents: string[];
  deadlines: Array<{ name: string; kind: string; dueAt: string; overdue: boolean }>;
  data: Record<string, unknown> & {
    links: Array<{ rel: string; caseId: string }>;
    proposedSanctions: Sanction[];
    sanctions: Sanction[];
  };
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface Credit {
  grade: string;
  score: number;
  reasons: string[];
  blacklistedUntil: string | null;
}

/**
 * Penalty cases on real MariaDB and Redis: the Decree 735 ladder and legal ranges, hearing
 * rights, the notice window closing by itself, the two ledgers, credit grades, and a penalty
 * case opened by an inspection that sends PENALTY_CLOSED back and shows on the public results.
 */
describe('penalties: ladder, legal deadlines, hearing rights, ledgers and credit', () => {
  let t: TestApp;
  let anon: Http;
  let manager: TestUser;
  let legal: TestUser;
  let caseworker: TestUser;
  let inspector: TestUser;
  let partner: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // The hearing notice period is a second here so a hearing can be held today; its 7 working
    // days are test/hearing-procedure.e2e-spec.ts's.
    t = await startTestApp({
      policy: {
        deadlines: { 'penalty-case': { notice: '2s' } },
        penalty: { hearingNoticePeriod: '1s' },
      },
    });
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    inspector = await createUser(admin, anon, { roles: ['INSPECTOR'] });
    partner = await createUser(admin, anon, { roles: ['INSPECTOR'] });
    const imported = await manager.http.post<{ items: Array<{ id: string; code: string }> }>(
      '/api/v1/institutions',
      [
        { code: 'H100', name: '某某医院', type: 'HOSPITAL', creditGrade: 'B' },
        { code: 'H200', name: '某某专科医院', type: 'HOSPITAL', creditGrade: 'A' },
        { code: 'D300', name: '某某大药房', type: 'PHARMACY', creditGrade: 'B' },
      ],
    );
    for (const i of imported.body.items) {
      ids[i.code] = i.id;
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
  const getCase = async (who: TestUser, id: string) =>
    (await who.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
  const open = async (code: string) => {
    const res = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      institutionId: ids[code],
      source: 'COMPLAINT',
      summary: '群众举报：虚构医疗服务',
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const credit = async (code: string) =>
    (await manager.http.get<Credit>(`/api/v1/institutions/${ids[code]}/credit`)).body;

  it('should refuse a penalty case for an institution not in the directory, naming the field', async () => {
    const res = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      institutionId: '00000000-0000-4000-8000-000000000000',
      source: 'COMPLAINT',
      summary: '无此机构',
    });
    expect(res.status).toBe(422);
    expect(res.body.errors!.map((e) => e.field)).toEqual(['institutionId']);
    const bad = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      institutionId: 'x',
      source: 'RUMOUR',
      summary: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.field).sort()).toEqual([
      'institutionId',
      'source',
      'summary',
    ]);
  });

  it('should run an art. 40 fraud case with a hearing through payment of both ledgers, and lower the grade', async () => {
    expect((await credit('H100')).grade).toBe('B');
    const opened = await open('H100');
    expect(opened.state).toBe('investigation');
    const clock = opened.deadlines.find((d) => d.kind === 'case')!;
    expect(clock.name).toBe('decision');
    // 90 calendar days from filing (立案).
    const days = (Date.parse(clock.dueAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(90);
    expect(days).toBeLessThanOrEqual(91);

    const investigated = await send(inspector, opened.id, {
      type: 'RECORD_INVESTIGATION',
      violations: [
        { article: 40, lossAmount: '0.00', fraudAmount: '120000.00', description: '虚构住院' },
      ],
    });
    expect(investigated.status).toBe(200);
    expect(investigated.body.state).toBe('legal_review');
    const proposal = investigated.body.data.proposedSanctions;
    expect(proposal.every((s) => s.article === 40)).toBe(true);
    expect(proposal.find((s) => s.type === 'RECOVERY')).toMatchObject({ amount: '120000.00' });
    expect(proposal.find((s) => s.type === 'FINE')).toMatchObject({
      minAmount: '240000.00',
      maxAmount: '600000.00',
    });
    expect(proposal.find((s) => s.type === 'SUSPENSION')).toMatchObject({
      minMonths: 6,
      maxMonths: 12,
    });
    expect(proposal.map((s) => s.type)).toContain('BLACKLIST');

    expect((await send(legal, opened.id, { type: 'APPROVE_PROPOSAL' })).body.state).toBe('notice');
    const statement = await send(caseworker, opened.id, {
      type: 'STATEMENT',
      text: '系系统误操作，请求从轻',
    });
    expect(statement.body).toMatchObject({ state: 'notice' });
    const hearing = await send(caseworker, opened.id, { type: 'REQUEST_HEARING' });
    expect(hearing.status).toBe(200);
    expect(hearing.body.state).toBe('hearing');
    // Hearing time is not counted: the decision clock stands still.
    expect(hearing.body.deadlines.find((d) => d.name === 'decision')).toBeUndefined();
    const notified = await send(legal, opened.id, {
      type: 'SCHEDULE_HEARING',
      date: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
      presidingOfficerId: legal.id,
    });
    expect(notified.status).toBe(200);
    const held = await send(legal, opened.id, {
      type: 'HEARING_HELD',
      outcome: '当事人到场陈述申辩',
    });
    expect(held.body.state).toBe('decision');
    expect(held.body.deadlines.find((d) => d.name === 'decision')).toBeDefined();

    const tooHigh = await send(manager, opened.id, {
      type: 'DECIDE',
      sanctions: [
        { type: 'RECOVERY', article: 40, amount: '120000.00' },
        { type: 'FINE', article: 40, amount: '700000.00' },
      ],
    });
    expect(tooHigh.status).toBe(422);
    expect(tooHigh.body.detail).toContain('600000.00');
    const tooLong = await send(manager, opened.id, {
      type: 'DECIDE',
      sanctions: [{ type: 'SUSPENSION', article: 40, months: 13 }],
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.detail).toMatch(/6.*12/);

    const decided = await send(manager, opened.id, {
      type: 'DECIDE',
      sanctions: [
        { type: 'RECOVERY', article: 40, amount: '120000.00' },
        { type: 'FINE', article: 40, amount: '300000.00' },
        { type: 'SUSPENSION', article: 40, months: 6 },
        { type: 'BLACKLIST', article: 40 },
      ],
    });
    expect(decided.status).toBe(200);
    expect(decided.body.state).toBe('execution');
    expect(decided.body.deadlines.find((d) => d.name === 'decision')).toBeUndefined();
    const due = (
      await caseworker.http.get<{
        lateFee: { amount: string };
        ledgers: Record<string, { due: string; outstanding: string }>;
      }>(`/api/v1/penalty-cases/${opened.id}/amounts-due`)
    ).body;
    expect(due.lateFee.amount).toBe('0.00');
    expect(due.ledgers.FINE).toMatchObject({ due: '300000.00', outstanding: '300000.00' });
    expect(due.ledgers.RECOVERY).toMatchObject({ due: '120000.00', outstanding: '120000.00' });

    // ENFORCE only after the fine's due date.
    expect((await send(legal, opened.id, { type: 'ENFORCE' })).status).toBe(422);
    const over = await send(caseworker, opened.id, {
      type: 'RECORD_PAYMENT',
      ledger: 'RECOVERY',
      amount: '120000.01',
      reference: 'FUND-2026-001',
    });
    expect(over.status).toBe(422);
    await send(caseworker, opened.id, {
      type: 'RECORD_PAYMENT',
      ledger: 'RECOVERY',
      amount: '120000.00',
      reference: 'FUND-2026-001',
    });
    const paid = await send(caseworker, opened.id, {
      type: 'RECORD_PAYMENT',
      ledger: 'FINE',
      amount: '300000.00',
      reference: 'TREASURY-2026-001',
    });
    expect(paid.body).toMatchObject({ state: 'closed', status: 'closed' });
    const ledgers = (
      await caseworker.http.get<{ payments: Array<{ ledger: string; amount: string }> }>(
        `/api/v1/penalty-cases/${opened.id}/amounts-due`,
      )
    ).body;
    expect(ledgers.payments.map((p) => [p.ledger, p.amount])).toEqual([
      ['RECOVERY', '120000.00'],
      ['FINE', '300000.00'],
    ]);

    const after = await credit('H100');
    expect(after.grade).toBe('E');
    expect(after.blacklistedUntil).not.toBeNull();
    expect(after.reasons.join('\n')).toContain('40');
  });

  it('should refuse a hearing for an art. 39 case and move on by itself when the notice window closes', async () => {
    const opened = await open('H200');
    const investigated = await send(inspector, opened.id, {
      type: 'RECORD_INVESTIGATION',
      violations: [
        { article: 39, lossAmount: '0.00', fraudAmount: '0.00', description: '未按规定保存票据' },
      ],
    });
    const types = investigated.body.data.proposedSanctions.map((s) => s.type);
    expect(types).toContain('ORDER_CORRECTION');
    expect(types).not.toContain('FINE');
    await send(legal, opened.id, { type: 'APPROVE_PROPOSAL' });
    const refused = await send(caseworker, opened.id, { type: 'REQUEST_HEARING' });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/hearing/i);
    const moved = await eventually(async () => {
      const c = await getCase(manager, opened.id);
      return c.state === 'decision' ? c : undefined;
    }, 10000);
    expect(moved.state).toBe('decision');
    const history = (
      await manager.http.get<Array<{ type: string; actor: string }>>(
        `/api/v1/cases/${opened.id}/history`,
      )
    ).body;
    expect(history.find((e) => e.type === 'DEADLINE_NOTICE')?.actor).toBe('system');
    // Once the window has closed, a hearing can no longer be requested at all.
    expect((await send(caseworker, opened.id, { type: 'REQUEST_HEARING' })).status).toBe(422);

    // A fine under art. 39 needs a refusal to correct.
    const fined = await send(manager, opened.id, {
      type: 'DECIDE',
      sanctions: [{ type: 'FINE', article: 39, amount: '10000.00' }],
    });
    expect(fined.status).toBe(422);
    const extended = await send(manager, opened.id, {
      type: 'EXTEND_DECISION',
      reason: '案情复杂，经负责人批准',
    });
    expect(extended.status).toBe(200);
    const before = Date.parse(moved.deadlines.find((d) => d.name === 'decision')!.dueAt);
    const afterExt = Date.parse(extended.body.deadlines.find((d) => d.name === 'decision')!.dueAt);
    expect(afterExt - before).toBe(30 * 86_400_000);
    expect(
      (await send(manager, opened.id, { type: 'EXTEND_DECISION', reason: '再次延期' })).status,
    ).toBe(422);
    const decided = await send(manager, opened.id, {
      type: 'DECIDE',
      sanctions: [{ type: 'ORDER_CORRECTION', article: 39 }],
    });
    expect(decided.body).toMatchObject({ state: 'closed', status: 'closed' });
  });

  it('should send PENALTY_CLOSED to the inspection that opened the case and publish its sanctions', async () => {
    const plan = await manager.http.post<{ id: string }>('/api/v1/inspection-plans', {
      name: '药店专项检查',
      year: 2026,
      kind: 'SPECIAL',
      sampleSize: 1,
      institutionTypes: ['PHARMACY'],
      teamSize: 2,
    });
    const draw = await manager.http.post<{ caseIds: string[] }>(
      `/api/v1/inspection-plans/${plan.body.id}/draw`,
      { seed: 'pharmacy-2026' },
    );
    const [inspectionId] = draw.body.caseIds;
    await send(inspector, inspectionId, { type: 'START_ONSITE' });
    await send(partner, inspectionId, {
      type: 'RECORD_FINDINGS',
      conclusion: 'SUSPECTED_FRAUD',
      findings: [{ article: 40, description: '串换药品，套取医保基金', amount: '50000.00' }],
    });
    expect((await send(manager, inspectionId, { type: 'CONFIRM' })).body.state).toBe(
      'awaiting_penalty',
    );
    const penaltyId = await eventually(async () => {
      const c = await getCase(manager, inspectionId);
      return c.data.links.find((l) => l.rel === 'penalty-case')?.caseId;
    });
    const penalty = await getCase(manager, penaltyId);
    expect(penalty.data).toMatchObject({ source: 'INSPECTION', refusedToCorrect: false });
    await send(inspector, penaltyId, {
      type: 'RECORD_INVESTIGATION',
      violations: [{ article: 40, lossAmount: '0.00', fraudAmount: '50000.00' }],
    });
    await send(legal, penaltyId, { type: 'APPROVE_PROPOSAL' });
    await eventually(async () =>
      (await getCase(manager, penaltyId)).state === 'decision' ? true : undefined,
    );
    await send(manager, penaltyId, {
      type: 'DECIDE',
      sanctions: [
        { type: 'RECOVERY', article: 40, amount: '50000.00' },
        { type: 'FINE', article: 40, amount: '100000.00' },
        { type: 'SUSPENSION', article: 40, months: 6 },
      ],
    });
    await send(caseworker, penaltyId, {
      type: 'RECORD_PAYMENT',
      ledger: 'FINE',
      amount: '100000.00',
      reference: 'T-1',
    });
    const closed = await send(caseworker, penaltyId, {
      type: 'RECORD_PAYMENT',
      ledger: 'RECOVERY',
      amount: '50000.00',
      reference: 'F-1',
    });
    expect(closed.body.state).toBe('closed');

    const back = await eventually(async () => {
      const c = await getCase(manager, inspectionId);
      return c.state === 'publication' ? c : undefined;
    });
    expect((back.data.penalty as { sanctions: Sanction[] }).sanctions.map((s) => s.type)).toEqual([
      'RECOVERY',
      'FINE',
      'SUSPENSION',
    ]);
    expect((await send(manager, inspectionId, { type: 'PUBLISH' })).body.state).toBe('closed');
    const results = (
      await anon.get<{
        items: Array<{ institutionCode: string; conclusion: string; sanctions: Sanction[] }>;
      }>('/api/v1/public/inspection-results?year=2026')
    ).body.items;
    const row = results.find((r) => r.institutionCode === 'D300')!;
    expect(row.conclusion).toBe('SUSPECTED_FRAUD');
    expect(row.sanctions.find((s) => s.type === 'FINE')).toMatchObject({ amount: '100000.00' });
    expect((await credit('D300')).grade).toBe('E');
  });
});
