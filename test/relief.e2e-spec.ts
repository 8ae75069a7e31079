import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { personKey } from '../src/relief/relief-ledger.service';
import { expense, reliefApplication, RESIDENT_IDS } from './factories/relief';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

/** 说明理由: the proposals here are the computed amounts, some of them large. */
const PROPOSAL_REASON = '按测算金额提出，经办人已核对全部票据';

interface CaseBody {
  id: string;
  type: string;
  state: string;
  status: string;
  version: number;
  policyVersion: string;
  allowedEvents: string[];
  data: Record<string, unknown> & {
    calculation?: {
      reliefAmount: string;
      eligibleBase: string;
      personalBurdenAfter: string;
      policyVersion: string;
    };
    approvedAmount?: string;
    payment?: { amount: string };
    hardshipReferral?: { burden: string; threshold: string };
  };
  errors?: Array<{ field: string; message: string }>;
}

describe('relief applications (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let street: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      policy: { deadlines: { 'relief-application': { publicity: '2s' } } },
    });
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  const submit = (body: unknown, key: string = randomUUID(), who: TestUser = street) =>
    who.http.post<CaseBody>('/api/v1/relief-applications', body, { 'idempotency-key': key });
  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);

  /** submitted -> ACCEPT -> VERIFY -> PROPOSE -> APPROVE: the case waits in publicity. */
  async function toPublicity(idNumber: string, expenses = [expense()]): Promise<CaseBody> {
    const created = await submit(reliefApplication({ idNumber, expenses }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await send(caseworker, id, { type: 'ACCEPT' })).status).toBe(200);
    const verified = await send(caseworker, id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: '民低保字0001',
    });
    expect(verified.status).toBe(200);
    // A stated reason: large sums (above policy duties.reasonRequiredAbove) need one.
    const proposed = await send(caseworker, id, { type: 'PROPOSE', reason: PROPOSAL_REASON });
    expect(proposed.status).toBe(200);
    return (await send(manager, id, { type: 'APPROVE' })).body;
  }

  it('should take an application from submission to payment with the docs/domain.md §1 numbers', async () => {
    const created = await submit(reliefApplication({ idNumber: RESIDENT_IDS.a }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'relief-application',
      state: 'submitted',
      policyVersion: '2026.1',
    });
    const id = created.body.id;
    await send(caseworker, id, { type: 'ACCEPT' });
    const verified = await send(caseworker, id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: '民低保字0001',
    });
    expect(verified.body.state).toBe('amount_review');
    expect(verified.body.data.calculation).toMatchObject({
      eligibleBase: '15000.00',
      reliefAmount: '12000.00',
      personalBurdenAfter: '3000.00',
      policyVersion: '2026.1',
    });
    await send(caseworker, id, { type: 'PROPOSE' });
    const approved = await send(manager, id, { type: 'APPROVE' });
    expect(approved.body).toMatchObject({
      state: 'publicity',
      data: { approvedAmount: '12000.00' },
    });

    // 公示 7 days (2s in this test's policy) pass without objection: on to disbursement.
    const disbursing = await eventually(async () => {
      const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
      return c.body.state === 'disbursement' ? c.body : undefined;
    }, 15000);
    expect(disbursing.state).toBe('disbursement');

    const wrong = await send(caseworker, id, {
      type: 'RECORD_PAYMENT',
      amount: '11999.99',
      reference: 'BANK-1',
    });
    expect(wrong.status).toBe(422);
    const paid = await send(caseworker, id, {
      type: 'RECORD_PAYMENT',
      amount: '12000.00',
      reference: 'BANK-1',
    });
    expect(paid.body).toMatchObject({
      state: 'paid',
      status: 'closed',
      data: { payment: { amount: '12000.00' } },
    });
    // Burden left: in-policy remainder 3,000 + out-of-policy 2,000 = 5,000 >= the 5,000 threshold.
    // The person's yearly burden: this is their only paid case of the year.
    expect(paid.body.data.hardshipReferral).toEqual({
      burden: '5000.00',
      threshold: '5000.00',
      caseBurden: '5000.00',
      cases: [paid.body.id],
    });

    const [ledger] = await t.app
      .get(DataSource)
      .query(
        'SELECT paid_total, reserved_total FROM relief_ledgers WHERE person_key = ? AND year = 2026',
        [personKey(RESIDENT_IDS.a)],
      );
    expect(ledger).toEqual({ paid_total: '12000.00', reserved_total: '0.00' });
  });

  it('should count relief already used this year when a second application is verified', async () => {
    await toPublicity(RESIDENT_IDS.b, [
      expense({
        inPolicyCost: '200000.00',
        basicInsurancePaid: '20000.00',
        criticalIllnessPaid: '0.00',
        totalCost: '200000.00',
      }),
    ]);
    // First case: base 180,000 × 80% = 144,000 reserved. The second may use at most 6,000.
    const second = await submit(reliefApplication({ idNumber: RESIDENT_IDS.b }));
    await send(caseworker, second.body.id, { type: 'ACCEPT' });
    const verified = await send(caseworker, second.body.id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: 'x1',
    });
    expect(verified.body.data.calculation).toMatchObject({
      reliefAmount: '6000.00',
      annualCapRemaining: '0.00',
    });
  });

  it('should never let two concurrent approvals overdraw the yearly cap', async () => {
    const big = [
      expense({
        inPolicyCost: '120000.00',
        basicInsurancePaid: '20000.00',
        criticalIllnessPaid: '0.00',
        totalCost: '120000.00',
      }),
    ];
    // Two applications of 80,000 each, verified before either is approved: together 160,000 > 150,000.
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await submit(reliefApplication({ idNumber: RESIDENT_IDS.c, expenses: big }));
      await send(caseworker, c.body.id, { type: 'ACCEPT' });
      const v = await send(caseworker, c.body.id, {
        type: 'VERIFY',
        verifiedCategory: 'DIBAO',
        certificateNo: 'x',
      });
      expect(v.body.data.calculation?.reliefAmount).toBe('80000.00');
      const proposed = await send(caseworker, c.body.id, {
        type: 'PROPOSE',
        reason: PROPOSAL_REASON,
      });
      expect(proposed.status).toBe(200);
      ids.push(c.body.id);
    }
    const results = await Promise.all(ids.map((id) => send(manager, id, { type: 'APPROVE' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    const refused = results.find((r) => r.status === 422)!;
    expect(refused.body.allowedEvents).toEqual(expect.arrayContaining(['RETURN']));
    const [ledger] = await t.app
      .get(DataSource)
      .query('SELECT reserved_total FROM relief_ledgers WHERE person_key = ? AND year = 2026', [
        personKey(RESIDENT_IDS.c),
      ]);
    expect(ledger.reserved_total).toBe('80000.00');
  });

  it('should give a retry with the same Idempotency-Key the same case, and refuse a different body', async () => {
    const key = randomUUID();
    const body = reliefApplication({ idNumber: RESIDENT_IDS.d });
    const [a, b] = await Promise.all([submit(body, key), submit(body, key)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    const other = await submit(
      reliefApplication({ idNumber: RESIDENT_IDS.d, category: 'DIBIAN' }),
      key,
    );
    expect(other.status).toBe(409);
    expect(String((other.body as unknown as { type: string }).type)).toMatch(
      /\/idempotency-mismatch$/,
    );
    const missing = await street.http.post<CaseBody>('/api/v1/relief-applications', body);
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.map((e) => e.field)).toEqual(['Idempotency-Key']);
  });

  it('should name every bad field of an application and create nothing', async () => {
    const [{ n: before }] = await t.app.get(DataSource).query('SELECT COUNT(*) AS n FROM cases');
    const res = await submit({
      applicant: {
        name: '',
        idNumber: '330106198001010012',
        category: 'RICH',
        insuranceType: 'RESIDENT',
      },
      streetCode: '330106001',
      year: 2026,
      expenses: [{ ...expense(), totalCost: '-1.00', inPolicyCost: '12.345', date: '2026-02-30x' }],
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors?.map((e) => e.field) ?? [];
    expect(fields).toEqual(
      expect.arrayContaining([
        'applicant.name',
        'applicant.idNumber',
        'applicant.category',
        'expenses.0.totalCost',
        'expenses.0.inPolicyCost',
        'expenses.0.date',
      ]),
    );
    const [{ n: after }] = await t.app.get(DataSource).query('SELECT COUNT(*) AS n FROM cases');
    expect(after).toBe(before);
  });

  it('should refuse a street office submitting for another street (403)', async () => {
    const res = await submit(reliefApplication({ streetCode: '330106999' }));
    expect(res.status).toBe(403);
  });

  it('should refuse VERIFY with the OTHER category (422)', async () => {
    const c = await submit(reliefApplication({ idNumber: RESIDENT_IDS.a }));
    await send(caseworker, c.body.id, { type: 'ACCEPT' });
    const res = await send(caseworker, c.body.id, {
      type: 'VERIFY',
      verifiedCategory: 'OTHER',
      certificateNo: 'x',
    });
    expect(res.status).toBe(422);
    expect((await caseworker.http.get<CaseBody>(`/api/v1/cases/${c.body.id}`)).body.state).toBe(
      'eligibility_review',
    );
  });

  it('should compute without creating a case on POST /relief/calculate', async () => {
    const res = await caseworker.http.post<Record<string, unknown>>('/api/v1/relief/calculate', {
      category: 'TEKUN',
      year: 2026,
      expenses: [expense()],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      reliefAmount: '15000.00',
      ratio: '1.00',
      annualCapRemaining: null,
    });
    const bad = await caseworker.http.post<CaseBody>('/api/v1/relief/calculate', {
      category: 'DIBAO',
      year: 2026,
      expenses: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toContain('expenses');
  });

  it('should describe the workflow with zh-CN state labels and a diagram drawn from the machine', async () => {
    const res = await caseworker.http.get<{
      states: Array<{ name: string; label: string | null }>;
    }>('/api/v1/workflows/relief-application');
    const labels = Object.fromEntries(res.body.states.map((s) => [s.name, s.label]));
    expect(labels).toMatchObject({
      publicity: '公示中',
      eligibility_review: '资格审核中',
      paid: '已拨付',
    });
    const diagram = await caseworker.http.get<string>(
      '/api/v1/workflows/relief-application/diagram',
    );
    expect(diagram.body).toContain('publicity --> disbursement : DEADLINE_PUBLICITY');
  });
});
