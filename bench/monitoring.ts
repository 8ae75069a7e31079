import 'reflect-metadata';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createUser, Http } from '../test/support/http';
import { startTestApp } from '../test/support/test-app';

/**
 * Early warning at district scale: N generated yearly expense records (default 1,000,000) are
 * uploaded as ONE streamed `text/csv` request over a real socket (parsed as they arrive, checked
 * row by row, upserted in batches), then `POST /monitoring/runs` applies the thresholds (one SQL
 * scan) and opens the outreach cases; a second run scans again and opens none.
 *
 *   npm run bench:monitoring -- [rows=1000000]
 *
 * Prints rows/s for the import and the scan (goal: scan >= 50,000 rows/s), the cases opened per
 * second, and the peak RSS of this process (which holds the generator, the HTTP client and the
 * service). The data: 40% employees, 20% retirees, 40% residents; 6% in a relief category;
 * 0.6% with heavy costs (over every threshold); 0.1% with a bad check digit (reported rows).
 */
const ROWS = Number(process.argv[2] ?? 1_000_000);
const YEAR = 2026;
const SCAN_GOAL = 50_000;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const DAY_MS = 86_400_000;
const FIRST_BIRTH = Date.UTC(1940, 0, 1);

/** mulberry32: a small deterministic PRNG, so every run uploads the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Person i: a distinct valid resident ID (birth day i / 1000 after 1940-01-01, sequence i % 1000). */
function residentId(i: number, corrupt: boolean): string {
  const birth = new Date(FIRST_BIRTH + Math.floor(i / 1000) * DAY_MS).toISOString();
  const first17 = `330106${birth.slice(0, 4)}${birth.slice(5, 7)}${birth.slice(8, 10)}${String(i % 1000).padStart(3, '0')}`;
  let sum = 0;
  for (let k = 0; k < 17; k++) {
    sum += (first17.charCodeAt(k) - 48) * ID_WEIGHTS[k];
  }
  const check = ID_CHECK[(sum + (corrupt ? 1 : 0)) % 11];
  return first17 + check;
}

const money = (cents: number): string => (cents / 100).toFixed(2);
const CATEGORIES = ['TEKUN', 'DIBAO', 'DIBIAN', 'DISABLED', 'ILLNESS_POVERTY'];

function* csvChunks(rows: number): Generator<string> {
  const rnd = prng(20261124);
  yield 'idNumber,name,streetCode,insuranceType,category,year,inPolicyCost,insurancePaid,reliefPaid,outOfPolicyCost\n';
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const r = rnd();
    const insurance = r < 0.4 ? 'EMPLOYEE' : r < 0.6 ? 'RETIREE' : 'RESIDENT';
    const category = rnd() < 0.06 ? CATEGORIES[Math.floor(rnd() * CATEGORIES.length)] : '';
    const heavy = rnd() < 0.006;
    const inPolicy = heavy
      ? 20_000_000 + Math.floor(rnd() * 30_000_000)
      : Math.floor(rnd() * 2_000_000);
    const insurancePaid = Math.floor(inPolicy * (heavy ? 0.5 : 0.6 + rnd() * 0.25));
    const reliefPaid = category && !heavy ? Math.floor((inPolicy - insurancePaid) * 0.7) : 0;
    const outOfPolicy = heavy
      ? 1_000_000 + Math.floor(rnd() * 5_000_000)
      : Math.floor(rnd() * 500_000);
    const street = `3301060${String(1 + (i % 11)).padStart(2, '0')}`;
    chunk += `${residentId(i, rnd() < 0.001)},居民${i},${street},${insurance},${category},${YEAR},${money(inPolicy)},${money(insurancePaid)},${money(reliefPaid)},${money(outOfPolicy)}\n`;
    if ((i + 1) % 2000 === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) {
    yield chunk;
  }
}

