import { randomUUID } from 'node:crypto';
import { expense, reliefApplication, residentId } from './factories/relief';
import { createUser, Http, type TestUser } from './support/http';
import { createTestDatabase, startTestApp, type TestApp } from './support/test-app';

interface CaseBody {
  id: string;
  state: string;
  machineVersion: number;
  allowedEvents: string[];
  data: Record<string, unknown> & {
    collectiveReviewAbove?: string;
    proposedAmount?: string;
    approvedAmount?: string;
    collectiveReviews?: Array<Record<string, unknown>>;
  };
}

interface Problem {
  status: number;
  errors?: Array<{ field: string }>;
}

interface WorkflowBody {
  version: number;
  versions: Array<{ version: number; from?: string; to?: string }>;
  eventLabels: Record<string, string>;
  states: Array<{
    name: string;
    label: string | null;
    events: Array<{ type: string; roles: string[] }>;
    deadline: { duration: string | null } | null;
  }>;
}

const STREET = '330106001';
/** In-policy 80,000 − basic 30,000 − critical illness 5,000 = base 45,000; DIBAO 80%: 36,000. */
const LARGE = [expense({ inPolicyCost: '80000.00', totalCost: '82000.00' })];
const LARGE_RELIEF = '36000.00';
/** The standard line: base 15,000, DIBAO 80% = 12,000 (below the 20,000.00 threshold). */
const SMALL_RELIEF = '12000.00';

interface Staff {
  street: TestUser;
  caseworker: TestUser;
  manager: TestUser;
}

async function staffOf(t: TestApp): Promise<Staff> {
  const anon = new Http(t.app);
  const admin = await anon.loginAdmin();
  return {
    street: await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET }),
    caseworker: await createUser(admin, anon, { roles: ['CASEWORKER'] }),
    manager: await createUser(admin, anon, { roles: ['MANAGER'] }),
  };
}

const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
  who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);

/** A new application walked to amount review: ACCEPT, VERIFY (DIBAO). */
async function inAmountReview(
  s: Staff,
  seq: number,
  expenses: Array<Record<string, string>>,
): Promise<CaseBody> {
  const created = await s.street.http.post<CaseBody>(
    '/api/v1/relief-applications',
    reliefApplication({ idNumber: residentId(seq), expenses }),
    { 'idempotency-key': randomUUID() },
  );
  expect(created.status).toBe(201);
  expect((await send(s.caseworker, created.body.id, { type: 'ACCEPT' })).status).toBe(200);
  const verified = await send(s.caseworker, created.body.id, {
    type: 'VERIFY',
    verifiedCategory: 'DIBAO',
    certificateNo: '民低保字0001',
  });
  expect(verified.status).toBe(200);
  expect(verified.body.state).toBe('amount_review');
  return verified.body;
}

