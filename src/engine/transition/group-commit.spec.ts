import { CommitOutcomeUnknownError } from '../../database/with-retry';
import { GroupCommit } from './group-commit';

interface Request {
  caseId: string;
  /** Fails its transaction (a group: the whole group). */
  fail?: boolean;
  /** Refused without a trace: in a group only this request fails. */
  refuse?: boolean;
}

/** A transaction the test ends by hand: alone (one request) or a group (several). */
interface Started {
  requests: Request[];
  alone: boolean;
  finish: (error?: Error) => void;
}

function harness(parallel: number, max = 16, stallMs = 60_000) {
  const started: Started[] = [];
  const groups: Array<[number, string]> = [];
  const start = (
    requests: Request[],
    alone: boolean,
  ): Promise<Array<PromiseSettledResult<string>>> =>
    new Promise((resolve, reject) => {
      started.push({
        requests,
        alone,
        finish: (error) =>
          error
            ? reject(error)
            : requests.some((r) => r.fail)
              ? reject(new Error(`failed ${requests.find((r) => r.fail)?.caseId}`))
              : resolve(
                  requests.map((r) =>
                    r.refuse
                      ? { status: 'rejected', reason: new Error(`refused ${r.caseId}`) }
                      : { status: 'fulfilled', value: `${r.caseId} done` },
                  ),
                ),
      });
    });
  const group = new GroupCommit<Request, string>(
    { parallel, max, stallMs },
    (r) => r.caseId,
    async (r) => {
      const [outcome] = await start([r], true);
      if (outcome.status === 'rejected') {
        throw outcome.reason;
      }
      return outcome.value;
    },
    (rs) => start(rs, false),
    (size, outcome) => groups.push([size, outcome]),
  );
  return { group, started, groups };
}

