import { DataSource } from 'typeorm';
import { QueueService } from '../src/queue/queue.service';
import {
  MONTHLY_RUN_SCHEDULER_ID,
  MonitoringScheduler,
} from '../src/monitoring/monitoring-scheduler.service';
import { DEFAULT_RELIEF_POLICY } from '../src/relief/relief-policy';
import { expenseRecord, recordsCsv, recordWithBurden } from './factories/monitoring';
import { expense, residentId } from './factories/relief';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface ImportBody {
  importId: string;
  accepted: number;
  rejected: Array<{ row: number; errors: Array<{ field: string; message: string }> }>;
  rejectedCount: number;
}
interface RunBody {
  id: string;
  year: number;
  startedBy: string;
  scanned: number;
  flagged: number;
  newlyFlagged: number;
  casesOpened: number;
  casesFailed: number;
}
interface FlagBody {
  id: string;
  rule: string;
  source: string;
  idNumber: string;
  name: string;
  streetCode: string;
  burden: string | null;
  threshold: string | null;
  flaggedBy: string;
  runId: string | null;
  caseId: string | null;
}
interface Page<T> {
  items: T[];
  total: number;
}
interface CaseBody {
  id: string;
  type: string;
  state: string;
  streetCode: string;
  allowedEvents: string[];
  deadlines: Array<{ name: string; kind: string; overdue: boolean }>;
  data: {
    origin: string;
    applicant: { name: string; idNumber: string; category: string; insuranceType: string };
    monitoring: Record<string, unknown>;
  };
}
interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

const STREET_A = '330106001';
const STREET_B = '330106002';
/** This test's reference incomes for 2026: employee > 48,000; retiree > 40,000; resident > 27,000. */
const POLICY = {
  // A relief edition of its own version: an outreach case binds the edition, like an application.
  relief: {
    editions: [{ ...DEFAULT_RELIEF_POLICY, version: 'xihu-2026', effectiveFrom: '2021-01-01' }],
  },
  monitoring: {
    schedule: { dayOfMonth: 7, hour: 3 },
    reference: {
      '2026': {
        urbanDisposableIncome: '80000.00',
        averageEnterprisePension: '40000.00',
        ruralNetIncome: '45000.00',
      },
    },
  },
};

/**
 * The early warning (因病致贫返贫监测) through the API on real MariaDB and Redis: the CSV/JSON
 * import with per-row errors, a run that flags the right people and opens their street offices'
 * outreach cases, a second run that opens none, two concurrent runs that open each case once,
 * reports, and the monthly job scheduler.
 */
