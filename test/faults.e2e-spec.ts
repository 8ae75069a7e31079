import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ROLES, type Role, type WorkflowDefinition } from '../workflows/workflow-definition';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { CaseEntity } from '../src/engine/entities/case.entity';
import { WorkflowRegistry } from '../src/engine/workflow-registry';
import { SlaJournal } from '../src/sla/sla-journal.service';
import { reliefApplication, residentId } from './factories/relief';
import { expenseRecord } from './factories/monitoring';
import { createUser, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  version: number;
  status?: number;
}

const STREET = '330106001';
const OTHER_STREET = '330106002';

/**
 * Faults a busy bureau produces: many clients racing on one case, every role trying every event
 * it may not send, and arbitrary request bodies on every POST endpoint. Real MariaDB and Redis.
 */
describe('faults: races, the authorization matrix and fuzzed bodies', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let ds: DataSource;
  let engine: CaseEngine;
  const users = new Map<string, TestUser>();

  beforeAll(async () => {
    // Long deadlines: nothing fires by itself while rows are counted.
    t = await startTestApp();
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    ds = t.app.get(DataSource);
    engine = t.app.get(CaseEngine);
    for (const role of ROLES.filter((r) => r !== 'ADMIN')) {
      users.set(
        role,
        await createUser(admin, anon, {
          roles: [role],
          ...(role === 'STREET_OFFICE' ? { streetCode: STREET } : {}),
          ...(role === 'EXPERT' ? { expertField: 'MEDICAL', affiliation: '省人民医院' } : {}),
          ...(role === 'INSPECTOR' ? { affiliation: '区医保局' } : {}),
        }),
      );
    }
    users.set(
      'OTHER_STREET',
      await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: OTHER_STREET }),
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  const user = (role: string): TestUser => users.get(role)!;

  async function submitRelief(seq: number): Promise<string> {
    const res = await user('STREET_OFFICE').http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(seq) }),
      { 'idempotency-key': `faults-${seq}-${Date.now()}` },
    );
    expect(res.status).toBe(201);
    return res.body.id;
  }

  describe('40 clients sending the same event to one case at once', () => {
    it('should apply it once and refuse the rest with 422, no 5xx, one event in the history', async () => {
      const id = await submitRelief(401);
      const caseworker = user('CASEWORKER');
      const replies = await Promise.all(
        Array.from({ length: 40 }, () =>
          caseworker.http.post(`/api/v1/cases/${id}/events`, { type: 'ACCEPT' }),
        ),
      );
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 200).every((s) => s === 422 || s === 409)).toBe(true);
      const history = (
        await caseworker.http.get<Array<{ type: string }>>(`/api/v1/cases/${id}/history`)
      ).body;
      expect(history.filter((e) => e.type === 'ACCEPT')).toHaveLength(1);
    });

    it('should let one of 40 If-Match requests win and answer the others 409', async () => {
      const id = await submitRelief(402);
      const caseworker = user('CASEWORKER');
      const replies = await Promise.all(
        Array.from({ length: 40 }, () =>
          caseworker.http.post(
            `/api/v1/cases/${id}/events`,
            { type: 'ACCEPT' },
            { 'if-match': '"1"' },
          ),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(39);
    });
  });

  describe('the authorization matrix', () => {
    /** A valid opening input per workflow type, for a case in street STREET with the team/panel of our users. */
    let person = 500;
    function inputFor(type: string): { input: Record<string, unknown>; streetCode: string | null } {
      // One person per case: a person has one open hearing a year (the workflow's exclusive key).
      person += 1;
      const institution = {
        id: '00000000-0000-4000-8000-000000000001',
        code: 'H1',
        name: '某医院',
      };
      switch (type) {
        case 'relief-application': {
          const body = reliefApplication({ idNumber: residentId(person) });
          return {
            input: { ...body, submittedBy: SYSTEM.id, links: [] },
            streetCode: STREET,
          };
        }
        case 'hardship-hearing':
          return {
            input: {
              applicant: { name: '张三', idNumber: residentId(person), category: 'DIBAO' },
              streetCode: STREET,
              year: 2026,
              institutions: ['杭州市西溪医院'],
              burden: '60000.00',
              links: [],
            },
            streetCode: STREET,
          };
        case 'inspection':
          return {
            input: {
              planId: '00000000-0000-4000-8000-000000000002',
              planName: '矩阵测试',
              planKind: 'ROUTINE',
              year: 2026,
              institution: { ...institution, type: 'HOSPITAL', district: null },
              team: [{ userId: user('INSPECTOR').id }],
              ownerId: user('MANAGER').id,
              links: [],
            },
            streetCode: null,
          };
        case 'penalty-case':
          return {
            input: {
              institution,
              respondent: 'INSTITUTION',
              source: 'COMPLAINT',
              summary: '矩阵测试',
              refusedToCorrect: false,
              links: [],
            },
            streetCode: null,
          };
        case 'capitation-settlement':
          return {
            input: {
              institutionCode: 'H1',
              institutionName: '某社区卫生服务中心',
              year: 2026,
              month: 3,
              openedBy: 'REQUEST',
              figures: {
                daysInMonth: 31,
                fullMonthPersons: 1,
                proRataPersons: 0,
                personDays: 31,
                personMonths: '1.00',
                rate: { baseCapitation: '48.00', fundSignUpFee: '12.00', policyVersion: 'matrix' },
                baseCapitation: '4.00',
                fundSignUpFee: '1.00',
                lines: [],
                total: '5.00',
                computedAt: '2026-04-01T00:00:00.000Z',
              },
            },
            streetCode: null,
          };
        case 'capitation-reconciliation':
          return {
            input: {
              institutionCode: 'H1',
              institutionName: '某社区卫生服务中心',
              year: 2026,
              score: 85,
              indicators: {
                referralRate: 80,
                twoDiseaseManagement: 80,
                signUpService: 80,
                agreementCompliance: 80,
                satisfaction: 80,
                complaints: 0,
              },
              figures: {
                prepaid: '100.00',
                spent: '90.00',
                balance: '10.00',
                outcome: 'SURPLUS',
                score: 85,
                band: { minScore: 80, surplusKept: '0.80', overspendFundShare: '0.30' },
                direction: 'RECOVER',
                amount: '2.00',
                steps: [],
                policyVersion: 'matrix',
                computedAt: '2027-01-05T00:00:00.000Z',
              },
            },
            streetCode: null,
          };
        default:
          throw new Error(`no opening input for ${type}: add one to the matrix`);
      }
    }

    /** Puts an open case into `state` (the engine checks roles before any payload or guard). */
    async function caseIn(definition: WorkflowDefinition, state: string): Promise<string> {
      const { input, streetCode } = inputFor(definition.type);
      const row = await engine.openCase({
        type: definition.type,
        input,
        actor: SYSTEM,
        streetCode,
      });
      const opened = engine.rehydrate(definition.machine, row.snapshot);
      // The state's own context: a panel for the hearing's panel_review, as the hook would draw it.
      const context =
        definition.type === 'hardship-hearing'
          ? { ...opened.context, panel: [{ userId: user('EXPERT').id, expertField: 'MEDICAL' }] }
          : opened.context;
      const snapshot = definition.machine.resolveState({ value: state, context });
      await ds
        .createQueryBuilder()
        .update(CaseEntity)
        .set({
          state,
          // Every version's states are walked: the case is put on the definition's version.
          machineVersion: definition.version,
          snapshot: definition.machine.getPersistedSnapshot(snapshot) as Record<string, unknown>,
          data: snapshot.context as Record<string, unknown>,
        })
        .where('id = :id', { id: row.id })
        .execute();
      return row.id;
    }

    it('should refuse every event to every role that may not send it: 403 if it sees the case, else 404', async () => {
      const definitions = t.app
        .get(WorkflowRegistry)
        .all()
        .filter((d) => !d.type.includes('fixture'));
      expect(definitions.map((d) => d.type).sort()).toEqual(
        expect.arrayContaining([
          'hardship-hearing',
          'inspection',
          'penalty-case',
          'relief-application',
        ]),
      );
      const callers: Array<[string, Role, Http]> = [
        ['ADMIN', 'ADMIN', admin],
        ...[...users.entries()].map(([name, u]): [string, Role, Http] => [
          name,
          (name === 'OTHER_STREET' ? 'STREET_OFFICE' : name) as Role,
          u.http,
        ]),
      ];
      const mismatches: string[] = [];
      let checked = 0;
      for (const definition of definitions) {
        for (const [state, events] of Object.entries(definition.permissions)) {
          const id = await caseIn(definition, state);
          const before = await ds.getRepository(CaseEntity).findOneByOrFail({ id });
          for (const [event, permission] of Object.entries(events)) {
            for (const [name, role, http] of callers) {
              const allowed =
                permission.roles.includes(role) &&
                !(permission.scope === 'street' && name === 'OTHER_STREET');
              if (allowed) {
                continue;
              }
              const sees = (await http.get(`/api/v1/cases/${id}`)).status === 200;
              const res = await http.post(`/api/v1/cases/${id}/events`, { type: event });
              checked++;
              const expected = sees ? 403 : 404;
              if (res.status !== expected) {
                mismatches.push(
                  `${definition.type} ${state} ${event} as ${name}: ${res.status}, expected ${expected}`,
                );
              }
            }
          }
          const after = await ds.getRepository(CaseEntity).findOneByOrFail({ id });
          expect([id, after.version, after.state]).toEqual([id, before.version, before.state]);
        }
      }
      expect(mismatches).toEqual([]);
      expect(checked).toBeGreaterThan(300);
    }, 120_000);

    it("should hide a street's cases from every other street office (404), by id and in lists", async () => {
      const id = await submitRelief(405);
      const other = user('OTHER_STREET');
      expect((await other.http.get(`/api/v1/cases/${id}`)).status).toBe(404);
      expect((await other.http.get(`/api/v1/cases/${id}/history`)).status).toBe(404);
      expect(
        (await other.http.post(`/api/v1/cases/${id}/events`, { type: 'WITHDRAW' })).status,
      ).toBe(404);
      const list = await other.http.get<{ items: CaseBody[] }>('/api/v1/cases?pageSize=500');
      expect(list.body.items.some((c) => c.id === id)).toBe(false);
    });
  });

  describe('fuzzed bodies on every POST endpoint', () => {
    // login_failures records refused logins by design (lockout): the one table a refusal writes.
    const TABLES_SQL =
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT IN ('migrations', 'login_failures')";

    async function rowCounts(): Promise<Record<string, number>> {
      // The SLA journal drains after each commit: fold what is there so the counts hold still.
      await t.app.get(SlaJournal).settle();
      const tables = await ds.query<Array<{ name: string }>>(TABLES_SQL);
      const out: Record<string, number> = {};
      for (const { name } of tables) {
        const [{ n }] = await ds.query<Array<{ n: string }>>(
          `SELECT COUNT(*) AS n FROM \`${name}\``,
        );
        out[name] = Number(n);
      }
      return out;
    }

    /** A valid body per path (mutated by the fuzzer), so mutants reach deep validation too. */
    function samples(ids: { plan: string; caseId: string }): Record<string, unknown> {
      return {
        // A dry run by default; a mutant may run it for real (it moves at most this case).
        '/api/v1/workflows/relief-application/migrations': {
          fromVersion: 1,
          toVersion: 2,
          caseIds: [ids.caseId],
          dryRun: true,
        },
        '/api/v1/auth/login': { username: 'nobody', password: 'wrong-password-1' },
        '/api/v1/users': {
          username: 'fuzz-user',
          password: 'fuzz-password-1',
          displayName: '模糊',
          roles: ['CASEWORKER'],
        },
        '/api/v1/relief-applications': reliefApplication({ idNumber: residentId(406) }),
        '/api/v1/relief/calculate': {
          category: 'DIBAO',
          year: 2026,
          expenses: [reliefApplication().expenses],
        },
        '/api/v1/institutions': { code: 'FUZZ1', name: '模糊医院', type: 'HOSPITAL' },
        '/api/v1/inspection-plans': {
          name: '模糊计划',
          year: 2026,
          kind: 'ROUTINE',
          sampleSize: 1,
          teamSize: 2,
        },
        [`/api/v1/inspection-plans/${ids.plan}/draw`]: { seed: 'fuzz' },
        '/api/v1/penalty-cases': {
          institutionId: '00000000-0000-4000-8000-000000000001',
          source: 'COMPLAINT',
          summary: '模糊',
        },
        '/api/v1/monitoring/expense-records': [expenseRecord({ idNumber: residentId(408) })],
        '/api/v1/monitoring/runs': { year: 2026 },
        '/api/v1/monitoring/reports': {
          idNumber: residentId(409),
          name: '模糊',
          streetCode: '330106001',
          insuranceType: 'RESIDENT',
          year: 2026,
          reason: '模糊',
          reporter: { type: 'INDIVIDUAL', name: '模糊' },
        },
      };
    }

    /** A mutant: one top-level field replaced by an arbitrary JSON value, or removed. */
    const mutant = (valid: Record<string, unknown>) =>
      fc
        .tuple(
          fc.constantFrom(...Object.keys(valid)),
          fc.option(fc.jsonValue(), { nil: undefined }),
        )
        .map(([key, value]) => {
          const copy: Record<string, unknown> = { ...valid };
          if (value === undefined) {
            delete copy[key];
          } else {
            copy[key] = value;
          }
          return copy;
        });

    // Every POST endpoint with many bodies: minutes on a loaded machine; the timeout is no assertion.
    it('should never answer 5xx, and leave nothing half-written when it refuses', async () => {
      const docs = await anon.get<{ paths: Record<string, Record<string, unknown>> }>('/docs-json');
      expect(docs.status).toBe(200);
      const caseId = await submitRelief(407);
      const plan = await user('MANAGER').http.post<{ id: string }>('/api/v1/inspection-plans', {
        name: '被模糊的计划',
        year: 2026,
        kind: 'ROUTINE',
        sampleSize: 1,
        teamSize: 2,
      });
      const valid = samples({ plan: plan.body.id, caseId });
      const paths = Object.entries(docs.body.paths)
        .filter(([, methods]) => 'post' in methods)
        .map(([path]) =>
          path
            .replace('{id}', path.includes('inspection-plans') ? plan.body.id : caseId)
            // A real workflow, so the body reaches validation (the type alone would be a 404).
            .replace('{type}', 'relief-application')
            .replace(/\{[^}]+\}/g, 'x'),
        );
      expect(paths.length).toBeGreaterThan(8);
      // Every role that posts somewhere: the fuzz reaches the validation behind each guard.
      const callers = [
        admin,
        user('STREET_OFFICE').http,
        user('CASEWORKER').http,
        user('MANAGER').http,
      ];
      const failures: string[] = [];
      let requests = 0;
      for (const path of paths) {
        const sample = valid[path] as Record<string, unknown> | undefined;
        const bodies = sample
          ? fc.oneof(fc.jsonValue(), mutant(sample))
          : fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()));
        await fc.assert(
          fc.asyncProperty(bodies, fc.nat(callers.length - 1), async (body, who) => {
            requests += 1;
            const before = await rowCounts();
            const res = await callers[who].post(path, body === null ? 'null' : body, {
              'content-type': 'application/json',
              'idempotency-key': `fuzz-${Math.random().toString(36).slice(2)}`,
            });
            if (res.status >= 500) {
              failures.push(`${path} ${JSON.stringify(body)} -> ${res.status}`);
              return false;
            }
            if (res.status >= 400) {
              const after = await rowCounts();
              expect([path, after]).toEqual([path, before]);
            }
            return true;
          }),
          { numRuns: 25, seed: 20261124 },
        );
      }
      expect(failures).toEqual([]);
      expect(requests).toBe(paths.length * 25);
    }, 180_000);
  });
});
