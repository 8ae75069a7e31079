import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CaseEngine } from '../src/engine/case-engine.service';
import { expense, reliefApplication, residentId } from './factories/relief';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface CaseBody {
  id: string;
  type: string;
  state: string;
  status: string;
  version: number;
  assignee: string | null;
  allowedEvents: string[];
  deadlines: Array<{ name: string; dueAt: string }>;
  data: Record<string, unknown> & { links: Array<{ rel: string; caseId: string }> };
}
interface Ledger {
  cap: string | null;
  paid: string;
  reserved: string;
  remaining: string | null;
}
interface PersonBody {
  idNumber: string;
  name: string;
  year: number;
  category: string | null;
  ledgers: Record<'relief' | 'outpatientRelief' | 'specialRelief' | 'warmHeartFund', Ledger>;
  cases: Array<{
    id: string;
    type: string;
    state: string;
    amount: string | null;
    paid: string | null;
  }>;
}
interface Notice {
  noticeNo: string;
  name: string;
  streetCode: string;
  year: number;
  amount: string;
  objectionDeadline: string;
  howToObject: string;
}
interface HistoryRow {
  seq: number;
  type: string;
  actor: string;
  payload: Record<string, unknown>;
}
interface Verification {
  cases: number;
  events: number;
  valid: boolean;
  broken: number;
  firstBroken: { caseId: string; seq: number; reason: string } | null;
}

const STREET = '330106001';

/**
 * A caseworker's and a manager's daily questions on real MariaDB and Redis: what is left for
 * this person (the person view), who is holding this case (reassignment, notices, workload),
 * the public relief notice during publicity, and the auditor who reads everything, sends
 * nothing and verifies every audit chain.
 */
