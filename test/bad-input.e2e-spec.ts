import { randomUUID } from 'node:crypto';
import { expense, reliefApplication, residentId } from './factories/relief';
import { createUser, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
  allowedEvents?: string[];
}

interface CaseBody extends Problem {
  id: string;
  state: string;
  data: { calculation?: { reliefAmount: string } };
}

/** Issue 15 point 10: bad input is a 4xx that names the field, never a 500 or a silent accept. */
describe('bad input is named (real MariaDB and Redis)', () => {
  let t: TestApp;
  let street: TestUser;
  let caseworker: TestUser;
  let seq = 700;

  beforeAll(async () => {
    t = await startTestApp();
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  const submit = (body: unknown, headers: Record<string, string> = {}) =>
    street.http.post<CaseBody>('/api/v1/relief-applications', body, {
      'idempotency-key': randomUUID(),
      ...headers,
    });
  const fields = (p: Problem): string[] => (p.errors ?? []).map((e) => e.field);

  it('should refuse an application without an applicant with 400 naming applicant', async () => {
    const { applicant: _applicant, ...rest } = reliefApplication({ idNumber: residentId(seq++) });
    const res = await submit(rest);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain('applicant');
    const nullApplicant = await submit({ ...rest, applicant: null });
    expect(nullApplicant.status).toBe(400);
    expect(fields(nullApplicant.body)).toContain('applicant');
  });

  it('should refuse a date that is not on the calendar, wherever a date is taken', async () => {
    const feb30 = await submit(
      reliefApplication({
        idNumber: residentId(seq++),
        expenses: [expense({ date: '2026-02-30' })],
      }),
    );
    expect(feb30.status).toBe(400);
    expect(fields(feb30.body)).toEqual(['expenses.0.date']);
    const notLeap = await caseworker.http.post<Problem>('/api/v1/relief/calculate', {
      category: 'ILLNESS_POVERTY',
      recognisedAs: 'DIBAO',
      recognitionDate: '2025-02-29',
      year: 2026,
      expenses: [expense()],
    });
    expect(notLeap.status).toBe(400);
    expect(fields(notLeap.body)).toEqual(['recognitionDate']);
    const leap = await submit(
      reliefApplication({
        idNumber: residentId(seq++),
        expenses: [expense({ date: '2024-02-29' })],
      }),
    );
    expect(leap.status).toBe(201);
  });

  it('should refuse insurance paid above the in-policy cost, naming the field', async () => {
    const basic = await submit(
      reliefApplication({
        idNumber: residentId(seq++),
        expenses: [expense({ inPolicyCost: '50000.00', basicInsurancePaid: '50000.01' })],
      }),
    );
    expect(basic.status).toBe(400);
    expect(fields(basic.body)).toEqual(['expenses.0.basicInsurancePaid']);
    const together = await submit(
      reliefApplication({
        idNumber: residentId(seq++),
        expenses: [
          expense({
            inPolicyCost: '50000.00',
            basicInsurancePaid: '30000.00',
            criticalIllnessPaid: '15000.00',
            otherInsurancePaid: '5000.01',
          }),
        ],
      }),
    );
    expect(together.status).toBe(400);
    expect(fields(together.body)).toEqual(['expenses.0.otherInsurancePaid']);
    const inPolicy = await submit(
      reliefApplication({
        idNumber: residentId(seq++),
        expenses: [expense({ totalCost: '40000.00', inPolicyCost: '50000.00' })],
      }),
    );
    expect(inPolicy.status).toBe(400);
    expect(fields(inPolicy.body)).toEqual(['expenses.0.inPolicyCost']);
    const exact = await submit(
      reliefApplication({
        idNumber: residentId(seq++),
        expenses: [
          expense({
            inPolicyCost: '50000.00',
            basicInsurancePaid: '30000.00',
            criticalIllnessPaid: '15000.00',
            otherInsurancePaid: '5000.00',
          }),
        ],
      }),
    );
    expect(exact.status).toBe(201);
  });

  it('should answer 415 for a JSON endpoint sent another content type', async () => {
    const body = JSON.stringify(reliefApplication({ idNumber: residentId(seq++) }));
    for (const type of ['text/plain', 'text/csv', 'application/xml']) {
      const res = await submit(body, { 'content-type': type });
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
      expect(res.body.type).toMatch(/\/unsupported-media-type$/);
      expect(fields(res.body)).toEqual(['Content-Type']);
    }
    const charset = await submit(body, { 'content-type': 'application/json; charset=utf-8' });
    expect(charset.status).toBe(201);
  });

  it('should answer a caller without a token 401 before looking at the body type', async () => {
    const res = await new Http(t.app).post<Problem>('/api/v1/relief-applications', 'x', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(401);
    expect(res.body.type).toMatch(/\/unauthenticated$/);
  });

  it('should answer a PROPOSE of another amount without a reason with 422 naming reason', async () => {
    const created = await submit(reliefApplication({ idNumber: residentId(seq++) }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const send = (event: Record<string, unknown>) =>
      caseworker.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
    expect((await send({ type: 'ACCEPT' })).status).toBe(200);
    const verified = await send({
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: '民低保字0001',
    });
    expect(verified.status).toBe(200);
    const refused = await send({ type: 'PROPOSE', amount: '100.00' });
    expect(refused.status).toBe(422);
    expect(fields(refused.body)).toEqual(['reason']);
    expect(refused.body.errors?.[0].message).toContain(
      verified.body.data.calculation?.reliefAmount ?? 'missing',
    );
    expect(refused.body.allowedEvents).toEqual(expect.arrayContaining(['PROPOSE']));
    const justified = await send({
      type: 'PROPOSE',
      amount: '100.00',
      reason: '家庭另有固定收入，酌情核减救助金额',
    });
    expect(justified.status).toBe(200);
  });

  it('should refuse an application without a valid Idempotency-Key with 400 naming the header', async () => {
    const body = reliefApplication({ idNumber: residentId(seq++) });
    const missing = await street.http.post<Problem>('/api/v1/relief-applications', body);
    expect(missing.status).toBe(400);
    expect(fields(missing.body)).toEqual(['Idempotency-Key']);
    const tooLong = await submit(body, { 'idempotency-key': 'k'.repeat(129) });
    expect(tooLong.status).toBe(400);
    expect(fields(tooLong.body)).toEqual(['Idempotency-Key']);
  });
});
