import { Connection } from 'mysql2';
import {
  type AfterQueryEvent,
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  EventSubscriber,
} from 'typeorm';
import {
  insertWithLateId,
  resolveLateIds,
  whenLateIdKnown,
  withLateIds,
} from '../src/database/late-id';
import {
  deferRow,
  deferWrite,
  markWrites,
  readAhead,
  readTogether,
  undoSince,
  whenCommitted,
  writeBehindTransaction,
} from '../src/database/write-behind';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { CaseLookup } from '../src/engine/case-lookup';
import { CaseEntity } from '../src/engine/entities/case.entity';
import { CaseRepository } from '../src/engine/persistence/case-repository';
import { OUTBOX_HORIZON_MS, OutboxRelay } from '../src/engine/outbox/outbox-relay.service';
import { OutboxWriter } from '../src/engine/outbox/outbox-writer';
import { JOBS, type OutboxJob } from '../src/queue/jobs';
import { QueueService } from '../src/queue/queue.service';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { eventually } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

const manager = { id: 'manager-1', roles: ['MANAGER'] as const, streetCode: null };
const streetOffice = { id: 'street-1', roles: ['STREET_OFFICE'] as const, streetCode: '330106001' };

describe('write-behind transactions and leased outbox rows (real MariaDB and Redis)', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp({
      workflows: [testFixtureWorkflow],
      // Within the deadline horizon (1 h): the deadline's job goes through the outbox at once.
      policy: { deadlines: { 'test-fixture': { waiting: '30m' } } },
      // The periodic relay must not hide what the after-commit hand-over does.
      env: { OUTBOX_RELAY_INTERVAL_MS: '600000' },
    });
    ds = t.app.get(DataSource);
    await ds.query('CREATE TABLE wb_rows (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)');
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    await ds.query('DELETE FROM wb_rows');
  });

  const rows = async (): Promise<Array<{ id: number; v: string }>> =>
    ds.query('SELECT id, v FROM wb_rows ORDER BY id');

  /** A test-fixture case in `draft` for an applicant of this name. */
  const openFixtureCase = async (name: string): Promise<string> => {
    const opened = await t.app.get(CaseEngine).openCase({
      type: 'test-fixture',
      input: { applicant: { name, idNumber: '110105194912310029', phone: '13812345678' } },
      actor: SYSTEM,
      streetCode: '330106001',
    });
    return opened.id;
  };

  it('should run every pooled connection READ COMMITTED without a SET TRANSACTION per transaction', async () => {
    // SLEEP keeps each connection busy, so the 25 queries spread over the whole pool (20).
    const seen = await Promise.all(
      Array.from({ length: 25 }, () =>
        ds.query<Array<{ level: string; id: string }>>(
          'SELECT @@tx_isolation AS level, CONNECTION_ID() AS id, SLEEP(0.05) AS s',
        ),
      ),
    );
    const levels = new Set(seen.map(([r]) => r.level));
    const connections = new Set(seen.map(([r]) => String(r.id)));
    expect(levels).toEqual(new Set(['READ-COMMITTED']));
    expect(connections.size).toBeGreaterThan(10);
  });

  it('should let a later statement of the transaction read the deferred writes, and commit them', async () => {
    const read = await writeBehindTransaction(ds, async (m) => {
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [1, 'a']);
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?), (?, ?)', [2, 'b', 3, 'c']);
      await deferWrite(m, 'UPDATE wb_rows SET v = ? WHERE id = ?', ['B', 2]);
      // Nothing has reached the server yet: another connection sees no row.
      expect(await rows()).toEqual([]);
      return m.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM wb_rows');
    });
    expect(Number(read[0].n)).toBe(3);
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'B' },
      { id: 3, v: 'c' },
    ]);
  });

  it('should send writes queued after the last read with the COMMIT', async () => {
    await writeBehindTransaction(ds, async (m) => {
      await m.query('SELECT 1');
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [7, 'late']);
    });
    expect(await rows()).toEqual([{ id: 7, v: 'late' }]);
  });

  it('should send the rows of one table queued in one packet as one multi-row INSERT, each read seeing those before it', async () => {
    const head = 'INSERT INTO wb_rows (id, v) VALUES';
    const inserts = async (m: EntityManager): Promise<number> => {
      const [r] = await m.query<Array<{ Value: string }>>("SHOW SESSION STATUS LIKE 'Com_insert'");
      return Number(r.Value);
    };
    const seen = await writeBehindTransaction(ds, async (m) => {
      const before = await inserts(m);
      await deferRow(m, head, '(?, ?)', [1, 'a']);
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [10, 'plain']);
      await deferRow(m, head, '(?, ?)', [2, 'b']);
      await deferRow(m, head, '(?, ?)', [3, 'c']);
      const firstPacket = (await inserts(m)) - before; // the read flushed them: two statements
      await deferRow(m, head, '(?, ?)', [4, 'd']);
      const [{ n }] = await m.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM wb_rows');
      await deferRow(m, head, '(?, ?)', [5, 'e']);
      await deferRow(m, head, '(?, ?)', [6, 'f']);
      return { firstPacket, n: Number(n), total: (await inserts(m)) - before };
    });
    // Four rows went as two statements; then one alone (a read came next); then two together.
    expect(seen).toEqual({ firstPacket: 2, n: 5, total: 4 });
    expect((await rows()).map((r) => r.v)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'plain']);
    // Outside a write-behind transaction a row is written at once.
    await ds.transaction(async (m) => {
      await deferRow(m, head, '(?, ?)', [11, 'now']);
      expect(await m.query('SELECT v FROM wb_rows WHERE id = 11')).toEqual([{ v: 'now' }]);
    });
  });

  it('should lock a batch of case rows in one statement and hand each to its first lock without a round trip', async () => {
    const cases = t.app.get(CaseRepository);
    const ids: string[] = [];
    for (const name of ['李四', '王五', '赵六']) {
      ids.push(await openFixtureCase(name));
    }
    const selects = async (m: EntityManager): Promise<number> => {
      const [r] = await m.query<Array<{ Value: string }>>("SHOW SESSION STATUS LIKE 'Com_select'");
      return Number(r.Value);
    };
    await cases.transaction(async (m) => {
      await cases.lockMany(m, ids);
      const before = await selects(m);
      const first = await Promise.all(ids.map((id) => cases.lock(m, id)));
      const afterFirst = await selects(m);
      // Another transaction cannot take any of the rows meanwhile.
      await expect(
        ds.query('SELECT id FROM cases WHERE id = ? FOR UPDATE NOWAIT', [ids[2]]),
      ).rejects.toThrow(/Lock wait|lock/i);
      const again = await cases.lock(m, ids[0]); // the second time: read from the server
      expect(first.map((r) => r.id)).toEqual(ids);
      expect(first[1].data).toMatchObject({ applicant: { name: '王五' } });
      expect(again.version).toBe(first[0].version);
      // No SELECT for the three first locks; one for the second lock of the same case.
      expect(afterFirst - before).toBe(0);
      expect((await selects(m)) - afterFirst).toBe(1);
    });
  });

  it('should read who sent what on each case with the batch lock, and hand each read over once', async () => {
    const cases = t.app.get(CaseRepository);
    const ids = [await openFixtureCase('钱七'), await openFixtureCase('孙八')];
    const selects = async (m: EntityManager): Promise<number> => {
      const [r] = await m.query<Array<{ Value: string }>>("SHOW SESSION STATUS LIKE 'Com_select'");
      return Number(r.Value);
    };
    await cases.transaction(async (m) => {
      await cases.lockMany(
        m,
        ids,
        ids.map((caseId) => ({ caseId, actorId: SYSTEM.id, types: ['CASE_OPENED', 'SUBMIT'] })),
      );
      const before = await selects(m);
      const [row, sent] = await cases.lockReadingSent(m, ids[1], SYSTEM.id, [
        'CASE_OPENED',
        'SUBMIT',
      ]);
      expect(row.id).toBe(ids[1]);
      expect([...sent]).toEqual(['CASE_OPENED']); // the fixture cases were opened by SYSTEM
      expect((await selects(m)) - before).toBe(0);
      // A read the batch did not make (another actor) goes to the server.
      const [, none] = await cases.lockReadingSent(m, ids[0], 'someone-else', ['CASE_OPENED']);
      expect([...none]).toEqual([]);
      expect((await selects(m)) - before).toBeGreaterThan(0);
    });
  });

  it('should forget what was queued since a mark when nothing was sent since, and only then', async () => {
    let called = false;
    await writeBehindTransaction(ds, async (m) => {
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [1, 'kept']);
      const mark = markWrites(m);
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [2, 'dropped']);
      whenCommitted(m, () => {
        called = true;
      });
      expect(undoSince(m, mark)).toBe(true);
      const sentMark = markWrites(m);
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [3, 'sent']);
      await m.query('SELECT 1');
      // Statements since this mark reached the server: they cannot be forgotten.
      expect(undoSince(m, sentMark)).toBe(false);
    });
    expect(called).toBe(false); // forgotten with its mark
    expect(await rows()).toEqual([
      { id: 1, v: 'kept' },
      { id: 3, v: 'sent' },
    ]);
    await ds.transaction((m) => {
      expect(markWrites(m)).toBeUndefined();
      expect(undoSince(m, undefined)).toBe(false);
      return Promise.resolve();
    });
  });

  it('should send reads together after the queued writes, in one packet, each with its own rows', async () => {
    await ds.query('INSERT INTO wb_rows (id, v) VALUES (1, ?)', ['a']);
    // Every packet a write-behind transaction sends is one query of its mysql2 connection.
    const packets = jest.spyOn(Connection.prototype, 'query');
    try {
      const [locked, seen] = await writeBehindTransaction(ds, async (m) => {
        await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [2, 'b']);
        const together = await readTogether(m, [
          { sql: 'SELECT v FROM wb_rows WHERE id = ? FOR UPDATE', params: [1] },
          { sql: 'SELECT id FROM wb_rows WHERE id IN (?) ORDER BY id', params: [[1, 2, 3]] },
        ]);
        expect(packets).toHaveBeenCalledTimes(1); // START, the insert and both reads
        // The row read under the lock cannot be taken by another transaction meanwhile.
        await expect(
          ds.query('SELECT id FROM wb_rows WHERE id = 1 FOR UPDATE NOWAIT'),
        ).rejects.toThrow(/Lock wait|lock/i);
        return together;
      });
      expect(locked).toEqual([{ v: 'a' }]);
      expect(seen.map((r) => Number(r.id))).toEqual([1, 2]); // the queued insert went first
    } finally {
      packets.mockRestore();
    }
  });

  it('should send a read ahead of the START, and neither START nor COMMIT when nothing follows', async () => {
    await ds.query('INSERT INTO wb_rows (id, v) VALUES (1, ?)', ['a']);
    const packets = jest.spyOn(Connection.prototype, 'query');
    try {
      const alone = await writeBehindTransaction(ds, (m) =>
        readAhead<Array<{ v: string }>>(m, 'SELECT v FROM wb_rows WHERE id = ?', [1]),
      );
      expect(alone).toEqual([{ v: 'a' }]);
      expect(packets.mock.calls.map((call) => (call as unknown[])[0] as string)).toEqual([
        'SELECT v FROM wb_rows WHERE id = ?',
      ]);
      packets.mockClear();
      // A transaction that goes on after it: the read went alone, the rest as before.
      await writeBehindTransaction(ds, async (m) => {
        await readAhead(m, 'SELECT v FROM wb_rows WHERE id = ?', [1]);
        await m.query('SELECT v FROM wb_rows WHERE id = ? FOR UPDATE', [1]);
        await deferWrite(m, 'UPDATE wb_rows SET v = ? WHERE id = ?', ['b', 1]);
        // Once the transaction has begun, a read ahead is an ordinary statement of it.
        await readAhead(m, 'SELECT v FROM wb_rows WHERE id = ?', [1]);
      });
      const sent = packets.mock.calls.map((call) => (call as unknown[])[0] as string);
      expect(sent).toHaveLength(4);
      expect(sent[0]).toBe('SELECT v FROM wb_rows WHERE id = ?');
      expect(sent[1]).toMatch(
        /^START TRANSACTION;\s*SELECT v FROM wb_rows WHERE id = \? FOR UPDATE$/,
      );
      expect(sent[2]).toMatch(/^UPDATE wb_rows SET v = \? WHERE id = \?;\s*SELECT v FROM wb_rows/);
      expect(sent[3]).toBe('COMMIT');
      expect(await ds.query('SELECT v FROM wb_rows WHERE id = 1')).toEqual([{ v: 'b' }]);
    } finally {
      packets.mockRestore();
    }
  });

  it("should read a person's cases oldest closed first, open ones before them, with the case holding a key in the same packet", async () => {
    const [open, newer, older] = [
      await openFixtureCase('甲'),
      await openFixtureCase('乙'),
      await openFixtureCase('丙'),
    ];
    const person = `wb-person-${Date.now()}`;
    await ds.query('INSERT INTO case_persons (person_key, case_id) VALUES (?, ?), (?, ?), (?, ?)', [
      person,
      newer,
      person,
      open,
      person,
      older,
    ]);
    await ds.query("UPDATE cases SET closed_at = '2026-03-02 00:00:00' WHERE id = ?", [newer]);
    await ds.query("UPDATE cases SET closed_at = '2026-03-01 00:00:00' WHERE id = ?", [older]);
    await ds.query('UPDATE cases SET exclusive_key = ? WHERE id = ?', [`${person}#key`, open]);
    const lookup = t.app.get(CaseLookup);
    const ids = (found: Array<{ id: string }>): string[] => found.map((c) => c.id);
    expect(ids(await lookup.ofPerson(ds.manager, person, { type: 'test-fixture' }))).toEqual([
      open,
      older,
      newer,
    ]);
    const packets = jest.spyOn(Connection.prototype, 'query');
    try {
      const [found, holder] = await writeBehindTransaction(ds, (m) =>
        lookup.ofPersonWithActiveKey(
          m,
          person,
          { type: 'test-fixture', exceptId: newer, shareLock: true },
          `${person}#key`,
        ),
      );
      expect(ids(found)).toEqual([open, older]);
      expect(holder).toBe(open);
      expect(packets).toHaveBeenCalledTimes(2); // the reads (with the START), the COMMIT
    } finally {
      packets.mockRestore();
    }
  });

  it('should still tell a subscriber that listens to queries about every packet', async () => {
    const seen: string[] = [];
    @EventSubscriber()
    class QueryWatcher implements EntitySubscriberInterface {
      afterQuery(event: AfterQueryEvent<unknown>): void {
        seen.push(event.query);
      }
    }
    const watched = new DataSource({
      ...ds.options,
      subscribers: [QueryWatcher],
      migrationsRun: false,
    });
    await watched.initialize();
    try {
      seen.splice(0);
      await writeBehindTransaction(watched, async (m) => {
        await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [3, 'c']);
        expect(await m.query('SELECT v FROM wb_rows WHERE id = ?', [3])).toEqual([{ v: 'c' }]);
      });
      expect(seen).toEqual([
        'START TRANSACTION;\nINSERT INTO wb_rows (id, v) VALUES (?, ?);\nSELECT v FROM wb_rows WHERE id = ?',
        'COMMIT',
      ]);
    } finally {
      await watched.destroy();
    }
    expect(await rows()).toEqual([{ id: 3, v: 'c' }]);
  });

  it('should commit a transaction made of deferred writes only', async () => {
    await writeBehindTransaction(ds, async (m) => {
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [8, 'only']);
    });
    expect(await rows()).toEqual([{ id: 8, v: 'only' }]);
  });

  it('should roll back everything when a deferred statement fails', async () => {
    await expect(
      writeBehindTransaction(ds, async (m) => {
        await m.query('INSERT INTO wb_rows (id, v) VALUES (?, ?)', [1, 'kept?']);
        await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [2, 'x']);
        await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [2, 'duplicate']);
      }),
    ).rejects.toThrow(/Duplicate entry/);
    expect(await rows()).toEqual([]);
  });

  it("should roll back everything when a deferred statement's check fails", async () => {
    await expect(
      writeBehindTransaction(ds, async (m) => {
        await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [1, 'a']);
        await deferWrite(m, 'UPDATE wb_rows SET v = ? WHERE id = ?', ['b', 99], (result) => {
          if ((result as { affectedRows: number }).affectedRows !== 1) {
            throw new Error('no row 99');
          }
        });
        await m.query('SELECT 1');
      }),
    ).rejects.toThrow('no row 99');
    expect(await rows()).toEqual([]);
  });

  it('should drop unsent writes when the callback throws', async () => {
    await expect(
      writeBehindTransaction(ds, async (m) => {
        await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [1, 'a']);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await rows()).toEqual([]);
  });

  it('should run deferred writes at once outside a write-behind transaction', async () => {
    await ds.transaction(async (m) => {
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [5, 'now']);
      const [{ n }] = await m.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM wb_rows');
      expect(Number(n)).toBe(1);
    });
    expect(await rows()).toEqual([{ id: 5, v: 'now' }]);
  });

  it('should run what waits for the commit after it, and never after a rollback or for a rolled-back savepoint', async () => {
    const seen: string[] = [];
    await writeBehindTransaction(ds, async (m) => {
      expect(whenCommitted(m, () => seen.push('outer'))).toBe(true);
      await m
        .transaction(async (inner) => {
          whenCommitted(inner, () => seen.push('rolled-back savepoint'));
          await inner.query('INSERT INTO wb_rows (id, v) VALUES (?, ?)', [1, 'a']);
          throw new Error('roll the savepoint back');
        })
        .catch(() => undefined);
      await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [2, 'b']);
      expect(seen).toEqual([]); // not before the COMMIT
    });
    expect(seen).toEqual(['outer']);
    await expect(
      writeBehindTransaction(ds, async (m) => {
        whenCommitted(m, () => seen.push('rolled back'));
        await deferWrite(m, 'INSERT INTO wb_rows (id, v) VALUES (?, ?)', [2, 'duplicate']);
      }),
    ).rejects.toThrow();
    expect(seen).toEqual(['outer']);
    expect(await rows()).toEqual([{ id: 2, v: 'b' }]);
    // A transaction whose commit the caller owns: nothing is registered.
    await ds.transaction(async (m) => {
      expect(whenCommitted(m, () => seen.push('caller'))).toBe(false);
      await m.query('SELECT 1');
    });
    expect(seen).toEqual(['outer']);
  });

  it('should give each deferred insert its own late id, in the rows that name it and in memory once committed', async () => {
    const ids = await writeBehindTransaction(ds, async (m) => {
      const first = await insertWithLateId(
        m,
        "INSERT INTO outbox (queue, job_name, job_id, payload, run_at, created_at) VALUES ('q', 'n', ?, '{}', NOW(3), NOW(3))",
        [`late-a-${Date.now()}`],
      );
      const second = await insertWithLateId(
        m,
        "INSERT INTO outbox (queue, job_name, job_id, payload, run_at, created_at) VALUES ('q', 'n', ?, '{}', NOW(3), NOW(3))",
        [`late-b-${Date.now()}`],
      );
      expect(first).toMatch(/^\{\{@yb_id_\d+\}\}$/); // not known yet: nothing was sent
      const text = `job-${first}-${second}`;
      await deferWrite(m, `INSERT INTO wb_rows (id, v) VALUES (?, ${withLateIds(text)})`, [
        1,
        text,
      ]);
      const known: string[] = [];
      whenLateIdKnown(m, first, (v) => known.push(v));
      whenLateIdKnown(m, second, (v) => known.push(v));
      // A read sends the queued writes: both ids are known from then on.
      const [{ a, b }] = await m.query<Array<{ a: string; b: string }>>(
        'SELECT MAX(id) AS b, MAX(id) - 1 AS a FROM outbox',
      );
      expect(known).toEqual([String(a), String(b)]);
      expect(resolveLateIds(m, text)).toBe(`job-${a}-${b}`);
      return { a: String(a), b: String(b) };
    });
    expect(await rows()).toEqual([{ id: 1, v: `job-${ids.a}-${ids.b}` }]);
    // Outside a write-behind transaction the id is known at once.
    const now = await ds.transaction((m) =>
      insertWithLateId(
        m,
        "INSERT INTO outbox (queue, job_name, job_id, payload, run_at, created_at) VALUES ('q', 'n', ?, '{}', NOW(3), NOW(3))",
        [`late-c-${Date.now()}`],
      ),
    );
    expect(Number(now)).toBeGreaterThan(Number(ids.b));
    await ds.query("DELETE FROM outbox WHERE job_id LIKE 'late-%'");
  });

  it("should hand a transition's leased outbox rows over once right after the commit", async () => {
    const engine = t.app.get(CaseEngine);
    const opened = { id: await openFixtureCase('李四') };
    await engine.applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice);
    await engine.applyEvent(opened.id, { type: 'APPROVE' }, manager); // enters `waiting` (deadline)
    const outbox = await eventually(async () => {
      const found = await ds.query<
        Array<{ job_id: string; handovers: number; claimed_until: Date | null }>
      >('SELECT job_id, handovers, claimed_until FROM outbox WHERE payload LIKE ?', [
        `%${opened.id}%`,
      ]);
      return found.length > 0 && found.every((r) => r.handovers === 1) ? found : undefined;
    }, 10_000);
    expect(outbox.every((r) => r.claimed_until === null)).toBe(true);
    expect(await t.app.get(OutboxRelay).dispatchPending()).toBe(0);
    // The deadline's id was a late one in the transaction: its outbox row names the real row
    // (resolved in memory after the commit, before the hand-over).
    const [deadline] = await ds.query<Array<{ id: string }>>(
      "SELECT id FROM case_deadlines WHERE case_id = ? AND name = 'waiting'",
      [opened.id],
    );
    const [row] = await ds.query<Array<{ job_id: string; payload: unknown }>>(
      'SELECT job_id, payload FROM outbox WHERE queue = ? AND payload LIKE ?',
      [JOBS.fireDeadline.queue, `%${opened.id}%`],
    );
    const payload = row.payload as { dueAt: string; momentJob: string };
    expect(payload).toEqual({
      dueAt: expect.any(String),
      momentJob: expect.stringMatching(/^deadlines-due-\d+-[01]$/),
      deadlineId: String(deadline.id),
      caseId: opened.id,
    });
    // The job is the due moment's, shared with any deadline due then: it carries the moment only.
    const queue = t.app.get(QueueService).queue(JOBS.fireDeadline.queue);
    expect((await queue.getJob(payload.momentJob))?.data).toEqual({ dueAt: payload.dueAt });
  });

  it('should leave a row with a running lease to its owner and send it once the lease has run out', async () => {
    const relay = t.app.get(OutboxRelay);
    const insert = (jobId: string, claimedUntil: Date): Promise<unknown> =>
      ds.query(
        `INSERT INTO outbox (queue, job_name, job_id, payload, run_at, created_at, claimed_until)
         VALUES ('case-signals', 'signal-case', ?, '{}', ?, ?, ?)`,
        [jobId, new Date(Date.now() + 3600_000), new Date(), claimedUntil],
      );
    await insert('lease-running', new Date(Date.now() + 60_000));
    await insert('lease-expired', new Date(Date.now() - 1000));
    expect(await relay.dispatchPending()).toBe(1);
    const found = await ds.query<Array<{ job_id: string; handovers: number }>>(
      "SELECT job_id, handovers FROM outbox WHERE job_id LIKE 'lease-%' ORDER BY job_id",
    );
    expect(found).toEqual([
      { job_id: 'lease-expired', handovers: 1 },
      { job_id: 'lease-running', handovers: 0 },
    ]);
  });

  it('should keep a job due beyond the horizon in the database and send it, delayed, once it comes within', async () => {
    const writer = t.app.get(OutboxWriter);
    const relay = t.app.get(OutboxRelay);
    const job = (jobId: string, inMs: number): OutboxJob => ({
      queue: JOBS.slaAlert.queue,
      jobName: JOBS.slaAlert.name,
      jobId,
      payload: { alertId: '0' },
      runAt: new Date(Date.now() + inMs),
    });
    const [later, soon] = await ds.transaction(async (m) => [
      await writer.write(m, job('horizon-later', OUTBOX_HORIZON_MS + 3600_000)),
      await writer.write(m, job('horizon-soon', 60_000)),
    ]);
    // After the commit only the one due soon goes to Redis; the periodic relay leaves the other.
    expect(await relay.dispatchRows([later, soon])).toBe(1);
    expect(await relay.dispatchPending()).toBe(0);
    const sla = t.app.get(QueueService).queue('sla');
    expect(await sla.getJob('horizon-later')).toBeUndefined();
    expect(await sla.getJob('horizon-soon')).toBeDefined();
    const handovers = async (): Promise<Array<{ job_id: string; handovers: number }>> =>
      ds.query(
        "SELECT job_id, handovers FROM outbox WHERE job_id LIKE 'horizon-%' ORDER BY job_id",
      );
    expect(await handovers()).toEqual([
      { job_id: 'horizon-later', handovers: 0 },
      { job_id: 'horizon-soon', handovers: 1 },
    ]);

    // Time passes: the row comes within the horizon (its hold runs out) and the relay sends it.
    await ds.query("UPDATE outbox SET claimed_until = ? WHERE job_id = 'horizon-later'", [
      new Date(Date.now() - 1000),
    ]);
    expect(await relay.dispatchPending()).toBe(1);
    const sent = await sla.getJob('horizon-later');
    expect(sent?.opts.delay).toBeGreaterThan(OUTBOX_HORIZON_MS);
    expect((await handovers()).map((r) => r.handovers)).toEqual([1, 1]);
    await sla.remove('horizon-later');
    await sla.remove('horizon-soon');
  });

  it("should rewrite a case's data only when the transition changed it", async () => {
    const engine = t.app.get(CaseEngine);
    const caseworker = { id: 'caseworker-1', roles: ['CASEWORKER'] as const, streetCode: null };
    const opened = { id: await openFixtureCase('吴十') };
    await engine.applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice);
    const text = async (): Promise<string> => {
      const [r] = await ds.query<Array<{ data: string }>>(
        'SELECT CAST(data AS CHAR) AS data FROM cases WHERE id = ?',
        [opened.id],
      );
      return r.data;
    };
    // The same value, written out differently: a rewrite would show as the compact form.
    const spaced = JSON.stringify(JSON.parse(await text()), null, 2);
    await ds.query('UPDATE cases SET data = ? WHERE id = ?', [spaced, opened.id]);
    const approved = await engine.applyEvent(opened.id, { type: 'APPROVE' }, manager);
    expect(approved.state).toBe('waiting'); // no action assigned: the column is not written
    expect(await text()).toBe(spaced);
    // An event that does not move the machine (a claim) changes the assignee, not the data.
    const claimed = await engine.recordEvent({
      caseId: opened.id,
      type: 'CLAIMED',
      actor: caseworker,
      payload: { assignee: caseworker.id },
      change: (r) => {
        r.assigneeId = caseworker.id;
      },
    });
    expect(claimed.assigneeId).toBe(caseworker.id);
    expect(await text()).toBe(spaced);
    const [{ assignee_id }] = await ds.query<Array<{ assignee_id: string }>>(
      'SELECT assignee_id FROM cases WHERE id = ?',
      [opened.id],
    );
    expect(assignee_id).toBe(caseworker.id);
    const extended = await engine.applyEvent(opened.id, { type: 'EXTEND' }, caseworker);
    expect(extended.data).toMatchObject({ restarts: 1 }); // `countRestart` assigned: written
    expect(JSON.parse(await text())).toMatchObject({ restarts: 1, applicant: { name: '吴十' } });
    expect(await text()).not.toBe(spaced);
  });

  it("should store a case's data once: the snapshot row leaves its context to `data`, reads put it back", async () => {
    const engine = t.app.get(CaseEngine);
    const opened = { id: await openFixtureCase('周九') };
    await engine.applyEvent(opened.id, { type: 'SUBMIT' }, streetOffice);
    const stored = async (): Promise<{ snapshot: Record<string, unknown>; data: unknown }> => {
      // The columns as text, as the server holds them (not through the entity).
      const [r] = await ds.query<Array<{ snapshot: string; data: string }>>(
        'SELECT CAST(snapshot AS CHAR) AS snapshot, CAST(data AS CHAR) AS data FROM cases WHERE id = ?',
        [opened.id],
      );
      return {
        snapshot: JSON.parse(r.snapshot) as Record<string, unknown>,
        data: JSON.parse(r.data),
      };
    };
    const row = await stored();
    expect(row.snapshot).not.toHaveProperty('context');
    expect(row.snapshot.value).toBe('review');
    expect(row.data).toMatchObject({ applicant: { name: '周九' } });
    // What the ORM loads is whole again, and the engine moves the case from it.
    const loaded = await ds.getRepository(CaseEntity).findOneByOrFail({ id: opened.id });
    expect(loaded.snapshot.context).toEqual(row.data);
    // A row stored whole (before this layout) keeps its own context and still moves.
    await ds.query(
      "UPDATE cases SET snapshot = JSON_SET(snapshot, '$.context', JSON_EXTRACT(data, '$')) WHERE id = ?",
      [opened.id],
    );
    expect((await stored()).snapshot.context).toEqual(row.data);
    const moved = await engine.applyEvent(opened.id, { type: 'APPROVE' }, manager);
    expect(moved.state).toBe('waiting');
    expect((await stored()).snapshot).not.toHaveProperty('context');
  });
});
