import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, databaseOptions } from '../src/database/database-options';
import { createTestDatabase, type TestDatabase } from './support/test-app';

/** Migration 1764000022000-DeadlineReminders, down and up again, on a database with reminders. */
describe('reminders move between sla_alerts rows and their deadlines, both ways', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const remindAt = new Date('2026-12-10T01:00:00.000Z');
  const columns = `case_id, name, kind, entry_seq, restart, duration, started_at, due_at,
    on_expire_event, status, queued_at`;
  const alertColumns = `case_id, deadline_id, kind, level, deadline_key, due_at, status, outcome,
    created_at, sent_at`;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource(databaseOptions(db.url, true));
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should keep the reminder of an open deadline and drop that of a closed one', async () => {
    const open = randomUUID();
    const closed = randomUUID();
    for (const [caseId, closedAt] of [
      [open, null],
      [closed, new Date('2026-12-04T00:00:00.000Z')],
    ] as const) {
      await ds.query(
        `INSERT INTO case_deadlines (${columns}, remind_at, closed_at)
         VALUES (?, 'review', 'state', 2, 0, '5wd', ?, ?, NULL, ?, NULL, ?, ?)`,
        [
          caseId,
          new Date('2026-12-03T00:00:00.000Z'),
          new Date('2026-12-11T16:00:00.000Z'),
          closedAt ? 'cancelled' : 'pending',
          remindAt,
          closedAt,
        ],
      );
    }

    // Down: the open deadline's reminder becomes a scheduled row again, the column goes.
    await ds.undoLastMigration({ transaction: 'each' });
    expect(
      await ds.query('SELECT case_id, kind, level, deadline_key, due_at, status FROM sla_alerts'),
    ).toEqual([
      {
        case_id: open,
        kind: 'reminder',
        level: 0,
        deadline_key: 'state-review-2',
        due_at: remindAt,
        status: 'scheduled',
      },
    ]);
    expect(await ds.query("SHOW COLUMNS FROM case_deadlines LIKE 'remind_at'")).toEqual([]);

    // As the code before wrote them: a scheduled reminder for the closed deadline too, and a sent one.
    const [closedRow] = await ds.query<Array<{ id: string }>>(
      'SELECT id FROM case_deadlines WHERE case_id = ?',
      [closed],
    );
    await ds.query(
      `INSERT INTO sla_alerts (${alertColumns}) VALUES
         (?, ?, 'reminder', 0, 'state-review-2', ?, 'scheduled', NULL, NOW(3), NULL),
         (?, ?, 'breach', 0, 'state-review-2', ?, 'sent', '1 notified', NOW(3), NOW(3))`,
      [closed, closedRow.id, remindAt, closed, closedRow.id, remindAt],
    );

    // Up: the open deadline reminds at the same time; no scheduled reminder row is left.
    await ds.runMigrations({ transaction: 'each' });
    expect(await ds.query('SELECT case_id, remind_at FROM case_deadlines ORDER BY id')).toEqual([
      { case_id: open, remind_at: remindAt },
      { case_id: closed, remind_at: null },
    ]);
    expect(await ds.query('SELECT case_id, kind, status FROM sla_alerts')).toEqual([
      { case_id: closed, kind: 'breach', status: 'sent' },
    ]);
  });
});
