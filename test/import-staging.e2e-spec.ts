import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { expenseRecord, recordsCsv } from './factories/monitoring';
import { eventually, Http } from './support/http';
import { ADMIN, startTestApp, type TestApp } from './support/test-app';

const URL = '/api/v1/monitoring/expense-records';

/**
 * Issue 17 item 10 on real MariaDB and Redis: a CSV import that trickles in holds no transaction
 * (its rows are staged first), and imports beyond IMPORT_CONCURRENCY are refused at once with
 * 503 and Retry-After instead of piling up.
 */
describe('imports: staged before the transaction, a cap on how many at once', () => {
  let t: TestApp;
  let ds: DataSource;
  let token: string;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { IMPORT_CONCURRENCY: '1' } });
    ds = t.app.get(DataSource);
    const login = await new Http(t.app).post<{ accessToken: string }>('/api/v1/auth/login', ADMIN);
    const admin = new Http(t.app, login.body.accessToken);
    const res = await admin.post<{ id: string }>('/api/v1/users', {
      username: 'importer',
      password: 'password-123',
      displayName: '导入员',
      roles: ['CASEWORKER'],
    });
    expect(res.status).toBe(201);
    token = (
      await new Http(t.app).post<{ accessToken: string }>('/api/v1/auth/login', {
        username: 'importer',
        password: 'password-123',
      })
    ).body.accessToken;
    // A real socket: the slow upload must reach the service a line at a time.
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t?.close());

  const csvImport = (payload: string) =>
    t.app.inject({
      method: 'POST',
      url: URL,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload,
    });
  /** An upload over a socket whose body the test sends bit by bit. */
  const slowImport = () => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: URL,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    return { req, answer };
  };
  /** Transactions open for more than half a second on the server (none should be). */
  const longTransactions = async (): Promise<number> => {
    const [{ n }]: Array<{ n: string }> = await ds.query(
      // This app's database only: another test's deadline batch, held until its due time, is
      // a long transaction of its own database.
      `SELECT COUNT(*) AS n FROM information_schema.innodb_trx t
         JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id
        WHERE p.db = DATABASE() AND TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) > 500000`,
    );
    return Number(n);
  };

  it('holds no transaction while a slow upload arrives, and refuses a second import meanwhile', async () => {
    const [first, second, third] = [expenseRecord(), expenseRecord(), expenseRecord()];
    const lines = recordsCsv([first, second]).split('\n');
    const slow = slowImport();
    slow.req.write(`${lines[0]}\n${lines[1]}\n`);
    // Time for the socket to connect and the import to start reading (it takes the slot).
    await new Promise((r) => setTimeout(r, 1000));

    // The slow import holds the only slot: another is refused at once, naming when to retry.
    const refused = await eventually(async () => {
      const res = await csvImport(recordsCsv([third]));
      return res.statusCode === 503 ? res : undefined;
    });
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 1500));
    expect(await longTransactions()).toBe(0);
    const [{ n: before }]: Array<{ n: string }> = await ds.query(
      'SELECT COUNT(*) AS n FROM monitoring_expense_records',
    );
    expect(Number(before)).toBe(0);

    slow.req.end(`${lines[2]}\n`);
    const done = await slow.answer;
    expect(done.status).toBe(201);
    expect(JSON.parse(done.body)).toMatchObject({ accepted: 2, rejectedCount: 0 });

    // The slot is free again.
    const after = await csvImport(recordsCsv([third]));
    expect(after.statusCode).toBe(201);
    const [{ n }]: Array<{ n: string }> = await ds.query(
      'SELECT COUNT(*) AS n FROM monitoring_expense_records',
    );
    expect(Number(n)).toBe(3);
  });

  it('writes nothing when the upload breaks off, and frees its slot', async () => {
    const broken = slowImport();
    const lines = recordsCsv([expenseRecord()]).split('\n');
    broken.req.write(`${lines[0]}\n${lines[1]}\n`);
    await new Promise((r) => setTimeout(r, 300));
    broken.req.destroy(new Error('client went away'));
    await broken.answer.catch(() => undefined);
    const [{ n }]: Array<{ n: string }> = await ds.query(
      'SELECT COUNT(*) AS n FROM monitoring_expense_records',
    );
    expect(Number(n)).toBe(3);
    const again = await eventually(async () => {
      const res = await csvImport(recordsCsv([expenseRecord()]));
      return res.statusCode === 201 ? res : undefined;
    });
    expect(again.json()).toMatchObject({ accepted: 1 });
  });
});
