import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { signBody } from '../src/notifications/channels/webhook.channel';
import { NotificationsService } from '../src/notifications/notifications.service';
import { QueueService } from '../src/queue/queue.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { createUser, eventually, Http, sleep, type TestUser } from './support/http';
import { kill9, startServiceProcess } from './support/processes';
import {
  ADMIN,
  createTestDatabase,
  startTestApp,
  type TestApp,
  testEnvironment,
} from './support/test-app';

const STREET = '330106001';
const streetOffice = { id: 'street-1', roles: ['STREET_OFFICE'] as const, streetCode: STREET };
const APPLICANT = { name: '李四', idNumber: '110105194912310029', phone: '13812345678' };

interface Inbox {
  items: Array<{
    id: string;
    type: string;
    title: string;
    body: string;
    caseId: string;
    readAt: string | null;
  }>;
  total: number;
  unread: number;
}

async function openInReview(engine: CaseEngine): Promise<string> {
  const row = await engine.openCase({
    type: 'test-fixture',
    input: { applicant: APPLICANT },
    actor: SYSTEM,
    streetCode: STREET,
  });
  await engine.applyEvent(row.id, { type: 'SUBMIT' }, streetOffice);
  return row.id;
}

describe('reminders, breaches and escalations: once each, across a kill -9 of the worker', () => {
  const policy = {
    deadlines: { 'test-fixture': { review: '4s', waiting: '60s' } },
    notifications: { escalation: { after: '3s', max: 1 } },
  };
  let api: TestApp;
  let worker: ChildProcess | undefined;
  let ds: DataSource;
  let manager: TestUser;
  let caseworker: TestUser;
  let workerEnv: Record<string, string>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    api = await startTestApp({
      database: db,
      workflows: [testFixtureWorkflow],
      policy,
      env: { ROLE: 'api' },
    });
    // Grace 0: on restart the reconciler races the delayed jobs for every alert and deadline.
    workerEnv = testEnvironment(db, {
      policy,
      env: { ROLE: 'worker', QUEUE_PREFIX: api.env.QUEUE_PREFIX, DEADLINE_RECONCILE_GRACE_MS: '0' },
    });
    ds = api.app.get(DataSource);
    const anon = new Http(api.app);
    const admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
  });

  afterAll(async () => {
    if (worker) {
      await kill9(worker);
    }
    await api?.close();
    await api?.db.drop();
  });

  const notifications = (
    caseId: string,
  ): Promise<Array<{ event_type: string; recipient_id: string }>> =>
    ds.query(
      'SELECT event_type, recipient_id FROM notifications WHERE case_id = ? ORDER BY event_type, recipient_id',
      [caseId],
    );
  const expected = () => {
    return [
      ['deadline.breached', manager.id],
      ['deadline.escalated', manager.id],
      ['deadline.reminder', caseworker.id],
      ['deadline.reminder', manager.id],
    ]
      .sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]))
      .map(([event_type, recipient_id]) => ({ event_type, recipient_id }));
  };

  it('should send the reminder, the breach and the escalation once when they came due while no worker ran', async () => {
    worker = await startServiceProcess(workerEnv);
    const id = await openInReview(api.app.get(CaseEngine));
    // The reminder is a time on the deadline's row only: no alert row, no outbox row and no job
    // carry it (the worker's round sends it).
    expect(
      await ds.query(
        'SELECT remind_at IS NOT NULL AS reminds FROM case_deadlines WHERE case_id = ? AND closed_at IS NULL',
        [id],
      ),
    ).toEqual([{ reminds: 1 }]);
    expect(await ds.query('SELECT kind FROM sla_alerts WHERE case_id = ?', [id])).toEqual([]);
    expect(
      await ds.query("SELECT job_id FROM outbox WHERE queue = 'sla' AND job_id LIKE ?", [
        `%${id}%`,
      ]),
    ).toEqual([]);
    await kill9(worker);
    await sleep(5500); // the reminder (3 s) and the deadline (4 s) come due while nothing runs
    expect(await notifications(id)).toEqual([]);

    worker = await startServiceProcess(workerEnv);
    await eventually(async () => ((await notifications(id)).length >= 4 ? true : undefined), 30000);
    await sleep(2000); // give a duplicate every chance to appear
    expect(await notifications(id)).toEqual(expected());

    // Kill it again and start once more: the relay and reconciler find nothing left to send.
    await kill9(worker);
    worker = await startServiceProcess(workerEnv);
    await sleep(2500);
    expect(await notifications(id)).toEqual(expected());
    const alerts: Array<{ kind: string; status: string }> = await ds.query(
      'SELECT kind, status FROM sla_alerts WHERE case_id = ? ORDER BY kind',
      [id],
    );
    expect(alerts).toEqual([
      { kind: 'breach', status: 'sent' },
      { kind: 'escalation', status: 'sent' },
      { kind: 'reminder', status: 'sent' },
    ]);
    // Three worker start-ups (ts-node) on a busy 2-core machine: more than jest's default 30 s.
  }, 180_000);

  it('should send once when an alert job is run twice (a duplicate job in the queue)', async () => {
    const id = await openInReview(api.app.get(CaseEngine));
    await eventually(async () => ((await notifications(id)).length >= 4 ? true : undefined), 30000);
    const queues = api.app.get(QueueService);
    const rows: Array<{ id: string }> = await ds.query(
      'SELECT id FROM sla_alerts WHERE case_id = ?',
      [id],
    );
    for (const a of rows) {
      await queues.queue('sla').add('sla-alert', { alertId: a.id }, { jobId: `again-${a.id}` });
    }
    await sleep(2500);
    expect(await notifications(id)).toEqual(expected());
  });

  it('should forget the reminder of a stage left before it came due, and send nothing', async () => {
    const id = await openInReview(api.app.get(CaseEngine));
    // No payload: this file does not register the fixture's payload table (REJECT's reason).
    await api.app
      .get(CaseEngine)
      .applyEvent(
        id,
        { type: 'REJECT' },
        { id: caseworker.id, roles: ['CASEWORKER'], streetCode: null },
      );
    const reminderOf = (): Promise<Array<{ remind_at: Date | null; closed: number }>> =>
      ds.query(
        'SELECT remind_at, closed_at IS NOT NULL AS closed FROM case_deadlines WHERE case_id = ?',
        [id],
      );
    // Closing the stage leaves the time on the row (no extra write on the transition) ...
    expect((await reminderOf())[0]).toEqual({ remind_at: expect.any(Date), closed: 1 });
    // ... and the worker's round forgets it once it comes due (3 s), without sending anything.
    await eventually(
      async () => ((await reminderOf())[0].remind_at === null ? true : undefined),
      15000,
    );
    expect(await notifications(id)).toEqual([]);
    expect(await ds.query('SELECT kind FROM sla_alerts WHERE case_id = ?', [id])).toEqual([]);
  });

  it('should show a masked inbox, newest first, and mark notifications read', async () => {
    const inbox = (await manager.http.get<Inbox>('/api/v1/notifications')).body;
    expect(inbox.total).toBeGreaterThanOrEqual(6);
    expect(inbox.unread).toBe(inbox.total);
    const ids = inbox.items.map((n) => Number(n.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const reminder = inbox.items.find((n) => n.type === 'deadline.reminder')!;
    expect(reminder.title).toContain('临期提醒');
    expect(reminder.body).toContain('110105********0029');
    expect(JSON.stringify(inbox)).not.toContain(APPLICANT.idNumber);

    const read = await manager.http.post<{ readAt: string | null }>(
      `/api/v1/notifications/${reminder.id}/read`,
    );
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await manager.http.get<Inbox>('/api/v1/notifications')).body.unread).toBe(
      inbox.unread - 1,
    );
    const unreadOnly = await manager.http.get<Inbox>('/api/v1/notifications?unread=true');
    expect(unreadOnly.body.items.some((n) => n.id === reminder.id)).toBe(false);
    // Somebody else's notification, or no notification at all, is "not found".
    expect((await caseworker.http.post(`/api/v1/notifications/${reminder.id}/read`)).status).toBe(
      404,
    );
    expect((await caseworker.http.post('/api/v1/notifications/abc/read')).status).toBe(404);
    expect((await caseworker.http.get('/api/v1/notifications?unread=maybe')).status).toBe(400);
    const all = await caseworker.http.post<{ updated: number }>('/api/v1/notifications/read-all');
    expect(all.body.updated).toBeGreaterThanOrEqual(2);
    expect((await caseworker.http.get<Inbox>('/api/v1/notifications')).body.unread).toBe(0);
  });
});

