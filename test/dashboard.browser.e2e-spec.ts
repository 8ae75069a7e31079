import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { SlaSummary } from '../src/sla/sla-reports.service';
import { reliefApplication, residentId } from './factories/relief';
import { launchBrowser, listen, SCREENSHOTS, signIn } from './support/browser';
import { createUser, eventually, Http, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

describe('the managers dashboard at /dashboard, a page of the web app (Debian chromium + playwright-core)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let manager: TestUser;
  let street: TestUser;
  let overdueCase: string;

  beforeAll(async () => {
    t = await startTestApp({
      policy: { deadlines: { 'relief-application': { submitted: '2s' } } },
    });
    base = await listen(t);
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
    browser = await launchBrowser();
  }, 90000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should let a manager sign in and see the overdue case by street name, figures matching the API, exports, and open the case page', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1600 } });
    await signIn(page, base, manager.username, '/dashboard');

    const row = page.locator(`[data-testid=overdue-list] tr[data-row-key="${overdueCase}"]`);
    await row.waitFor({ timeout: 15000 });
    const text = await row.innerText();
    expect(text).toContain('医疗救助申请');
    expect(text).toContain('已提交待受理');
    // The street by its name (GET /api/v1/streets), not its code.
    expect(text).toContain('北山街道');
    expect(text).not.toContain('330106001');

    // The page shows the API's own figures.
    const summary = (await manager.http.get<SlaSummary>('/api/v1/sla/summary')).body;
    await page
      .locator('[data-testid=kpi-open]', { hasText: String(summary.totals.open) })
      .waitFor();
    expect(await page.textContent('[data-testid=kpi-overdue]')).toBe(
      String(summary.totals.overdue),
    );
    expect(Number(await page.textContent('[data-testid=kpi-overdue]'))).toBeGreaterThanOrEqual(1);
    const submitted = page.locator(
      '[data-testid=states] tr[data-row-key="relief-application/submitted"]',
    );
    expect(await submitted.locator('td').nth(3).innerText()).toBe(
      String(summary.byState.find((s) => s.state === 'submitted')!.overdue),
    );
    const streetRow = page.locator('[data-testid=streets] tr[data-row-key="330106001"]');
    expect(await streetRow.count()).toBe(1);
    expect(await streetRow.locator('td').first().innerText()).toBe('北山街道');
    expect(await page.locator('#durations-chart').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });

    // An export is the API's file, saved by the browser.
    await page.getByRole('button', { name: /导出/ }).hover();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByText('汇总 CSV').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^sla-summary-.*\.csv$/);

    // The link opens the case page of the web app.
    await row.locator('a').click();
    await page.waitForURL(`${base}/cases/${overdueCase}`);
    await page.close();
  });

  it('should tell a street office that the dashboard is not theirs, showing no figures', async () => {
    const page = await browser.newPage();
    await signIn(page, base, street.username, '/dashboard');
    await page.locator('[data-testid=forbidden]', { hasText: '无权访问' }).waitFor();
    expect(await page.locator('[data-testid=dashboard]').count()).toBe(0);
    await page.close();
  });
});