describe('relief application versions side by side (real MariaDB and Redis)', () => {
  it('should keep a running case on version 1 and open new ones on version 2 after the edition switch', async () => {
    const database = await createTestDatabase();
    let a: TestApp | undefined;
    let b: TestApp | undefined;
    try {
      // Edition 1: no workflowVersions in the policy, so new cases open on version 1.
      a = await startTestApp({ database });
      const staffA = await staffOf(a);
      const old = await inAmountReview(staffA, 301, LARGE);
      expect(old.machineVersion).toBe(1);
      expect(old.data.calculation).toMatchObject({ reliefAmount: LARGE_RELIEF });
      const listedA = await staffA.caseworker.http.get<WorkflowBody>(
        '/api/v1/workflows/relief-application',
      );
      expect(listedA.body.version).toBe(1);
      expect(listedA.body.versions).toEqual([{ version: 1 }, { version: 2 }]);
      await a.close();
      a = undefined;

      // The policy switches relief to version 2 from a day already begun.
      b = await startTestApp({
        database,
        policy: {
          workflowVersions: { 'relief-application': [{ version: 2, from: '2026-01-01' }] },
        },
      });
      const s = await staffOf(b);

      // The old case stays on version 1: a large proposal goes straight to approval.
      const oldProposed = await send(s.caseworker, old.id, { type: 'PROPOSE' });
      expect(oldProposed.status).toBe(200);
      expect(oldProposed.body).toMatchObject({
        state: 'approval',
        machineVersion: 1,
        data: { proposedAmount: LARGE_RELIEF },
      });

      // A new large case opens on version 2, with the threshold of the day in its data.
      const large = await inAmountReview(s, 302, LARGE);
      expect(large).toMatchObject({
        machineVersion: 2,
        data: { collectiveReviewAbove: '20000.00', collectiveReviews: [] },
      });
      const proposed = await send(s.caseworker, large.id, { type: 'PROPOSE' });
      expect(proposed.body).toMatchObject({
        state: 'collective_review',
        data: { proposedAmount: LARGE_RELIEF },
      });
      expect(proposed.body.allowedEvents).toEqual([]); // the caseworker records no meeting

      const meeting = {
        type: 'RECORD_COLLECTIVE_REVIEW',
        meetingDate: '2026-12-01',
        minutesRef: '局务会议纪要〔2026〕9号',
        attendees: [s.manager.id, s.caseworker.id, 'u-director-1'],
        decision: 'AGREE',
        comment: '同意拟定金额',
      };
      // Not the caseworker's event; two attendees is no meeting; two names thrice neither.
      expect((await send(s.caseworker, large.id, meeting)).status).toBe(403);
      const thin = await s.manager.http.post<Problem>(`/api/v1/cases/${large.id}/events`, {
        ...meeting,
        attendees: [s.manager.id, s.caseworker.id],
      });
      expect(thin.status).toBe(400);
      expect(thin.body.errors?.map((e) => e.field)).toEqual(['attendees']);
      const repeated = await s.manager.http.post<Problem>(`/api/v1/cases/${large.id}/events`, {
        ...meeting,
        attendees: [s.manager.id, s.manager.id, s.caseworker.id],
      });
      expect(repeated.status).toBe(422);
      expect(repeated.body.errors?.map((e) => e.field)).toEqual(['attendees']);

      const agreed = await send(s.manager, large.id, meeting);
      expect(agreed.status).toBe(200);
      expect(agreed.body).toMatchObject({
        state: 'approval',
        data: {
          collectiveReviews: [
            {
              decision: 'AGREE',
              minutesRef: '局务会议纪要〔2026〕9号',
              proposedAmount: LARGE_RELIEF,
              by: s.manager.id,
            },
          ],
        },
      });
      const approved = await send(s.manager, large.id, { type: 'APPROVE' });
      expect(approved.body).toMatchObject({
        state: 'publicity',
        data: { approvedAmount: LARGE_RELIEF },
      });

      // A new small case on version 2 skips the collective review.
      const small = await inAmountReview(s, 303, [expense()]);
      expect(small.machineVersion).toBe(2);
      const smallProposed = await send(s.caseworker, small.id, { type: 'PROPOSE' });
      expect(smallProposed.body).toMatchObject({
        state: 'approval',
        data: { proposedAmount: SMALL_RELIEF },
      });

      // The contract lists both versions with their dates and describes each.
      const listed = await s.caseworker.http.get<WorkflowBody>(
        '/api/v1/workflows/relief-application',
      );
      expect(listed.body.version).toBe(2);
      expect(listed.body.versions).toEqual([
        { version: 1, to: '2026-01-01' },
        { version: 2, from: '2026-01-01' },
      ]);
      const review = listed.body.states.find((st) => st.name === 'collective_review');
      expect(review).toMatchObject({
        label: '集体审议中',
        events: [{ type: 'RECORD_COLLECTIVE_REVIEW', roles: ['MANAGER'] }],
        deadline: { duration: '10wd' },
      });
      expect(listed.body.eventLabels.RECORD_COLLECTIVE_REVIEW).toBe('登记集体审议');
      const v1 = await s.caseworker.http.get<WorkflowBody>(
        '/api/v1/workflows/relief-application?version=1',
      );
      expect(v1.body.version).toBe(1);
      expect(v1.body.states.map((st) => st.name)).not.toContain('collective_review');
      const diagram = await s.caseworker.http.get<string>(
        '/api/v1/workflows/relief-application/diagram?version=2',
      );
      expect(diagram.status).toBe(200);
      expect(String(diagram.body)).toContain('collective_review');
    } finally {
      await a?.close();
      await b?.close();
      await database.drop();
    }
  });
});
