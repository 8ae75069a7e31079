import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';
import { residentId } from './factories/relief';

interface Sanction {
  type: string;
  article: number;
  amount?: string;
  minAmount?: string;
  maxAmount?: string;
  minMonths?: number;
  maxMonths?: number;
}
interface CaseBody {
  id: string;
  state: string;
  status: string;
  data: Record<string, unknown> & {
    person?: { idNumber: string; name: string; phone?: string };
    institution?: unknown;
    respondent: string;
    proposedSanctions: Sanction[];
  };
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface PersonView {
  name: string | null;
  cases: Array<{ id: string; type: string; state: string }>;
  sanctions: Array<{
    caseId: string;
    article: number;
    sanctions: string[];
    fine: string | null;
    suspension: { months: number; running: boolean; until: string } | null;
  }>;
  runningSuspension: { months: number; running: boolean } | null;
}

/**
 * Fraud by an insured person (Decree 735 art. 41) on real MariaDB and Redis: a penalty case
 * against a person, walked to a decided fine and paid; the person view lists the sanction and
 * the running suspension of networked settlement; INSPECTOR and LEGAL see the ID masked; a
 * repeat within 2 years climbs the ladder; lists and the public results name no individual.
 */
describe('penalty cases against insured persons (Decree 735 art. 41)', () => {
  let t: TestApp;
  let anon: Http;
  let manager: TestUser;
  let legal: TestUser;
  let caseworker: TestUser;
  let inspector: TestUser;
  const idNumber = residentId(741);
  const person = { idNumber, name: '李四', phone: '13912345678' };

  beforeAll(async () => {
    t = await startTestApp({ policy: { deadlines: { 'penalty-case': { notice: '2s' } } } });
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    inspector = await createUser(admin, anon, { roles: ['INSPECTOR'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
  const getCase = async (who: TestUser, id: string) =>
    (await who.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
  const openAgainstPerson = async () => {
    const res = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      person,
      source: 'DATA_ALERT',
      summary: '大数据预警：出借医保卡供他人购药',
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const personView = async () =>
    (await caseworker.http.post<PersonView>('/api/v1/persons/lookup', { idNumber })).body;

  it('should refuse a malformed person, or a person together with an institution, naming the field', async () => {
    const badId = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      person: { idNumber: '330106198001010014', name: '李四' },
      source: 'COMPLAINT',
      summary: '冒用他人医保卡',
    });
    expect(badId.status).toBe(400);
    expect(badId.body.errors!.map((e) => e.field)).toEqual(['person.idNumber']);
    const neither = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      source: 'COMPLAINT',
      summary: '没有当事人',
    });
    expect(neither.status).toBe(400);
    expect(neither.body.errors!.map((e) => e.field)).toEqual(['institutionId']);
    const both = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      institutionId: '00000000-0000-4000-8000-000000000000',
      person,
      source: 'COMPLAINT',
      summary: '两个当事人',
    });
    expect(both.status).toBe(422);
    expect(both.body.errors!.map((e) => e.field)).toEqual(['person']);
  });

  it('should walk an art. 41 fraud case against a person to a decided fine, paid, with the person view showing it', async () => {
    const opened = await openAgainstPerson();
    expect(opened.state).toBe('investigation');
    expect(opened.data.respondent).toBe('INDIVIDUAL');
    expect(opened.data.institution).toBeUndefined();
    // INSPECTOR and LEGAL do not see the full resident ID or phone (the masking of docs/api.md).
    expect(opened.data.person).toEqual({
      idNumber: `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`,
      name: '李四',
      phone: '139****5678',
    });
    expect((await getCase(legal, opened.id)).data.person!.idNumber).toContain('********');
    expect((await getCase(caseworker, opened.id)).data.person!.idNumber).toBe(idNumber);

    // An institution's article does not apply to a person.
    const wrongArticle = await send(inspector, opened.id, {
      type: 'RECORD_INVESTIGATION',
      violations: [{ article: 40, lossAmount: '0.00', fraudAmount: '3000.00' }],
    });
    expect(wrongArticle.status).toBe(400);
    expect(wrongArticle.body.errors!.map((e) => e.field)).toEqual(['violations[0].article']);

    const investigated = await send(inspector, opened.id, {
      type: 'RECORD_INVESTIGATION',
      violations: [
        { article: 41, lossAmount: '0.00', fraudAmount: '3000.00', description: '出借医保卡' },
      ],
    });
    expect(investigated.status).toBe(200);
    const proposal = investigated.body.data.proposedSanctions;
    expect(proposal.map((s) => s.type)).toEqual([
      'ORDER_CORRECTION',
      'RECOVERY',
      'FINE',
      'SUSPENSION',
    ]);
    expect(proposal.find((s) => s.type === 'FINE')).toMatchObject({
      minAmount: '6000.00',
      maxAmount: '15000.00',
    });
    expect(proposal.find((s) => s.type === 'SUSPENSION')).toMatchObject({
      minMonths: 3,
      maxMonths: 12,
    });
    expect((await send(legal, opened.id, { type: 'APPROVE_PROPOSAL' })).body.state).toBe('notice');
    // The notice window (2 s here) closes by itself: no statement, no hearing requested.
    await eventually(
      async () => ((await getCase(manager, opened.id)).state === 'decision' ? true : undefined),
      15000,
    );
    const decided = await send(manager, opened.id, {
      type: 'DECIDE',
      sanctions: [
        { type: 'ORDER_CORRECTION', article: 41 },
        { type: 'RECOVERY', article: 41, amount: '3000.00' },
        { type: 'FINE', article: 41, amount: '8000.00' },
        { type: 'SUSPENSION', article: 41, months: 6 },
      ],
    });
    expect(decided.status).toBe(200);
    expect(decided.body.state).toBe('execution');

    const view = await personView();
    expect(view.name).toBe('李四');
    expect(view.cases.map((c) => c.id)).toContain(opened.id);
    expect(view.sanctions).toEqual([
      expect.objectContaining({
        caseId: opened.id,
        article: 41,
        sanctions: ['ORDER_CORRECTION', 'RECOVERY', 'FINE', 'SUSPENSION'],
        fine: '8000.00',
        suspension: expect.objectContaining({ months: 6, running: true }) as unknown,
      }),
    ]);
    expect(view.runningSuspension).toMatchObject({ months: 6, running: true });

    await send(caseworker, opened.id, {
      type: 'RECORD_PAYMENT',
      ledger: 'RECOVERY',
      amount: '3000.00',
      reference: 'FUND-P-001',
    });
    const paid = await send(caseworker, opened.id, {
      type: 'RECORD_PAYMENT',
      ledger: 'FINE',
      amount: '8000.00',
      reference: 'TREASURY-P-001',
    });
    expect(paid.body).toMatchObject({ state: 'closed', status: 'closed' });
    // Paid off, the suspension still runs its six months.
    expect((await personView()).runningSuspension).toMatchObject({ months: 6, running: true });
  });

  it('should climb the ladder for a repeat within 2 years, from the person’s own record', async () => {
    const again = await openAgainstPerson();
    const investigated = await send(inspector, again.id, {
      type: 'RECORD_INVESTIGATION',
      violations: [{ article: 41, lossAmount: '0.00', fraudAmount: '1000.00' }],
    });
    expect(investigated.status).toBe(200);
    const types = investigated.body.data.proposedSanctions.map((s) => s.type);
    expect(types).toEqual([
      'ORDER_CORRECTION',
      'RECOVERY',
      'FINE',
      'SUSPENSION',
      'POLICE_REFERRAL',
    ]);
    // Another person's record does not count.
    const other = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      person: { idNumber: residentId(742), name: '王五' },
      source: 'COMPLAINT',
      summary: '重复享受待遇',
    });
    const first = await send(inspector, other.body.id, {
      type: 'RECORD_INVESTIGATION',
      violations: [{ article: 41, lossAmount: '0.00', fraudAmount: '1000.00' }],
    });
    expect(first.body.data.proposedSanctions.map((s) => s.type)).not.toContain('POLICE_REFERRAL');
  });

  it('should name no individual in lists or on the public results', async () => {
    const list = await legal.http.get<{ items: CaseBody[] }>(
      '/api/v1/cases?type=penalty-case&pageSize=100',
    );
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(idNumber);
    expect(JSON.stringify(list.body)).not.toContain('13912345678');
    const results = await anon.get<unknown>('/api/v1/public/inspection-results?year=2026');
    expect(results.status).toBe(200);
    expect(JSON.stringify(results.body)).not.toContain('李四');
    expect(JSON.stringify(results.body)).not.toContain(idNumber.slice(0, 6) + '********');
  });
});