/** Peak RSS sampled every 50 ms (the generator, client and service share this process). */
class RssPeak {
  private peak = 0;
  private heapPeak = 0;
  private readonly timer = setInterval(() => this.sample(), 50);
  sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.peak = Math.max(this.peak, rss);
    this.heapPeak = Math.max(this.heapPeak, heapUsed);
  }
  /** Peak RSS since the last take (and the peak JS heap in use, kept in `lastHeap`). */
  take(): number {
    this.sample();
    const p = this.peak;
    this.lastHeap = this.heapPeak;
    this.peak = 0;
    this.heapPeak = 0;
    return p;
  }
  lastHeap = 0;
  stop(): void {
    clearInterval(this.timer);
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function postCsv(url: string, token: string, body: Readable): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v1/monitoring/expense-records`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          if (res.statusCode !== 201) {
            reject(new Error(`import: ${res.statusCode} ${text.slice(0, 500)}`));
          } else {
            resolve(parsed);
          }
        });
      },
    );
    req.on('error', reject);
    pipeline(body, req).catch(reject);
  });
}

async function main(): Promise<void> {
  const t = await startTestApp({ env: { LOG_LEVEL: 'error' } });
  await t.app.listen(0, '127.0.0.1');
  const url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  const anon = new Http(t.app);
  const caseworker = await createUser(await anon.loginAdmin(), anon, { roles: ['CASEWORKER'] });
  // The bench streams over a real socket, so it needs the bearer token the inject client holds.
  const token = (caseworker.http as unknown as { token: string }).token;
  const rss = new RssPeak();
  const baseline = rss.take();

  let started = performance.now();
  const imported = await postCsv(url, token, Readable.from(csvChunks(ROWS)));
  const importSeconds = (performance.now() - started) / 1000;
  const importPeak = rss.take();
  const importHeap = rss.lastHeap;

  started = performance.now();
  const first = await caseworker.http.post<Record<string, number>>('/api/v1/monitoring/runs', {
    year: YEAR,
  });
  const firstSeconds = (performance.now() - started) / 1000;
  const firstPeak = rss.take();
  const second = await caseworker.http.post<Record<string, number>>('/api/v1/monitoring/runs', {
    year: YEAR,
  });
  const secondPeak = rss.take();
  rss.stop();
  if (first.status !== 201 || second.status !== 201) {
    throw new Error(`run: ${first.status} ${JSON.stringify(first.body).slice(0, 500)}`);
  }
  const a = first.body;
  const b = second.body;
  const scanRate = (n: number, ms: number): number => n / (ms / 1000);

  console.log(
    `monitoring: ${ROWS.toLocaleString('en')} generated rows, year ${YEAR}; RSS with the service started ${mib(baseline)}`,
  );
  console.log(
    `  import  ${Number(imported.accepted).toLocaleString('en')} accepted, ${Number(imported.rejectedCount).toLocaleString('en')} rejected in ${importSeconds.toFixed(1)} s: ${(ROWS / importSeconds).toFixed(0)} rows/s (streamed text/csv over HTTP), peak RSS ${mib(importPeak)} (JS heap in use ${mib(importHeap)})`,
  );
  console.log(
    `  run 1   scanned ${a.scanned.toLocaleString('en')}, flagged ${a.flagged.toLocaleString('en')} in ${a.scanMs} ms: scan ${scanRate(a.scanned, a.scanMs).toFixed(0)} rows/s (goal >= ${SCAN_GOAL.toLocaleString('en')}, ratio ${(scanRate(a.scanned, a.scanMs) / SCAN_GOAL).toFixed(1)})`,
  );
  console.log(
    `          ${a.casesOpened.toLocaleString('en')} outreach cases opened in ${(a.casesMs / 1000).toFixed(1)} s: ${(a.casesOpened / (a.casesMs / 1000)).toFixed(0)} cases/s; whole run ${firstSeconds.toFixed(1)} s, peak RSS ${mib(firstPeak)}`,
  );
  console.log(
    `  run 2   scanned ${b.scanned.toLocaleString('en')} in ${b.scanMs} ms: scan ${scanRate(b.scanned, b.scanMs).toFixed(0)} rows/s; ${b.newlyFlagged} newly flagged, ${b.casesOpened} cases opened, peak RSS ${mib(secondPeak)}`,
  );
  console.log(`  process peak RSS (getrusage) ${mib(process.resourceUsage().maxRSS * 1024)}`);
  await t.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
