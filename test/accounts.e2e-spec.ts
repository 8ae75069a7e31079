import { DataSource } from 'typeorm';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  status: number;
  type: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface UserBody {
  id: string;
  username: string;
  roles: string[];
  streetCode: string | null;
  active: boolean;
}
interface Token {
  accessToken: string;
  expiresIn: number;
}

const fields = (res: { body: Problem }): string[] => (res.body.errors ?? []).map((e) => e.field);

/**
 * User management on real MariaDB and Redis: listing and changing users, deactivation that
 * stops a user's tokens at once, one's own password, the minimum strength, and the login
 * lockout that every API process shares (failures are rows in the database).
 */
describe('user management and login protection', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_IP_MAX_FAILURES: '1000' } });
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    adminId = (await admin.get<UserBody>('/api/v1/users/me')).body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const login = (username: string, password: string) =>
    anon.post<Token & Problem>('/api/v1/auth/login', { username, password });

  describe('changing users', () => {
    it('should list users by role and change roles and street', async () => {
      const worker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      const caseworkers = await admin.get<{ items: UserBody[] }>(
        '/api/v1/users?role=CASEWORKER&active=true&pageSize=500',
      );
      expect(caseworkers.body.items.map((u) => u.id)).toContain(worker.id);
      expect(caseworkers.body.items.every((u) => u.roles.includes('CASEWORKER'))).toBe(true);

      const moved = await admin.request<UserBody>('PATCH', `/api/v1/users/${worker.id}`, {
        roles: ['STREET_OFFICE'],
        streetCode: '330106003',
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ roles: ['STREET_OFFICE'], streetCode: '330106003' });
      // The same token now acts with the new role at once (the change drops the remembered identity).
      expect((await worker.http.get('/api/v1/persons/330106198001010013')).status).toBe(403);
      const me = await worker.http.get<UserBody>('/api/v1/users/me');
      expect(me.body.roles).toEqual(['STREET_OFFICE']);
    });

    it.each([
      ['streetCode', { roles: ['STREET_OFFICE'], streetCode: null }],
      ['expertField', { roles: ['EXPERT'] }],
      ['roles', { roles: ['BOSS'] }],
      ['roles', { roles: null }],
      ['active', { active: 'no' }],
      ['password', { password: 'weakpassword' }],
      ['body', {}],
      ['isAdmin', { isAdmin: true }],
    ])('should refuse a change with a bad %s with 400 naming it', async (field, body) => {
      const worker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      const res = await admin.request<Problem>('PATCH', `/api/v1/users/${worker.id}`, body);
      expect(res.status).toBe(400);
      expect(fields(res)).toContain(field);
      const after = await admin.get<UserBody>(`/api/v1/users/${worker.id}`);
      expect(after.body).toMatchObject({ roles: ['CASEWORKER'], active: true });
    });

    it('should refuse non-admins, unknown users, and an administrator deactivating themselves', async () => {
      const manager = await createUser(admin, anon, { roles: ['MANAGER'] });
      expect(
        (await manager.http.request('PATCH', `/api/v1/users/${manager.id}`, { active: false }))
          .status,
      ).toBe(403);
      expect(
        (
          await admin.request('PATCH', '/api/v1/users/00000000-0000-4000-8000-000000000000', {
            active: false,
          })
        ).status,
      ).toBe(404);
      const self = await admin.request<Problem>('PATCH', `/api/v1/users/${adminId}`, {
        active: false,
      });
      expect(self.status).toBe(422);
      expect(fields(self)).toEqual(['active']);
      const demote = await admin.request<Problem>('PATCH', `/api/v1/users/${adminId}`, {
        roles: ['MANAGER'],
      });
      expect(demote.status).toBe(422);
      expect(fields(demote)).toEqual(['roles']);
    });

    it("should refuse a deactivated user's token at once, and not revive it on reactivation", async () => {
      const worker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      expect((await worker.http.get('/api/v1/cases')).status).toBe(200);
      const off = await admin.request<UserBody>('PATCH', `/api/v1/users/${worker.id}`, {
        active: false,
      });
      expect(off.body.active).toBe(false);
      const refused = await worker.http.get<Problem>('/api/v1/cases');
      expect(refused.status).toBe(401);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect((await login(worker.username, 'password-123')).status).toBe(401);

      await admin.request('PATCH', `/api/v1/users/${worker.id}`, { active: true });
      expect((await worker.http.get('/api/v1/cases')).status).toBe(401);
      const again = await login(worker.username, 'password-123');
      expect(again.status).toBe(200);
      expect((await anon.as(again.body.accessToken).get('/api/v1/cases')).status).toBe(200);
    });

    it('should make a role change and a deactivation made on one API process count at once on another that remembers the user', async () => {
      // A second process on the same database and Redis (its own identity cache).
      const other = await startTestApp({
        database: t.db,
        env: { QUEUE_PREFIX: t.env.QUEUE_PREFIX, MIGRATIONS_RUN: 'false' },
      });
      try {
        const worker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
        const there = await new Http(other.app).login(worker.username, 'password-123');
        expect((await there.get('/api/v1/persons/330106198001010013')).status).not.toBe(403);
        expect((await there.get('/api/v1/cases')).status).toBe(200); // remembered there now

        await admin.request('PATCH', `/api/v1/users/${worker.id}`, {
          roles: ['STREET_OFFICE'],
          streetCode: '330106003',
        });
        // Well within the cache's 2 s expiry: the change message, not the expiry, makes it count.
        await eventually(
          async () =>
            (await there.get('/api/v1/persons/330106198001010013')).status === 403
              ? true
              : undefined,
          500,
          20,
        );
        expect((await there.get<UserBody>('/api/v1/users/me')).body.roles).toEqual([
          'STREET_OFFICE',
        ]);

        await admin.request('PATCH', `/api/v1/users/${worker.id}`, { active: false });
        await eventually(
          async () => ((await there.get('/api/v1/cases')).status === 401 ? true : undefined),
          500,
          20,
        );
      } finally {
        await other.close();
      }
    });

    it('should let an administrator reset a password: the old tokens and password stop working', async () => {
      const worker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      const reset = await admin.request('PATCH', `/api/v1/users/${worker.id}`, {
        password: 'Reset-by-admin-1',
      });
      expect(reset.status).toBe(200);
      expect((await worker.http.get('/api/v1/cases')).status).toBe(401);
      expect((await login(worker.username, 'password-123')).status).toBe(401);
      expect((await login(worker.username, 'Reset-by-admin-1')).status).toBe(200);
    });
  });

  describe('passwords', () => {
    it.each(['short-1', 'alllowercaseletters', 'another-password', 'Password123'])(
      'should refuse creating a user with the weak password %p, naming password',
      async (password) => {
        const res = await admin.post<Problem>('/api/v1/users', {
          username: `weak-${Date.now() % 100000}`,
          password,
          displayName: '弱口令',
          roles: ['CASEWORKER'],
        });
        expect(res.status).toBe(400);
        expect(fields(res)).toEqual(['password']);
      },
    );

    it('should refuse a password containing the username', async () => {
      const res = await admin.post<Problem>('/api/v1/users', {
        username: 'zhangwei',
        password: 'Zhangwei-2026',
        displayName: '张伟',
        roles: ['CASEWORKER'],
      });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0].message).toMatch(/username/);
    });

    it('should change one’s own password: a fresh token, the old ones refused', async () => {
      const worker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      const change = (body: unknown) =>
        worker.http.post<Token & Problem>('/api/v1/users/me/password', body);
      const wrong = await change({ currentPassword: 'not-it-123', newPassword: 'New-Secret-2026' });
      expect(wrong.status).toBe(400);
      expect(fields(wrong)).toEqual(['currentPassword']);
      const weak = await change({ currentPassword: 'password-123', newPassword: 'weak' });
      expect(weak.status).toBe(400);
      expect(fields(weak)).toEqual(['newPassword']);
      const same = await change({ currentPassword: 'password-123', newPassword: 'password-123' });
      expect(same.status).toBe(400);
      expect(fields(same)).toEqual(['newPassword']);

      const done = await change({
        currentPassword: 'password-123',
        newPassword: 'New-Secret-2026',
      });
      expect(done.status).toBe(200);
      expect((await worker.http.get('/api/v1/cases')).status).toBe(401);
      expect((await anon.as(done.body.accessToken).get('/api/v1/cases')).status).toBe(200);
      expect((await login(worker.username, 'password-123')).status).toBe(401);
      expect((await login(worker.username, 'New-Secret-2026')).status).toBe(200);
    });
  });

  describe('login lockout', () => {
    let victim: TestUser;

    beforeAll(async () => {
      victim = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    });

    it('should lock a username after repeated failures, even for the right password, with 429 and Retry-After', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await login(victim.username, `wrong-guess-${i}`)).status).toBe(401);
      }
      const locked = await login(victim.username, 'password-123');
      expect(locked.status).toBe(429);
      expect(locked.headers['content-type']).toContain('application/problem+json');
      expect(locked.body.type).toMatch(/\/rate-limited$/);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
      expect(locked.body).not.toHaveProperty('accessToken');
      // Tokens issued before keep working: the lock is on logging in.
      expect((await victim.http.get('/api/v1/cases')).status).toBe(200);
    });

    it('should hold the lock for another API process on the same database', async () => {
      const second = await startTestApp({ database: t.db, env: { ROLE: 'api' } });
      try {
        const res = await new Http(second.app).post<Problem>('/api/v1/auth/login', {
          username: victim.username,
          password: 'password-123',
        });
        expect(res.status).toBe(429);
      } finally {
        await second.close();
      }
    });

    it('should answer an unknown username exactly like a real one', async () => {
      const answers: number[] = [];
      for (let i = 0; i < 4; i++) {
        answers.push((await login('nobody-at-all', `guess-${i}`)).status);
      }
      expect(answers).toEqual([401, 401, 401, 429]);
    });

    it('should let an administrator unlock, and the lock to run out by itself', async () => {
      const other = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      expect((await other.http.post(`/api/v1/users/${victim.id}/unlock`)).status).toBe(403);
      expect((await admin.post(`/api/v1/users/${victim.id}/unlock`)).status).toBe(204);
      expect((await login(victim.username, 'password-123')).status).toBe(200);

      // Another lock, then its time passes (moved back in the database, not waited for).
      for (let i = 0; i < 3; i++) {
        await login(other.username, `wrong-${i}`);
      }
      expect((await login(other.username, 'password-123')).status).toBe(429);
      await t.app
        .get(DataSource)
        .query('UPDATE login_failures SET locked_until = ? WHERE locked_until IS NOT NULL', [
          new Date(Date.now() - 1000),
        ]);
      expect((await login(other.username, 'password-123')).status).toBe(200);
    });

    it('should clear the failures of a username on a successful login', async () => {
      const user = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      for (let round = 0; round < 3; round++) {
        expect((await login(user.username, 'wrong-1')).status).toBe(401);
        expect((await login(user.username, 'wrong-2')).status).toBe(401);
        expect((await login(user.username, 'password-123')).status).toBe(200);
      }
    });
  });
});
