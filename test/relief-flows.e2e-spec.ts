import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEFAULT_POLICY, type ReliefEdition } from '../src/config/policy';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { personKey } from '../src/relief/relief-ledger.service';
import { expense, reliefApplication, residentId } from './factories/relief';
import { createUser, eventually, Http, sleep, type TestUser } from './support/http';
import { createTestDatabase, startTestApp, type TestApp } from './support/test-app';

interface Applicant {
  name: string;
  idNumber: string;
  phone?: string;
}

interface CaseBody {
  id: string;
  type: string;
  state: string;
  status: string;
  version: number;
  policyVersion: string;
  allowedEvents: string[];
  deadlines: Array<{ name: string; kind: string; dueAt: string; overdue: boolean }>;
  data: Record<string, unknown> & {
    applicant: Applicant;
    expenses: Array<Record<string, string>>;
    calculation?: {
      eligibleBase: string;
      reliefAmount: string;
      ratio: string;
      policyVersion: string;
    };
    verification?: { policyVersion?: string };
    supplementRequests: Array<{ items: string[]; by: string }>;
    supplements: Array<{ expensesReplaced: boolean; note?: string; by: string }>;
    proposedAmount?: string;
    proposalReason?: string;
    approvedAmount?: string;
    objections: Array<{
      details: string;
      by: string;
      decision?: { outcome: string; reason?: string; by: string };
    }>;
    rejection?: { reason: string; stage: string; by: string };
    withdrawal?: { abandoned: boolean; stage: string; by: string; reason?: string };
  };
}

interface Problem {
  type: string;
  status: number;
  allowedEvents?: string[];
  errors?: Array<{ field: string }>;
}

interface HistoryRow {
  seq: number;
  type: string;
  actor: string;
  at: string;
  from: string | null;
  to: string;
  payload: Record<string, unknown> & { applicant?: Applicant };
}

interface Page<T> {
  items: T[];
  total: number;
}

const STREET = '330106001';
const OTHER_STREET = '330106002';
/** reliefApplication()'s phone, as docs/api.md masks it: first 3 + `****` + last 4. */
const PHONE = '13812345678';
const MASKED_PHONE = '138****5678';
const maskedId = (id: string): string => `${id.slice(0, 6)}********${id.slice(-4)}`;

/** The standard expense line: base 15,000; DIBAO 80% = 12,000 under the default edition. */
const STANDARD_RELIEF = '12000.00';

