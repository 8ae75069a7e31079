import { DataSource } from 'typeorm';
import type { Actor } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { PenaltiesService } from '../src/penalties/penalties.service';
import { createUser, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface CaseBody {
  id: string;
  state: string;
  version: number;
  allowedEvents: string[];
  data: Record<string, unknown> & {
    decision?: { fineDueAt?: string; servedAt: string };
    appeals?: Array<{ kind: string; filedAt: string; decided?: { outcome: string } }>;
    annulledDecisions?: Array<{ sanctions: Array<{ type: string }> }>;
    sanctions: Array<{ type: string; amount?: string }>;
  };
}
interface HistoryRow {
  type: string;
}

const DAY = 86_400_000;

/**
 * Penalty appeals on real MariaDB and Redis (Law art. 73): an appeal filed during execution
 * freezes the late fee and blocks enforcement while payments go on; its outcome lets the fee run
 * again, or (annulled) sends the case back to decision with the old decision kept.
 */
describe('penalty appeals (行政复议 / 行政诉讼)', () => {
  let t: TestApp;
  let ds: DataSource;
  let penalties: PenaltiesService;
  let manager: TestUser;
  let legal: TestUser;
  let caseworker: TestUser;
  let inspector: TestUser;
  let auditor: TestUser;
  let institutionId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    penalties = t.app.get(PenaltiesService);
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    inspector = await createUser(admin, anon, { roles: ['INSPECTOR'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    const imported = await manager.http.post<{ items: Array<{ id: string }> }>(
      '/api/v1/institutions',
      [{ code: 'H900', name: '某某医院', type: 'HOSPITAL', creditGrade: 'B' }],
    );
    institutionId = imported.body.items[0].id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody & Problem>(`/api/v1/cases/${id}/events`, event);
  const asActor = (who: TestUser, role: 'CASEWORKER'): Actor => ({
    id: who.id,
    roles: [role],
    streetCode: null,
  });
  /** The amounts due as of `now` (the late fee is a function of the day). */
  const dueAt = (id: string, now: Date) =>
    penalties.amountsDue(id, asActor(caseworker, 'CASEWORKER'), now);

  /** A case decided with RECOVERY 5,000 and FINE 10,000, served 40 days ago: the fine is overdue. */
  async function overdueFine(): Promise<CaseBody> {
    const opened = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
      institutionId,
      source: 'COMPLAINT',
      summary: '重复收取护理费',
    });
    const id = opened.body.id;
    const investigated = await send(inspector, id, {
      type: 'RECORD_INVESTIGATION',
      violations: [{ article: 38, lossAmount: '5000.00', fraudAmount: '0.00' }],
    });
    expect(investigated.body.state).toBe('legal_review');
    expect((await send(legal, id, { type: 'APPROVE_PROPOSAL' })).body.state).toBe('notice');
    // The statement window ends as its timer would (5 working days), without waiting for it.
    const [deadline]: Array<{ id: string; due_at: Date }> = await ds.query(
      "SELECT id, due_at FROM case_deadlines WHERE case_id = ? AND name = 'notice' AND status = 'pending'",
      [id],
    );
    await t.app
      .get(CaseEngine)
      .fireDeadline(String(deadline.id), new Date(new Date(deadline.due_at).getTime() + 1000));
    // Served 40 days ago needs a case that reached its decision before then (servedAt is never
    // before the decision): the window closed 41 days ago, as far as the decision is concerned.
    await ds.query("UPDATE case_events SET at = ? WHERE case_id = ? AND to_state = 'decision'", [
      new Date(Date.now() - 41 * DAY),
      id,
    ]);
    const decided = await send(manager, id, {
      type: 'DECIDE',
      servedAt: new Date(Date.now() - 40 * DAY).toISOString(),
      sanctions: [
        { type: 'ORDER_CORRECTION', article: 38 },
        { type: 'RECOVERY', article: 38, amount: '5000.00' },
        { type: 'FINE', article: 38, amount: '10000.00' },
      ],
    });
    expect(decided.status).toBe(200);
    expect(decided.body.state).toBe('execution');
    return decided.body;
  }

  it('should freeze the late fee while an appeal runs and let it run again once decided', async () => {
    const decided = await overdueFine();
    const id = decided.id;
    const fineDue = Date.parse(decided.data.decision!.fineDueAt!);
    const now = new Date();
    const before = await dueAt(id, now);
    expect(before.lateFee.days).toBeGreaterThanOrEqual(24);
    expect(before.appeal).toBeNull();

    // Filed ten days after the fine fell due (12:00 that day, Asia/Shanghai).
    const filedAt = new Date(fineDue + 10 * DAY + 12 * 3_600_000).toISOString();
    const filed = await send(caseworker, id, {
      type: 'APPEAL_FILED',
      kind: 'RECONSIDERATION',
      filedAt,
      reference: '西复〔2026〕12号',
    });
    expect(filed.status).toBe(200);
    expect(filed.body.state).toBe('execution');
    expect(filed.body.data.appeals).toEqual([
      expect.objectContaining({ kind: 'RECONSIDERATION', filedAt }),
    ]);

    // Ten late days before the filing, 3% of 10,000 each: 3,000.00, today and weeks later.
    const during = await dueAt(id, now);
    expect(during.lateFee).toMatchObject({ days: 10, amount: '3000.00' });
    expect(during.appeal).toMatchObject({ kind: 'RECONSIDERATION', filedAt });
    const later = await dueAt(id, new Date(now.getTime() + 20 * DAY));
    expect(later.lateFee).toMatchObject({ days: 10, amount: '3000.00' });
    const http = await caseworker.http.get<{ lateFee: { amount: string; pausedDays: number } }>(
      `/api/v1/penalty-cases/${id}/amounts-due`,
    );
    expect(http.body.lateFee.amount).toBe('3000.00');
    expect(http.body.lateFee.pausedDays).toBeGreaterThan(0);

    // Execution goes on (复议期间不停止执行), enforcement does not.
    const paid = await send(caseworker, id, {
      type: 'RECORD_PAYMENT',
      ledger: 'RECOVERY',
      amount: '5000.00',
      reference: 'FUND-2026-0201',
    });
    expect(paid.body.state).toBe('execution');
    const enforce = await send(legal, id, { type: 'ENFORCE', reason: '逾期未缴' });
    expect(enforce.status).toBe(422);
    expect(enforce.body.detail).toMatch(/RECONSIDERATION .* is running/);

    // Upheld today: from tomorrow the fee runs again.
    const upheld = await send(legal, id, { type: 'APPEAL_DECIDED', outcome: 'UPHELD' });
    expect(upheld.status).toBe(200);
    expect(upheld.body.state).toBe('execution');
    const afterwards = await dueAt(id, new Date(now.getTime() + 3 * DAY));
    expect(afterwards.lateFee).toMatchObject({ days: 13, amount: '3900.00' });
    expect(afterwards.appeal).toBeNull();
  });

  it('should return an annulled decision to decision, keep it in the history, and release what was due', async () => {
    const decided = await overdueFine();
    const id = decided.id;
    const credit = async () =>
      Number(
        (
          await ds.query(
            "SELECT COUNT(*) AS n FROM institution_credit_records WHERE source_case_id = ? AND kind = 'SANCTION'",
            [id],
          )
        )[0].n,
      );
    expect(await credit()).toBe(1);
    await send(caseworker, id, {
      type: 'RECORD_PAYMENT',
      ledger: 'RECOVERY',
      amount: '5000.00',
      reference: 'FUND-2026-0301',
    });
    await send(legal, id, {
      type: 'APPEAL_FILED',
      kind: 'LITIGATION',
      filedAt: new Date().toISOString(),
    });
    const annulled = await send(legal, id, {
      type: 'APPEAL_DECIDED',
      outcome: 'ANNULLED',
      reference: '(2026)浙0106行初88号',
      note: '事实不清，撤销',
    });
    expect(annulled.status).toBe(200);
    expect(annulled.body.state).toBe('decision');
    expect(annulled.body.data.decision).toBeUndefined();
    expect(annulled.body.data.sanctions).toEqual([]);
    expect(annulled.body.data.annulledDecisions?.[0].sanctions.map((s) => s.type)).toEqual([
      'ORDER_CORRECTION',
      'RECOVERY',
      'FINE',
    ]);
    expect(await credit()).toBe(0);
    const released = await dueAt(id, new Date());
    expect(released.ledgers.FINE).toMatchObject({ due: '0.00', outstanding: '0.00' });
    expect(released.ledgers.RECOVERY).toMatchObject({ due: '0.00', paid: '5000.00' });
    const history = (await manager.http.get<HistoryRow[]>(`/api/v1/cases/${id}/history`)).body;
    expect(history.map((e) => e.type).slice(-4)).toEqual([
      'DECIDE',
      'RECORD_PAYMENT',
      'APPEAL_FILED',
      'APPEAL_DECIDED',
    ]);

    // Decided again: what was paid under the annulled decision counts toward the new one.
    const redecided = await send(manager, id, {
      type: 'DECIDE',
      sanctions: [
        { type: 'RECOVERY', article: 38, amount: '5000.00' },
        { type: 'FINE', article: 38, amount: '6000.00' },
      ],
    });
    expect(redecided.body.state).toBe('execution');
    const now = await dueAt(id, new Date());
    expect(now.ledgers.RECOVERY.outstanding).toBe('0.00');
    expect(now.ledgers.FINE.outstanding).toBe('6000.00');
    expect(await credit()).toBe(1);
  });

  it('should refuse a bad or untimely appeal, naming the field, and anyone but legal and caseworkers', async () => {
    const decided = await overdueFine();
    const id = decided.id;
    const file = (who: TestUser, body: Record<string, unknown>) =>
      send(who, id, { type: 'APPEAL_FILED', kind: 'RECONSIDERATION', ...body });
    const future = await file(caseworker, { filedAt: new Date(Date.now() + DAY).toISOString() });
    expect(future.status).toBe(400);
    expect(future.body.errors?.map((e) => e.field)).toEqual(['filedAt']);
    const beforeService = await file(caseworker, {
      filedAt: new Date(Date.now() - 60 * DAY).toISOString(),
    });
    expect(beforeService.status).toBe(422);
    expect(beforeService.body.errors?.map((e) => e.field)).toEqual(['filedAt']);
    const badKind = await send(caseworker, id, {
      type: 'APPEAL_FILED',
      kind: 'PETITION',
      filedAt: 'yesterday',
    });
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors?.map((e) => e.field).sort()).toEqual(['filedAt', 'kind']);
    const nothingRunning = await send(legal, id, { type: 'APPEAL_DECIDED', outcome: 'UPHELD' });
    expect(nothingRunning.status).toBe(422);
    expect((await file(auditor, { filedAt: new Date().toISOString() })).status).toBe(403);
    expect((await file(inspector, { filedAt: new Date().toISOString() })).status).toBe(403);

    expect((await file(caseworker, { filedAt: new Date().toISOString() })).status).toBe(200);
    const second = await file(legal, { kind: 'LITIGATION', filedAt: new Date().toISOString() });
    expect(second.status).toBe(422);
    expect((await send(caseworker, id, { type: 'APPEAL_DECIDED', outcome: 'UPHELD' })).status).toBe(
      403,
    );
    const outcome = await send(legal, id, { type: 'APPEAL_DECIDED', outcome: 'MAYBE' });
    expect(outcome.status).toBe(400);
    expect(outcome.body.errors?.map((e) => e.field)).toEqual(['outcome']);
  });
});
