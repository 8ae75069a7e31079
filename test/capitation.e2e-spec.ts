import { residentIdCheckChar } from '../src/common/resident-id';
import { CapitationScheduler } from '../src/capitation/capitation-scheduler.service';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { multipart } from './support/multipart';
import { startTestApp, type TestApp } from './support/test-app';

/** A valid resident ID born on 1980-01-01 with sequence `n`. */
function residentId(n: number): string {
  const first17 = `33010619800101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

interface CaseBody {
  id: string;
  type: string;
  state: string;
  status: string;
  allowedEvents: string[];
  data: {
    figures: {
      total: string;
      baseCapitation: string;
      fundSignUpFee: string;
      personDays: number;
      lines: Array<{ kind: string; amount: string }>;
      direction?: string;
      amount?: string;
      balance?: string;
      prepaid?: string;
      spent?: string;
      outcome?: string;
    };
    approvedAmount?: string;
    returns: Array<{ total?: string }>;
  };
  errors?: Array<{ field: string; message: string }>;
  rule?: string;
}

interface Problem {
  status: number;
  errors?: Array<{ field: string; message: string }>;
  rule?: string;
}

/**
 * Outpatient capitation (门诊按人头付费) against real MariaDB and Redis: the year's rate, sign-ups
 * in bulk and their changes, a month settled and paid through every state (and never opened
 * twice, by hand or by the monthly job), a year reconciled with a surplus and one with an
 * overspend, every figure to the cent.
 */
describe('outpatient capitation (real MariaDB and Redis)', () => {
  let t: TestApp;
  let manager: TestUser;
  let caseworker: TestUser;
  let payer: TestUser;
  let street: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      policy: {
        deadlines: {
          'capitation-settlement': { publicity: '2s' },
          'capitation-reconciliation': { publicity: '2s' },
        },
        capitation: {
          years: {
            // 100,000 insured: the formula gives 78.00, capped at 68.00.
            '2025': {
              residentsFund: '100000000.00',
              insuredPersons: 100000,
              budgetShare: '0.10',
              riskReserve: '0.10',
              signUpFee: '32.00',
              fundSignUpFee: '12.00',
              cap: '68.00',
              startDate: '2025-01-01',
              bands: [
                { minScore: 90, surplusKept: '1.00', overspendFundShare: '0.50' },
                { minScore: 80, surplusKept: '0.80', overspendFundShare: '0.30' },
                { minScore: 60, surplusKept: '0.50', overspendFundShare: '0.00' },
                { minScore: 0, surplusKept: '0.00', overspendFundShare: '0.00' },
              ],
            },
          },
        },
      },
    });
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    payer = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    const directory = await manager.http.post('/api/v1/institutions', [
      { code: 'P330106001', name: '北山街道社区卫生服务中心', type: 'PRIMARY_CARE', level: 1 },
      { code: 'P330106002', name: '西溪街道社区卫生服务中心', type: 'PRIMARY_CARE', level: 1 },
      { code: 'H330106001', name: '杭州市西溪医院', type: 'HOSPITAL', level: 2 },
    ]);
    expect(directory.status).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
  const inState = (id: string, state: string) =>
    eventually(async () => {
      const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
      return c.body.state === state ? c.body : undefined;
    }, 15000);

  it('should give the year’s base capitation with its steps: 48.00, and 68.00 when capped', async () => {
    const rate = await caseworker.http.get<{
      baseCapitation: string;
      capped: boolean;
      steps: Array<{ step: string; amount: string }>;
    }>('/api/v1/capitation/rates/2026');
    expect(rate.status).toBe(200);
    expect(rate.body).toMatchObject({ baseCapitation: '48.00', capped: false });
    expect(rate.body.steps.map((s) => s.amount)).toEqual([
      '10000000.00',
      '9000000.00',
      '1800000.00',
      '7200000.00',
      '48.00',
      '48.00',
    ]);
    const capped = await manager.http.get('/api/v1/capitation/rates/2025');
    expect(capped.body).toMatchObject({ baseCapitation: '68.00', capped: true });
    expect((await manager.http.get('/api/v1/capitation/rates/2031')).status).toBe(404);
    const bad = await manager.http.get<Problem>('/api/v1/capitation/rates/next');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toContain('year');
    expect((await street.http.get('/api/v1/capitation/rates/2026')).status).toBe(403);
  });

  it('should import sign-ups all or none, report every bad row, and list them with masked IDs', async () => {
    const bad = await caseworker.http.post<Problem>('/api/v1/capitation/sign-ups', [
      { idNumber: residentId(1), name: '甲', institutionCode: 'P330106001', year: 2026 },
      { idNumber: '330106198001010000', name: '乙', institutionCode: 'P330106001', year: 2026 },
      { idNumber: residentId(2), name: '丙', institutionCode: 'H330106001', year: 2026 },
      { idNumber: residentId(1), name: '甲', institutionCode: 'P330106002', year: 2026 },
      { idNumber: residentId(3), name: '丁', institutionCode: 'P330106001', year: 2031 },
      {
        idNumber: residentId(4),
        name: '戊',
        institutionCode: 'P330106001',
        year: 2026,
        startDate: '2025-12-01',
      },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toEqual([
      'rows[2].idNumber',
      'rows[3].institutionCode',
      'rows[4].idNumber',
      'rows[5].year',
      'rows[6].startDate',
    ]);
    const none = await manager.http.get<{ total: number }>(
      '/api/v1/capitation/sign-ups?institutionCode=P330106001&year=2026',
    );
    expect(none.body.total).toBe(0);

    // A CSV: A all year, B from 17 March, C all year (C moves home in March, below).
    const csv = [
      'idNumber,name,institutionCode,year,startDate',
      `${residentId(1)},张一,P330106001,2026,`,
      `${residentId(2)},张二,P330106001,2026,2026-03-17`,
      `${residentId(3)},张三,P330106001,2026,`,
    ].join('\n');
    const imported = await caseworker.http.post<{
      created: number;
      items: Array<{ idNumber: string }>;
    }>('/api/v1/capitation/sign-ups', csv, { 'content-type': 'text/csv' });
    expect(imported.status).toBe(201);
    expect(imported.body.created).toBe(3);
    expect(imported.body.items[0].idNumber).toBe(`330106********${residentId(1).slice(-4)}`);

    const again = await caseworker.http.post<Problem>('/api/v1/capitation/sign-ups', {
      idNumber: residentId(1),
      name: '张一',
      institutionCode: 'P330106002',
      year: 2026,
    });
    expect(again.status).toBe(400);
    expect(again.body.errors?.[0]).toMatchObject({ field: 'rows[1].idNumber' });
    expect(again.body.errors?.[0].message).toMatch(/one-institution-per-sign-up-year/);

    const list = await manager.http.get<{
      total: number;
      items: Array<{ idNumber: string; startDate: string; endDate: string }>;
    }>('/api/v1/capitation/sign-ups?institutionCode=P330106001&year=2026');
    expect(list.body.total).toBe(3);
    expect(list.body.items.every((s) => /^\d{6}\*{8}\d{3}[\dX]$/.test(s.idNumber))).toBe(true);
    expect(list.body.items.map((s) => [s.startDate, s.endDate])).toEqual([
      ['2026-01-01', '2026-12-31'],
      ['2026-01-01', '2026-12-31'],
      ['2026-03-17', '2026-12-31'],
    ]);
  });

  async function signUpOf(n: number, code = 'P330106001', year = 2026): Promise<string> {
    const list = await manager.http.get<{
      items: Array<{ id: string; idNumber: string; endedReason: string | null }>;
    }>(`/api/v1/capitation/sign-ups?institutionCode=${code}&year=${year}`);
    const found = list.body.items.find(
      (s) => s.idNumber.endsWith(residentId(n).slice(-4)) && s.endedReason === null,
    );
    if (!found) {
      throw new Error(`no current sign-up of person ${n}`);
    }
    return found.id;
  }

  it('should change a sign-up within the year only for moving home, a new workplace or death', async () => {
    const c = await signUpOf(3);
    const noReason = await caseworker.http.post<Problem>(
      `/api/v1/capitation/sign-ups/${c}/change`,
      {
        institutionCode: 'P330106002',
        date: '2026-03-11',
      },
    );
    expect(noReason.status).toBe(422);
    expect(noReason.body.rule).toBe('one-institution-per-sign-up-year');
    expect(noReason.body.errors?.map((e) => e.field)).toEqual(['reason']);
    const preference = await caseworker.http.post<Problem>(
      `/api/v1/capitation/sign-ups/${c}/change`,
      {
        institutionCode: 'P330106002',
        reason: 'PREFERENCE',
        date: '2026-03-11',
      },
    );
    expect(preference.status).toBe(422);
    const toHospital = await caseworker.http.post<Problem>(
      `/api/v1/capitation/sign-ups/${c}/change`,
      {
        institutionCode: 'H330106001',
        reason: 'MOVED_HOME',
        date: '2026-03-11',
      },
    );
    expect(toHospital.status).toBe(422);
    expect(toHospital.body.errors?.map((e) => e.field)).toEqual(['institutionCode']);
    expect(
      (
        await caseworker.http.post(`/api/v1/capitation/sign-ups/${c}/change`, {
          reason: 'MOVED_HOME',
          date: 'soon',
        })
      ).status,
    ).toBe(400);

    const moved = await caseworker.http.post<{
      ended: { endDate: string; endedReason: string };
      current: { institutionCode: string; startDate: string; previousId: string };
    }>(`/api/v1/capitation/sign-ups/${c}/change`, {
      institutionCode: 'P330106002',
      reason: 'MOVED_HOME',
      date: '2026-03-11',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      ended: { endDate: '2026-03-10', endedReason: 'MOVED_HOME' },
      current: { institutionCode: 'P330106002', startDate: '2026-03-11', previousId: c },
    });
    // The ended sign-up cannot change again.
    const twice = await caseworker.http.post<Problem>(`/api/v1/capitation/sign-ups/${c}/change`, {
      institutionCode: 'P330106001',
      reason: 'MOVED_HOME',
      date: '2026-04-01',
    });
    expect(twice.status).toBe(422);
    expect(twice.body.errors?.map((e) => e.field)).toEqual(['id']);
  });

  let march: string;

  it('should settle a month to the cent, recompute on RETURN and pay it through every state', async () => {
    const opened = await caseworker.http.post<CaseBody>('/api/v1/capitation/settlements', {
      institutionCode: 'P330106001',
      year: 2026,
      month: 3,
    });
    expect(opened.status).toBe(201);
    march = opened.body.id;
    // A 31 days + B 15 days (from the 17th) + C 10 days (moved on the 11th) = 56 person-days:
    // 48.00 × 56 / (31 × 12) = 7.2258… → 7.23; 12.00 × 56 / 372 = 1.8064… → 1.81.
    expect(opened.body).toMatchObject({ type: 'capitation-settlement', state: 'computed' });
    expect(opened.body.data.figures).toMatchObject({
      personDays: 56,
      baseCapitation: '7.23',
      fundSignUpFee: '1.81',
      total: '9.04',
    });
    expect(opened.body.data.figures.lines.map((l) => [l.kind, l.amount])).toEqual([
      ['BASE_CAPITATION', '7.23'],
      ['SIGN_UP_FEE', '1.81'],
    ]);

    const twice = await manager.http.post<Problem>('/api/v1/capitation/settlements', {
      institutionCode: 'P330106001',
      year: 2026,
      month: 3,
    });
    expect(twice.status).toBe(409);
    const notYet = await manager.http.post<Problem>('/api/v1/capitation/settlements', {
      institutionCode: 'P330106001',
      year: 2031,
      month: 1,
    });
    expect(notYet.status).toBe(422);
    expect(
      (
        await manager.http.post<Problem>('/api/v1/capitation/settlements', {
          institutionCode: 'P330106001',
          year: 2026,
          month: 13,
        })
      ).status,
    ).toBe(400);

    expect(
      (await send(caseworker, march, { type: 'REVIEW', comment: '名单已核对' })).body.state,
    ).toBe('approval');
    // A died: the sign-up ends from 21 March; the manager returns the month to be recomputed.
    const death = await caseworker.http.post(
      `/api/v1/capitation/sign-ups/${await signUpOf(1)}/change`,
      { reason: 'DEATH', date: '2026-03-21' },
    );
    expect(death.status).toBe(200);
    const returned = await send(manager, march, { type: 'RETURN', comment: '签约人死亡，请重算' });
    expect(returned.body.state).toBe('computed');
    // 20 + 15 + 10 = 45 person-days: 48 × 45 / 372 = 5.806… → 5.81; 12 × 45 / 372 = 1.4516… → 1.45.
    expect(returned.body.data.figures).toMatchObject({
      personDays: 45,
      baseCapitation: '5.81',
      fundSignUpFee: '1.45',
      total: '7.26',
    });
    expect(returned.body.data.returns[0].total).toBe('9.04');

    await send(caseworker, march, { type: 'REVIEW' });
    // 不相容职务: the reviewer is a caseworker and cannot approve; the manager approves.
    expect((await send(caseworker, march, { type: 'APPROVE' })).status).toBe(403);
    const approved = await send(manager, march, { type: 'APPROVE' });
    expect(approved.body).toMatchObject({ state: 'publicity', data: { approvedAmount: '7.26' } });

    await inState(march, 'disbursement');
    const wrong = await send(payer, march, {
      type: 'RECORD_PAYMENT',
      amount: '7.25',
      reference: 'B-1',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([
      { field: 'amount', message: 'must be the approved amount 7.26' },
    ]);
    const paid = await send(payer, march, {
      type: 'RECORD_PAYMENT',
      amount: '7.26',
      reference: 'B-1',
    });
    expect(paid.body).toMatchObject({ state: 'paid', status: 'closed' });

    const history = await manager.http.get<Array<{ type: string }>>(
      `/api/v1/cases/${march}/history`,
    );
    expect(history.body.map((e) => e.type)).toEqual([
      'CASE_OPENED',
      'REVIEW',
      'RETURN',
      'REVIEW',
      'APPROVE',
      'DEADLINE_PUBLICITY',
      'RECORD_PAYMENT',
    ]);
  });

  it('should open each month once from the monthly job, whatever opened it before', async () => {
    const scheduler = t.app.get(CapitationScheduler);
    // 1 April 2026, 01:00 Asia/Shanghai: P330106001 (B, and A until March only? no: A died) and P330106002 (C).
    const first = await scheduler.openScheduled(new Date('2026-04-01T01:00:00+08:00'));
    expect(first).toEqual({ opened: 2, skipped: 0 });
    const second = await scheduler.openScheduled(new Date('2026-04-01T01:00:00+08:00'));
    expect(second).toEqual({ opened: 0, skipped: 2 });
    // March of P330106001 was opened by hand: the job skips it too.
    expect(await scheduler.openScheduled(new Date('2026-03-01T01:00:00+08:00'))).toEqual({
      opened: 1,
      skipped: 1,
    });
    const list = await manager.http.get<{
      items: Array<{ data: { institutionCode: string; month: number } }>;
    }>('/api/v1/cases?type=capitation-settlement&pageSize=50');
    expect(list.status).toBe(200);
    const months = list.body.items.map((c) => `${c.data.institutionCode}-${c.data.month}`).sort();
    expect(months).toEqual(['P330106001-3', 'P330106001-4', 'P330106002-3', 'P330106002-4']);
  });

  it('should report per institution and month: prepaid, spent, balance', async () => {
    const badSpending = await caseworker.http.post<Problem>('/api/v1/capitation/spending', [
      { institutionCode: 'P330106001', year: 2026, month: 3, amount: '6.00' },
      { institutionCode: 'P330106001', year: 2026, month: 3, amount: '7.00' },
      { institutionCode: 'H330106001', year: 2026, month: 3, amount: '1.00' },
      { institutionCode: 'P330106001', year: 2026, month: 3, amount: '-1' },
    ]);
    expect(badSpending.status).toBe(400);
    expect(badSpending.body.errors?.map((e) => e.field)).toEqual([
      'rows[2].month',
      'rows[3].institutionCode',
      'rows[4].amount',
    ]);
    const spending = await caseworker.http.post(
      '/api/v1/capitation/spending',
      'institutionCode,year,month,amount\nP330106001,2026,3,6.00\n',
      { 'content-type': 'text/csv' },
    );
    expect(spending.status).toBe(201);
    expect(spending.body).toEqual({ imported: 1, replaced: 0 });
    // A correction as a multipart upload: the month's figure is replaced, not added.
    const upload = multipart({
      name: 'spending.csv',
      content: Buffer.from('institutionCode,year,month,amount\nP330106001,2026,3,6.00\n'),
      contentType: 'text/csv',
    });
    const corrected = await caseworker.http.raw(
      'POST',
      '/api/v1/capitation/spending',
      upload.payload,
      upload.headers,
    );
    expect(corrected.status).toBe(201);
    expect(corrected.body).toEqual({ imported: 1, replaced: 1 });
    const report = await manager.http.get<{
      prepaid: string;
      institutions: Array<{
        institutionCode: string;
        months: Array<{
          month: number;
          prepaid: string;
          spent: string;
          balance: string;
          state: string | null;
        }>;
      }>;
    }>('/api/v1/capitation/report?year=2026');
    expect(report.status).toBe(200);
    const p1 = report.body.institutions.find((i) => i.institutionCode === 'P330106001');
    expect(p1?.months[2]).toEqual(
      expect.objectContaining({
        month: 3,
        prepaid: '5.81',
        spent: '6.00',
        balance: '-0.19',
        state: 'paid',
      }),
    );
    expect(p1?.months[3]).toEqual(
      expect.objectContaining({ month: 4, prepaid: '0.00', state: 'computed' }),
    );
    expect(report.body.prepaid).toBe('5.81');
  });

  it('should reconcile a year with a surplus (recovered) and one with an overspend (paid)', async () => {
    // 2025 (rate 68.00): ten persons at each institution all year.
    const rows = Array.from({ length: 20 }, (_, i) => ({
      idNumber: residentId(100 + i),
      name: `居民${i}`,
      institutionCode: i < 10 ? 'P330106001' : 'P330106002',
      year: 2025,
    }));
    expect((await caseworker.http.post('/api/v1/capitation/sign-ups', rows)).status).toBe(201);
    const indicators = {
      referralRate: 88,
      twoDiseaseManagement: 90,
      signUpService: 85,
      agreementCompliance: 92,
      satisfaction: 86,
      complaints: 80,
    };
    const early = await manager.http.post<Problem>('/api/v1/capitation/reconciliations', {
      institutionCode: 'P330106001',
      year: 2025,
      score: 85,
      indicators,
    });
    expect(early.status).toBe(422);
    expect(early.body.errors?.map((e) => e.field)).toEqual(['year']);

    const decembers: Record<string, string> = {};
    for (const code of ['P330106001', 'P330106002']) {
      const dec = await caseworker.http.post<CaseBody>('/api/v1/capitation/settlements', {
        institutionCode: code,
        year: 2025,
        month: 12,
      });
      // 68 × 310 / 372 = 56.666… → 56.67; 12 × 310 / 372 = 10.00.
      expect(dec.body.data.figures).toMatchObject({
        baseCapitation: '56.67',
        fundSignUpFee: '10.00',
        total: '66.67',
      });
      decembers[code] = dec.body.id;
      await send(caseworker, dec.body.id, { type: 'REVIEW' });
      await send(manager, dec.body.id, { type: 'APPROVE' });
    }
    for (const id of Object.values(decembers)) {
      await inState(id, 'disbursement');
      expect(
        (await send(payer, id, { type: 'RECORD_PAYMENT', amount: '66.67', reference: 'DEC' }))
          .status,
      ).toBe(200);
    }

    const noSpending = await manager.http.post<Problem>('/api/v1/capitation/reconciliations', {
      institutionCode: 'P330106001',
      year: 2025,
      score: 85,
      indicators,
    });
    expect(noSpending.status).toBe(422);
    expect(
      (
        await caseworker.http.post('/api/v1/capitation/spending', [
          { institutionCode: 'P330106001', year: 2025, month: 12, amount: '40.00' },
          { institutionCode: 'P330106002', year: 2025, month: 12, amount: '80.00' },
        ])
      ).status,
    ).toBe(201);

    const badScore = await manager.http.post<Problem>('/api/v1/capitation/reconciliations', {
      institutionCode: 'P330106001',
      year: 2025,
      score: 101,
      indicators: { ...indicators, satisfaction: -1 },
    });
    expect(badScore.status).toBe(400);
    expect(badScore.body.errors?.map((e) => e.field).sort()).toEqual([
      'indicators.satisfaction',
      'score',
    ]);

    // Surplus 56.67 − 40.00 = 16.67; score 85 keeps 80%: 13.336 → 13.34 kept, 3.33 recovered.
    const surplus = await manager.http.post<CaseBody>('/api/v1/capitation/reconciliations', {
      institutionCode: 'P330106001',
      year: 2025,
      score: 85,
      indicators,
    });
    expect(surplus.status).toBe(201);
    expect(surplus.body.data.figures).toMatchObject({
      prepaid: '56.67',
      spent: '40.00',
      balance: '16.67',
      outcome: 'SURPLUS',
      direction: 'RECOVER',
      amount: '3.33',
    });
    // Overspend 80.00 − 56.67 = 23.33; score 92: the fund bears 50%, 11.665 → 11.67 paid.
    const overspend = await manager.http.post<CaseBody>('/api/v1/capitation/reconciliations', {
      institutionCode: 'P330106002',
      year: 2025,
      score: 92,
      indicators,
    });
    expect(overspend.body.data.figures).toMatchObject({
      balance: '-23.33',
      outcome: 'OVERSPEND',
      direction: 'PAY',
      amount: '11.67',
    });
    const again = await manager.http.post<Problem>('/api/v1/capitation/reconciliations', {
      institutionCode: 'P330106002',
      year: 2025,
      score: 60,
      indicators,
    });
    expect(again.status).toBe(409);

    for (const [id, amount] of [
      [surplus.body.id, '3.33'],
      [overspend.body.id, '11.67'],
    ]) {
      expect((await send(caseworker, id, { type: 'REVIEW' })).body.state).toBe('approval');
      expect((await send(manager, id, { type: 'APPROVE' })).body.data.approvedAmount).toBe(amount);
      await inState(id, 'disbursement');
      const settled = await send(payer, id, {
        type: 'RECORD_PAYMENT',
        amount,
        reference: `REC-${amount}`,
      });
      expect(settled.body).toMatchObject({ state: 'settled', status: 'closed' });
    }
  });

  it('should describe both workflows with zh-CN labels for the workbench', async () => {
    for (const type of ['capitation-settlement', 'capitation-reconciliation']) {
      const d = await manager.http.get<{
        title: string;
        states: Array<{ name: string; label?: string }>;
      }>(`/api/v1/workflows/${type}`);
      expect(d.status).toBe(200);
      expect(d.body.title).toMatch(/门诊按人头付费/);
      expect(d.body.states.find((s) => s.name === 'publicity')?.label).toBe('公示中');
    }
  });
});
