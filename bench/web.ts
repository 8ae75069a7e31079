/**
 * `npm run bench:web`: what the workbench costs a browser. Builds nothing itself (the npm script
 * runs `npm run web:build` first), starts the service on a scratch database (with-services
 * provides MariaDB and Redis), and drives Debian's headless chromium with playwright-core:
 *
 * - the login page and the case page: the JS and CSS they load, as transferred (bytes on the
 *   wire, whatever Content-Encoding the service used) and gzipped (zlib level 9 of each body);
 * - time until usable, cold (a new browser context: empty cache) and warm (a reload), median
 *   of RUNS (default 7): the login page when its username field is enabled; the case page when
 *   it shows content with no spinner left and no API request in flight.
 *
 * Budgets (issue 16): the login page under 400 KB of compressed script; the case page usable
 * within 1.5 s. Prints the figures and whether the budgets hold.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { reliefApplication, residentId } from '../test/factories/relief';
import { createUser, Http } from '../test/support/http';
import { startTestApp } from '../test/support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUNS = Number(process.env.RUNS ?? 7);
const LOGIN_SCRIPT_BUDGET = 400 * 1024;
const CASE_USABLE_BUDGET_MS = 1500;
/** The web app keeps the tab's token here (web/src/auth/session.ts). */
const SESSION_KEY = 'yibao.session';

interface Transfer {
  scripts: number;
  wireScript: number;
  gzipScript: number;
  styles: number;
  wireStyle: number;
  gzipStyle: number;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Opens `url` in a fresh context and adds up the scripts and stylesheets it loads. */
async function transfer(context: BrowserContext, url: string, ready: (p: Page) => Promise<void>) {
  const page = await context.newPage();
  const bodies: Array<Promise<{ kind: 'script' | 'style'; wire: number; gzip: number }>> = [];
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') {
      return;
    }
    bodies.push(
      (async () => {
        const body = await response.body();
        const sizes = await response.request().sizes();
        return {
          kind: type === 'script' ? ('script' as const) : ('style' as const),
          wire: sizes.responseBodySize,
          gzip: gzipSync(body, { level: 9 }).length,
        };
      })(),
    );
  });
  await page.goto(url);
  await ready(page);
  // Lazy chunks requested while drawing are part of the page too.
  await page.waitForLoadState('networkidle');
  const all = await Promise.all(bodies);
  await page.close();
  const sum = (kind: 'script' | 'style', field: 'wire' | 'gzip') =>
    all.filter((b) => b.kind === kind).reduce((n, b) => n + b[field], 0);
  return {
    scripts: all.filter((b) => b.kind === 'script').length,
    wireScript: sum('script', 'wire'),
    gzipScript: sum('script', 'gzip'),
    styles: all.filter((b) => b.kind === 'style').length,
    wireStyle: sum('style', 'wire'),
    gzipStyle: sum('style', 'gzip'),
  } satisfies Transfer;
}

/** The case page is usable: content drawn, no spinner, no API call pending. */
async function caseUsable(page: Page, pending: () => number): Promise<void> {
  // A string: evaluated in the page (this project's tsconfig has no DOM types).
  await page.waitForFunction(
    `(() => {
      const main = document.querySelector('main');
      return main !== null && main.textContent.trim().length > 0 &&
        document.querySelector('.ant-spin-spinning') === null;
    })()`,
    undefined,
    { polling: 'raf', timeout: 20000 },
  );
  while (pending() > 0) {
    await page.waitForTimeout(5);
  }
}

/** Milliseconds from navigation start until `ready`, in a tab counting its API requests. */
async function timeTo(
  context: BrowserContext,
  url: string,
  ready: (p: Page, pending: () => number) => Promise<void>,
  reload: boolean,
): Promise<number> {
  const page = await context.newPage();
  let inFlight = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) {
      inFlight += 1;
    }
  });
  const done = (r: { url(): string }) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) {
      inFlight -= 1;
    }
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  if (reload) {
    // Warm: the assets are in the HTTP cache from a first visit.
    await page.goto(url);
    await ready(page, () => inFlight);
  }
  const started = Date.now();
  await page.goto(url);
  await ready(page, () => inFlight);
  const elapsed = Date.now() - started;
  await page.close();
  return elapsed;
}

async function main(): Promise<void> {
  const t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  let browser: Browser | undefined;
  try {
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    const street = await createUser(admin, anon, {
      roles: ['STREET_OFFICE'],
      streetCode: '330106001',
    });
    const caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    const created = await street.http.post<{ id: string }>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(901) }),
      { 'idempotency-key': randomUUID() },
    );
    await caseworker.http.post(`/api/v1/cases/${created.body.id}/events`, { type: 'ACCEPT' });
    const login = await anon.post<{ accessToken: string }>('/api/v1/auth/login', {
      username: caseworker.username,
      password: 'password-123',
    });
    const token = login.body.accessToken;
    const casePath = `/cases/${created.body.id}`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const signedIn = async (): Promise<BrowserContext> => {
      // bypassCSP: the readiness check is a string evaluated in the page (the CSP forbids eval).
      const context = await browser!.newContext({
        viewport: { width: 1440, height: 900 },
        bypassCSP: true,
      });
      // The tab is signed in as the caseworker (what the login page would have stored).
      await context.addInitScript(
        `sessionStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(token)});`,
      );
      return context;
    };
    const loginReady = async (p: Page) => {
      await p.locator('input#login_username:enabled').waitFor({ timeout: 20000 });
    };

    const loginTransfer = await transfer(await browser.newContext(), `${base}/login`, loginReady);
    const caseTransfer = await transfer(await signedIn(), `${base}${casePath}`, (p) =>
      caseUsable(p, () => 0),
    );

    const loginCold: number[] = [];
    const loginWarm: number[] = [];
    const caseCold: number[] = [];
    const caseWarm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const plain = await browser.newContext();
      loginCold.push(await timeTo(plain, `${base}/login`, loginReady, false));
      loginWarm.push(await timeTo(plain, `${base}/login`, loginReady, true));
      await plain.close();
      const context = await signedIn();
      caseCold.push(await timeTo(context, `${base}${casePath}`, caseUsable, false));
      caseWarm.push(await timeTo(context, `${base}${casePath}`, caseUsable, true));
      await context.close();
    }

    const row = (name: string, x: Transfer) =>
      `${name.padEnd(10)} scripts ${String(x.scripts).padStart(2)}: ${kb(x.gzipScript).padStart(9)} gzipped, ${kb(x.wireScript).padStart(9)} on the wire | css ${x.styles}: ${kb(x.gzipStyle)} gzipped, ${kb(x.wireStyle)} on the wire`;
    console.log(`\nweb bench (${RUNS} runs, headless chromium, ${base})`);
    console.log(row('login', loginTransfer));
    console.log(row('case page', caseTransfer));
    console.log(
      `login page usable:  cold ${median(loginCold)} ms, warm ${median(loginWarm)} ms (median)`,
    );
    console.log(
      `case page usable:   cold ${median(caseCold)} ms, warm ${median(caseWarm)} ms (median)`,
    );
    const scriptOk = loginTransfer.gzipScript < LOGIN_SCRIPT_BUDGET;
    const usableOk = median(caseCold) < CASE_USABLE_BUDGET_MS;
    console.log(
      `budgets: login script < 400 KB gzipped: ${scriptOk ? 'met' : 'NOT met'}; case page usable < 1.5 s (cold): ${usableOk ? 'met' : 'NOT met'}`,
    );
  } finally {
    await browser?.close();
    await t.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
