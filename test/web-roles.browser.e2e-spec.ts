import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expense, reliefApplication, residentId } from './factories/relief';
import {
  type AxeViolation,
  launchBrowser,
  listen,
  SCREENSHOTS,
  seriousViolations,
  signIn,
} from './support/browser';
import { ADMIN, startTestApp, type TestApp } from './support/test-app';
import { createUser, eventually, Http, type TestUser } from './support/http';

interface OpinionBody {
  reasonableCost: string;
  support: boolean;
}

interface CaseBody {
  id: string;
  state: string;
  machineVersion: number;
  data: {
    links: Array<{ rel: string; caseId: string }>;
    calculation?: { reliefAmount: string };
    panel?: Array<{ userId: string }>;
  };
}

/**
 * The workbench's role pages in a real browser: the expert's hearings, the inspector's plans,
 * draw verification and inspections, the administrator's users, the auditor's chain checks, a
 * page refused to another role, the public pages without sign-in, and axe-core on the pages.
 */
describe('the workbench for every role (Debian chromium + playwright-core)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let anon: Http;
  let admin: Http;
  let street: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  let auditor: TestUser;
  const experts: TestUser[] = [];
  const inspectors: TestUser[] = [];
  let hearingId: string;

  const send = (who: TestUser, id: string, event: Record<string, unknown>) =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event);
  const getCase = async (id: string) =>
    (await caseworker.http.get<CaseBody>(`/api/v1/cases/${id}`)).body;

  beforeAll(async () => {
    t = await startTestApp({
      policy: { deadlines: { 'relief-application': { publicity: '2s' } } },
    });
    base = await listen(t);
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    for (const field of ['MEDICAL', 'INSURANCE', 'FINANCE']) {
      experts.push(
        await createUser(admin, anon, {
          roles: ['EXPERT'],
          expertField: field,
          affiliation: '其他医院',
        }),
      );
    }
    for (let i = 0; i < 2; i++) {
      inspectors.push(
        await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: '区医保局' }),
      );
    }

    // A paid relief case with a heavy burden opens a hardship hearing by itself; CONVENE draws
    // one expert per field (all three of ours).
    const created = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({
        idNumber: residentId(611),
        expenses: [expense({ totalCost: '52000.00' })],
      }),
      { 'idempotency-key': randomUUID() },
    );
    const reliefId = created.body.id;
    await send(caseworker, reliefId, { type: 'ACCEPT' });
    const verified = await send(caseworker, reliefId, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: 'DB-611',
    });
    await send(caseworker, reliefId, { type: 'PROPOSE' });
    await send(manager, reliefId, { type: 'APPROVE' });
    await eventually(
      async () => ((await getCase(reliefId)).state === 'disbursement' ? true : undefined),
      15000,
    );
    await send(caseworker, reliefId, {
      type: 'RECORD_PAYMENT',
      amount: verified.body.data.calculation!.reliefAmount,
      reference: 'BANK-611',
    });
    const relief = await eventually(async () => {
      const c = await getCase(reliefId);
      return c.data.links.some((l) => l.rel === 'hardship-hearing') ? c : undefined;
    }, 15000);
    hearingId = relief.data.links.find((l) => l.rel === 'hardship-hearing')!.caseId;
    const convened = await send(caseworker, hearingId, { type: 'CONVENE' });
    expect(convened.body.state).toBe('panel_review');

    await manager.http.post('/api/v1/institutions', [
      { code: 'H611', name: '杭州市西溪医院', type: 'HOSPITAL', level: 3, district: '西湖区' },
      { code: 'C611', name: '文新诊所', type: 'CLINIC', district: '西湖区' },
    ]);
    browser = await launchBrowser();
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A new tab; a step that hangs fails after 15 s with its own message, not the test's timeout. */
  const open = async (bypassCSP = false): Promise<Page> => {
    const page = await browser.newPage({ bypassCSP, viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15000);
    return page;
  };

  /** Opens an event's generated form on the case page (the other engineer's page). */
  const openEvent = async (page: Page, event: string): Promise<void> => {
    await page.locator(`[data-testid=case-actions] button[data-event=${event}]`).click();
    await page.getByRole('dialog').waitFor();
  };
  const submitEvent = (page: Page) => page.getByRole('dialog').getByTestId('event-submit').click();
  /** Picks an option of an antd Select by its whole text (发现问题 is not 未发现问题). */
  const choose = async (page: Page, input: string, option: string): Promise<void> => {
    await page.locator(input).click();
    await page
      .locator('.ant-select-item-option', { hasText: new RegExp(`^${option}`) })
      .first()
      .click();
  };

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('should list an expert’s hearings and take the expert’s opinion through the case page', async () => {
    const page = await open();
    await signIn(page, base, experts[0].username, '/expert/hearings');
    const row = page.locator('[data-testid=hearings] tbody tr', { hasText: '专家评审中' });
    await row.waitFor({ timeout: 15000 });
    expect(await row.innerText()).toContain('待提交');
    expect(await row.innerText()).toContain('北山街道');
    await shot(page, 'expert-hearings');
    await row.locator('[data-testid=case-link]').click();
    await page.waitForURL(`${base}/cases/${hearingId}`);

    // The opinion through the case page's generated form (提交评审意见).
    await openEvent(page, 'OPINION');
    await page.locator('#root_reasonableCost').fill('4800.00');
    await page.locator('#root_support').check();
    await page.locator('#root_comment').fill('住院费用合理必要，支持给予特殊医疗救助。');
    await shot(page, 'expert-opinion');
    await submitEvent(page);
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const opinions = await eventually(async () => {
      const c = await caseworker.http.get<{ data: { opinions?: Record<string, OpinionBody> } }>(
        `/api/v1/cases/${hearingId}`,
      );
      return c.body.data.opinions?.[experts[0].id];
    });
    expect(opinions).toMatchObject({ reasonableCost: '4800.00', support: true });
    await page.close();
  }, 60000);

  it('should let a manager create and draw a plan, and an inspector verify the draw and record on-site findings through the case page', async () => {
    const page = await open();
    await signIn(page, base, manager.username, '/inspection/plans');
    await page.getByRole('button', { name: '新建检查计划' }).click();
    await page.getByLabel('计划名称').fill('2026年度双随机抽查（测试）');
    await page.getByLabel('或抽取家数').fill('1');
    await page.getByRole('button', { name: /创\s*建/ }).click();
    const planRow = page.locator('[data-testid=plans] tbody tr', { hasText: '双随机抽查（测试）' });
    await planRow.waitFor();
    expect(await planRow.innerText()).toContain('未抽取');
    await planRow.getByRole('button', { name: /抽\s*取/ }).click();
    await page.getByLabel('随机种子').fill('2026-12-01 福利彩票3D 517');
    await page.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
    await planRow.locator('text=已抽取').waitFor();
    await page.close();

    const inspector = await open();
    await signIn(inspector, base, inspectors[0].username, '/inspection/plans');
    const row = inspector.locator('[data-testid=plans] tbody tr', {
      hasText: '双随机抽查（测试）',
    });
    await row.getByRole('button', { name: '查看抽取结果' }).click();
    const draw = inspector.locator('[data-testid=draw]');
    await draw.waitFor();
    expect(await draw.innerText()).toContain('2026-12-01 福利彩票3D 517');
    await inspector.locator('[data-testid=verify-draw]').click();
    await inspector.locator('[data-testid=verify-result]', { hasText: '验证一致' }).waitFor();
    await shot(inspector, 'inspection-draw');
    await inspector.keyboard.press('Escape');

    await inspector.goto(`${base}/inspection/mine`);
    const mine = inspector.locator('[data-testid=inspections] tbody tr', { hasText: '待检查' });
    await mine.waitFor({ timeout: 15000 });
    expect(await mine.count()).toBe(1);
    await shot(inspector, 'inspections-mine');

    // On site, then the findings through the case page's generated form (登记检查发现).
    await mine.getByTestId('case-link').click();
    await inspector.waitForURL(/\/cases\/[0-9a-f-]+$/);
    const inspectionId = inspector.url().split('/').pop()!;
    await openEvent(inspector, 'START_ONSITE');
    await submitEvent(inspector);
    await inspector.getByTestId('case-state').filter({ hasText: '现场检查中' }).waitFor();
    await openEvent(inspector, 'RECORD_FINDINGS');
    await choose(inspector, '#root_conclusion', '发现问题');
    await inspector.getByRole('dialog').locator('button.rjsf-array-item-add').click();
    await choose(inspector, '#root_findings_0_article', '第三十八条');
    await inspector
      .locator('#root_findings_0_description')
      .fill('串换药品，将自费药品串换为目录内药品结算');
    await inspector.locator('#root_findings_0_amount').fill('12800.00');
    await shot(inspector, 'inspection-findings');
    await submitEvent(inspector);
    await inspector.getByTestId('case-state').filter({ hasText: '待审核' }).waitFor();
    const findings = await manager.http.get<{
      data: {
        findings?: { conclusion: string; findings: Array<{ article: number; amount: string }> };
      };
    }>(`/api/v1/cases/${inspectionId}`);
    expect(findings.body.data.findings).toMatchObject({
      conclusion: 'ISSUES',
      findings: [{ article: 38, amount: '12800.00' }],
    });
    await inspector.close();
  }, 90000);

  it('should let an administrator create a user with a role through the users page', async () => {
    const page = await open();
    await signIn(page, base, ADMIN.username, '/admin/users', ADMIN.password);
    await page.locator('[data-testid=new-user]').click();
    const username = `ui-caseworker-${Date.now() % 100000}`;
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('姓名/单位名称').fill('王经办');
    await page.getByLabel('初始密码').fill('Yibao-2026-pass');
    await page.locator('.ant-modal #roles').click();
    await page.locator('.ant-select-item-option', { hasText: '经办人' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.locator('[data-testid=users] tbody tr', { hasText: username }).waitFor();
    await shot(page, 'admin-users');
    const users = await admin.get<{ items: Array<{ username: string; roles: string[] }> }>(
      '/api/v1/users?pageSize=100',
    );
    expect(users.body.items.find((u) => u.username === username)?.roles).toEqual(['CASEWORKER']);
    await page.close();
  });

  it('should let an administrator dry-run a migration to version 2, then confirm it (流程版本)', async () => {
    const created = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(612) }),
      { 'idempotency-key': randomUUID() },
    );
    const id = created.body.id;
    await send(caseworker, id, { type: 'ACCEPT' });
    await send(caseworker, id, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: 'DB-612',
    });
    const page = await open();
    await signIn(page, base, ADMIN.username, '/admin/workflows', ADMIN.password);
    await page.locator('[data-testid=workflow-versions] tbody tr', { hasText: '现行' }).waitFor();
    // Only this case: the other cases of this file stay on the version they opened on.
    await page.getByLabel('案件编号（可选）').fill(id);
    await page.locator('[data-testid=dry-run]').click();
    await page.locator('[data-testid=migration-summary]', { hasText: '试运行' }).waitFor();
    const row = page.locator('[data-testid=migratable] tbody tr', { hasText: id });
    expect(await row.innerText()).toContain('金额核定中');
    expect((await getCase(id)).machineVersion).toBe(1);
    await shot(page, 'admin-workflows');
    await page.locator('[data-testid=confirm-migration]').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await page.locator('[data-testid=migration-summary]', { hasText: '已迁移' }).waitFor();
    expect(await getCase(id)).toMatchObject({ machineVersion: 2, state: 'amount_review' });
    await page
      .locator('[data-testid=migration-runs] tbody tr', { hasText: '迁移' })
      .first()
      .waitFor();
    expect(await page.locator('[data-testid=migration-runs] tbody tr').count()).toBe(2);
    await page.close();
    // Closed again, so the caseworker's inbox below shows only its own cases.
    const closed = await send(caseworker, id, { type: 'REJECT', reason: '演示结束' });
    expect(closed.body).toMatchObject({ state: 'rejected', machineVersion: 2 });
  });

  it('should let an auditor verify one case’s chain and the whole database, with no event buttons', async () => {
    const page = await open();
    await signIn(page, base, auditor.username, '/audit');
    await page.locator('[data-testid=verify-all]').click();
    const result = page.locator('[data-testid=verify-all-result]');
    await result.waitFor({ timeout: 20000 });
    expect(await result.innerText()).toContain('全部完整');
    await page.locator('[data-testid=audit-cases] [data-testid=verify-chain]').first().click();
    await page.locator('[data-testid=chain-result]', { hasText: '完整' }).first().waitFor();
    expect(await page.locator('[data-testid=reassign]').count()).toBe(0);
    await shot(page, 'audit');
    await page.close();
  });

  it("should refuse the administrator's users page to a street office, showing no data", async () => {
    const page = await open();
    let usersRead = false;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/users') {
        usersRead = true;
      }
    });
    await signIn(page, base, street.username, '/admin/users');
    await page.locator('[data-testid=forbidden]', { hasText: '无权访问' }).waitFor();
    expect(await page.locator('[data-testid=users]').count()).toBe(0);
    expect(usersRead).toBe(false);
    await page.close();
  });

  it('should name the street offices without a token (GET /api/v1/streets, the policy)', async () => {
    const res = await anon.get<Array<{ code: string; name: string }>>('/api/v1/streets');
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual({ code: '330106001', name: '北山街道' });
    expect(res.body.map((s) => s.code)).toEqual([...res.body.map((s) => s.code)].sort());
  });

  it('should show the public pages without signing in', async () => {
    const page = await open();
    await page.goto(`${base}/public/inspection-results`);
    await page.getByRole('heading', { name: '定点医药机构检查结果公开' }).waitFor();
    await page.locator('[data-testid=inspection-results]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/public/inspection-results');
    await page.getByRole('menuitem', { name: '医疗救助公示', exact: true }).click();
    await page.getByRole('heading', { name: '医疗救助对象公示' }).waitFor();
    await page.locator('[data-testid=relief-notices]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/public/relief-notices');
    await shot(page, 'public-relief-notices');
    // 一公开 of special relief, beside the relief notices.
    await page.getByRole('menuitem', { name: '特殊医疗救助公示' }).click();
    await page.getByRole('heading', { name: '特殊医疗救助公示' }).waitFor();
    await page.locator('[data-testid=special-relief-notices]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/public/special-relief-notices');
    await page.close();
  });

  it('should show a caseworker the inbox and a case page (the screenshots of docs/web.md)', async () => {
    // Two applications waiting: one just submitted, one verified (with its calculation).
    const submit = async (seq: number) =>
      (
        await street.http.post<CaseBody>(
          '/api/v1/relief-applications',
          reliefApplication({ idNumber: residentId(seq) }),
          { 'idempotency-key': randomUUID() },
        )
      ).body.id;
    await submit(621);
    const verifiedId = await submit(622);
    await caseworker.http.post(`/api/v1/cases/${verifiedId}/claim`);
    await send(caseworker, verifiedId, { type: 'ACCEPT' });
    await send(caseworker, verifiedId, {
      type: 'VERIFY',
      verifiedCategory: 'DIBAO',
      certificateNo: '民低保字第2026-0622号',
    });

    const page = await open();
    await signIn(page, base, caseworker.username, '/tasks');
    await page.locator(`[data-testid=task-table] tr[data-row-key="${verifiedId}"]`).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('[data-testid=task-table] tbody tr').count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'readme-inbox.png') });
    await page.goto(`${base}/cases/${verifiedId}`);
    await page.getByTestId('case-state').filter({ hasText: '金额核定中' }).waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOTS, 'readme-case.png'), fullPage: true });
    await page.close();
  });

  it('should find no serious or critical accessibility violation (axe-core) on the pages', async () => {
    const found: Record<string, AxeViolation[]> = {};
    const page = await open(true);
    await page.goto(`${base}/login`);
    await page.locator('#login_username').waitFor();
    found['/login'] = await seriousViolations(page);

    const pages: Array<[TestUser, string, string]> = [
      [caseworker, '/tasks', 'main'],
      [caseworker, `/cases/${hearingId}`, 'main'],
      [street, '/relief/new', 'main'],
      [manager, '/dashboard', '[data-testid=dashboard]'],
      [manager, '/manager/workload', '[data-testid=workload]'],
      [experts[0], '/expert/hearings', '[data-testid=hearings] tbody tr'],
      [auditor, '/audit', '[data-testid=audit-cases]'],
    ];
    for (const [user, path, ready] of pages) {
      const p = await open(true);
      await signIn(p, base, user.username, path);
      await p.locator(ready).first().waitFor({ timeout: 15000 });
      await p.waitForLoadState('networkidle');
      found[path] = await seriousViolations(p);
      await p.close();
    }
    await page.goto(`${base}/public/inspection-results`);
    await page.locator('[data-testid=inspection-results]').waitFor();
    found['/public/inspection-results'] = await seriousViolations(page);
    await page.close();

    const report = Object.entries(found)
      .filter(([, v]) => v.length > 0)
      .map(
        ([path, v]) =>
          `${path}: ${v
            .map(
              (x) =>
                `${x.id} (${x.impact}) ${x.help} at ${x.nodes
                  .map((n) => n.target.join(' '))
                  .slice(0, 4)
                  .join(' | ')}`,
            )
            .join('; ')}`,
      );
    expect(report).toEqual([]);
  }, 180000);
});
