import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The checked rows of an upload, kept in a private temporary file until the upload is complete.
 * An import reads its body at the client's pace: written straight to the database it would hold
 * a transaction and a pooled connection for as long as the slowest client takes (twenty slow
 * uploads would stall every request). Staged, the transaction starts when the last byte is in
 * and lasts as long as the database needs. The file is readable by the service's user alone
 * (it holds resident IDs) and removed by `discard`, whatever happened.
 */
export class ImportStaging<T> {
  private constructor(
    /** The private folder of the file (gone after `discard`). */
    readonly dir: string,
    private readonly file: string,
    private readonly out: WriteStream,
  ) {}

  static async open<T>(): Promise<ImportStaging<T>> {
    const dir = await mkdtemp(join(tmpdir(), 'yibao-import-'));
    const file = join(dir, 'rows.ndjson');
    const out = createWriteStream(file, { mode: 0o600 });
    await once(out, 'open');
    return new ImportStaging<T>(dir, file, out);
  }

  /** One row, as a JSON line; waits while the disk is behind (backpressure). */
  async add(row: T): Promise<void> {
    if (!this.out.write(`${JSON.stringify(row)}\n`)) {
      await once(this.out, 'drain');
    }
  }

  /** The rows in the order added, `size` at a time (the writing side is closed first). */
  async *batches(size: number): AsyncGenerator<T[]> {
    if (!this.out.closed) {
      this.out.end();
      await once(this.out, 'close');
    }
    const lines = createInterface({ input: createReadStream(this.file), crlfDelay: Infinity });
    let batch: T[] = [];
    for await (const line of lines) {
      batch.push(JSON.parse(line) as T);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) {
      yield batch;
    }
  }

  async discard(): Promise<void> {
    this.out.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * At most `limit` imports at once in this process; one more is refused at once with 503 and
 * Retry-After (by the caller) instead of queueing behind the others' uploads.
 */
export class ImportSlots {
  private busy = 0;

  constructor(readonly limit: number) {}

  /** A release function, or null when every slot is taken. */
  tryAcquire(): (() => void) | null {
    if (this.busy >= this.limit) {
      return null;
    }
    this.busy += 1;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.busy -= 1;
      }
    };
  }
}