/** Lets the promise callbacks of the queue run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit (events of different cases share a transaction under load)', () => {
  it('should run requests alone while fewer than `parallel` transactions are in flight', async () => {
    const { group, started } = harness(2);

    const a = group.submit({ caseId: 'a' });
    const b = group.submit({ caseId: 'b' });
    await settle();

    expect(started.map((s) => [s.alone, s.requests.map((r) => r.caseId)])).toEqual([
      [true, ['a']],
      [true, ['b']],
    ]);
    started.forEach((s) => s.finish());
    await expect(Promise.all([a, b])).resolves.toEqual(['a done', 'b done']);
  });

  it('should send the requests that waited together in the next transaction, in arrival order', async () => {
    const { group, started, groups } = harness(1);
    const first = group.submit({ caseId: 'a' });
    const waiting = ['b', 'c', 'd'].map((caseId) => group.submit({ caseId }));
    await settle();
    expect(started).toHaveLength(1); // b, c and d wait for a's transaction

    started[0].finish();
    await settle();

    expect(started).toHaveLength(2);
    expect(started[1].alone).toBe(false);
    expect(started[1].requests.map((r) => r.caseId)).toEqual(['b', 'c', 'd']);
    started[1].finish();
    await expect(first).resolves.toBe('a done');
    await expect(Promise.all(waiting)).resolves.toEqual(['b done', 'c done', 'd done']);
    expect(groups).toEqual([[3, 'committed']]);
  });

  it('should never put two events of one case in one group, nor more than `max`', async () => {
    const { group, started } = harness(1, 2);
    const all = [
      group.submit({ caseId: 'a' }),
      group.submit({ caseId: 'b' }),
      group.submit({ caseId: 'b' }),
      group.submit({ caseId: 'c' }),
      group.submit({ caseId: 'd' }),
    ];

    for (let i = 0; i < 3; i++) {
      await settle();
      started[i].finish();
    }
    await Promise.all(all);

    expect(started.map((s) => s.requests.map((r) => r.caseId))).toEqual([
      ['a'],
      ['b', 'c'], // the second b waits: it must see what the first wrote
      ['b', 'd'],
    ]);
  });

  it('should run each request of a failed group alone, where each meets its own fate', async () => {
    const { group, started, groups } = harness(1);
    const first = group.submit({ caseId: 'a' });
    const ok = group.submit({ caseId: 'b' });
    const refused = group.submit({ caseId: 'c', fail: true });
    await settle();
    started[0].finish();
    await settle();
    expect(started[1].requests.map((r) => r.caseId)).toEqual(['b', 'c']);

    started[1].finish(); // c's failure fails the group: nothing was written
    await settle();

    expect(started.slice(2).map((s) => [s.alone, s.requests[0].caseId])).toEqual([
      [true, 'b'],
      [true, 'c'],
    ]);
    started.slice(2).forEach((s) => s.finish());
    await expect(first).resolves.toBe('a done');
    await expect(ok).resolves.toBe('b done');
    await expect(refused).rejects.toThrow('failed c');
    expect(groups).toEqual([[2, 'split']]);
  });

  it('should answer a request refused without a trace and commit the rest of its group', async () => {
    const { group, started, groups } = harness(1);
    const first = group.submit({ caseId: 'a' });
    const ok = group.submit({ caseId: 'b' });
    const refused = group.submit({ caseId: 'c', refuse: true });
    await settle();
    started[0].finish();
    await settle();

    started[1].finish();

    await expect(first).resolves.toBe('a done');
    await expect(ok).resolves.toBe('b done');
    await expect(refused).rejects.toThrow('refused c');
    await settle();
    expect(started).toHaveLength(2); // nobody ran again
    expect(groups).toEqual([[2, 'committed']]);
  });

  it('should not run a group again whose COMMIT may have gone through', async () => {
    const { group, started } = harness(1);
    const first = group.submit({ caseId: 'a' });
    const grouped = [group.submit({ caseId: 'b' }), group.submit({ caseId: 'c' })];
    await settle();
    started[0].finish();
    await settle();

    started[1].finish(new CommitOutcomeUnknownError(new Error('connection lost')));

    await expect(first).resolves.toBe('a done');
    for (const request of grouped) {
      await expect(request).rejects.toBeInstanceOf(CommitOutcomeUnknownError);
    }
    await settle();
    expect(started).toHaveLength(2); // nothing ran again
  });

  it('should run every request alone, without a limit, when `parallel` is 0', async () => {
    const { group, started } = harness(0);
    const all = ['a', 'b', 'c'].map((caseId) => group.submit({ caseId }));
    await settle();

    expect(started.map((s) => [s.alone, s.requests[0].caseId])).toEqual([
      [true, 'a'],
      [true, 'b'],
      [true, 'c'],
    ]);
    started.forEach((s) => s.finish());
    await Promise.all(all);
  });

  it('should not start a request while another of its case runs, even with room to spare', async () => {
    const { group, started } = harness(4);
    const first = group.submit({ caseId: 'a' });
    const second = group.submit({ caseId: 'a' });
    const other = group.submit({ caseId: 'b' });
    await settle();

    expect(started.map((s) => s.requests.map((r) => r.caseId))).toEqual([['a'], ['b']]);
    started[0].finish();
    await settle();

    expect(started.map((s) => s.requests.map((r) => r.caseId))).toEqual([['a'], ['b'], ['a']]);
    started.slice(1).forEach((s) => s.finish());
    await expect(Promise.all([first, second, other])).resolves.toEqual([
      'a done',
      'a done',
      'b done',
    ]);
  });

  it('should let the others go once a transaction has run longer than `stallMs`', async () => {
    jest.useFakeTimers();
    try {
      const { group, started } = harness(1, 16, 100);
      const stuck = group.submit({ caseId: 'a' });
      const waiting = group.submit({ caseId: 'b' });
      await Promise.resolve();
      expect(started).toHaveLength(1); // b waits for a's place

      jest.advanceTimersByTime(100);

      expect(started.map((s) => s.requests.map((r) => r.caseId))).toEqual([['a'], ['b']]);
      started[1].finish();
      await expect(waiting).resolves.toBe('b done');
      started[0].finish();
      await expect(stuck).resolves.toBe('a done');
    } finally {
      jest.useRealTimers();
    }
  });
});
