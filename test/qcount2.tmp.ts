import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { startTestApp } from './support/test-app';
import { createUser, Http } from './support/http';
import { reliefApplication } from './factories/relief';
async function main() {
  const t = await startTestApp({ env: { LOG_LEVEL: 'error', OUTBOX_RELAY_INTERVAL_MS: '600000' } });
  const anon = new Http(t.app); const admin = await anon.loginAdmin();
  const street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
  const cw = await createUser(admin, anon, { roles: ['CASEWORKER'] });
  const mg = await createUser(admin, anon, { roles: ['MANAGER'] });
  const ds = t.app.get(DataSource);
  const orig = ds.driver.createQueryRunner.bind(ds.driver);
  let n = 0; const seen: string[] = [];
  (ds.driver as any).createQueryRunner = (mode: any) => { const qr = orig(mode); const q = qr.query.bind(qr); qr.query = (sql: string, p?: any, s?: any) => { n++; seen.push(sql.slice(0, 100).replace(/\s+/g,' ')); return q(sql, p, s); }; return qr; };
  const show = (label: string) => { console.log(`--- ${label}: ${n}`); console.log(seen.join('\n')); n = 0; seen.length = 0; };
  const created = await street.http.post<{id:string}>('/api/v1/relief-applications', reliefApplication(), {'idempotency-key':'q1'});
  show('create');
  const ev = `/api/v1/cases/${created.body.id}/events`;
  await cw.http.post(ev, { type: 'ACCEPT' }); show('ACCEPT');
  const r = await cw.http.post(ev, { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: 'DB-1' }); show('VERIFY ' + r.status);
  await cw.http.post(ev, { type: 'PROPOSE' }); show('PROPOSE');
  await mg.http.post(ev, { type: 'APPROVE' }); show('APPROVE');
  await t.close();
}
void main();
