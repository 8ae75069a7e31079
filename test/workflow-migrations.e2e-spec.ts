import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseMigrator } from '../src/engine/migration/case-migrator';
import { WorkflowRegistry } from '../src/engine/workflow-registry';
import { rehydrate, stateValue } from '../src/engine/transition/machine-state';
import { stateToString } from '../src/engine/machine-introspection';
import { expense, reliefApplication, residentId } from './factories/relief';
import { createUser, Http, type TestUser } from './support/http';
import {
  createTestDatabase,
  startTestApp,
  type TestApp,
  type TestDatabase,
} from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  machineVersion: number;
  version: number;
  data: Record<string, unknown>;
  deadlines: Array<{ name: string; dueAt: string }>;
}

interface MigrationRun {
  id: string;
  type: string;
  fromVersion: number;
  toVersion: number;
  dryRun: boolean;
  caseIds: string[] | null;
  requestedBy: string;
  migratable: Array<{ caseId: string; fromState: string; toState: string }>;
  blocked: Array<{ caseId: string; state: string | null; reason: string }>;
}

interface Problem {
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

interface HistoryEntry {
  seq: number;
  type: string;
  actor: string;
  from: string | null;
  to: string;
  payload: Record<string, unknown>;
}

const STREET = '330106001';
const TYPE = 'relief-application';
const MIGRATIONS = `/api/v1/workflows/${TYPE}/migrations`;
/** In-policy 80,000: DIBAO relief 36,000.00, above the 20,000.00 collective-review threshold. */
const LARGE = [expense({ inPolicyCost: '80000.00', totalCost: '82000.00' })];
const LARGE_RELIEF = '36000.00';
/** Parallel migrations and events on as many cases (the race is won both ways). */
const RACES = 10;

interface Staff {
  admin: Http;
  street: TestUser;
  caseworker: TestUser;
  manager: TestUser;
  auditor: TestUser;
}

async function staffOf(t: TestApp): Promise<Staff> {
  const anon = new Http(t.app);
  const admin = await anon.loginAdmin();
  return {
    admin,
    street: await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET }),
    caseworker: await createUser(admin, anon, { roles: ['CASEWORKER'] }),
    manager: await createUser(admin, anon, { roles: ['MANAGER'] }),
    auditor: await createUser(admin, anon, { roles: ['AUDITOR'] }),
  };
}

async function send(who: TestUser, id: string, event: Record<string, unknown>): Promise<CaseBody> {
  const res = await who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
  expect([event.type, res.status, res.body]).toEqual([event.type, 200, expect.anything()]);
  return res.body;
}

/** A new application walked to amount review: ACCEPT, VERIFY (DIBAO). */
async function inAmountReview(s: Staff, seq: number): Promise<CaseBody> {
  const created = await s.street.http.post<CaseBody>(
    '/api/v1/relief-applications',
    reliefApplication({ idNumber: residentId(seq), expenses: LARGE }),
    { 'idempotency-key': randomUUID() },
  );
  expect(created.status).toBe(201);
  await send(s.caseworker, created.body.id, { type: 'ACCEPT' });
  return send(s.caseworker, created.body.id, {
    type: 'VERIFY',
    verifiedCategory: 'DIBAO',
    certificateNo: '民低保字0001',
  });
}

/** ... PROPOSE: in approval (version 1: no collective review). */
async function inApproval(s: Staff, seq: number): Promise<CaseBody> {
  const c = await inAmountReview(s, seq);
  return send(s.caseworker, c.id, { type: 'PROPOSE' });
}

/** ... APPROVE: in publicity (公示), its deadline running. */
async function inPublicity(s: Staff, seq: number): Promise<CaseBody> {
  const c = await inApproval(s, seq);
  return send(s.manager, c.id, { type: 'APPROVE' });
}