describe('everyday work: person view, reassignment, public notice, auditor', () => {
  let t: TestApp;
  let ds: DataSource;
  let engine: CaseEngine;
  let anon: Http;
  let street: TestUser;
  let otherStreet: TestUser;
  let caseworker: TestUser;
  let colleague: TestUser;
  let manager: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    // The default policy (publicity 7 days): the test ends publicity itself, at its due time.
    t = await startTestApp();
    ds = t.app.get(DataSource);
    engine = t.app.get(CaseEngine);
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET });
    otherStreet = await createUser(admin, anon, {
      roles: ['STREET_OFFICE'],
      streetCode: '330106002',
    });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    colleague = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody & Problem>(`/api/v1/cases/${id}/events`, event);
  const getCase = async (who: TestUser, id: string) =>
    (await who.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;

  /** Fires a case's pending state deadline as its timer would at its due time (no waiting). */
  async function endDeadline(caseId: string, name: string): Promise<void> {
    const [row]: Array<{ id: string; due_at: Date }> = await ds.query(
      "SELECT id, due_at FROM case_deadlines WHERE case_id = ? AND name = ? AND status = 'pending'",
      [caseId, name],
    );
    expect(row).toBeDefined();
    const outcome = await engine.fireDeadline(
      String(row.id),
      new Date(new Date(row.due_at).getTime() + 1000),
    );
    expect(outcome).toBe('fired');
  }

  async function toPublicity(idNumber: string, expenses = [expense()]): Promise<CaseBody> {
    const created = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber, expenses }),
      { 'idempotency-key': randomUUID() },
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await send(caseworker, id, { type: 'ACCEPT' })).status).toBe(200);
    const verified = await send(caseworker, id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: '杭西低保2026-001',
    });
    expect(verified.status).toBe(200);
    expect((await send(caseworker, id, { type: 'PROPOSE' })).status).toBe(200);
    const approved = await send(manager, id, { type: 'APPROVE' });
    expect(approved.body.state).toBe('publicity');
    return approved.body;
  }

  async function toPaid(idNumber: string, expenses = [expense()]): Promise<CaseBody> {
    const inPublicity = await toPublicity(idNumber, expenses);
    await endDeadline(inPublicity.id, 'publicity');
    const approved = (await getCase(caseworker, inPublicity.id)).data.approvedAmount as string;
    const paid = await send(caseworker, inPublicity.id, {
      type: 'RECORD_PAYMENT',
      amount: approved,
      reference: `BANK-${randomUUID().slice(0, 8)}`,
    });
    expect(paid.body.state).toBe('paid');
    return paid.body;
  }

  describe('the person view', () => {
    it("should show a person's cases and what is left under each cap after two paid cases", async () => {
      const id = residentId(501);
      const first = await toPaid(id); // inpatient: base 15,000 x 80% = 12,000.00
      const second = await toPaid(id, [
        expense({
          kind: 'OUTPATIENT',
          date: '2026-04-10',
          totalCost: '5000.00',
          inPolicyCost: '5000.00',
          basicInsurancePaid: '2000.00',
          criticalIllnessPaid: '0.00',
        }),
      ]); // outpatient: base 3,000 x 80% = 2,400.00
      // The first payment's burden (5,000.00) opened a hardship hearing for the person.
      const hearingId = await eventually(async () => {
        const c = await getCase(caseworker, first.id);
        return c.data.links.find((l) => l.rel === 'hardship-hearing')?.caseId;
      });

      const res = await caseworker.http.get<PersonBody>(`/api/v1/persons/${id}?year=2026`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ idNumber: id, name: '张三', year: 2026, category: 'DIBAO' });
      expect(res.body.ledgers).toEqual({
        relief: { cap: '150000.00', paid: '14400.00', reserved: '0.00', remaining: '135600.00' },
        outpatientRelief: {
          cap: '20000.00',
          paid: '2400.00',
          reserved: '0.00',
          remaining: '17600.00',
        },
        specialRelief: { cap: '100000.00', paid: '0.00', reserved: '0.00', remaining: '100000.00' },
        warmHeartFund: { cap: null, paid: '0.00', reserved: '0.00', remaining: null },
      });
      expect(new Set(res.body.cases.map((c) => c.id))).toEqual(
        new Set([first.id, second.id, hearingId]),
      );
      expect(res.body.cases.find((c) => c.id === first.id)).toMatchObject({
        type: 'relief-application',
        state: 'paid',
        amount: '12000.00',
        paid: '12000.00',
      });
      expect(res.body.cases.find((c) => c.id === hearingId)).toMatchObject({
        type: 'hardship-hearing',
        state: 'referred',
      });
      // A manager sees the same.
      const other = await manager.http.get<PersonBody>(`/api/v1/persons/${id}?year=2026`);
      expect(other.body.ledgers).toEqual(res.body.ledgers);
      // Another year: no ledger entries yet, every cap whole; the cases are the person's all the same.
      const nextYear = await caseworker.http.get<PersonBody>(`/api/v1/persons/${id}?year=2027`);
      expect(nextYear.body.ledgers.relief).toMatchObject({ paid: '0.00' });
      expect(nextYear.body.cases).toHaveLength(3);
    });

    it('should refuse a malformed ID with 400 naming idNumber, and roles outside the bureau with 403', async () => {
      const bad = await caseworker.http.get<Problem>('/api/v1/persons/330106198001010014');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        { field: 'idNumber', message: expect.stringContaining('check digit') },
      ]);
      expect((await caseworker.http.get<Problem>('/api/v1/persons/12345')).status).toBe(400);
      expect((await street.http.get('/api/v1/persons/330106198001010013')).status).toBe(403);
      const unknown = await caseworker.http.get<PersonBody>('/api/v1/persons/330106198001010013');
      expect(unknown.status).toBe(200);
      expect(unknown.body.cases).toEqual([]);
      expect(unknown.body.category).toBeNull();
      expect(unknown.body.ledgers.relief).toMatchObject({ cap: null, paid: '0.00' });
    });
  });

  describe('the public relief notice (公示)', () => {
    it('should list a case in publicity with the masked name and the objection deadline, and drop it when publicity ends', async () => {
      const id = residentId(601);
      const inPublicity = await toPublicity(id);
      const publicityDue = inPublicity.deadlines.find((d) => d.name === 'publicity')!.dueAt;

      const res = await anon.get<{ items: Notice[]; total: number; howToObject: string }>(
        '/api/v1/public/relief-notices?pageSize=500',
      );
      expect(res.status).toBe(200);
      const notice = res.body.items.find((n) => n.noticeNo === inPublicity.id);
      expect(notice).toEqual({
        noticeNo: inPublicity.id,
        name: '张*',
        streetCode: STREET,
        year: 2026,
        amount: '12000.00',
        publicityFrom: expect.any(String),
        objectionDeadline: publicityDue,
        howToObject: expect.stringContaining('异议'),
      });
      // Nothing else personal: no ID number, phone or category anywhere in the answer.
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(id);
      expect(text).not.toContain('13812345678');
      expect(text).not.toContain('1381');
      expect(text).not.toContain('DIBAO');
      expect(text).not.toContain('张三');
      const elsewhere = await anon.get<{ items: Notice[] }>(
        '/api/v1/public/relief-notices?streetCode=330106002',
      );
      expect(elsewhere.body.items.map((n) => n.noticeNo)).not.toContain(inPublicity.id);

      await endDeadline(inPublicity.id, 'publicity');
      expect((await getCase(caseworker, inPublicity.id)).state).toBe('disbursement');
      const after = await anon.get<{ items: Notice[] }>(
        '/api/v1/public/relief-notices?pageSize=500',
      );
      expect(after.body.items.map((n) => n.noticeNo)).not.toContain(inPublicity.id);
      const bad = await anon.get<Problem>('/api/v1/public/relief-notices?streetCode=a%20b');
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.map((e) => e.field)).toEqual(['streetCode']);
    });
  });

  describe('reassignment', () => {
    it('should assign and reassign a case, notify the new assignee, and move it between inboxes', async () => {
      const created = await street.http.post<CaseBody>(
        '/api/v1/relief-applications',
        reliefApplication({ idNumber: residentId(701) }),
        { 'idempotency-key': randomUUID() },
      );
      const id = created.body.id;
      const mine = async (who: TestUser) =>
        (
          await who.http.get<{ items: CaseBody[] }>('/api/v1/tasks?assignee=me&pageSize=500')
        ).body.items.map((c) => c.id);

      const first = await manager.http.post<CaseBody>(`/api/v1/cases/${id}/assign`, {
        userId: caseworker.id,
      });
      expect(first.status).toBe(200);
      expect(first.body.assignee).toBe(caseworker.id);
      expect(await mine(caseworker)).toContain(id);

      const second = await manager.http.post<CaseBody>(`/api/v1/cases/${id}/assign`, {
        userId: colleague.id,
        reason: '王科员休假，转李科员办理',
      });
      expect(second.body.assignee).toBe(colleague.id);
      expect(await mine(colleague)).toContain(id);
      expect(await mine(caseworker)).not.toContain(id);

      // The new assignee is notified; the old one got only the first notice.
      const notices = await colleague.http.get<{
        items: Array<{
          id: string;
          caseId: string;
          assignedBy: string;
          previousAssignee: string;
          reason: string;
          readAt: string | null;
        }>;
        total: number;
      }>('/api/v1/assignment-notices?unread=true');
      expect(notices.body.items).toEqual([
        expect.objectContaining({
          caseId: id,
          assignedBy: manager.id,
          previousAssignee: caseworker.id,
          reason: '王科员休假，转李科员办理',
          readAt: null,
        }),
      ]);
      // …and finds it in the notification inbox as well.
      const inbox = await colleague.http.get<{
        items: Array<{ type: string; caseId: string | null; body: string }>;
      }>('/api/v1/notifications');
      expect(inbox.body.items.filter((n) => n.type === 'case.assigned')).toEqual([
        expect.objectContaining({ caseId: id, body: '分派说明：王科员休假，转李科员办理' }),
      ]);
      const read = await colleague.http.post<{ readAt: string }>(
        `/api/v1/assignment-notices/${notices.body.items[0].id}/read`,
      );
      expect(read.body.readAt).toEqual(expect.any(String));
      expect(
        (await colleague.http.get<{ total: number }>('/api/v1/assignment-notices?unread=true')).body
          .total,
      ).toBe(0);
      // Someone else's notice does not exist for me.
      expect(
        (await caseworker.http.post(`/api/v1/assignment-notices/${notices.body.items[0].id}/read`))
          .status,
      ).toBe(404);

      // Logged in the history; assigning to the same person again records nothing.
      const again = await manager.http.post<CaseBody>(`/api/v1/cases/${id}/assign`, {
        userId: colleague.id,
      });
      expect(again.body.version).toBe(second.body.version);
      const history = (await manager.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`)).body;
      expect(history.filter((e) => e.type === 'ASSIGNED').map((e) => e.payload)).toEqual([
        { assignee: caseworker.id, previousAssignee: null },
        {
          assignee: colleague.id,
          previousAssignee: caseworker.id,
          reason: '王科员休假，转李科员办理',
        },
      ]);

      // The workload shows who holds what.
      const workload = await manager.http.get<{
        assignees: Array<{ userId: string; open: number; byType: Record<string, number> }>;
        unassigned: { open: number };
      }>('/api/v1/workload');
      expect(workload.status).toBe(200);
      const line = (userId: string) => workload.body.assignees.find((a) => a.userId === userId);
      expect(line(colleague.id)).toMatchObject({ open: 1, byType: { 'relief-application': 1 } });
      expect(line(caseworker.id)).toMatchObject({ open: 0 });
      expect(workload.body.unassigned.open).toBeGreaterThan(0);
      expect((await caseworker.http.get('/api/v1/workload')).status).toBe(403);

      // Released with null: nobody holds it.
      const released = await manager.http.post<CaseBody>(`/api/v1/cases/${id}/assign`, {
        userId: null,
      });
      expect(released.body.assignee).toBeNull();
    });

    it('should refuse an assignment by a non-manager, to a user who cannot see the case, or to nobody known', async () => {
      const created = await street.http.post<CaseBody>(
        '/api/v1/relief-applications',
        reliefApplication({ idNumber: residentId(702) }),
        { 'idempotency-key': randomUUID() },
      );
      const id = created.body.id;
      const assign = (who: TestUser, body: unknown) =>
        who.http.post<Problem>(`/api/v1/cases/${id}/assign`, body);
      expect((await assign(caseworker, { userId: colleague.id })).status).toBe(403);
      const wrongStreet = await assign(manager, { userId: otherStreet.id });
      expect(wrongStreet.status).toBe(422);
      expect(wrongStreet.body.errors?.map((e) => e.field)).toEqual(['userId']);
      const nobody = await assign(manager, { userId: randomUUID() });
      expect(nobody.status).toBe(422);
      expect(nobody.body.errors?.map((e) => e.field)).toEqual(['userId']);
      const toAuditor = await assign(manager, { userId: auditor.id });
      expect(toAuditor.status).toBe(422);
      const malformed = await assign(manager, { userId: 'wang' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors?.map((e) => e.field)).toEqual(['userId']);
      expect((await assign(manager, {})).status).toBe(400);
      expect(
        (await manager.http.post(`/api/v1/cases/${randomUUID()}/assign`, { userId: colleague.id }))
          .status,
      ).toBe(404);
      // Nothing happened to the case.
      const after = await getCase(manager, id);
      expect(after.assignee).toBeNull();
      expect(after.version).toBe(created.body.version);
    });
  });

  describe('the auditor', () => {
    it('should read every case, history, ledger and report, and be refused on every event', async () => {
      const inPublicity = await toPublicity(residentId(801));
      const c = await auditor.http.get<CaseBody>(`/api/v1/cases/${inPublicity.id}`);
      expect(c.status).toBe(200);
      expect(c.body.allowedEvents).toEqual([]);
      // Full personal data in the case view (docs/api.md: AUDITOR may see it).
      expect((c.body.data.applicant as { idNumber: string }).idNumber).toBe(residentId(801));
      expect((await auditor.http.get(`/api/v1/cases/${inPublicity.id}/history`)).status).toBe(200);
      expect((await auditor.http.get(`/api/v1/persons/${residentId(801)}`)).status).toBe(200);
      expect((await auditor.http.get('/api/v1/cases?pageSize=500')).status).toBe(200);
      expect((await auditor.http.get('/api/v1/cases/stats')).status).toBe(200);
      expect((await auditor.http.get('/api/v1/workload')).status).toBe(200);
      // An event the state takes (OBJECTION), one it does not (APPROVE), and claiming: all refused.
      const objection = await send(auditor, inPublicity.id, {
        type: 'OBJECTION',
        details: '有异议',
      });
      expect(objection.status).toBe(403);
      const approve = await send(auditor, inPublicity.id, { type: 'APPROVE' });
      expect(approve.status).toBe(403);
      expect((await auditor.http.post(`/api/v1/cases/${inPublicity.id}/claim`)).status).toBe(422);
      expect((await send(auditor, randomUUID(), { type: 'APPROVE' })).status).toBe(404);
      expect((await getCase(caseworker, inPublicity.id)).version).toBe(inPublicity.version);
    });

    it('should verify every audit chain and name the first broken one after an event row is edited', async () => {
      const verify = () => auditor.http.get<Verification>('/api/v1/audit/verify');
      const clean = await verify();
      expect(clean.status).toBe(200);
      expect(clean.body).toMatchObject({ valid: true, broken: 0, firstBroken: null });
      const [{ cases, events }] = await ds.query(
        'SELECT (SELECT COUNT(*) FROM cases) AS cases, (SELECT COUNT(*) FROM case_events) AS events',
      );
      expect(clean.body.cases).toBe(Number(cases));
      expect(clean.body.events).toBe(Number(events));

      const target = await street.http.post<CaseBody>(
        '/api/v1/relief-applications',
        reliefApplication({ idNumber: residentId(802) }),
        { 'idempotency-key': randomUUID() },
      );
      await send(caseworker, target.body.id, { type: 'ACCEPT' });
      // Someone with database access rewrites who accepted the case.
      await ds.query(
        "UPDATE case_events SET actor = 'someone-else' WHERE case_id = ? AND seq = 2",
        [target.body.id],
      );
      const broken = await verify();
      expect(broken.body).toMatchObject({
        valid: false,
        broken: 1,
        firstBroken: {
          caseId: target.body.id,
          seq: 2,
          reason: 'the event content does not match its hash',
        },
      });
      const onlyHearings = await auditor.http.get<Verification>(
        '/api/v1/audit/verify?type=hardship-hearing',
      );
      expect(onlyHearings.body.broken).toBe(0);
      expect((await caseworker.http.get('/api/v1/audit/verify')).status).toBe(403);
      expect((await manager.http.get('/api/v1/audit/verify')).status).toBe(403);
    });
  });
});
