import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { trustedProxies } from '../src/bootstrap';
import { createUser, Http } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Abuse refused (issue 17, items 8 and 9), on real MariaDB: a forged X-Forwarded-For is not a
 * new client, parallel guesses get no more tries than serial ones, unknown usernames do not grow
 * `login_failures` forever, and the public routes are rate-limited.
 */
describe('login throttling holds', () => {
  let t: TestApp;
  let anon: Http;
  let ds: DataSource;

  beforeAll(async () => {
    // Its own app: the address limit (3 here) locks 127.0.0.1, which every other test logs in from.
    t = await startTestApp({
      env: {
        LOGIN_IP_MAX_FAILURES: '3',
        LOGIN_MAX_FAILURES: '5',
        PUBLIC_RATE_LIMIT_PER_MINUTE: '5',
      },
    });
    anon = new Http(t.app);
    ds = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  const attempt = (username: string, password: string, forwardedFor?: string) =>
    anon.request(
      'POST',
      '/api/v1/auth/login',
      { username, password },
      forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    );

  it('should compare no more than LOGIN_MAX_FAILURES parallel guesses of one username', async () => {
    const admin = await anon.loginAdmin();
    const target = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    // Forget the address's count of the set-up logins: this test is about the username.
    await ds.query('DELETE FROM login_failures');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(target.username, `wrong-guess-${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    // 401 for the guesses that were compared, 429 for the rest (the address limit of 3 may lock
    // first: then fewer are compared, never more).
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    await ds.query('DELETE FROM login_failures');
  });

  it('should not take a forged X-Forwarded-For for a new client', async () => {
    await ds.query('DELETE FROM login_failures');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await attempt(`nobody-${i}`, 'some-guess-123', `203.0.113.${i}`)).status);
    }
    // Three unknown names from one socket lock the address, whatever the header says.
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    await ds.query('DELETE FROM login_failures');
    expect(trustedProxies(undefined)).toBe(false);
    expect(trustedProxies('10.0.0.5, 10.1.0.0/16')).toEqual(['10.0.0.5', '10.1.0.0/16']);
  });

  it('should refuse a CSV body unread: on a route that takes none, and without a valid token', async () => {
    // A body that never ends: an answer can only come before the body is read.
    const streams: Readable[] = [];
    const trickle = () => {
      const stream = new Readable({ read: () => undefined });
      streams.push(stream);
      return stream;
    };
    const post = (url: string, headers: Record<string, string> = {}) =>
      Promise.race([
        t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'text/csv', ...headers },
          payload: trickle(),
        }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`${url}: still reading the body`)), 5000),
        ),
      ]);
    const elsewhere = await post('/api/v1/cases/00000000-0000-4000-8000-000000000000/events');
    expect(elsewhere.statusCode).toBe(415);
    const anonymous = await post('/api/v1/institutions');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const forged = await post('/api/v1/institutions', { authorization: 'Bearer not.a.token' });
    expect(forged.statusCode).toBe(401);
    // With a token, the import route reads its CSV as before.
    const admin = await anon.loginAdmin();
    const manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    const token = String(
      (
        await anon.post<{ accessToken: string }>('/api/v1/auth/login', {
          username: manager.username,
          password: 'password-123',
        })
      ).body.accessToken,
    );
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/v1/institutions',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      payload: 'code,name,type\nH900,某某医院,HOSPITAL\n',
    });
    expect(imported.statusCode).toBe(201);
    streams.forEach((s) => s.destroy());
  });

  it('should rate-limit the public routes per address: 429 with Retry-After, as a problem document', async () => {
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<Http['get']>> | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await anon.get('/api/v1/public/relief-notices');
      statuses.push(res.status);
      if (res.status === 429) {
        refused = res;
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    expect(String(refused!.headers['content-type'])).toContain('application/problem+json');
    expect(refused!.body).toMatchObject({
      status: 429,
      type: expect.stringMatching(/rate-limited$/),
    });
    // Signed-in routes are not limited this way.
    const admin = await anon.loginAdmin();
    for (let i = 0; i < 7; i++) {
      expect((await admin.get('/api/v1/users/me')).status).toBe(200);
    }
  });

  it('should forget failures whose window and lock are over', async () => {
    await ds.query('DELETE FROM login_failures');
    const old = new Date(Date.now() - 2 * 86_400_000);
    for (let i = 0; i < 20; i++) {
      await ds.query(
        `INSERT INTO login_failures (key_hash, failures, window_started_at, locked_until, updated_at)
         VALUES (?, 1, ?, NULL, ?)`,
        [`${'0'.repeat(62)}${String(i).padStart(2, '0')}`, old, old],
      );
    }
    expect((await attempt('nobody-new', 'some-guess-123')).status).toBe(401);
    const [{ n }]: Array<{ n: string }> = await ds.query(
      'SELECT COUNT(*) AS n FROM login_failures',
    );
    // Only the new attempt's rows: its username and its address.
    expect(Number(n)).toBe(2);
  });
});
