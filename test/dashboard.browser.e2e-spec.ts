import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import type { SlaSummary } from '../src/sla/sla-reports.service';
import { reliefApplication, residentId } from './factories/relief';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

/** Debian's chromium (scripts/test.sh installs it with apt-get); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '.data', 'screenshots');

describe('the managers dashboard in a real browser (Debian chromium + playwright-core)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let manager: TestUser;
  let street: TestUser;
  let overdueCase: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (npm test does it)`);
    }
    t = await startTestApp({
      policy: { deadlines: { 'relief-application': { submitted: '2s' } } },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    // The seeded case: submitted by the street office, left with nobody accepting it (2 s deadline).
    const res = await street.http.post<{ id: string }>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(71) }),
      { 'idempotency-key': 'browser-seed-1' },
    );
    overdueCase = res.body.id;
    // And one the caseworker accepted at once: a finished stage for the chart of durations.
    const caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    const quick = await street.http.post<{ id: string }>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(72) }),
      { 'idempotency-key': 'browser-seed-2' },
    );
    await caseworker.http.post(`/api/v1/cases/${quick.body.id}/events`, { type: 'ACCEPT' });
    await eventually(async () => {
      const page = await manager.http.get<{ items: Array<{ caseId: string }> }>(
        '/api/v1/sla/overdue',
      );
      return page.body.items.some((i) => i.caseId === overdueCase) ? true : undefined;
    }, 20000);
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
    await browser?.close();
    await t?.close();
  });

  it('should let a manager sign in and see the overdue case, figures matching the API, and save a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1600 } });
    await page.goto(`${base}/dashboard`);
    await page.fill('input[name=username]', manager.username);
    await page.fill('input[name=password]', 'password-123');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('body[data-loaded=true]', { timeout: 20000 });

    const row = page.locator(`#overdue-list tr[data-case-id="${overdueCase}"]`);
    await row.waitFor({ timeout: 10000 });
    const text = await row.innerText();
    expect(text).toContain('医疗救助申请');
    expect(text).toContain('已提交待受理');
    expect(text).toContain('330106001');
    expect(await row.locator('a').getAttribute('href')).toBe(`#case=${overdueCase}`);

    // The page shows the API's own figures.
    const summary = (await manager.http.get<SlaSummary>('/api/v1/sla/summary')).body;
    expect(await page.textContent('#kpi-open')).toBe(String(summary.totals.open));
    expect(await page.textContent('#kpi-overdue')).toBe(String(summary.totals.overdue));
    expect(Number(await page.textContent('#kpi-overdue'))).toBeGreaterThanOrEqual(1);
    const submitted = page.locator(
      '#states tr[data-type="relief-application"][data-state="submitted"]',
    );
    expect(await submitted.locator('td').nth(3).innerText()).toBe(
      String(summary.byState.find((s) => s.state === 'submitted')!.overdue),
    );
    expect(await page.locator('#streets tr[data-street="330106001"]').count()).toBe(1);
    expect(await page.locator('#durations-chart').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });

    // The link opens the case with its overdue deadline.
    await row.locator('a').click();
    await page.waitForSelector('#case-view:not([hidden])');
    await page.locator('#case-detail', { hasText: '已超期' }).waitFor();
    expect(await page.textContent('#case-detail')).toContain(overdueCase);
    expect(await page.locator('#stage-records tbody tr').first().innerText()).toContain(
      '已提交待受理',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-case.png') });
    await page.close();
  });

  it('should tell a street office that the reports are not theirs', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/dashboard`);
    await page.fill('input[name=username]', street.username);
    await page.fill('input[name=password]', 'password-123');
    await page.click('#login button[type=submit]');
    await page.locator('#error', { hasText: '无权' }).waitFor();
    expect(await page.isHidden('#content')).toBe(true);
    await page.close();
  });
});