describe('the webhook channel: signed, retried with backoff, dead-lettered (local receiver)', () => {
  const SECRET = 'test-webhook-secret-123';
  interface Received {
    headers: IncomingHttpHeaders;
    body: string;
  }
  const received: Received[] = [];
  let failing = new Set<string>();
  let alwaysFail = true;
  let server: Server;
  let t: TestApp;
  let admin: Http;
  let manager: TestUser;
  let caseworker: TestUser;
  let notifications: NotificationsService;

  beforeAll(async () => {
    // Fails a delivery's first two calls; a title with 失败 fails while `alwaysFail` holds.
    const calls = new Map<string, number>();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        const delivery = String(req.headers['x-yibao-delivery']);
        const n = (calls.get(delivery) ?? 0) + 1;
        calls.set(delivery, n);
        const fail = body.includes('失败') ? alwaysFail : n <= 2 || failing.has(delivery);
        res.statusCode = fail ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    t = await startTestApp({
      workflows: [testFixtureWorkflow],
      policy: { deadlines: { 'test-fixture': { review: '2s' } } },
      env: {
        NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/yibao`,
        NOTIFY_WEBHOOK_SECRET: SECRET,
        NOTIFY_DELIVERY_ATTEMPTS: '3',
        NOTIFY_DELIVERY_BACKOFF_MS: '200',
      },
    });
    notifications = t.app.get(NotificationsService);
    const anon = new Http(t.app);
    admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
  });

  afterAll(async () => {
    await t?.close();
    await new Promise((r) => server.close(r));
  });

  const deliveries = async (status: string) =>
    (
      await manager.http.get<{
        items: Array<{
          id: string;
          key: string;
          attempts: number;
          lastError: string | null;
          status: string;
        }>;
      }>(`/api/v1/notifications/deliveries?status=${status}`)
    ).body.items;
  const signed = (r: Received): boolean =>
    r.headers['x-yibao-signature'] === signBody(SECRET, r.body);

  it('should sign every call with HMAC-SHA256 over the body and retry until the receiver accepts', async () => {
    failing = new Set();
    const result = await notifications.notify({
      type: 'deadline.breached',
      key: 'webhook-test-1',
      title: '【超期】张三 330106198001010013',
      body: '联系电话 13812345678',
      data: { note: 'x' },
    });
    expect(result.deliveries).toHaveLength(1);
    const id = result.deliveries[0];
    const sent = await eventually(async () => {
      const rows = await deliveries('sent');
      return rows.find((d) => d.id === id);
    }, 15000);
    expect(sent).toMatchObject({ attempts: 3, lastError: null, key: 'webhook-test-1' });
    const calls = received.filter((r) => r.headers['x-yibao-delivery'] === id);
    expect(calls).toHaveLength(3);
    expect(calls.every(signed)).toBe(true);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    expect(signBody('another-secret-000', calls[0].body)).not.toBe(
      calls[0].headers['x-yibao-signature'],
    );
    const payload = JSON.parse(calls[0].body) as Record<string, unknown>;
    expect(payload).toMatchObject({ id: 'webhook-test-1', event: 'deadline.breached' });
    expect(calls[0].body).toContain('330106********0013');
    expect(calls[0].body).toContain('138****5678');
    expect(calls[0].body).not.toContain('330106198001010013');
    expect(calls[0].headers['x-yibao-event']).toBe('deadline.breached');

    // The same key again delivers nothing more.
    const again = await notifications.notify({
      type: 'deadline.breached',
      key: 'webhook-test-1',
      title: 't',
      body: 'b',
    });
    expect(again.deliveries).toEqual([]);
  });

  it('should dead-letter a delivery after the last attempt, list it, and deliver it on an ADMIN retry', async () => {
    alwaysFail = true;
    const {
      deliveries: [id],
    } = await notifications.notify({
      type: 'deadline.escalated',
      key: 'webhook-test-dead',
      title: '投递失败测试',
      body: '…',
    });
    const dead = await eventually(
      async () => (await deliveries('dead')).find((d) => d.id === id),
      15000,
    );
    expect(dead).toMatchObject({ attempts: 3, lastError: 'webhook answered 500' });
    expect(received.filter((r) => r.headers['x-yibao-delivery'] === id)).toHaveLength(3);
    expect((await caseworker.http.get('/api/v1/notifications/deliveries?status=dead')).status).toBe(
      403,
    );
    expect((await manager.http.get('/api/v1/notifications/deliveries?status=gone')).status).toBe(
      400,
    );
    expect((await manager.http.post(`/api/v1/notifications/deliveries/${id}/retry`)).status).toBe(
      403,
    );

    alwaysFail = false;
    const retried = await admin.post<{ status: string }>(
      `/api/v1/notifications/deliveries/${id}/retry`,
    );
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('pending');
    await eventually(async () => (await deliveries('sent')).find((d) => d.id === id), 15000);
    expect((await admin.post(`/api/v1/notifications/deliveries/${id}/retry`)).status).toBe(422);
  });

  it('should send a real breach to the webhook when a deadline passes', async () => {
    failing = new Set();
    const id = await openInReview(t.app.get(CaseEngine));
    const call = await eventually(() => {
      const r = received.find(
        (x) => x.body.includes(id) && signed(x) && x.body.includes('deadline.breached'),
      );
      return Promise.resolve(r);
    }, 20000);
    const payload = JSON.parse(call.body) as {
      caseId: string;
      title: string;
      recipients: string[];
    };
    expect(payload.caseId).toBe(id);
    expect(payload.title).toContain('超期');
    expect(payload.recipients).toEqual([manager.id]);
  });

  it('should open the queue dashboard to ADMIN only, by token or by the session cookie', async () => {
    const inject = (headers: Record<string, string> = {}, url = '/admin/queues') =>
      t.app.inject({ url, headers });
    expect((await inject()).statusCode).toBe(401);
    const managerToken = await tokenOf(manager.username);
    expect((await inject({ authorization: managerToken })).statusCode).toBe(403);
    const adminToken = await tokenOf('admin', ADMIN.password);
    const page = await inject({ authorization: adminToken });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');

    const session = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/queues-session',
      headers: { authorization: adminToken },
    });
    expect(session.statusCode).toBe(200);
    const cookie = String(session.headers['set-cookie']).split(';')[0];
    expect(String(session.headers['set-cookie'])).toContain('HttpOnly');
    const api = await inject({ cookie }, '/admin/queues/api/queues');
    expect(api.statusCode).toBe(200);
    const names = (JSON.parse(api.body) as { queues: Array<{ name: string }> }).queues.map(
      (q) => q.name,
    );
    expect(names).toEqual(expect.arrayContaining(['deadlines', 'sla', 'notifications']));
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/admin/queues-session',
          headers: { authorization: managerToken },
        })
      ).statusCode,
    ).toBe(403);
  });

  async function tokenOf(username: string, password = 'password-123'): Promise<string> {
    const res = await new Http(t.app).post<{ accessToken: string }>('/api/v1/auth/login', {
      username,
      password,
    });
    return `Bearer ${res.body.accessToken}`;
  }
});
