import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

/** A built web app in miniature (what `vite build` writes to dist/web). */
function fakeWebBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="zh-CN"><body><div id="root"></div><script type="module" src="/assets/index-AbC123.js"></script></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log("workbench");\n');
  writeFileSync(join(dir, 'assets', 'index-AbC123.css'), 'body{margin:0}\n');
  return dir;
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the workbench is served at / (static files, SPA fallback, the API untouched)', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEB_DIST: fakeWebBuild() } });
    http = new Http(t.app);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('should answer / with index.html that browsers revalidate, under a CSP', async () => {
    const res = await http.request<string>('GET', '/', undefined, HTML);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(res.body).toContain('<div id="root">');
  });

  it('should serve hashed assets as immutable for a year', async () => {
    const js = await http.request('GET', '/assets/index-AbC123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await http.request('GET', '/assets/index-AbC123.css');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('should answer an app route opened in the browser with index.html (deep links, reloads)', async () => {
    for (const path of [
      '/tasks',
      '/cases/3f1e5f8e-1b7a-4c47-9d0c-2f4b8f0f7c11',
      '/relief/new?x=1',
    ]) {
      const res = await http.request<string>('GET', path, undefined, HTML);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('should leave the API, docs, health, metrics and missing assets alone', async () => {
    // An unknown API path is the API's own 404 problem, even from a browser.
    const api = await http.request('GET', '/api/v1/no-such-thing', undefined, HTML);
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    // A real API route still answers JSON (401 without a token).
    const tasks = await http.request('GET', '/api/v1/tasks', undefined, HTML);
    expect(tasks.status).toBe(401);
    expect((await http.request('GET', '/health')).status).toBe(200);
    const metrics = await http.request('GET', '/metrics', undefined, HTML);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const docs = await http.request('GET', '/docs-json', undefined, HTML);
    expect(docs.status).toBe(200);
    expect(docs.headers['content-type']).toMatch(/json/);
    // An asset that is not there is a 404, never the app.
    expect((await http.request('GET', '/assets/gone-XyZ.js', undefined, HTML)).status).toBe(404);
    // The managers' dashboard is a page of the app now, at its old address.
    const dashboard = await http.request<string>('GET', '/dashboard', undefined, HTML);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain('<div id="root">');
  });

  it('should not answer scripts and other methods with the app', async () => {
    const json = await http.request('GET', '/tasks', undefined, { accept: 'application/json' });
    expect(json.status).toBe(404);
    const post = await http.request('POST', '/tasks', { a: 1 }, HTML);
    expect(post.status).toBe(404);
  });
});
