import { createUser, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  status: number;
  rule?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface AccountAction {
  actorId: string;
  actorName: string | null;
  action: string;
  userId: string;
  username: string;
  detail: { roles?: string[]; granted?: string[]; taken?: string[]; fields?: string[] };
}
interface Page<T> {
  items: T[];
  total: number;
}

const PASSWORD = 'password-123';

/**
 * Issue 17 item 2 on real MariaDB and Redis: the administrators' duties apart (三员分立) under
 * policy `duties.accounts: separated`, and every account change in a log only the auditor reads.
 */
describe('account administration: separated administrators and the account log', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let adminId: string;
  let security: TestUser;
  let auditor: TestUser;
  let worker: TestUser;

  const newAccount = (as: Http, roles: string[], name: string) =>
    as.post<Problem & { id: string }>('/api/v1/users', {
      username: `${name}-${Date.now() % 100000}`,
      password: PASSWORD,
      displayName: name,
      roles,
    });
  const log = async (query = ''): Promise<AccountAction[]> => {
    const res = await auditor.http.get<Page<AccountAction>>(
      `/api/v1/audit/account-actions?pageSize=500${query}`,
    );
    expect(res.status).toBe(200);
    return res.body.items;
  };

  beforeAll(async () => {
    t = await startTestApp({ policy: { duties: { accounts: 'separated' } } });
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    adminId = (await admin.get<{ id: string }>('/api/v1/users/me')).body.id;
  });
  afterAll(() => t.close());

  it('lets the system administrator appoint the first security administrator, and no second', async () => {
    const refused = await newAccount(admin, ['CASEWORKER'], 'worker');
    expect(refused.status).toBe(403);
    expect(refused.body.rule).toBe('security-admin-grants-roles');

    security = await createUser(admin, anon, { roles: ['SECURITY_ADMIN'] });
    const second = await newAccount(admin, ['SECURITY_ADMIN'], 'second');
    expect(second.status).toBe(403);
    expect(second.body.rule).toBe('security-admin-grants-roles');
  });

  it('has the security administrator grant roles, never two administrators’ roles on one account', async () => {
    const both = await newAccount(security.http, ['ADMIN', 'AUDITOR'], 'both');
    expect(both.status).toBe(422);
    expect(both.body.errors?.map((e) => e.field)).toEqual(['roles']);

    auditor = await createUser(security.http, anon, { roles: ['AUDITOR'] });
    worker = await createUser(security.http, anon, { roles: ['CASEWORKER'] });
    const grant = await security.http.request<Problem>('PATCH', `/api/v1/users/${worker.id}`, {
      roles: ['CASEWORKER', 'MANAGER'],
    });
    expect(grant.status).toBe(200);

    const self = await security.http.request<Problem>('PATCH', `/api/v1/users/${security.id}`, {
      roles: ['SECURITY_ADMIN', 'MANAGER'],
    });
    expect(self.status).toBe(403);
    expect(self.body.rule).toBe('no-self-grant');
  });

  it('keeps roles and unlocks from the system administrator, and the account itself from the security administrator', async () => {
    const byAdmin = await admin.request<Problem>('PATCH', `/api/v1/users/${worker.id}`, {
      roles: ['CASEWORKER'],
    });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.rule).toBe('security-admin-grants-roles');
    const unlockByAdmin = await admin.post<Problem>(`/api/v1/users/${worker.id}/unlock`);
    expect(unlockByAdmin.status).toBe(403);
    expect(unlockByAdmin.body.rule).toBe('security-admin-unlocks');
    expect((await security.http.post(`/api/v1/users/${worker.id}/unlock`)).status).toBe(204);

    const rename = await security.http.request<Problem>('PATCH', `/api/v1/users/${worker.id}`, {
      displayName: '张经办',
    });
    expect(rename.status).toBe(403);
    expect(rename.body.rule).toBe('admin-manages-accounts');
    expect(
      (await admin.request('PATCH', `/api/v1/users/${worker.id}`, { displayName: '张经办' }))
        .status,
    ).toBe(200);
    expect(
      (await admin.request('PATCH', `/api/v1/users/${worker.id}`, { password: 'Reset-Pass-2026' }))
        .status,
    ).toBe(200);
    expect(
      (await admin.request('PATCH', `/api/v1/users/${worker.id}`, { active: false })).status,
    ).toBe(200);
  });

  it('logs every change, and no refusal, for the auditor alone', async () => {
    const ofWorker = await log(`&userId=${worker.id}`);
    expect(ofWorker.map((a) => [a.action, a.actorId]).reverse()).toEqual([
      ['USER_CREATED', security.id],
      ['ROLES_CHANGED', security.id],
      ['UNLOCKED', security.id],
      ['PROFILE_CHANGED', adminId],
      ['PASSWORD_RESET', adminId],
      ['DEACTIVATED', adminId],
    ]);
    // The administrator by name (createUser names accounts after their username).
    expect(ofWorker[0].actorName).toBe('Administrator');
    expect(ofWorker.find((a) => a.action === 'UNLOCKED')?.actorName).toBe(security.username);
    expect(ofWorker.find((a) => a.action === 'ROLES_CHANGED')?.detail).toMatchObject({
      granted: ['MANAGER'],
      taken: [],
    });
    expect(ofWorker.find((a) => a.action === 'PROFILE_CHANGED')?.detail.fields).toEqual([
      'displayName',
    ]);

    const all = await log();
    // The bootstrap administrator (the service itself) and the first security administrator.
    expect(all).toContainEqual(
      expect.objectContaining({ action: 'USER_CREATED', actorId: 'system', userId: adminId }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        action: 'USER_CREATED',
        actorId: adminId,
        userId: security.id,
        detail: { roles: ['SECURITY_ADMIN'] },
      }),
    );
    // Refused attempts changed nothing, so they left nothing: one security administrator, no
    // account with ADMIN and AUDITOR, no self-grant.
    expect(all.filter((a) => a.detail.roles?.includes('SECURITY_ADMIN'))).toHaveLength(1);
    expect(all.filter((a) => a.userId === security.id)).toHaveLength(1);
    expect(JSON.stringify(all)).not.toContain(PASSWORD);
    expect(JSON.stringify(all)).not.toContain('Reset-Pass-2026');

    expect((await log('&action=UNLOCKED')).map((a) => a.userId)).toEqual([worker.id]);
    for (const other of [admin, security.http]) {
      expect((await other.get('/api/v1/audit/account-actions')).status).toBe(403);
    }
    const bad = await auditor.http.get<Problem>('/api/v1/audit/account-actions?action=GRANT');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toEqual(['action']);
  });
});

describe('account administration: a combined office', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lets the system administrator grant roles, logged all the same', async () => {
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    const auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    const worker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    expect(
      (await admin.request('PATCH', `/api/v1/users/${worker.id}`, { roles: ['MANAGER'] })).status,
    ).toBe(200);
    const res = await auditor.http.get<Page<AccountAction>>(
      `/api/v1/audit/account-actions?userId=${worker.id}`,
    );
    expect(res.body.items.map((a) => [a.action, a.detail.granted, a.detail.taken])).toEqual([
      ['ROLES_CHANGED', ['MANAGER'], ['CASEWORKER']],
      ['USER_CREATED', undefined, undefined],
    ]);
  });
});