describe('monitoring: expense import, thresholds, proactive outreach cases', () => {
  let t: TestApp;
  let ds: DataSource;
  let anon: Http;
  let admin: Http;
  let caseworker: TestUser;
  let manager: TestUser;
  let auditor: TestUser;
  let streetA: TestUser;
  let streetB: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ policy: POLICY });
    ds = t.app.get(DataSource);
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    streetA = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET_A });
    streetB = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET_B });
  });

  afterAll(async () => {
    await t?.close();
  });

  const importCsv = (who: TestUser, csv: string) =>
    who.http.post<ImportBody & Problem>('/api/v1/monitoring/expense-records', csv, {
      'content-type': 'text/csv',
    });
  const importJson = (who: TestUser, rows: unknown) =>
    who.http.post<ImportBody & Problem>('/api/v1/monitoring/expense-records', rows);
  const run = (who: TestUser, year: number) =>
    who.http.post<RunBody & Problem>('/api/v1/monitoring/runs', { year });
  const flags = async (query = 'year=2026&pageSize=500') =>
    (await caseworker.http.get<Page<FlagBody>>(`/api/v1/monitoring/flags?${query}`)).body;
  const recordCount = async (): Promise<number> => {
    const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM monitoring_expense_records');
    return Number(n);
  };
  const casesOf = async (idNumber: string): Promise<Array<{ id: string }>> =>
    ds.query(
      `SELECT c.id FROM cases c JOIN monitoring_flags f ON f.case_id = c.id WHERE f.id_number = ?`,
      [idNumber],
    );
  const outreachCaseCount = async (): Promise<number> => {
    const [{ n }] = await ds.query(
      "SELECT COUNT(*) AS n FROM cases WHERE type = 'relief-application' AND origin_key LIKE 'monitoring#%'",
    );
    return Number(n);
  };

  // The boundary people of the first run (2026 thresholds above).
  const people = {
    dibaoAt5000: recordWithBurden('5000.00', { category: 'DIBAO', name: '低保五千' }),
    tekunBelow: recordWithBurden('4999.99', {
      category: 'TEKUN',
      outOfPolicyCost: '60000.00',
      name: '特困差一分',
    }),
    employeeAt: recordWithBurden('48000.00', { insuranceType: 'EMPLOYEE', name: '职工恰好' }),
    employeeAbove: recordWithBurden('48000.01', { insuranceType: 'EMPLOYEE', name: '职工超过' }),
    retireeAt: recordWithBurden('40000.00', { insuranceType: 'RETIREE', name: '退休恰好' }),
    retireeAbove: recordWithBurden('40000.01', { insuranceType: 'RETIREE', name: '退休超过' }),
    childAbove: recordWithBurden('27000.01', {
      insuranceType: 'RESIDENT',
      streetCode: STREET_B,
      name: '少儿超过',
    }),
    residentAt: recordWithBurden('27000.00', { insuranceType: 'RESIDENT', name: '居民恰好' }),
    lastYear: recordWithBurden('90000.00', { insuranceType: 'RESIDENT', year: 2025 }),
  };
  const flaggedNames = ['低保五千', '职工超过', '退休超过', '少儿超过'];

  describe('POST /monitoring/expense-records', () => {
    it('should keep the good rows of a CSV and report each bad row with its number and errors', async () => {
      const good = Object.values(people);
      const csv = recordsCsv([
        ...good,
        expenseRecord({ idNumber: '330106198001010014' }), // check digit
        expenseRecord({ inPolicyCost: '12.345', insuranceType: 'FARMER' }),
        expenseRecord({ year: 2031, name: '' }),
        '330106198001010013,缺一列,330106001,RESIDENT,,2026,100.00,50.00,0.00',
        expenseRecord({ inPolicyCost: '100.00', insurancePaid: '80.00', reliefPaid: '30.00' }),
        expenseRecord({ category: 'RICH' }),
      ]);
      const res = await importCsv(caseworker, csv);
      expect(res.status).toBe(201);
      expect(res.body.accepted).toBe(good.length);
      expect(res.body.rejectedCount).toBe(6);
      const byRow = new Map(
        res.body.rejected.map((r) => [r.row, r.errors.map((e) => e.field).sort()]),
      );
      const first = good.length + 1;
      expect(Object.fromEntries(byRow)).toEqual({
        [first]: ['idNumber'],
        [first + 1]: ['inPolicyCost', 'insuranceType'],
        [first + 2]: ['name', 'year'],
        [first + 3]: ['row'],
        [first + 4]: ['reliefPaid'],
        [first + 5]: ['category'],
      });
      expect(res.body.rejected[0].errors[0].message).toMatch(/check digit/);
      expect(await recordCount()).toBe(good.length);
    });

    it('should replace the earlier row when a person and year is imported again', async () => {
      const again = { ...people.residentAt, name: '居民恰好(更正)', outOfPolicyCost: '13500.00' };
      const res = await importJson(manager, [again]);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ accepted: 1, rejected: [], rejectedCount: 0 });
      expect(await recordCount()).toBe(Object.keys(people).length);
      const [row] = await ds.query(
        'SELECT name, out_of_policy_cost AS oop FROM monitoring_expense_records WHERE id_number = ?',
        [people.residentAt.idNumber],
      );
      expect(row).toEqual({ name: '居民恰好(更正)', oop: '13500.00' });
      // Put it back exactly at the boundary for the run below.
      expect((await importJson(manager, [people.residentAt])).body.accepted).toBe(1);
    });

    it('should take a multipart upload of the same CSV', async () => {
      const boundary = '----yibao-monitoring';
      const body = [
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="2026-10.csv"',
        'Content-Type: text/csv',
        '',
        recordsCsv([people.lastYear]),
        `--${boundary}--`,
        '',
      ].join('\r\n');
      const res = await caseworker.http.post<ImportBody>(
        '/api/v1/monitoring/expense-records',
        body,
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
      );
      expect(res.status).toBe(201);
      expect(res.body.accepted).toBe(1);
    });

    it('should refuse, writing nothing, a CSV whose header or quoting is broken, or with no good row', async () => {
      const before = await recordCount();
      const header = await importCsv(
        caseworker,
        'idNumber,name,street,insuranceType,year,inPolicyCost,insurancePaid,reliefPaid,outOfPolicyCost\n',
      );
      expect(header.status).toBe(400);
      expect(header.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'file', message: expect.stringMatching(/unknown column "street"/) },
          { field: 'file', message: expect.stringMatching(/missing column "streetCode"/) },
        ]),
      );
      const quote = await importCsv(
        caseworker,
        recordsCsv([expenseRecord(), `"${residentId(901)},broken`]),
      );
      expect(quote.status).toBe(400);
      expect(quote.body.errors![0].field).toBe('file');
      const allBad = await importJson(caseworker, [expenseRecord({ inPolicyCost: 12 as never })]);
      expect(allBad.status).toBe(400);
      expect(allBad.body.errors).toEqual([
        { field: 'rows[1].inPolicyCost', message: expect.stringMatching(/string/) },
      ]);
      const notArray = await importJson(caseworker, { idNumber: residentId(1) });
      expect(notArray.status).toBe(400);
      expect((await importCsv(caseworker, '')).status).toBe(400);
      expect(await recordCount()).toBe(before);
    });

    it('should let only caseworkers and managers import', async () => {
      expect((await importJson(streetA, [expenseRecord()])).status).toBe(403);
      expect((await importJson(auditor, [expenseRecord()])).status).toBe(403);
    });
  });

  describe('runs', () => {
    let firstRun: RunBody;

    it('should flag exactly the people over their threshold and open their outreach cases', async () => {
      const res = await run(caseworker, 2026);
      expect(res.status).toBe(201);
      firstRun = res.body;
      expect(res.body).toMatchObject({
        year: 2026,
        startedBy: caseworker.id,
        scanned: Object.keys(people).length - 1,
        flagged: 4,
        newlyFlagged: 4,
        casesOpened: 4,
        casesFailed: 0,
      });

      const list = await flags();
      expect(list.items.map((f) => f.name).sort()).toEqual([...flaggedNames].sort());
      const byName = Object.fromEntries(list.items.map((f) => [f.name, f]));
      expect(byName['低保五千']).toMatchObject({
        rule: 'RELIEF_CATEGORY_BURDEN',
        burden: '5000.00',
        threshold: '5000.00',
        source: 'RUN',
        runId: firstRun.id,
        flaggedBy: caseworker.id,
      });
      expect(byName['职工超过']).toMatchObject({
        rule: 'EMPLOYEE_INCOME',
        burden: '48000.01',
        threshold: '48000.00',
      });
      expect(byName['退休超过'].rule).toBe('RETIREE_PENSION');
      expect(byName['少儿超过']).toMatchObject({
        rule: 'RESIDENT_RURAL_INCOME',
        streetCode: STREET_B,
      });
      // Personal data masked in the list (docs/api.md).
      const id = String(people.dibaoAt5000.idNumber);
      expect(byName['低保五千'].idNumber).toBe(`${id.slice(0, 6)}********${id.slice(-4)}`);

      // Each flagged person has one relief case in outreach for their street office.
      const outreach = await caseworker.http.get<CaseBody>(
        `/api/v1/cases/${byName['少儿超过'].caseId}`,
      );
      expect(outreach.body).toMatchObject({
        type: 'relief-application',
        state: 'outreach',
        streetCode: STREET_B,
        data: {
          origin: 'OUTREACH',
          applicant: {
            name: '少儿超过',
            idNumber: people.childAbove.idNumber,
            category: 'OTHER',
            insuranceType: 'RESIDENT',
          },
          monitoring: {
            rule: 'RESIDENT_RURAL_INCOME',
            year: 2026,
            source: 'RUN',
            runId: firstRun.id,
            flaggedBy: caseworker.id,
            burden: '27000.01',
            threshold: '27000.00',
          },
        },
      });
      // The street office's 10 working days to follow up (policy deadlines.relief-application.outreach).
      expect(outreach.body.deadlines).toEqual([
        expect.objectContaining({ name: 'outreach', kind: 'state', overdue: false }),
      ]);
      const history = await caseworker.http.get<Array<{ type: string; actor: string }>>(
        `/api/v1/cases/${byName['少儿超过'].caseId}/history`,
      );
      expect(history.body[0]).toMatchObject({ type: 'CASE_OPENED', actor: caseworker.id });

      // The street offices find them in their task inboxes, each its own street's only.
      const inbox = async (who: TestUser): Promise<string[]> =>
        (await who.http.get<Page<CaseBody>>('/api/v1/tasks?pageSize=100')).body.items
          .filter((c) => c.state === 'outreach')
          .map((c) => c.id)
          .sort();
      expect(await inbox(streetA)).toEqual(
        list.items
          .filter((f) => f.streetCode === STREET_A)
          .map((f) => f.caseId)
          .sort(),
      );
      expect(await inbox(streetB)).toEqual([byName['少儿超过'].caseId]);
      const caseA = await streetA.http.get<CaseBody>(`/api/v1/cases/${byName['低保五千'].caseId}`);
      expect(caseA.body.allowedEvents.sort()).toEqual(['DECLINE', 'SUBMIT']);
    });

    it('should let the street office take the proactive case on like an application', async () => {
      const flag = (await flags()).items.find((f) => f.name === '低保五千')!;
      const send = (who: TestUser, event: Record<string, unknown>) =>
        who.http.post<CaseBody & { data: { calculation?: { reliefAmount: string } } }>(
          `/api/v1/cases/${flag.caseId}/events`,
          event,
        );
      expect((await send(streetB, { type: 'SUBMIT', expenses: [expense()] })).status).toBe(404);
      expect((await send(streetA, { type: 'SUBMIT', expenses: [expense()] })).body.state).toBe(
        'submitted',
      );
      expect((await send(caseworker, { type: 'ACCEPT' })).body.state).toBe('eligibility_review');
      const verified = await send(caseworker, {
        type: 'VERIFY',
        verifiedCategory: 'DIBAO',
        certificateNo: '杭西低保2026-009',
      });
      expect(verified.status).toBe(200);
      expect(verified.body.state).toBe('amount_review');
      expect(verified.body.data.calculation?.reliefAmount).toBe('12000.00');
    });

    it('should open no case on a second run', async () => {
      const res = await run(manager, 2026);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ flagged: 4, newlyFlagged: 0, casesOpened: 0 });
      expect(await outreachCaseCount()).toBe(4);
    });

    it('should open each case once when two runs overlap', async () => {
      const newcomers = Array.from({ length: 24 }, (_, i) =>
        recordWithBurden('60000.00', {
          insuranceType: i % 2 === 0 ? 'EMPLOYEE' : 'RESIDENT',
          streetCode: i % 3 === 0 ? STREET_B : STREET_A,
        }),
      );
      expect((await importJson(caseworker, newcomers)).body.accepted).toBe(24);
      const [one, two] = await Promise.all([run(caseworker, 2026), run(manager, 2026)]);
      expect([one.status, two.status]).toEqual([201, 201]);
      expect(one.body.newlyFlagged + two.body.newlyFlagged).toBe(24);
      expect(one.body.casesOpened + two.body.casesOpened).toBe(24);
      expect(one.body.casesFailed + two.body.casesFailed).toBe(0);
      expect(await outreachCaseCount()).toBe(28);
      for (const person of newcomers) {
        expect(await casesOf(String(person.idNumber))).toHaveLength(1);
      }
    });

    it('should refuse a year without reference incomes (422) and a bad year (400)', async () => {
      const missing = await run(caseworker, 2025);
      expect(missing.status).toBe(422);
      expect(missing.body.errors).toEqual([
        { field: 'year', message: expect.stringMatching(/monitoring\.reference\.2025/) },
      ]);
      const bad = await caseworker.http.post<Problem>('/api/v1/monitoring/runs', { year: '2026x' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors!.map((e) => e.field)).toContain('year');
      expect((await run(streetA, 2026)).status).toBe(403);
    });

    it('should list runs and flags to auditors, filtered by street, never to street offices', async () => {
      const runs = await auditor.http.get<Page<RunBody>>('/api/v1/monitoring/runs?year=2026');
      expect(runs.status).toBe(200);
      expect(runs.body.total).toBe(4);
      const onB = await auditor.http.get<Page<FlagBody>>(
        `/api/v1/monitoring/flags?year=2026&streetCode=${STREET_B}&pageSize=100`,
      );
      expect(onB.status).toBe(200);
      expect(onB.body.items.every((f) => f.streetCode === STREET_B)).toBe(true);
      expect(onB.body.total).toBe(1 + 8);
      expect((await streetA.http.get('/api/v1/monitoring/flags')).status).toBe(403);
      expect((await auditor.http.get('/api/v1/monitoring/flags?rule=NOPE')).status).toBe(400);
    });
  });

  describe('POST /monitoring/reports', () => {
    const report = (overrides: Record<string, unknown> = {}) => ({
      idNumber: residentId(7, '19700303'),
      name: '李四',
      phone: '13912345678',
      streetCode: STREET_A,
      insuranceType: 'RESIDENT',
      year: 2026,
      reason: '长期透析，家庭收入骤减',
      reporter: { type: 'EMPLOYER', name: '杭州某某科技有限公司', phone: '057188001234' },
      ...overrides,
    });

    it('should open an outreach case for a reported person, with the reporter recorded', async () => {
      const res = await streetA.http.post<{
        caseId: string;
        caseOpened: boolean;
        reportedBy: string;
      }>('/api/v1/monitoring/reports', report());
      expect(res.status).toBe(201);
      // A street office's receipt tells nothing of flags and cases (they would tell whether the
      // person was flagged elsewhere): the caseworkers' flag list has the case.
      expect(res.body).toMatchObject({ caseOpened: false, caseId: '', reportedBy: streetA.id });
      const caseId = (await flags('year=2026&source=REPORT')).items[0].caseId;
      const opened = await caseworker.http.get<CaseBody>(`/api/v1/cases/${caseId}`);
      expect(opened.body).toMatchObject({
        state: 'outreach',
        streetCode: STREET_A,
        data: {
          applicant: { name: '李四', idNumber: residentId(7, '19700303') },
          monitoring: {
            rule: 'REPORTED',
            source: 'REPORT',
            flaggedBy: streetA.id,
            reporter: { type: 'EMPLOYER', name: '杭州某某科技有限公司' },
          },
        },
      });
      const listed = await flags('year=2026&source=REPORT');
      expect(listed.items).toEqual([expect.objectContaining({ rule: 'REPORTED', caseId })]);
    });

    it('should join the case of a person already flagged this year instead of opening another', async () => {
      const flagged = (await flags()).items.find((f) => f.name === '低保五千')!;
      const res = await caseworker.http.post<{ caseId: string; caseOpened: boolean }>(
        '/api/v1/monitoring/reports',
        report({ idNumber: people.dibaoAt5000.idNumber, name: '低保五千' }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({ caseOpened: false, caseId: flagged.caseId }),
      );
      expect(await casesOf(String(people.dibaoAt5000.idNumber))).toHaveLength(1);
    });

    it('should refuse another street, a bad reporter and an unknown role', async () => {
      expect(
        (await streetB.http.post('/api/v1/monitoring/reports', report({ idNumber: residentId(8) })))
          .status,
      ).toBe(403);
      const bad = await caseworker.http.post<Problem>(
        '/api/v1/monitoring/reports',
        report({ idNumber: '330106198001010014', reporter: { type: 'NEIGHBOUR', name: '' } }),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors!.map((e) => e.field).sort()).toEqual([
        'idNumber',
        'reporter.name',
        'reporter.type',
      ]);
      const { reporter: _reporter, ...withoutReporter } = report();
      const missing = await caseworker.http.post<Problem>(
        '/api/v1/monitoring/reports',
        withoutReporter,
      );
      expect(missing.status).toBe(400);
      expect(missing.body.errors!.map((e) => e.field)).toEqual(['reporter']);
      expect((await auditor.http.post('/api/v1/monitoring/reports', report())).status).toBe(403);
    });
  });

  describe('the monthly run', () => {
    it('should be a BullMQ job scheduler on the policy day, running the current year as system', async () => {
      const queue = t.app.get(QueueService).queue('monitoring');
      // Upserted by the worker at start-up (in the background).
      const scheduler = await eventually(() => queue.getJobScheduler(MONTHLY_RUN_SCHEDULER_ID));
      expect(scheduler).toMatchObject({ pattern: '0 3 7 * *', tz: 'Asia/Shanghai' });

      const result = await t.app
        .get(MonitoringScheduler)
        .runScheduled(new Date('2026-12-07T03:00:00+08:00'));
      expect(result).toMatchObject({ year: 2026, startedBy: 'system', casesOpened: 0 });
      const skipped = await t.app
        .get(MonitoringScheduler)
        .runScheduled(new Date('2027-01-07T03:00:00+08:00'));
      expect(skipped).toEqual({ skipped: expect.stringMatching(/2027/) });
    });
  });
});
