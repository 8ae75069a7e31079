/**
 * Several database hosts (DATABASE_HOSTS) against the real test MariaDB: the failover pool skips
 * a node that refuses connections, every connection gets the session settings, and a transaction
 * whose connection dies before its COMMIT runs again and commits once. (The Galera faults
 * themselves are in `npm run test:ha`, test/ha/.)
 */
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { createDataSource, databaseOptions } from '../src/database/database-options';
import { CommitOutcomeUnknownError, withRetry } from '../src/database/with-retry';
import { writeBehindTransaction } from '../src/database/write-behind';
import { freePort } from './support/processes';
import { createTestDatabase, type TestDatabase } from './support/test-app';

describe('DATABASE_HOSTS: one node written to at a time, the next when it fails', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let live: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const u = new URL(db.url);
    live = `${u.hostname}:${u.port}`;
    // The first host refuses connections (nothing listens there).
    const dead = `127.0.0.1:${await freePort()}`;
    dataSource = await createDataSource(databaseOptions(db.url, true, `${dead},${live}`));
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should run the migrations and queries on the first node that answers', async () => {
    const [row] = await dataSource.query<Array<{ port: number; iso: string }>>(
      'SELECT @@port AS port, @@tx_isolation AS iso',
    );
    expect(String(row.port)).toBe(live.split(':')[1]);
    // The session settings of every connection (READ COMMITTED, as on the single-node path).
    expect(row.iso).toBe('READ-COMMITTED');
    const tables = await dataSource.query<unknown[]>('SHOW TABLES LIKE "cases"');
    expect(tables).toHaveLength(1);
  });

  it('should run a transaction again when its connection is killed before COMMIT, and commit it once', async () => {
    await dataSource.query('CREATE TABLE failover_probe (id INT PRIMARY KEY, n INT NOT NULL)');
    await dataSource.query('INSERT INTO failover_probe VALUES (1, 0)');
    const admin = await createConnection(db.url);
    let attempts = 0;
    try {
      await withRetry(
        () =>
          writeBehindTransaction(dataSource, async (m) => {
            attempts += 1;
            await m.query('UPDATE failover_probe SET n = n + 1 WHERE id = 1');
            if (attempts === 1) {
              // The node "dies" under the open transaction: the server rolls it back.
              const [{ id }] = await m.query<Array<{ id: number }>>('SELECT CONNECTION_ID() AS id');
              await admin.query(`KILL ${id}`);
              await m.query('SELECT 1'); // the next statement finds the connection gone
            }
          }),
        { unavailablePauseMs: 10 },
      );
    } finally {
      await admin.end();
    }
    expect(attempts).toBe(2);
    const [row] = await dataSource.query<Array<{ n: number }>>(
      'SELECT n FROM failover_probe WHERE id = 1',
    );
    expect(Number(row.n)).toBe(1);
  });

  it('should not run it again when the connection goes with the COMMIT (its outcome unknown): 503 for the client', async () => {
    await dataSource.query('INSERT INTO failover_probe VALUES (2, 0)');
    const admin = await createConnection(db.url);
    let attempts = 0;
    try {
      await expect(
        withRetry(
          () =>
            writeBehindTransaction(dataSource, async (m) => {
              attempts += 1;
              await m.query('UPDATE failover_probe SET n = n + 1 WHERE id = 2');
              const [{ id }] = await m.query<Array<{ id: number }>>('SELECT CONNECTION_ID() AS id');
              await admin.query(`KILL ${id}`);
            }),
          { unavailablePauseMs: 10 },
        ),
      ).rejects.toBeInstanceOf(CommitOutcomeUnknownError);
    } finally {
      await admin.end();
    }
    expect(attempts).toBe(1);
  });
});