describe('migrating running relief cases from version 1 to 2 (real MariaDB and Redis)', () => {
  let database: TestDatabase;
  let t: TestApp;
  let ds: DataSource;
  let s: Staff;
  /** Cases opened on version 1, before the edition switch. */
  let v1: Record<'amountReview' | 'publicity' | 'approval' | 'closed' | 'untouched', CaseBody>;
  const racing: CaseBody[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // Edition 1: no workflowVersions, so every case opens on version 1.
    const a = await startTestApp({ database });
    try {
      const sa = await staffOf(a);
      const rejected = await inAmountReview(sa, 604);
      v1 = {
        amountReview: await inAmountReview(sa, 601),
        publicity: await inPublicity(sa, 602),
        approval: await inApproval(sa, 603),
        closed: await send(sa.caseworker, rejected.id, { type: 'REJECT', reason: '不符合' }),
        untouched: await inAmountReview(sa, 605),
      };
      for (let i = 0; i < RACES; i++) {
        racing.push(await inAmountReview(sa, 620 + i));
      }
    } finally {
      await a.close();
    }
    // The policy switches relief to version 2 from a day already begun; the same database.
    t = await startTestApp({
      database,
      policy: { workflowVersions: { [TYPE]: [{ version: 2, from: '2026-01-01' }] } },
    });
    ds = t.app.get(DataSource);
    s = await staffOf(t);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const row = async (id: string): Promise<Record<string, unknown>> => {
    const [r] = await ds.query<Array<Record<string, unknown>>>('SELECT * FROM cases WHERE id = ?', [
      id,
    ]);
    return r;
  };
  const history = async (id: string): Promise<HistoryEntry[]> => {
    const res = await s.auditor.http.get<HistoryEntry[]>(`/api/v1/cases/${id}/history`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const verify = async (id: string): Promise<{ valid: boolean }> => {
    const res = await s.auditor.http.get<{ valid: boolean }>(`/api/v1/cases/${id}/history/verify`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Every case row, event and deadline, and the outbox, as the database holds them. */
  const everything = async (): Promise<unknown[]> =>
    Promise.all([
      ds.query('SELECT * FROM cases ORDER BY id'),
      ds.query('SELECT * FROM case_events ORDER BY case_id, seq'),
      ds.query('SELECT * FROM case_deadlines ORDER BY id'),
      ds.query('SELECT id, job_id FROM outbox ORDER BY id'),
    ]);

  it('should run a version-1 case and a version-2 case side by side after the edition switch', async () => {
    const fresh = await inAmountReview(s, 610);
    expect(fresh.machineVersion).toBe(2);
    expect(v1.untouched.machineVersion).toBe(1);
    const proposedNew = await send(s.caseworker, fresh.id, { type: 'PROPOSE' });
    expect(proposedNew.state).toBe('collective_review');
    const proposedOld = await send(s.caseworker, v1.untouched.id, { type: 'PROPOSE' });
    expect(proposedOld).toMatchObject({ state: 'approval', machineVersion: 1 });
  });

  it('should report in a dry run what would move and what is blocked, and change nothing', async () => {
    const before = await everything();
    const res = await s.admin.post<MigrationRun>(MIGRATIONS, {
      fromVersion: 1,
      toVersion: 2,
      dryRun: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: TYPE, fromVersion: 1, toVersion: 2, dryRun: true });
    // Every open version-1 case, none of version 2, no closed one (they finish where they are).
    expect(res.body.migratable).toEqual(
      expect.arrayContaining([
        { caseId: v1.amountReview.id, fromState: 'amount_review', toState: 'amount_review' },
        { caseId: v1.publicity.id, fromState: 'publicity', toState: 'publicity' },
      ]),
    );
    expect(res.body.migratable).toHaveLength(2 + RACES);
    expect(res.body.blocked.map((b) => b.caseId).sort()).toEqual(
      [v1.approval.id, v1.untouched.id].sort(),
    );
    expect(res.body.blocked.find((b) => b.caseId === v1.approval.id)).toEqual({
      caseId: v1.approval.id,
      state: 'approval',
      reason: expect.stringContaining('集体审议'),
    });
    expect(await everything()).toEqual(before);

    // Named cases: a closed one and an unknown id are reported blocked, with the reason.
    const unknown = randomUUID();
    const named = await s.admin.post<MigrationRun>(MIGRATIONS, {
      fromVersion: 1,
      toVersion: 2,
      caseIds: [v1.closed.id, unknown],
      dryRun: true,
    });
    expect(named.status).toBe(201);
    expect(named.body.migratable).toEqual([]);
    expect(named.body.blocked).toEqual(
      expect.arrayContaining([
        { caseId: v1.closed.id, state: 'rejected', reason: expect.stringContaining('closed') },
        { caseId: unknown, state: null, reason: 'no such case' },
      ]),
    );
    expect(await everything()).toEqual(before);
  });

  it('should move a case in amount_review to version 2, where a large proposal meets the collective review', async () => {
    const publicityDeadline = async (): Promise<Array<Record<string, unknown>>> =>
      ds.query(
        "SELECT id, status, due_at, closed_at FROM case_deadlines WHERE case_id = ? AND name = 'publicity'",
        [v1.publicity.id],
      );
    const deadlineBefore = await publicityDeadline();
    expect(deadlineBefore).toHaveLength(1);
    expect(deadlineBefore[0]).toMatchObject({ status: 'pending', closed_at: null });
    const amountBefore = await row(v1.amountReview.id);

    const res = await s.admin.post<MigrationRun>(MIGRATIONS, {
      fromVersion: 1,
      toVersion: 2,
      caseIds: [v1.amountReview.id, v1.publicity.id, v1.approval.id],
      dryRun: false,
    });
    expect(res.status).toBe(201);
    expect(res.body.dryRun).toBe(false);
    expect(res.body.migratable).toEqual(
      expect.arrayContaining([
        { caseId: v1.amountReview.id, fromState: 'amount_review', toState: 'amount_review' },
        { caseId: v1.publicity.id, fromState: 'publicity', toState: 'publicity' },
      ]),
    );
    expect(res.body.blocked).toEqual([
      { caseId: v1.approval.id, state: 'approval', reason: expect.stringContaining('集体审议') },
    ]);
    expect(await row(v1.approval.id)).toMatchObject({ machine_version: 1, state: 'approval' });

    // The moved case: on version 2, its version bumped, the threshold of the day in its data.
    const moved = await s.caseworker.http.get<CaseBody>(`/api/v1/cases/${v1.amountReview.id}`);
    expect(moved.body).toMatchObject({
      machineVersion: 2,
      state: 'amount_review',
      version: Number(amountBefore.version) + 1,
      data: { collectiveReviewAbove: '20000.00', collectiveReviews: [] },
    });
    const events = await history(v1.amountReview.id);
    expect(events[events.length - 1]).toMatchObject({
      type: 'MIGRATED',
      actor: 'system',
      from: 'amount_review',
      to: 'amount_review',
      payload: {
        fromVersion: 1,
        toVersion: 2,
        fromState: 'amount_review',
        toState: 'amount_review',
        requestedBy: expect.any(String),
        migrationId: res.body.id,
      },
    });
    expect(events[events.length - 1].payload.requestedBy).toBe(res.body.requestedBy);
    expect(await verify(v1.amountReview.id)).toMatchObject({ valid: true });

    // The same state with the same deadline on both versions: its running deadline is kept.
    const amountDeadlines = await ds.query<Array<{ status: string; closed_at: Date | null }>>(
      "SELECT status, closed_at FROM case_deadlines WHERE case_id = ? AND name = 'amount_review' ORDER BY id",
      [v1.amountReview.id],
    );
    expect(amountDeadlines).toEqual([{ status: 'pending', closed_at: null }]);

    // Version 2's path: a proposal above the threshold goes to the collective review, then approval.
    const proposed = await send(s.caseworker, v1.amountReview.id, { type: 'PROPOSE' });
    expect(proposed).toMatchObject({
      state: 'collective_review',
      machineVersion: 2,
      data: { proposedAmount: LARGE_RELIEF },
    });
    const agreed = await send(s.manager, v1.amountReview.id, {
      type: 'RECORD_COLLECTIVE_REVIEW',
      meetingDate: '2026-12-01',
      minutesRef: '局务会议纪要〔2026〕12号',
      attendees: [s.manager.id, s.caseworker.id, 'u-director-1'],
      decision: 'AGREE',
      comment: '同意',
    });
    expect(agreed.state).toBe('approval');
    expect(await verify(v1.amountReview.id)).toMatchObject({ valid: true });

    // The case in publicity keeps its running deadline: the same row, the same due time.
    expect(await publicityDeadline()).toEqual(deadlineBefore);
    const published = await s.caseworker.http.get<CaseBody>(`/api/v1/cases/${v1.publicity.id}`);
    expect(published.body).toMatchObject({ machineVersion: 2, state: 'publicity' });
    expect(published.body.deadlines.find((d) => d.name === 'publicity')?.dueAt).toBe(
      new Date(deadlineBefore[0].due_at as Date).toISOString(),
    );
    expect(await verify(v1.publicity.id)).toMatchObject({ valid: true });
  });

  it('should leave every case whole on one version when events race the migration', async () => {
    const replies = await Promise.all(
      racing.flatMap((c) => [
        s.admin.post<MigrationRun>(MIGRATIONS, {
          fromVersion: 1,
          toVersion: 2,
          caseIds: [c.id],
          dryRun: false,
        }),
        s.caseworker.http.post<CaseBody>(`/api/v1/cases/${c.id}/events`, { type: 'PROPOSE' }),
      ]),
    );
    expect(replies.map((r) => r.status)).toEqual(racing.flatMap(() => [201, 200]));
    const registry = t.app.get(WorkflowRegistry);
    const outcomes = new Set<string>();
    for (const [i, c] of racing.entries()) {
      const run = replies[2 * i].body as MigrationRun;
      const r = await row(c.id);
      const version = Number(r.machine_version);
      const definition = registry.get(TYPE, version);
      const snapshot = rehydrate(definition.machine, r.snapshot as Record<string, unknown>);
      // The row, its snapshot and its machine agree; the proposal landed on the version it met.
      expect([c.id, stateToString(stateValue(snapshot))]).toEqual([c.id, r.state]);
      expect([c.id, version, r.state]).toEqual(
        version === 2 ? [c.id, 2, 'collective_review'] : [c.id, 1, 'approval'],
      );
      const events = await history(c.id);
      const migrated = events.filter((e) => e.type === 'MIGRATED');
      expect([c.id, migrated.length]).toEqual([c.id, version === 2 ? 1 : 0]);
      expect([c.id, run.migratable.length + run.blocked.length]).toEqual([c.id, 1]);
      expect([c.id, run.migratable.length]).toEqual([c.id, version === 2 ? 1 : 0]);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, k) => k + 1));
      expect(Number(r.version)).toBe(events.length);
      expect(await verify(c.id)).toMatchObject({ valid: true });
      outcomes.add(version === 2 ? 'moved' : `stayed: ${run.blocked[0]?.reason}`);
    }
    // Not a test of luck: the outcome is whole either way, whichever way each race went.
    expect(outcomes.size).toBeGreaterThan(0);
  }, 120_000);

  it('should skip a case whose version moved after the listing, and leave it untouched', async () => {
    const registry = t.app.get(WorkflowRegistry);
    const to = registry.get(TYPE, 2);
    const target = { from: registry.get(TYPE, 1), to, migration: to.migrations![0] };
    const before = await row(v1.untouched.id);
    const outcome = await t.app.get(CaseMigrator).move(
      target,
      {
        caseId: v1.untouched.id,
        version: Number(before.version) - 1,
        fromState: 'amount_review',
        toState: 'amount_review',
      },
      SYSTEM,
      randomUUID(),
    );
    expect(outcome).toEqual({
      blocked: {
        caseId: v1.untouched.id,
        state: 'approval',
        reason: expect.stringMatching(/^changed meanwhile/),
      },
    });
    expect(await row(v1.untouched.id)).toEqual(before);
  });

  it('should list every run, newest first, paginated, for the administrator and the auditor', async () => {
    const all = await s.admin.get<{ items: MigrationRun[]; total: number }>(MIGRATIONS);
    expect(all.status).toBe(200);
    // Two dry runs, one real run, one per race.
    expect(all.body.total).toBe(3 + RACES);
    const last = all.body.items[all.body.items.length - 1];
    expect(last).toMatchObject({ dryRun: true, caseIds: null });
    expect(all.body.items.slice(-3).map((r) => r.dryRun)).toEqual([false, true, true]);
    const page = await s.auditor.http.get<{ items: MigrationRun[]; total: number }>(
      `${MIGRATIONS}?page=2&pageSize=2`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 3 + RACES, page: 2, pageSize: 2 });
    expect(page.body.items.map((r) => r.id)).toEqual(all.body.items.slice(2, 4).map((r) => r.id));
    expect((await s.caseworker.http.get(MIGRATIONS)).status).toBe(403);
  });

  it('should refuse bad input with a problem naming the field, and anyone but an administrator', async () => {
    const post = (body: unknown): Promise<{ status: number; body: Problem }> =>
      s.admin.post<Problem>(MIGRATIONS, body);
    const fieldsOf = async (body: unknown, status: number): Promise<string[]> => {
      const res = await post(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      return [...new Set((res.body.errors ?? []).map((e) => e.field))];
    };
    const valid = { fromVersion: 1, toVersion: 2, dryRun: true };
    expect(await fieldsOf({ ...valid, fromVersion: 'one' }, 400)).toEqual(['fromVersion']);
    expect(await fieldsOf({ ...valid, toVersion: 0 }, 400)).toEqual(['toVersion']);
    expect(await fieldsOf({ fromVersion: 1, toVersion: 2 }, 400)).toEqual(['dryRun']);
    expect(await fieldsOf({ ...valid, caseIds: ['not-a-case'] }, 400)).toEqual(['caseIds']);
    expect(await fieldsOf({ ...valid, caseIds: [] }, 400)).toEqual(['caseIds']);
    expect(await fieldsOf({ ...valid, force: true }, 400)).toEqual(['force']);
    expect(await fieldsOf({ ...valid, fromVersion: 7 }, 422)).toEqual(['fromVersion']);
    expect(await fieldsOf({ ...valid, fromVersion: 2, toVersion: 1 }, 422)).toEqual(['toVersion']);
    expect(await fieldsOf({ ...valid, fromVersion: 2, toVersion: 2 }, 422)).toEqual(['toVersion']);
    const unknownType = await s.admin.post<Problem>(
      '/api/v1/workflows/no-such-flow/migrations',
      valid,
    );
    expect(unknownType.status).toBe(404);
    expect((await s.admin.get('/api/v1/workflows/no-such-flow/migrations')).status).toBe(404);
    for (const who of [s.caseworker, s.manager, s.auditor, s.street]) {
      expect((await who.http.post(MIGRATIONS, valid)).status).toBe(403);
    }
    expect((await new Http(t.app).post(MIGRATIONS, valid)).status).toBe(401);
  });
});