describe('relief application flows (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let street: TestUser;
  let otherStreet: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  let legal: TestUser;
  let auditor: TestUser;
  /** A distinct resident per case: each has a yearly ledger of its own. */
  let nextPerson = 100;
  const person = (): string => residentId(nextPerson++);

  beforeAll(async () => {
    t = await startTestApp({
      policy: {
        deadlines: { 'relief-application': { awaiting_supplement: '2s', publicity: '5s' } },
      },
    });
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET });
    otherStreet = await createUser(admin, anon, {
      roles: ['STREET_OFFICE'],
      streetCode: OTHER_STREET,
    });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  const submit = (idNumber: string, expenses = [expense()]) =>
    street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber, expenses }),
      { 'idempotency-key': randomUUID() },
    );
  const send = <T = CaseBody>(
    who: TestUser,
    id: string,
    event: Record<string, unknown>,
    ifMatch?: string,
  ) =>
    who.http.post<T>(
      `/api/v1/cases/${id}/events`,
      event,
      ifMatch === undefined ? undefined : { 'if-match': ifMatch },
    );
  const getCase = async (id: string, who: TestUser = caseworker): Promise<CaseBody> => {
    const res = await who.http.get<CaseBody>(`/api/v1/cases/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const history = async (id: string, who: TestUser = caseworker): Promise<HistoryRow[]> => {
    const res = await who.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const ledger = async (
    idNumber: string,
  ): Promise<{ paid_total: string; reserved_total: string } | undefined> => {
    const [row]: Array<{ paid_total: string; reserved_total: string }> = await t.app
      .get(DataSource)
      .query(
        'SELECT paid_total, reserved_total FROM relief_ledgers WHERE person_key = ? AND year = 2026',
        [personKey(idNumber)],
      );
    return row;
  };

  /** A new application by the street office, in `submitted`. */
  async function submitted(idNumber = person(), expenses = [expense()]): Promise<string> {
    const created = await submit(idNumber, expenses);
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('submitted');
    return created.body.id;
  }

  /** submitted -> ACCEPT -> VERIFY (DIBAO): the case waits in amount_review. */
  async function inAmountReview(idNumber = person()): Promise<string> {
    const id = await submitted(idNumber);
    expect((await send(caseworker, id, { type: 'ACCEPT' })).status).toBe(200);
    const verified = await send(caseworker, id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: '民低保字0001',
    });
    expect(verified.body).toMatchObject({
      state: 'amount_review',
      data: { calculation: { reliefAmount: STANDARD_RELIEF } },
    });
    return id;
  }

  /** ... -> PROPOSE (the computed amount): the case waits in approval. */
  async function inApproval(idNumber = person()): Promise<string> {
    const id = await inAmountReview(idNumber);
    expect((await send(caseworker, id, { type: 'PROPOSE' })).body.state).toBe('approval');
    return id;
  }

  /** ... -> APPROVE: the case is in publicity (公示), whose 5s clock is running. */
  async function inPublicity(idNumber = person()): Promise<CaseBody> {
    const id = await inApproval(idNumber);
    const approved = await send(manager, id, { type: 'APPROVE' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'publicity',
      data: { approvedAmount: STANDARD_RELIEF },
    });
    return approved.body;
  }

  const dueAt = (c: CaseBody, name: string): number => {
    const deadline = c.deadlines.find((d) => d.name === name);
    expect(deadline).toBeDefined();
    return Date.parse(deadline!.dueAt);
  };

  describe('supplement requests (补正)', () => {
    it('should withdraw the case as abandoned, by system, when the supplement deadline passes', async () => {
      const id = await submitted();
      const before = Date.now();
      const requested = await send(caseworker, id, {
        type: 'REQUEST_SUPPLEMENT',
        items: ['低保证复印件', '住院发票'],
      });
      expect(requested.status).toBe(200);
      expect(requested.body).toMatchObject({
        state: 'awaiting_supplement',
        status: 'active',
        data: {
          supplementRequests: [{ items: ['低保证复印件', '住院发票'], by: caseworker.id }],
        },
      });
      expect(requested.body.deadlines).toEqual([
        expect.objectContaining({ name: 'awaiting_supplement', kind: 'state', overdue: false }),
      ]);
      // 2s in this test's policy, counted from entering the state.
      const due = dueAt(requested.body, 'awaiting_supplement');
      expect(due).toBeGreaterThanOrEqual(before + 2000 - 5);
      expect(due).toBeLessThanOrEqual(Date.now() + 2000 + 5);

      const withdrawn = await eventually(async () => {
        const c = await getCase(id);
        return c.state === 'withdrawn' ? c : undefined;
      }, 15000);
      expect(withdrawn).toMatchObject({
        status: 'closed',
        deadlines: [],
        allowedEvents: [],
        data: {
          withdrawal: { abandoned: true, stage: 'awaiting_supplement', by: 'system' },
        },
      });
      const fired = (await history(id)).filter((e) => e.type === 'DEADLINE_AWAITING_SUPPLEMENT');
      expect(fired).toHaveLength(1);
      expect(fired[0]).toMatchObject({
        actor: 'system',
        from: 'awaiting_supplement',
        to: 'withdrawn',
      });

      // Abandoned is final: a late supplement is refused.
      const late = await send<Problem>(street, id, { type: 'SUPPLEMENT', note: '补交材料' });
      expect(late.status).toBe(422);
      expect(late.body.allowedEvents).toEqual([]);
    });

    it('should bring a supplemented case back to submitted with the new expenses, and never fire the earlier timer', async () => {
      const id = await submitted();
      const requested = await send(caseworker, id, {
        type: 'REQUEST_SUPPLEMENT',
        items: ['住院费用明细清单'],
      });
      expect(requested.body.state).toBe('awaiting_supplement');
      const due = dueAt(requested.body, 'awaiting_supplement');

      // In-policy 60,000 − basic 30,000 − critical illness 5,000: base 25,000.
      const corrected = [expense({ inPolicyCost: '60000.00', totalCost: '62000.00' })];
      const supplemented = await send(street, id, {
        type: 'SUPPLEMENT',
        expenses: corrected,
        note: '补交完整费用清单',
      });
      expect(supplemented.status).toBe(200);
      expect(supplemented.body).toMatchObject({
        state: 'submitted',
        status: 'active',
        data: {
          expenses: corrected,
          supplements: [{ expensesReplaced: true, note: '补交完整费用清单', by: street.id }],
        },
      });
      expect(supplemented.body.deadlines.map((d) => d.name)).not.toContain('awaiting_supplement');

      // Well past the supplement deadline: the timer of the state the case left does nothing.
      await sleep(Math.max(0, due - Date.now()) + 3000);
      const after = await getCase(id);
      expect(after).toMatchObject({ state: 'submitted', status: 'active' });
      expect((await history(id)).map((e) => e.type)).toEqual([
        'CASE_OPENED',
        'REQUEST_SUPPLEMENT',
        'SUPPLEMENT',
      ]);
      const [deadline] = await t.app
        .get(DataSource)
        .query(
          "SELECT status FROM case_deadlines WHERE case_id = ? AND name = 'awaiting_supplement'",
          [id],
        );
      expect(deadline.status).toBe('cancelled');

      // A supplement with a note only keeps the expense list.
      await send(caseworker, id, { type: 'REQUEST_SUPPLEMENT', items: ['户口本'] });
      const noteOnly = await send(street, id, { type: 'SUPPLEMENT', note: '户口本已补交' });
      expect(noteOnly.body).toMatchObject({ state: 'submitted', data: { expenses: corrected } });
      expect(noteOnly.body.data.supplements[1]).toMatchObject({ expensesReplaced: false });

      // The calculation uses the supplemented expenses: 25,000 × 80%.
      await send(caseworker, id, { type: 'ACCEPT' });
      const verified = await send(caseworker, id, {
        type: 'VERIFY',
        verifiedCategory: 'DIBAO',
        certificateNo: '民低保字0002',
      });
      expect(verified.body.data.calculation).toMatchObject({
        eligibleBase: '25000.00',
        reliefAmount: '20000.00',
      });
    });
    it('should time a second supplement request from its own entry, never from the first', async () => {
      const id = await submitted();
      const first = await send(caseworker, id, {
        type: 'REQUEST_SUPPLEMENT',
        items: ['身份证复印件'],
      });
      const firstDue = dueAt(first.body, 'awaiting_supplement');
      expect((await send(street, id, { type: 'SUPPLEMENT', note: '已补交' })).status).toBe(200);
      await sleep(1000);
      const second = await send(caseworker, id, {
        type: 'REQUEST_SUPPLEMENT',
        items: ['银行账户信息'],
      });
      expect(second.body.state).toBe('awaiting_supplement');
      const secondDue = dueAt(second.body, 'awaiting_supplement');
      // The case is back in awaiting_supplement before the first request's timer came due.
      expect(Date.now()).toBeLessThan(firstDue);
      expect(secondDue).toBeGreaterThan(firstDue + 500);

      const withdrawn = await eventually(async () => {
        const c = await getCase(id);
        return c.state === 'withdrawn' ? c : undefined;
      }, 15000);
      expect(withdrawn.data.withdrawal).toMatchObject({ abandoned: true, by: 'system' });
      const fired = (await history(id)).filter((e) => e.type === 'DEADLINE_AWAITING_SUPPLEMENT');
      expect(fired).toHaveLength(1);
      expect(Date.parse(fired[0].at)).toBeGreaterThanOrEqual(secondDue);
    });
  });

  describe("a transition's answer", () => {
    it('should show the deadlines and links a fresh read shows, at every step (worked out or read)', async () => {
      const idNumber = person();
      const id = await submitted(idNumber);
      const steps: Array<[TestUser, Record<string, unknown>]> = [
        [caseworker, { type: 'ACCEPT' }],
        [caseworker, { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: '民低保字0002' }],
        [caseworker, { type: 'PROPOSE' }],
        [manager, { type: 'APPROVE' }],
        // The objection stops the publicity clock: a change the answer reads again.
        [street, { type: 'OBJECTION', details: '群众反映申请人家庭有经营性车辆' }],
        [manager, { type: 'UPHOLD', reason: '经核查车辆非申请人所有' }],
      ];
      const seen: string[][] = [];
      for (const [who, event] of steps) {
        const answer = await send(who, id, event);
        expect(answer.status).toBe(200);
        const fresh = await getCase(id);
        expect(answer.body.version).toBe(fresh.version);
        expect(answer.body.deadlines).toEqual(fresh.deadlines);
        expect(answer.body.data.links).toEqual(fresh.data.links);
        seen.push(answer.body.deadlines.map((d) => d.name));
      }
      expect(seen).toEqual([
        ['eligibility_review'],
        ['amount_review'],
        ['approval'],
        ['publicity'],
        ['objection_review'],
        ['disbursement'],
      ]);
    });

    it('should read them again after a change made elsewhere (a new version it did not answer for)', async () => {
      const id = await submitted();
      expect((await send(caseworker, id, { type: 'ACCEPT' })).status).toBe(200);
      // Another writer (here the engine's own recordEvent, as another process would) moves the
      // version and adds a deadline this process's answers never saw.
      await t.app.get(CaseEngine).recordEvent({
        caseId: id,
        type: 'NOTE',
        actor: SYSTEM,
        payload: {},
        within: async (m) => {
          await m.query(
            `INSERT INTO case_deadlines (case_id, name, kind, entry_seq, restart, duration,
               started_at, due_at, on_expire_event, status)
             VALUES (?, 'elsewhere', 'case', 3, 0, '30d', NOW(3), NOW(3) + INTERVAL 30 DAY, NULL,
               'pending')`,
            [id],
          );
        },
      });
      const verified = await send(caseworker, id, {
        type: 'VERIFY',
        verifiedCategory: 'DIBAO',
        certificateNo: '民低保字0003',
      });
      expect(verified.status).toBe(200);
      expect(verified.body.deadlines.map((d) => d.name)).toEqual(['amount_review', 'elsewhere']);
      expect(verified.body.deadlines).toEqual((await getCase(id)).deadlines);
    });

    it("should show them after the publicity timer moved the case on, in the payment's answer", async () => {
      const published = await inPublicity();
      const paying = await eventually(async () => {
        const c = await getCase(published.id);
        return c.state === 'disbursement' ? c : undefined;
      }, 15000);
      expect(paying.deadlines.map((d) => d.name)).toEqual(['disbursement']);
      const paid = await send(caseworker, published.id, {
        type: 'RECORD_PAYMENT',
        amount: STANDARD_RELIEF,
        reference: 'BANK-0001',
      });
      expect(paid.status).toBe(200);
      const fresh = await getCase(published.id);
      expect(paid.body).toMatchObject({ state: 'paid', status: 'closed', version: fresh.version });
      expect(paid.body.deadlines).toEqual([]);
      expect(paid.body.deadlines).toEqual(fresh.deadlines);
      expect(paid.body.data.links).toEqual(fresh.data.links);
    });
  });

  describe('objections during publicity (公示异议)', () => {
    it('should move an objection to objection_review, stop the publicity clock, and let a MANAGER uphold it into disbursement', async () => {
      const idNumber = person();
      const published = await inPublicity(idNumber);
      const id = published.id;
      const publicityDue = dueAt(published, 'publicity');

      const objected = await send(street, id, {
        type: 'OBJECTION',
        details: '群众反映申请人家庭有经营性车辆',
      });
      expect(objected.status).toBe(200);
      expect(objected.body).toMatchObject({
        state: 'objection_review',
        data: { objections: [{ details: '群众反映申请人家庭有经营性车辆', by: street.id }] },
      });

      // Only a MANAGER decides on an objection.
      const byCaseworker = await send<Problem>(caseworker, id, { type: 'UPHOLD' });
      expect(byCaseworker.status).toBe(403);

      // The 5s publicity period has passed: the objection holds the case, nothing moves it on.
      await sleep(Math.max(0, publicityDue - Date.now()) + 3000);
      expect((await getCase(id)).state).toBe('objection_review');
      expect((await history(id)).map((e) => e.type)).toEqual([
        'CASE_OPENED',
        'ACCEPT',
        'VERIFY',
        'PROPOSE',
        'APPROVE',
        'OBJECTION',
      ]);

      const upheld = await send(manager, id, { type: 'UPHOLD', reason: '经核查车辆非申请人所有' });
      expect(upheld.status).toBe(200);
      expect(upheld.body).toMatchObject({
        state: 'disbursement',
        status: 'active',
        data: {
          approvedAmount: STANDARD_RELIEF,
          objections: [
            { decision: { outcome: 'UPHELD', reason: '经核查车辆非申请人所有', by: manager.id } },
          ],
        },
      });
      expect(await ledger(idNumber)).toEqual({
        paid_total: '0.00',
        reserved_total: STANDARD_RELIEF,
      });
    });

    it('should reject the case and give the reservation back when a MANAGER revokes after an objection', async () => {
      const idNumber = person();
      const { id } = await inPublicity(idNumber);
      expect(await ledger(idNumber)).toEqual({
        paid_total: '0.00',
        reserved_total: STANDARD_RELIEF,
      });
      const objected = await send(caseworker, id, {
        type: 'OBJECTION',
        details: '举报申请人隐瞒家庭收入',
      });
      expect(objected.body.state).toBe('objection_review');

      const noReason = await send<Problem>(manager, id, { type: 'REVOKE' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors?.map((e) => e.field)).toContain('reason');
      expect((await ledger(idNumber))?.reserved_total).toBe(STANDARD_RELIEF);

      const revoked = await send(manager, id, {
        type: 'REVOKE',
        reason: '核实家庭收入超过低保标准',
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({
        state: 'rejected',
        status: 'closed',
        data: {
          rejection: {
            reason: '核实家庭收入超过低保标准',
            stage: 'objection_review',
            by: manager.id,
          },
          objections: [{ decision: { outcome: 'REVOKED', by: manager.id } }],
        },
      });
      expect(await ledger(idNumber)).toEqual({ paid_total: '0.00', reserved_total: '0.00' });
    });
  });

  describe('street scoping', () => {
    it("should hide another street's case from a street office (404) and show it to its own", async () => {
      const id = await submitted();

      expect((await otherStreet.http.get(`/api/v1/cases/${id}`)).status).toBe(404);
      expect((await otherStreet.http.get(`/api/v1/cases/${id}/history`)).status).toBe(404);
      // WITHDRAW is a street office's event in `submitted`: the scope, not the role, refuses it.
      const withdraw = await send<Problem>(otherStreet, id, {
        type: 'WITHDRAW',
        reason: '申请人撤回',
      });
      expect(withdraw.status).toBe(404);
      const list = await otherStreet.http.get<Page<CaseBody>>(
        '/api/v1/cases?type=relief-application&pageSize=500',
      );
      expect(list.status).toBe(200);
      expect(list.body.items.map((c) => c.id)).not.toContain(id);
      const filtered = await otherStreet.http.get<Page<CaseBody>>(
        `/api/v1/cases?type=relief-application&streetCode=${STREET}&pageSize=500`,
      );
      expect(filtered.body).toMatchObject({ items: [], total: 0 });
      const tasks = await otherStreet.http.get<Page<CaseBody>>('/api/v1/tasks?pageSize=500');
      expect(tasks.body.items.map((c) => c.id)).not.toContain(id);

      const own = await getCase(id, street);
      expect(own).toMatchObject({ state: 'submitted', version: 1, allowedEvents: ['WITHDRAW'] });
      const ownList = await street.http.get<Page<CaseBody>>(
        '/api/v1/cases?type=relief-application&pageSize=500',
      );
      expect(ownList.body.items.map((c) => c.id)).toContain(id);
      expect((await history(id)).map((e) => e.type)).toEqual(['CASE_OPENED']);
    });
  });

  describe('the engine contract on relief cases', () => {
    it('should answer a stale If-Match with 409 version-conflict and record nothing', async () => {
      const id = await submitted();
      const accepted = await send(caseworker, id, { type: 'ACCEPT' }, '"1"');
      expect(accepted.status).toBe(200);
      expect(accepted.body.version).toBe(2);

      const stale = await send<Problem>(
        caseworker,
        id,
        { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: '民低保字0003' },
        '"1"',
      );
      expect(stale.status).toBe(409);
      expect(stale.body.type).toMatch(/\/version-conflict$/);
      expect(await getCase(id)).toMatchObject({ state: 'eligibility_review', version: 2 });
      expect((await history(id)).map((e) => e.type)).toEqual(['CASE_OPENED', 'ACCEPT']);

      const current = await send(
        caseworker,
        id,
        { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: '民低保字0003' },
        '"2"',
      );
      expect(current.status).toBe(200);
      expect(current.body).toMatchObject({ state: 'amount_review', version: 3 });
    });

    it('should refuse an event the state does not accept with 422 listing what the caller may send', async () => {
      const id = await submitted();
      const res = await send<Problem>(caseworker, id, { type: 'APPROVE' });
      expect(res.status).toBe(422);
      expect(res.body.type).toMatch(/\/event-not-accepted$/);
      expect([...(res.body.allowedEvents ?? [])].sort()).toEqual([
        'ACCEPT',
        'REJECT',
        'REQUEST_SUPPLEMENT',
      ]);
      // The list is the caller's own: the street office may only withdraw here.
      const asStreet = await send<Problem>(street, id, { type: 'APPROVE' });
      expect(asStreet.status).toBe(422);
      expect(asStreet.body.allowedEvents).toEqual(['WITHDRAW']);
      expect(await getCase(id)).toMatchObject({ state: 'submitted', version: 1 });
    });

    it('should refuse a role that may not send the event in this state with 403', async () => {
      const id = await submitted();
      const res = await send<Problem>(street, id, { type: 'ACCEPT' });
      expect(res.status).toBe(403);
      expect(res.body.type).toMatch(/\/forbidden$/);
      expect((await history(id)).map((e) => e.type)).toEqual(['CASE_OPENED']);
    });

    it('should refuse a proposal other than the computed amount without a reason (422), and record it, normalised, with one', async () => {
      const id = await inAmountReview();
      const unjustified = await send<Problem>(caseworker, id, {
        type: 'PROPOSE',
        amount: '11000.5',
      });
      expect(unjustified.status).toBe(422);
      expect(unjustified.body.allowedEvents).toEqual(expect.arrayContaining(['PROPOSE', 'REJECT']));
      expect(await getCase(id)).toMatchObject({ state: 'amount_review', version: 3 });

      const justified = await send(caseworker, id, {
        type: 'PROPOSE',
        amount: '11000.5',
        reason: '扣除重复报销票据500元',
      });
      expect(justified.status).toBe(200);
      expect(justified.body).toMatchObject({
        state: 'approval',
        data: { proposedAmount: '11000.50', proposalReason: '扣除重复报销票据500元' },
      });

      // The computed amount written another way needs no reason.
      const other = await inAmountReview();
      const same = await send(caseworker, other, { type: 'PROPOSE', amount: '12000' });
      expect(same.status).toBe(200);
      expect(same.body).toMatchObject({
        state: 'approval',
        data: { proposedAmount: STANDARD_RELIEF },
      });
    });
  });

  describe('personal data masking', () => {
    it('should mask ID and phone in the case list and the task inbox, for every role', async () => {
      const idNumber = person();
      const waiting = await submitted(idNumber); // the caseworker's and the street office's task
      const approving = await inApproval(idNumber); // the manager's task
      const masked = { name: '张三', idNumber: maskedId(idNumber), phone: MASKED_PHONE };
      expect(masked.idNumber).toMatch(/^330106\*{8}\d{3}[\dX]$/);

      for (const who of [caseworker, manager, street]) {
        const list = await who.http.get<Page<CaseBody>>(
          '/api/v1/cases?type=relief-application&pageSize=500',
        );
        expect(list.status).toBe(200);
        for (const id of [waiting, approving]) {
          const item = list.body.items.find((c) => c.id === id);
          expect(item?.data.applicant).toEqual(expect.objectContaining(masked));
        }
        const text = JSON.stringify(list.body);
        expect(text).not.toContain(idNumber);
        expect(text).not.toContain(PHONE);
      }

      for (const [who, id] of [
        [caseworker, waiting],
        [street, waiting],
        [manager, approving],
      ] as const) {
        const tasks = await who.http.get<Page<CaseBody>>('/api/v1/tasks?pageSize=500');
        expect(tasks.status).toBe(200);
        const item = tasks.body.items.find((c) => c.id === id);
        expect(item?.data.applicant).toEqual(expect.objectContaining(masked));
        const text = JSON.stringify(tasks.body);
        expect(text).not.toContain(idNumber);
        expect(text).not.toContain(PHONE);
      }
    });

    it('should show ID and phone in full in GET /cases/:id only to CASEWORKER, MANAGER, AUDITOR and the own street office', async () => {
      const idNumber = person();
      const id = await submitted(idNumber);
      const full = { name: '张三', idNumber, phone: PHONE };

      for (const who of [caseworker, manager, auditor, street]) {
        expect((await getCase(id, who)).data.applicant).toEqual(expect.objectContaining(full));
      }
      const opened = (await history(id, caseworker))[0];
      expect(opened).toMatchObject({ seq: 1, type: 'CASE_OPENED' });
      expect(opened.payload.applicant).toEqual(expect.objectContaining(full));

      // LEGAL reads penalty and inspection cases only (need to know): a relief case is not there.
      expect((await legal.http.get(`/api/v1/cases/${id}`)).status).toBe(404);
      expect((await legal.http.get(`/api/v1/cases/${id}/history`)).status).toBe(404);
    });
  });
});

describe('relief policy editions by effective date (real MariaDB and Redis)', () => {
  /** Today's date in Asia/Shanghai, YYYY-MM-DD. */
  const shanghaiToday = (): string =>
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date());

  const base: ReliefEdition = DEFAULT_POLICY.relief.editions[0];
  const withDibaoRatio = (
    version: string,
    effectiveFrom: string,
    ratio: string,
  ): ReliefEdition => ({
    ...base,
    version,
    effectiveFrom,
    categories: { ...base.categories, DIBAO: { ...base.categories.DIBAO, ratio } },
  });

  it('should calculate a running case with the edition it was opened under, and a new case with the one in force', async () => {
    expect(base).toMatchObject({ version: '2026.1', effectiveFrom: '2021-01-01' });
    const today = shanghaiToday();
    // The 2026.2 edition must already be in force and 2027.1 newer than it.
    expect(today > '2026-01-01').toBe(true);
    const ed2026_2 = withDibaoRatio('2026.2', '2026-01-01', '0.90');
    const ed2027_1 = withDibaoRatio('2027.1', today, '0.50');

    const database = await createTestDatabase();
    let a: TestApp | undefined;
    let b: TestApp | undefined;
    try {
      a = await startTestApp({ database, policy: { relief: { editions: [base, ed2026_2] } } });
      const anonA = new Http(a.app);
      const adminA = await anonA.loginAdmin();
      const streetA = await createUser(adminA, anonA, {
        roles: ['STREET_OFFICE'],
        streetCode: STREET,
      });
      const caseworkerA = await createUser(adminA, anonA, { roles: ['CASEWORKER'] });
      const old = await streetA.http.post<CaseBody>(
        '/api/v1/relief-applications',
        reliefApplication({ idNumber: residentId(1) }),
        { 'idempotency-key': randomUUID() },
      );
      expect(old.status).toBe(201);
      expect(old.body.policyVersion).toBe('2026.2');
      const accepted = await caseworkerA.http.post<CaseBody>(
        `/api/v1/cases/${old.body.id}/events`,
        { type: 'ACCEPT' },
      );
      expect(accepted.body.state).toBe('eligibility_review');
      await a.close();
      a = undefined;

      // A new policy year is configured; the running case keeps its edition.
      b = await startTestApp({
        database,
        policy: { relief: { editions: [base, ed2026_2, ed2027_1] } },
      });
      const anonB = new Http(b.app);
      const adminB = await anonB.loginAdmin();
      const streetB = await createUser(adminB, anonB, {
        roles: ['STREET_OFFICE'],
        streetCode: STREET,
      });
      const caseworkerB = await createUser(adminB, anonB, { roles: ['CASEWORKER'] });
      const verify = (id: string) =>
        caseworkerB.http.post<CaseBody>(`/api/v1/cases/${id}/events`, {
          type: 'VERIFY',
          verifiedCategory: 'DIBAO',
          certificateNo: '民低保字0004',
        });

      const verifiedOld = await verify(old.body.id);
      expect(verifiedOld.status).toBe(200);
      expect(verifiedOld.body).toMatchObject({
        state: 'amount_review',
        policyVersion: '2026.2',
        data: {
          calculation: {
            eligibleBase: '15000.00',
            ratio: '0.90',
            reliefAmount: '13500.00',
            policyVersion: '2026.2',
          },
          verification: { policyVersion: '2026.2' },
        },
      });

      const fresh = await streetB.http.post<CaseBody>(
        '/api/v1/relief-applications',
        reliefApplication({ idNumber: residentId(2) }),
        { 'idempotency-key': randomUUID() },
      );
      expect(fresh.status).toBe(201);
      expect(fresh.body.policyVersion).toBe('2027.1');
      await caseworkerB.http.post(`/api/v1/cases/${fresh.body.id}/events`, { type: 'ACCEPT' });
      const verifiedFresh = await verify(fresh.body.id);
      expect(verifiedFresh.status).toBe(200);
      expect(verifiedFresh.body.data.calculation).toMatchObject({
        eligibleBase: '15000.00',
        ratio: '0.50',
        reliefAmount: '7500.00',
        policyVersion: '2027.1',
      });
    } finally {
      await a?.close();
      await b?.close();
      await database.drop();
    }
  });
});
