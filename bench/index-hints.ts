import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createPool } from 'mysql2/promise';
import { createDataSource, databaseOptions } from '../src/database/database-options';
import { OPEN_DEADLINES_INDEX } from '../src/engine/persistence/deadline-repository';
import { createTestDatabase } from '../test/support/test-app';
import { processCpu, serverPids } from './support';

/**
 * What the index hint on a case's own deadlines saves the server, by the size of the pending
 * backlog. Every transition that leaves a state closes the state's deadline (`UPDATE … WHERE
 * case_id = ? AND closed_at IS NULL AND status IN (…)`), writes the next one and reads the case's
 * open deadlines for its answer. Without a hint the optimizer estimates the `status IN (…)`
 * ranges in each of the table's status indexes, whose size is the backlog.
 *
 * On a fresh database: BACKLOG pending deadlines of other cases due weeks ahead, then ROUNDS
 * rounds, each running those three statements N times (one connection, rolled back each time)
 * without the hint and with it; mariadbd's CPU per time.
 *
 *   bash scripts/with-services.sh node -r ts-node/register/transpile-only bench/index-hints.ts \
 *     [backlog=100000] [n=3000] [rounds=2]
 *
 * Prints, per round and variant:
 *   index hints: backlog <k>, <variant>: mariadbd <u> µs per transition's deadline statements
 */
const BACKLOG = Number(process.argv[2] ?? 100_000);
const N = Number(process.argv[3] ?? 3000);
const ROUNDS = Number(process.argv[4] ?? 2);

const COLUMNS = `case_id, name, kind, entry_seq, restart, duration, started_at, due_at, on_expire_event,
  status, queued_at`;
const closeSql = (hint: string): string =>
  `UPDATE case_deadlines ${hint} SET status = IF(status = 'pending', 'cancelled', status),
     closed_at = NOW(3)
   WHERE case_id = ? AND closed_at IS NULL AND status IN ('pending', 'overdue', 'fired')
     AND kind = 'state' AND name IN ('review')`;
const INSERT_NEXT = `INSERT INTO case_deadlines (${COLUMNS})
  VALUES (?, 'review', 'state', 2, 0, '3wd', NOW(3), ?, NULL, 'pending', NULL)`;
const answerSql = (hint: string): string =>
  `SELECT 'd' AS what, case_id, name, kind, due_at, status, NULL AS linked_case_id
     FROM case_deadlines ${hint}
    WHERE case_id IN (?) AND closed_at IS NULL AND status IN ('pending', 'overdue')
   UNION ALL
   SELECT 'l', case_id, rel, NULL, NULL, NULL, linked_case_id FROM case_links WHERE case_id IN (?)
   ORDER BY due_at`;

async function main(): Promise<void> {
  const { mariadbd } = serverPids();
  if (!mariadbd) {
    throw new Error('index hints: mariadbd of DATABASE_URL does not run on this machine');
  }
  const db = await createTestDatabase();
  const migrated = await createDataSource(databaseOptions(db.url, true));
  await migrated.destroy();
  const pool = createPool({ uri: db.url, connectionLimit: 2, multipleStatements: true });
  try {
    const weeks = Date.now() + 14 * 86_400_000;
    for (let done = 0; done < BACKLOG; done += 5000) {
      const rows = Array.from({ length: Math.min(5000, BACKLOG - done) }, () => [
        randomUUID(),
        'backlog',
        'state',
        1,
        0,
        '20wd',
        new Date(),
        new Date(weeks + Math.random() * 30 * 86_400_000),
        null,
        'pending',
        null,
      ]);
      await pool.query(`INSERT INTO case_deadlines (${COLUMNS}) VALUES ?`, [rows]);
    }
    await pool.query('ANALYZE TABLE case_deadlines');
    const cases = Array.from({ length: 200 }, () => randomUUID());
    for (const id of cases) {
      await pool.query(INSERT_NEXT, [id, new Date(weeks)]);
    }
    const connection = await pool.getConnection();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const hint of ['', `FORCE INDEX (${OPEN_DEADLINES_INDEX})`]) {
        const sql = `START TRANSACTION; ${closeSql(hint)}; ${INSERT_NEXT}; ${answerSql(hint)}; ROLLBACK`;
        const before = processCpu(mariadbd);
        for (let i = 0; i < N; i++) {
          const id = cases[i % cases.length];
          await connection.query(sql, [id, id, new Date(weeks), [id], [id]]);
        }
        const us = ((processCpu(mariadbd) - before) / N) * 1e6;
        console.log(
          `index hints: backlog ${BACKLOG}, ${hint || 'no hint'}: mariadbd ${us.toFixed(0)} µs ` +
            `per transition's deadline statements (round ${round})`,
        );
      }
    }
    connection.release();
  } finally {
    await pool.end();
    await db.drop();
  }
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
