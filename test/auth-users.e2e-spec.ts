import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createUser, Http, type Reply } from './support/http';
import { ADMIN, createTestDatabase, startTestApp, type TestApp } from './support/test-app';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface UserBody {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  streetCode: string | null;
  expertField: string | null;
  affiliation: string | null;
  active: boolean;
}

const fieldsOf = (res: Reply<unknown>): string[] =>
  ((res.body as Problem).errors ?? []).map((e) => e.field);

let seq = 0;
/** A valid user body with a fresh name; spread an override over it. */
interface UserInput {
  username: string;
  password: string;
  displayName: string;
  roles: string[];
}
const validUser = (): UserInput => {
  seq += 1;
  return {
    username: `user-${seq}-${Date.now() % 100000}`,
    password: 'password-123',
    displayName: '测试用户',
    roles: ['CASEWORKER'],
  };
};

/** An HS256 JWT signed with `secret` (to forge tokens the service must refuse). */
function signJwt(claims: Record<string, unknown>, secret: string, alg = 'HS256'): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg, typ: 'JWT' })}.${enc(claims)}`;
  if (alg === 'none') {
    return `${head}.`;
  }
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('auth and users (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;

  beforeAll(async () => {
    t = await startTestApp();
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('login', () => {
    it('should return an access token and its lifetime in seconds for the right password', async () => {
      const res = await anon.post<{ accessToken: string; expiresIn: number }>(
        '/api/v1/auth/login',
        ADMIN,
      );
      expect(res.status).toBe(200);
      expect(res.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(res.body.expiresIn).toBe(12 * 3600); // JWT_EXPIRES_IN defaults to 12h
      const payload = JSON.parse(
        Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString(),
      ) as { exp: number; iat: number };
      expect(payload.exp - payload.iat).toBe(res.body.expiresIn);
      const me = await anon.as(res.body.accessToken).get('/api/v1/users');
      expect(me.status).toBe(200);
    });

    it('should refuse a wrong password with 401 problem+json', async () => {
      const res = await anon.post<Problem>('/api/v1/auth/login', {
        username: ADMIN.username,
        password: 'not-the-password',
      });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(/\/unauthenticated$/);
      expect(res.body.status).toBe(401);
      expect(res.body).not.toHaveProperty('accessToken');
    });

    it('should answer an unknown user exactly like a wrong password (no user enumeration)', async () => {
      const unknown = await anon.post<Problem>('/api/v1/auth/login', {
        username: 'nobody-here',
        password: 'not-the-password',
      });
      const wrong = await anon.post<Problem>('/api/v1/auth/login', {
        username: ADMIN.username,
        password: 'not-the-password',
      });
      expect(unknown.status).toBe(401);
      expect(unknown.body.detail).toBe(wrong.body.detail);
      expect(unknown.body.type).toBe(wrong.body.type);
    });

    it('should refuse a login body without a password with 400 naming it', async () => {
      const res = await anon.post<Problem>('/api/v1/auth/login', { username: ADMIN.username });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toContain('password');
    });
  });

  describe('tokens', () => {
    it('should refuse a request without a token with 401', async () => {
      const res = await anon.get<Problem>('/api/v1/cases');
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(/\/unauthenticated$/);
    });

    it('should refuse a garbage token with 401', async () => {
      const res = await anon.as('not.a-token.at-all').get<Problem>('/api/v1/cases');
      expect(res.status).toBe(401);
      expect(res.body.type).toMatch(/\/unauthenticated$/);
    });

    it('should refuse a token signed with another secret, or unsigned, with 401', async () => {
      const users = await admin.get<{ items: UserBody[] }>('/api/v1/users');
      const adminId = users.body.items.find((u) => u.username === ADMIN.username)!.id;
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: adminId, tv: 0, iat: now, exp: now + 3600 };
      const forged = signJwt(claims, 'some-other-secret-of-enough-length');
      expect((await anon.as(forged).get('/api/v1/users')).status).toBe(401);
      const unsigned = signJwt(claims, '', 'none');
      expect((await anon.as(unsigned).get('/api/v1/users')).status).toBe(401);
      // The same claims signed with the service's secret do work: the refusals above are the signature.
      const genuine = signJwt(claims, t.env.JWT_SECRET);
      expect((await anon.as(genuine).get('/api/v1/users')).status).toBe(200);
    });

    it('should refuse an expired token with 401', async () => {
      const users = await admin.get<{ items: UserBody[] }>('/api/v1/users');
      const adminId = users.body.items.find((u) => u.username === ADMIN.username)!.id;
      const past = Math.floor(Date.now() / 1000) - 7200;
      const expired = signJwt({ sub: adminId, tv: 0, iat: past, exp: past + 60 }, t.env.JWT_SECRET);
      expect((await anon.as(expired).get('/api/v1/users')).status).toBe(401);
    });

    it('should refuse a token once it expires, after it was accepted (the checked-signature cache)', async () => {
      const users = await admin.get<{ items: UserBody[] }>('/api/v1/users');
      const adminId = users.body.items.find((u) => u.username === ADMIN.username)!.id;
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt({ sub: adminId, tv: 0, iat: now, exp: now + 2 }, t.env.JWT_SECRET);
      expect((await anon.as(token).get('/api/v1/users')).status).toBe(200);
      expect((await anon.as(token).get('/api/v1/users')).status).toBe(200);
      await new Promise((r) => setTimeout(r, (now + 2) * 1000 - Date.now() + 50));
      expect((await anon.as(token).get('/api/v1/users')).status).toBe(401);
    });

    it('should refuse a token for a user that does not exist with 401', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt(
        { sub: '00000000-0000-4000-8000-000000000000', tv: 0, iat: now, exp: now + 60 },
        t.env.JWT_SECRET,
      );
      expect((await anon.as(token).get('/api/v1/cases')).status).toBe(401);
    });

    it('should refuse an Authorization header that is not a Bearer token with 401', async () => {
      const login = await anon.post<{ accessToken: string }>('/api/v1/auth/login', ADMIN);
      const res = await anon.get('/api/v1/users', {
        authorization: `Basic ${login.body.accessToken}`,
      });
      expect(res.status).toBe(401);
    });
  });

  describe('users', () => {
    it('should let an ADMIN create a user: 201, no password or hash in the body, and the user can log in', async () => {
      const body = { ...validUser(), roles: ['STREET_OFFICE'], streetCode: '330106001' };
      const res = await admin.post<UserBody>('/api/v1/users', body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        username: body.username,
        displayName: body.displayName,
        roles: ['STREET_OFFICE'],
        streetCode: '330106001',
        expertField: null,
        active: true,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      const text = JSON.stringify(res.body);
      expect(res.body).not.toHaveProperty('passwordHash');
      expect(res.body).not.toHaveProperty('password');
      expect(text).not.toContain('password-123');
      expect(text).not.toMatch(/\$2[aby]\$/); // no bcrypt hash under any name
      await expect(anon.login(body.username, 'password-123')).resolves.toBeInstanceOf(Http);
    });

    it('should create an expert with a field and an affiliation', async () => {
      const res = await admin.post<UserBody>('/api/v1/users', {
        ...validUser(),
        roles: ['EXPERT'],
        expertField: 'MEDICAL',
        affiliation: 'H330106001',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ expertField: 'MEDICAL', affiliation: 'H330106001' });
    });

    it('should refuse a non-ADMIN creating or listing users with 403', async () => {
      const caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
      const res = await caseworker.http.post<Problem>('/api/v1/users', validUser());
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(/\/forbidden$/);
      expect((await caseworker.http.get('/api/v1/users')).status).toBe(403);
      const manager = await createUser(admin, anon, { roles: ['MANAGER'] });
      expect((await manager.http.post('/api/v1/users', validUser())).status).toBe(403);
    });

    it.each([
      ['username', { username: 'a b' }],
      ['username', { username: 'ab' }],
      ['password', { password: 'short' }],
      ['roles', { roles: ['CASEWORKER', 'BOSS'] }],
      ['roles', { roles: [] }],
      ['roles', { roles: 5 }],
      ['roles', { roles: {} }],
      ['streetCode', { roles: ['STREET_OFFICE'] }],
      ['streetCode', { roles: ['STREET_OFFICE'], streetCode: '' }],
      ['expertField', { roles: ['EXPERT'] }],
      ['expertField', { roles: ['EXPERT'], expertField: 'ASTROLOGY' }],
      ['displayName', { displayName: undefined }],
      ['isAdmin', { isAdmin: true }],
    ])('should refuse a user with a bad %s with 400 naming it (%j)', async (field, override) => {
      const body: Record<string, unknown> = { ...validUser(), ...override };
      const res = await admin.post<Problem>('/api/v1/users', body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(/\/validation-failed$/);
      expect(fieldsOf(res)).toContain(field);
      // Nothing was stored: the name does not log in.
      const login = await anon.post('/api/v1/auth/login', {
        username: body.username,
        password: body.password,
      });
      expect(login.status).toBe(401);
    });

    it('should name every bad field of one body at once', async () => {
      const res = await admin.post<Problem>('/api/v1/users', {
        username: 'no spaces allowed',
        password: 'short',
        displayName: 'x',
        roles: ['STREET_OFFICE', 'EXPERT', 'BOSS'],
        favouriteColour: 'blue',
      });
      expect(res.status).toBe(400);
      expect(new Set(fieldsOf(res))).toEqual(
        new Set(['username', 'password', 'roles', 'streetCode', 'expertField', 'favouriteColour']),
      );
      for (const e of res.body.errors!) {
        expect(e.message).toEqual(expect.any(String));
        expect(e.message.length).toBeGreaterThan(0);
      }
    });

    it('should refuse a duplicate username with 409 and keep the first user', async () => {
      const body = validUser();
      expect((await admin.post('/api/v1/users', body)).status).toBe(201);
      const again = await admin.post<Problem>('/api/v1/users', {
        ...body,
        password: 'another-password-2',
        roles: ['ADMIN'],
      });
      expect(again.status).toBe(409);
      expect(again.headers['content-type']).toContain('application/problem+json');
      expect(again.body.type).toMatch(/\/conflict$/);
      expect(fieldsOf(again)).toContain('username');
      // The original password still works; the second one was never stored.
      await expect(anon.login(body.username, 'password-123')).resolves.toBeInstanceOf(Http);
      const second = await anon.post('/api/v1/auth/login', {
        username: body.username,
        password: 'another-password-2',
      });
      expect(second.status).toBe(401);
    });

    it('should list users paginated as { items, total, page, pageSize } without password hashes', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await admin.post('/api/v1/users', validUser())).status).toBe(201);
      }
      const all = await admin.get<{ items: UserBody[]; total: number }>(
        '/api/v1/users?pageSize=500',
      );
      expect(all.status).toBe(200);
      const total = all.body.total;
      expect(total).toBeGreaterThanOrEqual(4);
      expect(all.body.items).toHaveLength(total);
      expect(JSON.stringify(all.body)).not.toMatch(/passwordHash|\$2[aby]\$/);

      const page1 = await admin.get<{
        items: UserBody[];
        total: number;
        page: number;
        pageSize: number;
      }>('/api/v1/users?page=1&pageSize=2');
      const page2 = await admin.get<{
        items: UserBody[];
        total: number;
        page: number;
        pageSize: number;
      }>('/api/v1/users?page=2&pageSize=2');
      expect(page1.body).toMatchObject({ total, page: 1, pageSize: 2 });
      expect(page2.body).toMatchObject({ total, page: 2, pageSize: 2 });
      expect(page1.body.items).toHaveLength(2);
      expect(page2.body.items).toHaveLength(2);
      const ids = [...page1.body.items, ...page2.body.items].map((u) => u.id);
      expect(new Set(ids).size).toBe(4);
      expect(ids).toEqual(all.body.items.slice(0, 4).map((u) => u.id));

      const defaults = await admin.get<{ page: number; pageSize: number }>('/api/v1/users');
      expect(defaults.body).toMatchObject({ page: 1, pageSize: 50 });
      const bad = await admin.get<Problem>('/api/v1/users?page=0&pageSize=501');
      expect(bad.status).toBe(400);
      expect(new Set(fieldsOf(bad))).toEqual(new Set(['page', 'pageSize']));
    });
  });
});

describe('the administrator from ADMIN_USERNAME / ADMIN_PASSWORD', () => {
  it('should be created at the first start and neither duplicated nor overwritten at the next', async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTestApp({ database });
      let adminId: string;
      try {
        const ds = first.app.get(DataSource);
        const rows: Array<{ id: string; roles: unknown }> = await ds.query(
          'SELECT id, roles FROM users WHERE username = ?',
          [ADMIN.username],
        );
        expect(rows).toHaveLength(1);
        adminId = rows[0].id;
        const admin = await new Http(first.app).loginAdmin();
        const list = await admin.get<{ items: UserBody[] }>('/api/v1/users');
        expect(list.body.items).toEqual([
          expect.objectContaining({ id: adminId, username: ADMIN.username, roles: ['ADMIN'] }),
        ]);
      } finally {
        await first.close();
      }

      // The same database, a different ADMIN_PASSWORD: the existing administrator stays as it was.
      const second = await startTestApp({
        database,
        env: { ADMIN_PASSWORD: 'A-different-password-2' },
      });
      try {
        const ds = second.app.get(DataSource);
        const rows: Array<{ id: string }> = await ds.query(
          'SELECT id FROM users WHERE username = ?',
          [ADMIN.username],
        );
        expect(rows.map((r) => r.id)).toEqual([adminId]);
        const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM users');
        expect(Number(n)).toBe(1);
        const anon = new Http(second.app);
        await expect(anon.loginAdmin()).resolves.toBeInstanceOf(Http);
        const withNew = await anon.post('/api/v1/auth/login', {
          username: ADMIN.username,
          password: 'a-different-password',
        });
        expect(withNew.status).toBe(401);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});
