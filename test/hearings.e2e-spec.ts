import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { personKey } from '../src/relief/relief-ledger.service';
import { expense, reliefApplication, residentId } from './factories/relief';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  type: string;
  state: string;
  status: string;
  allowedEvents: string[];
  data: Record<string, unknown> & {
    links: Array<{ rel: string; caseId: string }>;
    panel?: Array<{ userId: string; expertField: string }>;
    draws?: unknown[];
    applicant?: { idNumber: string };
  };
  errors?: Array<{ field: string; message: string }>;
  minimumExtra?: string;
}

const TREATING = '杭州市西溪医院';

describe('special-hardship hearings (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let street: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  const experts: Record<string, TestUser[]> = { MEDICAL: [], INSURANCE: [], FINANCE: [] };
  let affiliated: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      policy: {
        deadlines: {
          'relief-application': { publicity: '1s' },
          // Long enough to read the public notice and object before it ends by itself.
          'hardship-hearing': { panel_review: '4s', publicity: '8s' },
        },
      },
    });
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    // The pool: 3 per field; one MEDICAL expert works at the treating hospital (回避).
    affiliated = await createUser(admin, anon, {
      roles: ['EXPERT'],
      expertField: 'MEDICAL',
      affiliation: TREATING,
    });
    for (const field of ['MEDICAL', 'INSURANCE', 'FINANCE']) {
      const count = field === 'MEDICAL' ? 3 : 3;
      for (let i = 0; i < count; i++) {
        experts[field].push(
          await createUser(admin, anon, {
            roles: ['EXPERT'],
            expertField: field,
            affiliation: `其他医院${i}`,
          }),
        );
      }
    }
    // Eleven accounts (each a password hash) and an app: more than 30 s when the machine is busy.
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
  const getCase = async (id: string) =>
    (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;
  const expertById = (userId: string): TestUser =>
    [...Object.values(experts).flat(), affiliated].find((e) => e.id === userId)!;

  /** A relief case taken to `paid` (its publicity passes by itself). */
  async function paidRelief(
    idNumber: string,
    expenses = [expense({ totalCost: '52000.00' })],
  ): Promise<string> {
    const created = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber, expenses }),
      {
        'idempotency-key': randomUUID(),
      },
    );
    const id = created.body.id;
    await send(caseworker, id, { type: 'ACCEPT' });
    const verified = await send(caseworker, id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: 'x',
    });
    const amount = (verified.body.data.calculation as { reliefAmount: string }).reliefAmount;
    await send(caseworker, id, { type: 'PROPOSE' });
    await send(manager, id, { type: 'APPROVE' });
    await eventually(
      async () => ((await getCase(id)).state === 'disbursement' ? true : undefined),
      15000,
    );
    expect(
      (await send(caseworker, id, { type: 'RECORD_PAYMENT', amount, reference: 'BANK-1' })).body
        .state,
    ).toBe('paid');
    return id;
  }

  it('should open a hearing by itself for a paid case with a heavy burden, and run it to payment', async () => {
    const idNumber = residentId(501);
    // 150,000 out of policy: the burden measured (153,000 + 2,000) bounds the reasonable cost.
    const reliefId = await paidRelief(idNumber, [expense({ totalCost: '202000.00' })]);
    const relief = await eventually(async () => {
      const c = await getCase(reliefId);
      return c.data.links.length > 0 ? c : undefined;
    }, 15000);
    const link = relief.data.links.find((l) => l.rel === 'hardship-hearing')!;
    let hearing = await getCase(link.caseId);
    expect(hearing).toMatchObject({
      type: 'hardship-hearing',
      state: 'referred',
      data: { links: [{ rel: 'relief-application', caseId: reliefId }] },
    });

    // CONVENE: one expert per field, never the one working at the treating hospital.
    hearing = (await send(caseworker, hearing.id, { type: 'CONVENE' })).body;
    expect(hearing.state).toBe('panel_review');
    const panel = hearing.data.panel!;
    expect(panel.map((p) => p.expertField).sort()).toEqual(['FINANCE', 'INSURANCE', 'MEDICAL']);
    expect(panel.map((p) => p.userId)).not.toContain(affiliated.id);
    expect(hearing.data.draws).toHaveLength(1);

    // An expert who does not sit on the panel cannot see or act on it; members see it in /tasks, masked.
    const outsider = experts.MEDICAL.find((e) => !panel.some((p) => p.userId === e.id))!;
    expect(
      (
        await send(outsider, hearing.id, {
          type: 'OPINION',
          reasonableCost: '1.00',
          support: true,
          comment: 'x',
        })
      ).status,
    ).toBe(404);
    const member = expertById(panel[0].userId);
    const tasks = await member.http.get<{ items: CaseBody[] }>('/api/v1/tasks');
    expect(tasks.body.items.map((c) => c.id)).toEqual([hearing.id]);
    expect(tasks.body.items[0].data.applicant?.idNumber).toMatch(/^\d{6}\*{8}\w{4}$/);

    for (const p of panel) {
      const res = await send(expertById(p.userId), hearing.id, {
        type: 'OPINION',
        reasonableCost: '150000.00',
        support: true,
        comment: '合理必要',
      });
      expect(res.status).toBe(200);
    }
    expect((await getCase(hearing.id)).state).toBe('decision');

    // DIBAO: 150,000 × 50% = 75,000 special relief; 75,000 left > the 50,000 cap -> joint meeting.
    const decided = await send(manager, hearing.id, {
      type: 'DECIDE',
      reasonableCost: '150000.00',
    });
    expect(decided.body.state).toBe('joint_meeting');
    const tooSmall = await send(manager, hearing.id, {
      type: 'RESOLVE',
      extraAmount: '20000.00',
      meetingDate: '2026-11-20',
      minutesRef: '纪要12号',
    });
    expect(tooSmall.status).toBe(422);
    expect(tooSmall.body.minimumExtra).toBe('25000.00');
    const resolved = await send(manager, hearing.id, {
      type: 'RESOLVE',
      extraAmount: '25000.00',
      meetingDate: '2026-11-20',
      minutesRef: '纪要12号',
    });
    expect(resolved.body.state).toBe('publicity');

    await eventually(
      async () => ((await getCase(hearing.id)).state === 'disbursement' ? true : undefined),
      15000,
    );
    const paid = await send(caseworker, hearing.id, {
      type: 'RECORD_PAYMENT',
      amount: '100000.00',
      reference: 'BANK-2',
    });
    expect(paid.body).toMatchObject({ state: 'paid', status: 'closed' });
    const ds = t.app.get(DataSource);
    const [special] = await ds.query(
      'SELECT reserved, paid FROM special_relief_ledgers WHERE person_key = ?',
      [personKey(idNumber)],
    );
    const [fund] = await ds.query(
      'SELECT reserved, paid FROM warm_heart_fund_ledgers WHERE person_key = ?',
      [personKey(idNumber)],
    );
    expect(special).toEqual({ reserved: '0.00', paid: '75000.00' });
    expect(fund).toEqual({ reserved: '0.00', paid: '25000.00' });
  });

  it('should replace non-responders by a new draw when the panel misses its quorum, and restart the deadline', async () => {
    // A small burden (< 5,000): no automatic hearing; the caseworker opens one by hand.
    const reliefId = await paidRelief(residentId(502), [
      expense({ totalCost: '50000.00', inPolicyCost: '50000.00', basicInsurancePaid: '40000.00' }),
    ]);
    const opened = await caseworker.http.post<CaseBody>('/api/v1/hardship-hearings', {
      reliefCaseId: reliefId,
    });
    expect(opened.status).toBe(201);
    expect(
      (await caseworker.http.post('/api/v1/hardship-hearings', { reliefCaseId: reliefId })).status,
    ).toBe(409);
    const convened = (await send(caseworker, opened.body.id, { type: 'CONVENE' })).body;
    const first = convened.data.panel!;
    const answered = await send(expertById(first[0].userId), convened.id, {
      type: 'OPINION',
      reasonableCost: '1.00',
      support: true,
      comment: 'ok',
    });
    expect(answered.status).toBe(200);

    // 1 of 3 answered (< quorum 2): at the deadline the two others are replaced.
    const redrawn = await eventually(async () => {
      const c = await getCase(convened.id);
      return (c.data.draws ?? []).length === 2 ? c : undefined;
    }, 20000);
    expect(redrawn.state).toBe('panel_review');
    const second = redrawn.data.panel!;
    expect(second.map((p) => p.userId)).toContain(first[0].userId);
    expect(second.filter((p) => !first.some((f) => f.userId === p.userId))).toHaveLength(2);
    expect(second.map((p) => p.expertField).sort()).toEqual(['FINANCE', 'INSURANCE', 'MEDICAL']);
    const history = (
      await caseworker.http.get<Array<{ type: string; actor: string }>>(
        `/api/v1/cases/${convened.id}/history`,
      )
    ).body;
    expect(history.filter((e) => e.type === 'DEADLINE_PANEL_REVIEW')).toEqual([
      expect.objectContaining({ actor: 'system' }),
    ]);

    // A replaced expert no longer sits on the panel.
    const replaced = expertById(
      first.find((f) => !second.some((s) => s.userId === f.userId))!.userId,
    );
    expect(
      (
        await send(replaced, convened.id, {
          type: 'OPINION',
          reasonableCost: '1.00',
          support: true,
          comment: 'x',
        })
      ).status,
    ).toBe(404);

    // Quorum at the restarted deadline (2 of 3): the case moves on to decision.
    const newcomer = second.find((s) => !first.some((f) => f.userId === s.userId))!;
    await send(expertById(newcomer.userId), convened.id, {
      type: 'OPINION',
      reasonableCost: '3.00',
      support: true,
      comment: 'ok',
    });
    const decided = await eventually(async () => {
      const c = await getCase(convened.id);
      return c.state === 'decision' ? c : undefined;
    }, 20000);
    expect(decided.data.panelFigure).toBe('2.00');
  });

  it('should keep one open hearing per person and year: a second heavy case joins it', async () => {
    const idNumber = residentId(503);
    const first = await paidRelief(idNumber);
    const hearingOf = async (reliefId: string) =>
      (
        await eventually(async () => {
          const c = await getCase(reliefId);
          return c.data.links.length > 0 ? c : undefined;
        }, 15000)
      ).data.links.find((l) => l.rel === 'hardship-hearing')!.caseId;
    const hearing = await hearingOf(first);
    const second = await paidRelief(idNumber);
    expect(await hearingOf(second)).toBe(hearing);
    const links = (await getCase(hearing)).data.links.map((l) => l.caseId).sort();
    expect(links).toEqual([first, second].sort());
  });

  it('should open one hearing when the second of two paid cases, each below the threshold, brings the year to it', async () => {
    const idNumber = residentId(507);
    // In-policy 50,000, insurance 35,000, DIBAO 80%: 3,000 left each, nothing out of policy.
    const light = [expense({ totalCost: '50000.00' })];
    const first = await paidRelief(idNumber, light);
    const firstCase = await getCase(first);
    // 3,000.00 alone is below the 5,000.00 threshold: no referral, no hearing.
    expect(firstCase.data.hardshipReferral).toBeUndefined();
    expect(firstCase.data.links).toEqual([]);
    const second = await paidRelief(idNumber, [
      expense({ totalCost: '50000.00', date: '2026-05-11' }),
    ]);
    const secondCase = await eventually(async () => {
      const c = await getCase(second);
      return c.data.links.length > 0 ? c : undefined;
    }, 15000);
    expect(secondCase.data.hardshipReferral).toEqual({
      burden: '6000.00',
      threshold: '5000.00',
      caseBurden: '3000.00',
      cases: [first, second],
    });
    const hearingId = secondCase.data.links.find((l) => l.rel === 'hardship-hearing')!.caseId;
    const hearing = await getCase(hearingId);
    // The hearing weighs the year: both cases and the burden they leave together.
    expect(hearing.data).toMatchObject({
      burden: '6000.00',
      burdenCases: [
        { caseId: first, burden: '3000.00' },
        { caseId: second, burden: '3000.00' },
      ],
    });
    // One hearing for the person's year: the first case was not referred on its own.
    const person = await caseworker.http.post<{ cases: Array<{ id: string; type: string }> }>(
      '/api/v1/persons/lookup',
      { idNumber },
    );
    expect(person.body.cases.filter((c) => c.type === 'hardship-hearing')).toEqual([
      expect.objectContaining({ id: hearingId }),
    ]);
  });

  it('should refuse CONVENE with a 422 naming the field when recusal leaves too few experts', async () => {
    // Treated at the three hospitals every INSURANCE and FINANCE expert works for.
    const expenses = [0, 1, 2].map((i) => ({
      ...expense({ totalCost: '50000.00', basicInsurancePaid: '45000.00' }),
      institution: `其他医院${i}`,
    }));
    const reliefId = await paidRelief(residentId(504), expenses);
    const opened = await caseworker.http.post<CaseBody>('/api/v1/hardship-hearings', {
      reliefCaseId: reliefId,
    });
    const res = await send(caseworker, opened.body.id, { type: 'CONVENE' });
    expect(res.status).toBe(422);
    expect(String((res.body as unknown as { detail: string }).detail)).toMatch(/INSURANCE/);
    expect((await getCase(opened.body.id)).state).toBe('referred');
  });

  it('should release the special relief reserved by a decision when an objection reopens it', async () => {
    const idNumber = residentId(505);
    // 60,000 out of policy: the burden measured (62,000) bounds the decided reasonable cost, and
    // opens the hearing by itself.
    const reliefId = await paidRelief(idNumber, [
      expense({ totalCost: '110000.00', inPolicyCost: '50000.00', basicInsurancePaid: '40000.00' }),
    ]);
    const hearing = await getCase(
      await eventually(
        async () =>
          (await getCase(reliefId)).data.links.find((l) => l.rel === 'hardship-hearing')?.caseId,
        15000,
      ),
    );
    const panel = (await send(caseworker, hearing.id, { type: 'CONVENE' })).body.data.panel!;
    for (const p of panel) {
      await send(expertById(p.userId), hearing.id, {
        type: 'OPINION',
        reasonableCost: '60000.00',
        support: true,
        comment: 'ok',
      });
    }
    // DIBAO: 60,000 × 50% = 30,000; 30,000 left is within the cap -> publicity.
    expect(
      (await send(manager, hearing.id, { type: 'DECIDE', reasonableCost: '60000.00' })).body.state,
    ).toBe('publicity');
    const ledger = async (): Promise<unknown> =>
      (
        await t.app
          .get(DataSource)
          .query('SELECT reserved, paid FROM special_relief_ledgers WHERE person_key = ?', [
            personKey(idNumber),
          ])
      )[0];
    expect(await ledger()).toEqual({ reserved: '30000.00', paid: '0.00' });
    // 一公开: the special relief is on the public notice, without a sign-in, masked as relief is.
    const notices = async () =>
      (
        await anon.get<{
          items: Array<Record<string, unknown>>;
          total: number;
          page: number;
          pageSize: number;
          howToObject: string;
        }>('/api/v1/public/special-relief-notices?pageSize=100')
      ).body;
    const listed = await notices();
    expect(listed).toMatchObject({ page: 1, pageSize: 100 });
    expect(listed.howToObject.length).toBeGreaterThan(0);
    const notice = listed.items.find((n) => n.noticeNo === hearing.id);
    expect(notice).toMatchObject({
      name: '张*',
      streetCode: '330106001',
      year: 2026,
      amount: '30000.00',
      howToObject: listed.howToObject,
    });
    expect(Date.parse(String(notice!.objectionDeadline))).toBeGreaterThan(Date.now());
    expect(JSON.stringify(listed)).not.toContain(idNumber);
    expect((await anon.get('/api/v1/public/special-relief-notices?pageSize=0')).status).toBe(400);
    const objected = await send(caseworker, hearing.id, { type: 'OBJECTION', details: '金额有误' });
    expect(objected.body.state).toBe('decision');
    expect(await ledger()).toEqual({ reserved: '0.00', paid: '0.00' });
    // Sent back to decision: off the notice until decided again.
    expect((await notices()).items.map((n) => n.noticeNo)).not.toContain(hearing.id);
  });
});
