import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { residentId } from './factories/relief';
import { createUser, Http, type TestUser } from './support/http';
import { SAMPLE_FILES } from './support/multipart';
import { startTestApp, type TestApp } from './support/test-app';

/** Debian's chromium (scripts/test.sh installs it with apt-get); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '.data', 'screenshots');
const WEB_INDEX = join(__dirname, '..', 'dist', 'web', 'index.html');
const PASSWORD = 'password-123';
const STREET = '330106001';

/**
 * The workbench in a real browser: a relief case walked ENTIRELY through the UI by four roles
 * (street office, caseworker, manager, caseworker again after the publicity), then read by the
 * auditor; a 422 and a 409 shown on the event form; a page refused to a role it is not for.
 * Screenshots of every page go to .data/screenshots/web-*.png.
 */
jest.setTimeout(120000);

describe('the workbench: a relief case through the UI (Debian chromium + playwright-core)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let street: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  let auditor: TestUser;
  let caseId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (npm test does it)`);
    }
    if (!existsSync(WEB_INDEX)) {
      throw new Error(`${WEB_INDEX} is missing: npm run web:build (npm test does it)`);
    }
    // A short publicity (公示) so the payment can follow within the test.
    t = await startTestApp({
      policy: { deadlines: { 'relief-application': { publicity: '3s' } } },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: STREET });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 90000);

  afterAll(async () => {
    for (const c of contexts) {
      await c.close();
    }
    await browser?.close();
    await t?.close();
  });

  /** A fresh tab (own sessionStorage) signed in as the user through the login page. */
  async function signIn(user: TestUser, shot?: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    const page = await context.newPage();
    // A step that does not happen fails with its selector well before jest's own time-out.
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => process.stderr.write(`[browser ${user.username}] ${e.message}\n`));
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await page.locator('#login_username').fill(user.username);
    await page.locator('#login_password').fill(PASSWORD);
    if (shot) {
      await snap(page, shot);
    }
    await page.locator('form[id=login] button[type=submit]').click();
    await page.getByTestId('display-name').filter({ hasText: user.username }).waitFor();
    return page;
  }

  async function snap(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOTS, `web-${name}.png`), fullPage: true });
  }

  /** Picks an option of an antd Select by its visible text. */
  async function choose(page: Page, selectInput: string, option: string): Promise<void> {
    await page.locator(selectInput).click();
    await page.locator('.ant-select-item-option', { hasText: option }).first().click();
  }

  const stateTag = (page: Page) => page.getByTestId('case-state');
  const modal = (page: Page) => page.getByRole('dialog');

  /** Opens an event's generated form on the case page. */
  async function openEvent(page: Page, event: string): Promise<void> {
    await page.locator(`[data-testid=case-actions] button[data-event=${event}]`).click();
    await modal(page).waitFor();
  }

  /** Submits the open event form; resolves with the service's answer to it. */
  async function submitEvent(page: Page): Promise<{ status: number; body: string }> {
    const answer = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/api/v1/cases/${caseId}/events`),
    );
    await modal(page).getByTestId('event-submit').click();
    const response = await answer;
    return { status: response.status(), body: await response.text() };
  }

  /**
   * Waits for the case page to show `label` as the case's state. A timeout's error carries what
   * the page showed and the case's history as the service has it, so a failure says what happened.
   */
  async function expectState(page: Page, label: string): Promise<void> {
    try {
      await stateTag(page).filter({ hasText: label }).waitFor();
    } catch (e) {
      const shown = await page
        .locator('body')
        .innerText()
        .catch(() => '(unreadable)');
      const history = caseId ? await auditor.http.get(`/api/v1/cases/${caseId}/history`) : null;
      throw new Error(
        `${(e as Error).message}\n--- the page showed:\n${shown}\n--- the case's history:\n` +
          JSON.stringify(history?.body),
      );
    }
  }

  it('should let the street office submit with a live calculation of 12,000.00, once for a double click', async () => {
    const page = await signIn(street, 'login');
    // A street office starts on its street's cases.
    await page.waitForURL(/\/street\/cases$/);
    await page.getByText('本街道案件').first().waitFor();
    await snap(page, 'street-cases');

    await page.locator('[data-testid=side-menu]').getByText('新建救助申请').click();
    await page.waitForURL(/\/relief\/new$/);
    await page.locator('#relief_applicant_name').fill('张三');
    // The resident ID is checked as typed (GB 11643 check digit): a wrong last digit is named.
    const id = residentId(501);
    const wrong = `${id.slice(0, 17)}${id[17] === '1' ? '2' : '1'}`;
    await page.locator('#relief_applicant_idNumber').fill(wrong);
    await page.getByText('身份证号校验位不正确').waitFor();
    await page.locator('#relief_applicant_idNumber').fill(id);
    await page.getByText('身份证号校验位不正确').waitFor({ state: 'detached' });
    await page.locator('#relief_applicant_phone').fill('13812345678');
    await choose(page, '#relief_applicant_category', '低保对象');

    // The example line of docs/walkthroughs/relief-application.md.
    await page.locator('#relief_expenses_0_institution').fill('杭州市西溪医院');
    await page.locator('#relief_expenses_0_date').click();
    await page.locator('#relief_expenses_0_date').fill('2026-03-02');
    await page.locator('#relief_expenses_0_date').press('Enter');
    await page.locator('#relief_expenses_0_totalCost').fill('52000.00');
    await page.locator('#relief_expenses_0_inPolicyCost').fill('50000.00');
    await page.locator('#relief_expenses_0_basicInsurancePaid').fill('30000.00');
    await page.locator('#relief_expenses_0_criticalIllnessPaid').fill('5000.00');
    await page.locator('#relief_expenses_0_otherInsurancePaid').fill('0.00');
    const amount = page.getByTestId('preview').getByTestId('relief-amount');
    await amount.filter({ hasText: '12,000.00' }).waitFor({ timeout: 10000 });

    // Lines can be added and removed.
    await page.getByTestId('add-expense').click();
    await page.getByTestId('expense-1').waitFor();
    await page
      .getByTestId('expense-1')
      .getByRole('button', { name: /删\s*除/ })
      .click();
    await page.getByTestId('expense-1').waitFor({ state: 'detached' });
    await amount.filter({ hasText: '12,000.00' }).waitFor();
    await snap(page, 'relief-new');

    // A double click makes one case (the button waits for the answer; a retry reuses the form's Idempotency-Key).
    await page.getByTestId('submit').dblclick();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    caseId = page.url().split('/').pop()!;
    await expectState(page, '已提交待受理');
    const mine = await street.http.get<{ total: number; items: Array<{ id: string }> }>(
      '/api/v1/cases?type=relief-application',
    );
    expect(mine.body.total).toBe(1);
    expect(mine.body.items[0].id).toBe(caseId);
    // The street office sees the full ID of its own resident (docs/api.md "Conventions", masking).
    expect(await page.getByTestId('case-summary').innerText()).toContain(id);
    await snap(page, 'case-submitted');

    // Sign-out returns to the login page, and the app forgets the session.
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login/);
    await page.goto(`${base}/street/cases`);
    await page.waitForURL(/\/login\?next=/);
  });

  it('should let the caseworker claim it in the inbox, accept, verify and propose, with a 409 and a 422 explained', async () => {
    const page = await signIn(caseworker);
    await page.waitForURL(/\/tasks$/);
    const row = page.locator(`[data-testid=task-table] tr[data-row-key="${caseId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('张三');
    expect(await row.innerText()).toContain('已提交待受理');
    expect(Number(await page.getByTestId('task-count').innerText())).toBeGreaterThanOrEqual(1);
    await row.getByRole('button', { name: /认\s*领/ }).click();
    await row.getByText('我', { exact: true }).waitFor();
    await snap(page, 'inbox');

    await row.getByTestId('case-link').click();
    await page.waitForURL(new RegExp(`/cases/${caseId}$`));
    await openEvent(page, 'ACCEPT');
    await snap(page, 'event-accept');
    expect(await submitEvent(page)).toMatchObject({ status: 200 });
    await expectState(page, '资格审核中');

    await openEvent(page, 'VERIFY');
    await choose(page, '#root_verifiedCategory', '低保对象');
    await page.locator('#root_certificateNo').fill('民低保字第2026-0501号');
    await snap(page, 'event-verify');
    expect(await submitEvent(page)).toMatchObject({ status: 200 });
    await expectState(page, '金额核定中');

    // Attachments: a file whose bytes are not what its name says is refused and the reason shown;
    // a real image is listed and can be downloaded.
    const upload = page.locator('input[type=file]');
    await upload.setInputFiles({
      name: '低保证.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('not a pdf'),
    });
    await page.getByTestId('upload-error').filter({ hasText: '文件类型不允许' }).waitFor();
    await upload.setInputFiles({
      name: '低保证.png',
      mimeType: 'image/png',
      buffer: SAMPLE_FILES.png,
    });
    await page.getByRole('cell', { name: '低保证.png' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /下\s*载/ }).click();
    expect((await download).suggestedFilename()).toBe('低保证.png');
    await page
      .getByTestId('calculation')
      .getByTestId('relief-amount')
      .filter({ hasText: '12,000.00' })
      .waitFor();

    // 409: someone (here the same user, through the API) moved the case on after the page was shown.
    // The page's own refetches (after the upload) finish first, or one could bring the new version.
    await page.waitForLoadState('networkidle');
    const claimed = await caseworker.http.post<{ version: number }>(
      `/api/v1/cases/${caseId}/claim`,
    );
    expect(claimed.status).toBe(200);
    await openEvent(page, 'PROPOSE');
    expect(await submitEvent(page)).toMatchObject({ status: 409 });
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('案件已被他人更新');
    await snap(page, 'event-409');
    await conflict.getByTestId('reload').click();
    await page.locator(`[data-testid=case-page][data-version="${claimed.body.version}"]`).waitFor();

    // 422: a different amount without a reason is refused by the business rule, and shown.
    await openEvent(page, 'PROPOSE');
    await page.locator('#root_amount').fill('11000.00');
    expect(await submitEvent(page)).toMatchObject({ status: 422 });
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('当前状态或业务规则不允许此操作');
    await snap(page, 'event-422');
    // Without an amount the computed one is proposed.
    await page.locator('#root_amount').fill('');
    expect(await submitEvent(page)).toMatchObject({ status: 200 });
    await expectState(page, '待审批');
    await snap(page, 'case-proposed');
  });

  it('should let the manager approve from the inbox', async () => {
    const page = await signIn(manager);
    await page.waitForURL(/\/tasks$/);
    const row = page.locator(`[data-testid=task-table] tr[data-row-key="${caseId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('待审批');
    await row.getByTestId('case-link').click();
    await openEvent(page, 'APPROVE');
    expect(await submitEvent(page)).toMatchObject({ status: 200 });
    await expectState(page, '公示中');
    expect(await page.getByTestId('case-summary').innerText()).toContain('12,000.00');
    await snap(page, 'case-approved');
  });

  it('should let the caseworker record the payment after the publicity', async () => {
    const page = await signIn(caseworker);
    await page.goto(`${base}/cases/${caseId}`);
    // The 3 s publicity ends by itself (DEADLINE_PUBLICITY); the page shows it on a refresh.
    for (let i = 0; i < 40; i++) {
      if ((await stateTag(page).innerText()) === '待拨付') {
        break;
      }
      await page.waitForTimeout(500);
      await page
        .getByRole('button', { name: /刷\s*新/ })
        .first()
        .click();
    }
    await expectState(page, '待拨付');
    await openEvent(page, 'RECORD_PAYMENT');
    await page.locator('#root_amount').fill('12000.00');
    await page.locator('#root_reference').fill('BANK-2026-000501');
    expect(await submitEvent(page)).toMatchObject({ status: 200 });
    await expectState(page, '已拨付');
    await snap(page, 'case-paid');
  });

  it('should let the auditor read the whole case and verify its chain, and send nothing', async () => {
    const page = await signIn(auditor);
    await page.waitForURL(/\/cases$/);
    const row = page.locator(`[data-testid=case-table] tr[data-row-key="${caseId}"]`);
    await row.waitFor();
    await snap(page, 'auditor-cases');
    await row.getByTestId('case-link').click();
    await expectState(page, '已拨付');
    expect(await page.getByTestId('case-actions').innerText()).toContain('案件已办结');
    const history = page.getByTestId('history');
    for (const label of ['受理', '核实资格', '拟定金额', '审批通过', '公示期满', '登记发放']) {
      await history.getByText(label, { exact: true }).first().waitFor();
    }
    // Names, not ids: the people who acted.
    expect(await history.innerText()).toContain(manager.username);
    await page.getByTestId('verify-chain').click();
    await page.getByTestId('chain-result').filter({ hasText: '记录链完整' }).waitFor();
    await snap(page, 'auditor-case');
  });

  it("should refuse one role's page to another", async () => {
    const page = await signIn(auditor);
    await page.goto(`${base}/relief/new`);
    await page.getByText('无权访问').waitFor();
    expect(await page.locator('body').innerText()).toContain('仅限街道办、经办人使用');
    await snap(page, 'forbidden');
    // And the menu offers an auditor no application form.
    expect(await page.getByTestId('side-menu').innerText()).not.toContain('新建救助申请');

    // A token the service no longer accepts (401) sends the tab back to the login page.
    // (Expressions as text: the test project compiles without the DOM library.)
    await page.evaluate("sessionStorage.setItem('yibao.session', 'expired.token.value')");
    await page.goto(`${base}/tasks`);
    await page.waitForURL(/\/login/);
    expect(
      await page.evaluate<string | null>("sessionStorage.getItem('yibao.session')"),
    ).toBeNull();
    // The token never touches localStorage.
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
  });
});
