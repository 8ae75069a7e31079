import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CaseEngine } from '../src/engine/case-engine.service';
import { CaseEventEntity } from '../src/engine/entities/case-event.entity';
import { InspectionsService } from '../src/inspections/inspections.service';
import { QueueService } from '../src/queue/queue.service';
import { reliefApplication, residentId } from './factories/relief';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { multipart, SAMPLE_FILES } from './support/multipart';
import { ADMIN, startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  type: string;
  state: string;
  allowedEvents: string[];
  data: Record<string, unknown> & {
    links: Array<{ rel: string; caseId: string }>;
    applicant?: { idNumber: string };
    calculation?: { reliefAmount: string; eligibleBase: string };
    panel?: Array<{ userId: string; expertField: string }>;
  };
}
interface Problem {
  status: number;
  detail: string;
  rule?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface Page<T> {
  items: T[];
  total: number;
}
interface DrawBody {
  caseIds: string[];
  teams: Array<{ institutionId: string; inspectorIds: string[] }>;
  record: { previous: Array<{ institutionCode: string }> };
  previousWithheld: boolean;
}

const STREET = '330106001';
const OTHER_STREET = '330106002';
const DAY = 86_400_000;

/**
 * Issue 17 on real MariaDB and Redis: who reads what (need to know), flight-inspection secrecy
 * through draws and alerts, the street check of multi-role users, separated duties and the
 * bounds on amounts and dates.
 */
describe('trust: secrets kept, duties separated', () => {
  let t: TestApp;
  let ds: DataSource;
  let anon: Http;
  let admin: Http;
  let street: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  let legal: TestUser;
  let auditor: TestUser;
  let inspector: TestUser;
  let institutionId: string;

  beforeAll(async () => {
    t = await startTestApp({
      policy: {
        deadlines: {
          'relief-application': { publicity: '1s' },
          'hardship-hearing': { publicity: '1s' },
          inspection: { scheduled: '1s' },
          'penalty-case': { notice: '1s' },
        },
      },
      // Deliveries are only written (nothing listens there): the test reads their rows.
      env: {
        // Lost jobs (deadlines, linked cases, signals) are reconciled after 3s here.
        DEADLINE_RECONCILE_GRACE_MS: '3000',
        NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hooks/yibao',
        NOTIFY_WEBHOOK_SECRET: 'test-webhook-secret-123',
      },
    });
    ds = t.app.get(DataSource);
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    inspector = await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: '区医保局' });
    const imported = await manager.http.post<{ items: Array<{ id: string }> }>(
      '/api/v1/institutions',
      [{ code: 'H700', name: '某某医院', type: 'HOSPITAL', creditGrade: 'B' }],
    );
    institutionId = imported.body.items[0].id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody & Problem>(`/api/v1/cases/${id}/events`, event);
  const submit = async (seq: number): Promise<string> => {
    const res = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(seq) }),
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const openPenalty = async (): Promise<string> => {
    const res = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      institutionId,
      source: 'COMPLAINT',
      summary: '群众举报：重复收费',
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  describe('who reads what (item 2)', () => {
    it('should show ADMIN no case content: not a case, not a list, not an upload', async () => {
      const id = await submit(701);
      expect((await admin.get(`/api/v1/cases/${id}`)).status).toBe(404);
      expect((await admin.get(`/api/v1/cases/${id}/history`)).status).toBe(404);
      const listed = await admin.get<Page<CaseBody>>('/api/v1/cases?pageSize=100');
      expect(listed.status).toBe(200);
      expect(listed.body.total).toBe(0);
      const file = multipart({ name: 'a.pdf', content: SAMPLE_FILES.pdf });
      const upload = await admin.raw(
        'POST',
        `/api/v1/cases/${id}/attachments`,
        file.payload,
        file.headers,
      );
      expect(upload.status).toBe(404);
      expect(
        (
          await caseworker.http.raw(
            'POST',
            `/api/v1/cases/${id}/attachments`,
            file.payload,
            file.headers,
          )
        ).status,
      ).toBe(201);
      const tasks = await admin.get<Page<CaseBody>>('/api/v1/tasks');
      expect(tasks.body.total).toBe(0);
    });

    it('should let LEGAL read penalty cases only, and AUDITOR read everything and send nothing', async () => {
      const relief = await submit(702);
      const penalty = await openPenalty();
      expect((await legal.http.get(`/api/v1/cases/${relief}`)).status).toBe(404);
      expect((await legal.http.get(`/api/v1/cases/${penalty}`)).status).toBe(200);
      const legalList = await legal.http.get<Page<CaseBody>>('/api/v1/cases?pageSize=100');
      expect(legalList.body.items.map((c) => c.type)).not.toContain('relief-application');
      expect(legalList.body.items.map((c) => c.id)).toContain(penalty);

      const read = await auditor.http.get<CaseBody>(`/api/v1/cases/${relief}`);
      expect(read.status).toBe(200);
      expect(read.body.data.applicant?.idNumber).toBe(residentId(702));
      expect((await auditor.http.get(`/api/v1/cases/${penalty}`)).status).toBe(200);
      expect((await send(auditor, relief, { type: 'ACCEPT' })).status).toBe(403);

      // The workflows' own actors read as before.
      expect((await caseworker.http.get(`/api/v1/cases/${relief}`)).status).toBe(200);
      expect((await caseworker.http.get(`/api/v1/cases/${penalty}`)).status).toBe(200);
      expect((await manager.http.get(`/api/v1/cases/${relief}`)).status).toBe(200);
    });
  });

  describe('the street check (item 6)', () => {
    it('should bind a street office to its street even when it holds a role that does not grant the action', async () => {
      const streetExpert = await createUser(admin, anon, {
        roles: ['STREET_OFFICE', 'EXPERT'],
        streetCode: STREET,
        expertField: 'MEDICAL',
      });
      const elsewhere = await streetExpert.http.post<Problem>(
        '/api/v1/relief-applications',
        reliefApplication({ idNumber: residentId(703), streetCode: OTHER_STREET }),
        { 'idempotency-key': randomUUID() },
      );
      expect(elsewhere.status).toBe(403);
      const count = async () =>
        Number(
          (
            await ds.query<Array<{ n: string }>>(
              'SELECT COUNT(*) AS n FROM cases WHERE street_code = ?',
              [OTHER_STREET],
            )
          )[0].n,
        );
      expect(await count()).toBe(0);
      const report = await streetExpert.http.post<Problem>('/api/v1/monitoring/reports', {
        idNumber: residentId(704),
        name: '李四',
        streetCode: OTHER_STREET,
        insuranceType: 'RESIDENT',
        year: 2026,
        reason: '长期透析，家庭收入骤减',
        reporter: { type: 'EMPLOYER', name: '杭州某某科技有限公司' },
      });
      expect(report.status).toBe(403);
      expect(await count()).toBe(0);

      // A role that grants the action (CASEWORKER submits district-wide) does exempt.
      const streetCaseworker = await createUser(admin, anon, {
        roles: ['STREET_OFFICE', 'CASEWORKER'],
        streetCode: STREET,
      });
      const districtWide = await streetCaseworker.http.post<CaseBody>(
        '/api/v1/relief-applications',
        reliefApplication({ idNumber: residentId(705), streetCode: OTHER_STREET }),
        { 'idempotency-key': randomUUID() },
      );
      expect(districtWide.status).toBe(201);
      // Out of the expert pool again: the hearing test below counts on one expert per field.
      await admin.request('PATCH', `/api/v1/users/${streetExpert.id}`, { active: false });
    });
  });

  describe('monitoring reports are no probe (item 4)', () => {
    it('should answer a street office the same whether the person is flagged elsewhere or not at all', async () => {
      const report = (idNumber: string, streetCode: string, year = 2026) => ({
        idNumber,
        name: '王五',
        streetCode,
        insuranceType: 'RESIDENT',
        year,
        reason: '长期透析，家庭收入骤减',
        reporter: { type: 'EMPLOYER', name: '杭州某某科技有限公司' },
      });
      // Flagged elsewhere: another street's resident, reported by a caseworker.
      const elsewhere = await caseworker.http.post<{ caseId: string }>(
        '/api/v1/monitoring/reports',
        report(residentId(720), OTHER_STREET),
      );
      expect(elsewhere.status).toBe(201);
      expect(elsewhere.body.caseId).not.toBe('');
      const probe = (idNumber: string) =>
        street.http.post<Record<string, unknown>>(
          '/api/v1/monitoring/reports',
          report(idNumber, STREET),
        );
      const flagged = await probe(residentId(720));
      const fresh = await probe(residentId(721));
      expect(flagged.status).toBe(201);
      expect(fresh.status).toBe(201);
      const tell = (b: Record<string, unknown>) => [b.flagId, b.caseId, b.caseOpened];
      expect(tell(flagged.body)).toEqual(tell(fresh.body));
      expect(tell(fresh.body)).toEqual(['', '', false]);
      // Nor decades back: a street office reports this year or last.
      const old = await street.http.post<Problem>(
        '/api/v1/monitoring/reports',
        report(residentId(722), STREET, 2000),
      );
      expect(old.status).toBe(400);
      expect(old.body.errors?.map((e) => e.field)).toEqual(['year']);
    });
  });

  describe('separated duties and bounds (item 5)', () => {
    let dualA: TestUser;
    let dualB: TestUser;

    beforeAll(async () => {
      dualA = await createUser(admin, anon, { roles: ['CASEWORKER', 'MANAGER'] });
      dualB = await createUser(admin, anon, { roles: ['CASEWORKER', 'MANAGER'] });
    });

    it('should refuse the proposer approving and the approver paying, naming the rule', async () => {
      const id = await submit(706);
      await send(dualA, id, { type: 'ACCEPT' });
      await send(dualA, id, { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: 'x' });
      expect((await send(dualA, id, { type: 'PROPOSE' })).body.state).toBe('approval');
      const selfApproved = await send(dualA, id, { type: 'APPROVE' });
      expect(selfApproved.status).toBe(403);
      expect(selfApproved.body.rule).toBe('proposer-not-approver');
      expect(selfApproved.body.detail).toMatch(/proposer-not-approver/);
      expect((await send(dualB, id, { type: 'APPROVE' })).body.state).toBe('publicity');
      await eventually(async () => {
        const c = await dualA.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.state === 'disbursement' ? true : undefined;
      }, 15000);
      const payment = { type: 'RECORD_PAYMENT', amount: '12000.00', reference: 'BANK-17-1' };
      const selfPaid = await send(dualB, id, payment);
      expect(selfPaid.status).toBe(403);
      expect(selfPaid.body.rule).toBe('approver-not-payer');
      expect((await send(dualA, id, payment)).body.state).toBe('paid');
    });

    it('should bound a proposed amount by the case figures and want a stated reason for a departure', async () => {
      const id = await submit(707);
      await send(caseworker, id, { type: 'ACCEPT' });
      const verified = await send(caseworker, id, {
        type: 'VERIFY',
        verifiedCategory: 'DIBAO',
        certificateNo: 'x',
      });
      expect(verified.body.data.calculation).toMatchObject({
        reliefAmount: '12000.00',
        eligibleBase: '15000.00',
      });
      const tooMuch = await send(caseworker, id, {
        type: 'PROPOSE',
        amount: '15000.01',
        reason: '特殊情况经集体研究同意增加救助金额',
      });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.errors?.map((e) => e.field)).toEqual(['amount']);
      const terse = await send(caseworker, id, {
        type: 'PROPOSE',
        amount: '11000.00',
        reason: '扣减',
      });
      expect(terse.status).toBe(422);
      expect(terse.body.errors?.map((e) => e.field)).toEqual(['reason']);
      const stated = await send(caseworker, id, {
        type: 'PROPOSE',
        amount: '11000.00',
        reason: '扣除重复报销票据一千元',
      });
      expect(stated.status).toBe(200);
      expect(stated.body.state).toBe('approval');
    });

    it('should bound a hearing decision by the measured burden and keep a panel expert from deciding', async () => {
      // The pool: one expert per field, the MEDICAL one also a manager (兼任).
      const expertManager = await createUser(admin, anon, {
        roles: ['EXPERT', 'MANAGER'],
        expertField: 'MEDICAL',
        affiliation: '其他医院A',
      });
      const experts = [
        expertManager,
        await createUser(admin, anon, {
          roles: ['EXPERT'],
          expertField: 'INSURANCE',
          affiliation: '其他医院B',
        }),
        await createUser(admin, anon, {
          roles: ['EXPERT'],
          expertField: 'FINANCE',
          affiliation: '其他医院C',
        }),
      ];
      const id = await submit(708);
      await send(caseworker, id, { type: 'ACCEPT' });
      await send(caseworker, id, { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: 'x' });
      await send(caseworker, id, { type: 'PROPOSE' });
      await send(manager, id, { type: 'APPROVE' });
      await eventually(async () => {
        const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.state === 'disbursement' ? true : undefined;
      }, 15000);
      await send(caseworker, id, {
        type: 'RECORD_PAYMENT',
        amount: '12000.00',
        reference: 'BANK-17-2',
      });
      // Burden 5,000.00 (3,000 in-policy remainder + 2,000 out of policy): a hearing by itself.
      const hearingId = await eventually(async () => {
        const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.data.links.find((l) => l.rel === 'hardship-hearing')?.caseId;
      }, 15000);
      const panel = (await send(caseworker, hearingId, { type: 'CONVENE' })).body.data.panel!;
      expect(panel.map((p) => p.userId).sort()).toEqual(experts.map((e) => e.id).sort());
      // An expert finds no more reasonable cost than the person bears either.
      const tooHigh = await send(experts[0], hearingId, {
        type: 'OPINION',
        reasonableCost: '5000.01',
        support: true,
        comment: '另计康复费用',
      });
      expect(tooHigh.status).toBe(422);
      expect(tooHigh.body.errors?.map((e) => e.field)).toEqual(['reasonableCost']);
      for (const e of experts) {
        const opinion = await send(e, hearingId, {
          type: 'OPINION',
          reasonableCost: '4000.00',
          support: true,
          comment: '合理必要',
        });
        expect(opinion.status).toBe(200);
      }
      const bySelf = await send(expertManager, hearingId, {
        type: 'DECIDE',
        reasonableCost: '4000.00',
      });
      expect(bySelf.status).toBe(403);
      expect(bySelf.body.rule).toBe('panel-expert-not-decider');
      const aboveBurden = await send(manager, hearingId, {
        type: 'DECIDE',
        reasonableCost: '150000.00',
        reason: '专家意见以外另计康复费用',
      });
      expect(aboveBurden.status).toBe(422);
      expect(aboveBurden.body.errors?.map((e) => e.field)).toEqual(['reasonableCost']);
      const terse = await send(manager, hearingId, {
        type: 'DECIDE',
        reasonableCost: '5000.00',
        reason: '同意',
      });
      expect(terse.status).toBe(422);
      expect(terse.body.errors?.map((e) => e.field)).toEqual(['reason']);
      const decided = await send(manager, hearingId, { type: 'DECIDE', reasonableCost: '4000.00' });
      expect(decided.status).toBe(200);
      expect(decided.body.state).toBe('publicity');
    });
  });

  describe('penalty service date (item 7)', () => {
    it('should refuse a servedAt in the future or before the decision, naming the field', async () => {
      const id = await openPenalty();
      await send(inspector, id, {
        type: 'RECORD_INVESTIGATION',
        violations: [{ article: 38, lossAmount: '5000.00', fraudAmount: '0.00' }],
      });
      expect((await send(legal, id, { type: 'APPROVE_PROPOSAL' })).body.state).toBe('notice');
      // The statement window (1s here) closes by itself: the case reaches its decision now.
      await eventually(async () => {
        const c = await manager.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.state === 'decision' ? true : undefined;
      }, 15000);
      const decide = (servedAt: string) =>
        send(manager, id, {
          type: 'DECIDE',
          servedAt,
          sanctions: [
            { type: 'ORDER_CORRECTION', article: 38 },
            { type: 'RECOVERY', article: 38, amount: '5000.00' },
            { type: 'FINE', article: 38, amount: '6000.00' },
          ],
        });
      const future = await decide(new Date(Date.now() + 3 * DAY).toISOString());
      expect(future.status).toBe(422);
      expect(future.body.errors?.map((e) => e.field)).toEqual(['servedAt']);
      const early = await decide(new Date(Date.now() - 30 * DAY).toISOString());
      expect(early.status).toBe(422);
      expect(early.body.errors?.map((e) => e.field)).toEqual(['servedAt']);
      const now = await decide(new Date().toISOString());
      expect(now.status).toBe(200);
      expect(now.body.state).toBe('execution');
    });
  });

  describe('the audit chain is read in one snapshot (item 14)', () => {
    /**
     * Commits an event (a claim) on the case just before the next read of case events: between
     * the read of the case row and the read of its events, where the race once was.
     */
    const claimBetweenReads = (id: string): (() => boolean) => {
      const find = EntityManager.prototype.find;
      let armed = true;
      const spy = jest.spyOn(EntityManager.prototype, 'find').mockImplementation(async function (
        this: EntityManager,
        ...args: Parameters<EntityManager['find']>
      ) {
        if (armed && args[0] === CaseEventEntity) {
          armed = false;
          expect((await caseworker.http.post(`/api/v1/cases/${id}/claim`)).status).toBe(200);
        }
        return find.apply(this, args);
      });
      return () => {
        spy.mockRestore();
        return !armed;
      };
    };

    it('should never report a broken chain because an event committed during the check', async () => {
      const id = await submit(709);
      let done = claimBetweenReads(id);
      const one = await auditor.http.get<{ valid: boolean; reason?: string }>(
        `/api/v1/cases/${id}/history/verify`,
      );
      expect(done()).toBe(true);
      expect(one.body).toMatchObject({ valid: true });

      done = claimBetweenReads(id);
      const all = await auditor.http.get<{ valid: boolean; firstBroken: unknown }>(
        '/api/v1/audit/verify?type=relief-application',
      );
      expect(done()).toBe(true);
      expect(all.body).toMatchObject({ valid: true, firstBroken: null });
    });
  });

  describe('the inbox is paged by the database (item 10)', () => {
    it('should read one page of tasks, not every actionable case', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push(await submit(730 + i));
      }
      const engine = t.app.get(CaseEngine);
      const rehydrate = jest.spyOn(engine, 'rehydrate');
      try {
        const page = await caseworker.http.get<Page<CaseBody>>('/api/v1/tasks?pageSize=2&page=2');
        expect(page.status).toBe(200);
        expect(page.body.items).toHaveLength(2);
        expect(page.body.total).toBeGreaterThanOrEqual(4);
        // One rehydration per case shown (its allowed events), none for the rest.
        expect(rehydrate.mock.calls.length).toBeLessThanOrEqual(2);
      } finally {
        rehydrate.mockRestore();
      }
      // Scopes still hold in SQL: another street's office, the team of no inspection.
      const otherStreet = await createUser(admin, anon, {
        roles: ['STREET_OFFICE'],
        streetCode: OTHER_STREET,
      });
      const theirs = await otherStreet.http.get<Page<CaseBody>>('/api/v1/tasks?pageSize=100');
      expect(theirs.body.items.map((c) => c.id)).not.toEqual(expect.arrayContaining([ids[0]]));
      const all = await caseworker.http.get<Page<CaseBody>>('/api/v1/tasks?pageSize=500');
      expect(all.body.items.map((c) => c.id)).toEqual(expect.arrayContaining(ids));
      expect(all.body.total).toBe(all.body.items.length);
    });
  });

  describe('nothing cross-case is lost (item 13)', () => {
    it("should open a paid case's hearing even when Redis lost the job that was to open it", async () => {
      const queue = t.app.get(QueueService).queue('case-signals');
      const id = await submit(710);
      await send(caseworker, id, { type: 'ACCEPT' });
      await send(caseworker, id, { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: 'x' });
      await send(caseworker, id, { type: 'PROPOSE' });
      await send(manager, id, { type: 'APPROVE' });
      await eventually(async () => {
        const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.state === 'disbursement' ? true : undefined;
      }, 15000);
      await queue.pause();
      let jobId: string;
      try {
        // Burden 5,000.00 reaches the threshold: the payment asks for a hearing (an outbox row,
        // handed over to the paused queue), and the job is then lost before any worker ran it.
        const paid = await send(caseworker, id, {
          type: 'RECORD_PAYMENT',
          amount: '12000.00',
          reference: 'BANK-17-3',
        });
        expect(paid.body.state).toBe('paid');
        jobId = await eventually(async () => {
          const [row]: Array<{ job_id: string; dispatched_at: Date | null }> = await ds.query(
            "SELECT job_id, dispatched_at FROM outbox WHERE queue = 'case-signals' AND JSON_VALUE(payload, '$.sourceCaseId') = ?",
            [id],
          );
          return row?.dispatched_at ? row.job_id : undefined;
        });
        await queue.drain(true);
        expect(await queue.getJob(jobId)).toBeUndefined();
      } finally {
        await queue.resume();
      }
      const hearingId = await eventually(async () => {
        const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.data.links.find((l) => l.rel === 'hardship-hearing')?.caseId;
      }, 20000);
      const hearing = await caseworker.http.get<CaseBody>(`/api/v1/cases/${hearingId}`);
      expect(hearing.body).toMatchObject({ type: 'hardship-hearing', state: 'referred' });
      const [settled]: Array<{ settled_at: Date | null }> = await ds.query(
        'SELECT settled_at FROM outbox WHERE job_id = ?',
        [jobId],
      );
      expect(settled.settled_at).not.toBeNull();
    });
  });

  describe('no resident ID in URLs, jobs or a handed-over outbox (item 3)', () => {
    it('should look a person up by POST body, naming a bad ID', async () => {
      const found = await caseworker.http.post<{ cases: Array<{ id: string }> }>(
        '/api/v1/persons/lookup',
        { idNumber: residentId(701), year: 2026 },
      );
      expect(found.status).toBe(200);
      expect(found.body.cases.length).toBeGreaterThan(0);
      const bad = await caseworker.http.post<Problem>('/api/v1/persons/lookup', {
        idNumber: '330106198001010014',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.map((e) => e.field)).toEqual(['idNumber']);
    });

    it('should look a person up by the person key, for those who may read one of their cases', async () => {
      const found = await caseworker.http.post<{ personKey: string; cases: Array<{ id: string }> }>(
        '/api/v1/persons/lookup',
        { idNumber: residentId(701), year: 2026 },
      );
      const key = found.body.personKey;
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      const byKey = await caseworker.http.get<{ idNumber: string; cases: Array<{ id: string }> }>(
        `/api/v1/persons/by-key/${key}?year=2026`,
      );
      expect(byKey.status).toBe(200);
      expect(byKey.body.idNumber).toBe(residentId(701));
      expect(byKey.body.cases.map((c) => c.id)).toEqual(found.body.cases.map((c) => c.id));

      const unknown = await caseworker.http.get<Problem>(
        `/api/v1/persons/by-key/${'0'.repeat(64)}`,
      );
      expect(unknown.status).toBe(404);
      const bad = await caseworker.http.get<Problem>('/api/v1/persons/by-key/330106198001010013');
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.map((e) => e.field)).toEqual(['personKey']);
      // The legal officer reads no relief case: the key reveals nothing to them.
      expect((await legal.http.get(`/api/v1/persons/by-key/${key}`)).status).toBe(403);
    });

    it("should give Redis a linked case's job without the person's data, and purge its outbox row once done", async () => {
      const queue = t.app.get(QueueService).queue('case-signals');
      const idNumber = residentId(711);
      const id = await submit(711);
      await send(caseworker, id, { type: 'ACCEPT' });
      await send(caseworker, id, { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: 'x' });
      await send(caseworker, id, { type: 'PROPOSE' });
      await send(manager, id, { type: 'APPROVE' });
      await eventually(async () => {
        const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.state === 'disbursement' ? true : undefined;
      }, 15000);
      await send(caseworker, id, { type: 'RECORD_PAYMENT', amount: '12000.00', reference: 'B-4' });
      await eventually(async () => {
        const c = await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`);
        return c.body.data.links.some((l) => l.rel === 'hardship-hearing') ? true : undefined;
      }, 15000);
      const [row]: Array<{ job_id: string; payload: unknown; settled_at: Date | null }> =
        await ds.query(
          "SELECT job_id, payload, settled_at FROM outbox WHERE queue = 'case-signals' AND job_id LIKE ?",
          [`open-${id}-%`],
        );
      const job = await queue.getJob(row.job_id);
      expect(job?.data).toEqual({ outbox: row.job_id });
      const settled = await eventually(async () => {
        const [r]: Array<{ payload: unknown; settled_at: Date | null }> = await ds.query(
          'SELECT payload, settled_at FROM outbox WHERE job_id = ?',
          [row.job_id],
        );
        return r.settled_at ? r : undefined;
      });
      expect(JSON.stringify(settled.payload)).not.toContain(idNumber.slice(6, 14));
    });
  });

  describe('operators keep internals in (item 16)', () => {
    it('should give the queue board a short-lived session of its own, and refuse a malformed cookie with 401', async () => {
      const board = (cookie: string) =>
        t.app.inject({ url: '/admin/queues/api/queues', headers: { cookie } });
      const login = await anon.post<{ accessToken: string }>('/api/v1/auth/login', {
        username: 'admin',
        password: ADMIN.password,
      });
      const apiToken = login.body.accessToken;
      const session = await admin.post('/api/v1/admin/queues-session');
      expect(session.status).toBe(200);
      const setCookie = String(session.headers['set-cookie']);
      expect(setCookie).toMatch(/Max-Age=900/);
      expect(setCookie).toMatch(/HttpOnly/);
      const cookie = setCookie.split(';')[0];
      const sessionToken = decodeURIComponent(cookie.split('=')[1]);
      expect(sessionToken).not.toBe(apiToken);
      expect((await board(cookie)).statusCode).toBe(200);
      // The session is no API token, and an API token is no session.
      expect((await anon.as(sessionToken).get('/api/v1/users/me')).status).toBe(401);
      expect((await board(`yibao_queues=${encodeURIComponent(apiToken)}`)).statusCode).toBe(401);
      const malformed = await board('yibao_queues=%E0%A4%A');
      expect(malformed.statusCode).toBe(401);
    });

    it('should answer /health without the internals of a failure', async () => {
      const queues = t.app.get(QueueService);
      const ping = jest
        .spyOn(queues, 'ping')
        .mockRejectedValue(
          new Error('connect ECONNREFUSED 10.9.8.7:6390 (redis-internal.example)'),
        );
      try {
        const res = await anon.get('/health');
        expect(res.status).toBe(503);
        expect(JSON.stringify(res.body)).not.toMatch(/10\.9\.8\.7|ECONNREFUSED|redis-internal/);
        expect(JSON.stringify(res.body)).toContain('redis');
      } finally {
        ping.mockRestore();
      }
    });
  });

  describe('flight inspections stay secret (item 1)', () => {
    let owner: TestUser;
    let nextOwner: TestUser;
    const team: TestUser[] = [];

    beforeAll(async () => {
      owner = await createUser(admin, anon, { roles: ['MANAGER'] });
      nextOwner = await createUser(admin, anon, { roles: ['MANAGER'] });
      for (let i = 0; i < 4; i++) {
        team.push(await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: '区医保局' }));
      }
    });

    const flightPlan = async (who: TestUser, name: string): Promise<string> => {
      const plan = await who.http.post<{ id: string }>('/api/v1/inspection-plans', {
        name,
        year: 2026,
        kind: 'FLIGHT',
        sampleSize: 1,
        institutionTypes: ['HOSPITAL'],
        teamSize: 2,
      });
      expect(plan.status).toBe(201);
      return plan.body.id;
    };

    it("should not reveal a secret plan's targets through the next flight plan's draw", async () => {
      const planA = await flightPlan(owner, '飞行检查A');
      const drawnA = await owner.http.post<DrawBody>(`/api/v1/inspection-plans/${planA}/draw`, {});
      expect(drawnA.status).toBe(201);
      const planB = await flightPlan(nextOwner, '飞行检查B');
      const drawnB = await nextOwner.http.post<DrawBody>(
        `/api/v1/inspection-plans/${planB}/draw`,
        {},
      );
      expect(drawnB.status).toBe(201);
      expect(drawnB.body.previousWithheld).toBe(true);
      expect(drawnB.body.record.previous).toEqual([]);
      const stored = await nextOwner.http.get<DrawBody>(`/api/v1/inspection-plans/${planB}/draw`);
      expect(stored.body.record.previous).toEqual([]);
      // The stored record keeps A's teams: the draw still verifies in full.
      const [row]: Array<{ record: string | { previous: unknown[] } }> = await ds.query(
        'SELECT record FROM inspection_draws WHERE plan_id = ?',
        [planB],
      );
      const record = typeof row.record === 'string' ? JSON.parse(row.record) : row.record;
      expect(record.previous).toHaveLength(1);
      const verify = () =>
        nextOwner.http.post<{ matches: boolean }>(
          `/api/v1/inspection-plans/${planB}/verify-draw`,
          {},
        );
      expect((await verify()).body.matches).toBe(true);
      // Re-run once per stored draw (item 9): a second verification comes from the cache.
      const cache = t.app.get(InspectionsService)['verified'];
      const cached = cache.size;
      expect((await verify()).body.matches).toBe(true);
      expect(cache.size).toBe(cached);
      expect([...cache.keys()].filter((k) => k.startsWith(`${planB}:`))).toHaveLength(1);

      // Once A's team is on site, A is no secret: B's draw shows whom it recused.
      const [caseA] = drawnA.body.caseIds;
      const leadId = drawnA.body.teams[0].inspectorIds[0];
      const lead = [...team, inspector].find((u) => u.id === leadId)!;
      expect((await send(lead, caseA, { type: 'START_ONSITE' })).status).toBe(200);
      const later = await nextOwner.http.get<DrawBody>(`/api/v1/inspection-plans/${planB}/draw`);
      expect(later.body.previousWithheld).toBe(false);
      expect(later.body.record.previous).toHaveLength(1);
    });

    it('should tell nobody but its viewers, and no webhook, that a secret case is overdue', async () => {
      const plan = await flightPlan(owner, '飞行检查C');
      const drawn = await owner.http.post<DrawBody>(`/api/v1/inspection-plans/${plan}/draw`, {});
      const [caseId] = drawn.body.caseIds;
      // The 1s visit window passes: the breach alert (to every MANAGER by default) reaches the owner only.
      await eventually(async () => {
        const rows: unknown[] = await ds.query(
          "SELECT id FROM sla_alerts WHERE case_id = ? AND kind = 'breach' AND status <> 'scheduled'",
          [caseId],
        );
        return rows.length > 0 ? true : undefined;
      }, 20000);
      const recipients: Array<{ recipient_id: string }> = await ds.query(
        'SELECT recipient_id FROM notifications WHERE case_id = ?',
        [caseId],
      );
      // The owner (breach) and the team (their reminder): its viewers and members, nobody else.
      const viewers = [owner.id, ...drawn.body.teams[0].inspectorIds];
      const heard = recipients.map((r) => r.recipient_id);
      expect(heard).toContain(owner.id);
      expect(heard.filter((id) => !viewers.includes(id))).toEqual([]);
      for (const who of [manager, nextOwner]) {
        const inbox = await who.http.get<Page<{ title: string; body: string }>>(
          '/api/v1/notifications?pageSize=100',
        );
        expect(JSON.stringify(inbox.body.items)).not.toContain(caseId.slice(0, 8));
      }
      // A manager who owns no flight plan hears of no secret target at all.
      const inbox = await manager.http.get<Page<unknown>>('/api/v1/notifications?pageSize=100');
      expect(JSON.stringify(inbox.body.items)).not.toContain('某某医院');
      const deliveries: unknown[] = await ds.query(
        'SELECT id FROM notification_deliveries WHERE case_id = ?',
        [caseId],
      );
      expect(deliveries).toEqual([]);
    });
  });
});
