import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { eventHash } from '../src/engine/audit/event-hash';
import { CaseEngine } from '../src/engine/case-engine.service';
import { CaseEventEntity } from '../src/engine/entities/case-event.entity';
import { EventHandlerRegistry } from '../src/engine/event-handlers';
import { testFixtureEventPayloads, testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { createUser, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Verification {
  valid: boolean;
  checked: number;
  brokenAt?: number;
  reason?: string;
}

describe('the audit hash chain (real MariaDB and Redis)', () => {
  let t: TestApp;
  let ds: DataSource;
  let engine: CaseEngine;
  let street: TestUser;
  let otherStreet: TestUser;
  let caseworker: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    // No deadline durations in the policy: no service event can join the chain mid-test.
    t = await startTestApp({ workflows: [testFixtureWorkflow] });
    t.app.get(EventHandlerRegistry).registerPayloads(testFixtureEventPayloads);
    ds = t.app.get(DataSource);
    engine = t.app.get(CaseEngine);
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    otherStreet = await createUser(admin, anon, {
      roles: ['STREET_OFFICE'],
      streetCode: '330106002',
    });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A closed case with four events: CASE_OPENED, SUBMIT, CLAIMED, REJECT. */
  async function caseWithHistory(): Promise<string> {
    const row = await engine.openCase({
      type: 'test-fixture',
      input: { applicant: { name: '王五', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    const id = row.id;
    expect((await street.http.post(`/api/v1/cases/${id}/events`, { type: 'SUBMIT' })).status).toBe(
      200,
    );
    expect((await caseworker.http.post(`/api/v1/cases/${id}/claim`)).status).toBe(200);
    const rejected = await caseworker.http.post(`/api/v1/cases/${id}/events`, {
      type: 'REJECT',
      reason: 'income above the line',
    });
    expect(rejected.status).toBe(200);
    return id;
  }

  const verify = async (id: string, who: TestUser = caseworker): Promise<Verification> => {
    const res = await who.http.get<Verification>(`/api/v1/cases/${id}/history/verify`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('should verify an untouched history as valid, counting every event', async () => {
    const id = await caseWithHistory();
    expect(await verify(id)).toEqual({ valid: true, checked: 4 });
    const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM case_events WHERE case_id = ?', [id]);
    expect(Number(n)).toBe(4);
  });

  it('should verify a just-opened case (one event) as valid', async () => {
    const row = await engine.openCase({
      type: 'test-fixture',
      input: { applicant: { name: '赵六', idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    expect(await verify(row.id)).toEqual({ valid: true, checked: 1 });
  });

  it('should report an edited payload as broken at that event', async () => {
    const id = await caseWithHistory();
    await ds.query('UPDATE case_events SET payload = ? WHERE case_id = ? AND seq = 2', [
      JSON.stringify({ note: 'added later' }),
      id,
    ]);
    const result = await verify(id);
    expect(result).toMatchObject({ valid: false, brokenAt: 2, checked: 1 });
    expect(result.reason).toEqual(expect.any(String));
  });

  it.each([
    ['actor', "actor = 'someone-else'"],
    ['type', "type = 'APPROVE'"],
    ['time', 'at = DATE_ADD(at, INTERVAL 1 SECOND)'],
    ['target state', "to_state = 'done'"],
  ])('should report an edited %s as broken at that event', async (_what, assignment) => {
    const id = await caseWithHistory();
    await ds.query(`UPDATE case_events SET ${assignment} WHERE case_id = ? AND seq = 3`, [id]);
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 3 });
  });

  it('should report a deleted last event as invalid', async () => {
    const id = await caseWithHistory();
    await ds.query('DELETE FROM case_events WHERE case_id = ? AND seq = 4', [id]);
    const result = await verify(id);
    expect(result.valid).toBe(false);
    expect(result.brokenAt).toBe(4);
  });

  it('should report a deleted event in the middle as broken at that seq', async () => {
    const id = await caseWithHistory();
    await ds.query('DELETE FROM case_events WHERE case_id = ? AND seq = 2', [id]);
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 2 });
  });

  it('should catch an edit whose hash was recomputed, at the next event (the chain)', async () => {
    const id = await caseWithHistory();
    const repo = ds.getRepository(CaseEventEntity);
    const e = await repo.findOneByOrFail({ caseId: id, seq: 2 });
    const payload = { forged: true };
    const hash = eventHash({ ...e, payload });
    await ds.query('UPDATE case_events SET payload = ?, hash = ? WHERE id = ?', [
      JSON.stringify(payload),
      hash,
      e.id,
    ]);
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 3 });
  });

  it('should catch a rewritten newest event even with a recomputed hash (the case row points at it)', async () => {
    const id = await caseWithHistory();
    const repo = ds.getRepository(CaseEventEntity);
    const e = await repo.findOneByOrFail({ caseId: id, seq: 4 });
    const payload = { reason: 'a different reason' };
    await ds.query('UPDATE case_events SET payload = ?, hash = ? WHERE id = ?', [
      JSON.stringify(payload),
      eventHash({ ...e, payload }),
      e.id,
    ]);
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 4 });
  });

  it('should let an AUDITOR verify any case', async () => {
    const id = await caseWithHistory();
    expect(await verify(id, auditor)).toEqual({ valid: true, checked: 4 });
    await ds.query('UPDATE case_events SET payload = ? WHERE case_id = ? AND seq = 2', [
      JSON.stringify({ x: 1 }),
      id,
    ]);
    expect(await verify(id, auditor)).toMatchObject({ valid: false, brokenAt: 2 });
  });

  it("should let the case's own street office verify and hide it from another street (404)", async () => {
    const id = await caseWithHistory();
    expect(await verify(id, street)).toEqual({ valid: true, checked: 4 });
    const res = await otherStreet.http.get(`/api/v1/cases/${id}/history/verify`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('should refuse verification without a token (401)', async () => {
    const id = await caseWithHistory();
    const res = await new Http(t.app).get(`/api/v1/cases/${id}/history/verify`);
    expect(res.status).toBe(401);
  });
});
