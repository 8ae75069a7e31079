import { CommitOutcomeUnknownError } from '../../database/with-retry';

/** How many transactions at once, and how many requests one of them may carry. */
export interface GroupCommitOptions {
  /** Transactions in flight at once; 0: every request its own transaction, no limit. */
  parallel: number;
  /** Requests (of different keys) one transaction carries at most. */
  max: number;
  /**
   * A transaction still running after this long (ms: a lock wait, a slow hook) stops counting
   * towards `parallel`, so one stuck case does not hold up the events of every other.
   */
  stallMs: number;
}

interface Waiting<M, R> {
  member: M;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit (合并提交) of events sent to different cases at the same time.
 *
 * A process runs at most `parallel` event transactions at once. A request that finds them all
 * busy waits, and when one ends, the waiting requests go together in the next: one transaction
 * that locks their cases in one statement, applies each event in turn and commits them with one
 * packet (the rows of one table as one multi-row INSERT), instead of one START, lock, write
 * packet and COMMIT each. Under light load nobody waits and nothing changes; under heavy load the
 * server's cost per statement and per round trip is shared.
 *
 * An event refused before it sent the server anything of its own (not accepted in its state, not
 * permitted, an If-Match that does not hold, a bad payload: the checks that come before the hook)
 * leaves the group with its answer and the others commit. Any other failure (a hook's refusal
 * after its reads, a deadlock) fails the group: the transaction rolls back and each event runs
 * again alone, where it succeeds or fails on its own as before. Two events of one key never share
 * a group, nor run at once: the second waits until the first has ended. A transaction that takes
 * longer than `stallMs` frees its place for the others.
 */
export class GroupCommit<M, R> {
  private readonly queue: Array<Waiting<M, R>> = [];
  private inFlight = 0;
  /** Keys whose transaction runs now: their next request waits for it to end. */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly options: GroupCommitOptions,
    private readonly keyOf: (member: M) => string,
    private readonly runAlone: (member: M) => Promise<R>,
    /** Each member's outcome: a member refused without a trace drops out, the others commit. */
    private readonly runGroup: (members: M[]) => Promise<Array<PromiseSettledResult<R>>>,
    private readonly onGroup: (size: number, outcome: 'committed' | 'split') => void = () => {},
  ) {}

  submit(member: M): Promise<R> {
    if (this.options.parallel <= 0) {
      return this.runAlone(member);
    }
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ member, resolve, reject });
      this.next();
    });
  }

  /** Starts transactions while there is room and somebody waits. */
  private next(): void {
    while (this.inFlight < this.options.parallel && this.queue.length > 0) {
      const taken = this.take();
      if (taken.length === 0) {
        return; // every request waiting is for a case whose transaction runs now
      }
      const keys = taken.map((t) => this.keyOf(t.member));
      keys.forEach((key) => this.running.set(key, (this.running.get(key) ?? 0) + 1));
      this.inFlight += 1;
      let counted = true;
      const release = (): void => {
        if (counted) {
          counted = false;
          this.inFlight -= 1;
        }
      };
      const stalled = setTimeout(() => {
        release();
        this.next();
      }, this.options.stallMs);
      stalled.unref();
      void this.run(taken).finally(() => {
        clearTimeout(stalled);
        release();
        for (const key of keys) {
          const left = (this.running.get(key) ?? 1) - 1;
          if (left > 0) {
            this.running.set(key, left);
          } else {
            this.running.delete(key);
          }
        }
        this.next();
      });
    }
  }

  /**
   * The oldest waiting requests, up to `max`, at most one per key and none of a key whose
   * transaction runs now (in arrival order).
   */
  private take(): Array<Waiting<M, R>> {
    const keys = new Set<string>(this.running.keys());
    const taken: Array<Waiting<M, R>> = [];
    for (let i = 0; i < this.queue.length && taken.length < this.options.max;) {
      const key = this.keyOf(this.queue[i].member);
      if (keys.has(key)) {
        i += 1;
        continue;
      }
      keys.add(key);
      taken.push(...this.queue.splice(i, 1));
    }
    return taken;
  }

  private async run(taken: Array<Waiting<M, R>>): Promise<void> {
    if (taken.length === 1) {
      await settle(taken[0], () => this.runAlone(taken[0].member));
      return;
    }
    let results: Array<PromiseSettledResult<R>>;
    try {
      results = await this.runGroup(taken.map((t) => t.member));
    } catch (e) {
      if (e instanceof CommitOutcomeUnknownError) {
        // It may have committed: running the events again could apply them twice.
        taken.forEach((t) => t.reject(e));
        return;
      }
      this.onGroup(taken.length, 'split');
      // Nothing was written: each event runs alone and meets its own fate.
      await Promise.all(taken.map((t) => settle(t, () => this.runAlone(t.member))));
      return;
    }
    this.onGroup(taken.length, 'committed');
    taken.forEach((t, i) => {
      const result = results[i];
      if (result.status === 'fulfilled') {
        t.resolve(result.value);
      } else {
        t.reject(result.reason);
      }
    });
  }
}

async function settle<M, R>(waiting: Waiting<M, R>, work: () => Promise<R>): Promise<void> {
  try {
    waiting.resolve(await work());
  } catch (e) {
    waiting.reject(e);
  }
}
