import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse } from 'csv-parse';
import { DataSource, type EntityManager } from 'typeorm';
import { shanghaiDate } from '../common/calendar/duration';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import { ImportSlots, ImportStaging } from '../common/import-staging';
import type { Environment } from '../config/environment';
import type { Actor } from '../engine/actor';
import { checkCsvHeader, checkExpenseRecord, type ExpenseRecord } from './expense-record';

/** A refused row: numbered from 1 in the order given (for a CSV: the data lines after the header). */
export interface RejectedRow {
  row: number;
  errors: FieldError[];
}

export interface ImportResult {
  importId: string;
  accepted: number;
  /** The first {@link MAX_REPORTED_REJECTIONS} refused rows; `rejectedCount` counts them all. */
  rejected: RejectedRow[];
  rejectedCount: number;
}

export type RecordSource =
  { format: 'JSON'; rows: unknown } | { format: 'CSV'; stream: Readable; byteLimit: number };

/** Rows per multi-row INSERT … ON DUPLICATE KEY UPDATE. */
const BATCH_ROWS = 1000;
/** A JSON body is bounded by the body limit; a streamed CSV by this many rows. */
export const MAX_IMPORT_ROWS = 5_000_000;
/** Enough refused rows to fix a file; the count says how many there were. */
export const MAX_REPORTED_REJECTIONS = 1000;
const COLUMNS = [
  'year',
  'person_key',
  'id_number',
  'name',
  'street_code',
  'insurance_type',
  'category',
  'in_policy_cost',
  'insurance_paid',
  'relief_paid',
  'out_of_policy_cost',
  'import_id',
] as const;
/** Re-importing a person and year replaces the earlier row (every column but the key). */
const UPSERT_SQL_TAIL = ` ON DUPLICATE KEY UPDATE ${COLUMNS.filter(
  (c) => c !== 'year' && c !== 'person_key',
)
  .map((c) => `${c} = VALUES(${c})`)
  .join(', ')}`;

type SourceRow = { row: number; raw: unknown } | { row: number; errors: FieldError[] };

/** The rows of a JSON array. */
function* jsonRows(body: unknown): Generator<SourceRow> {
  if (!Array.isArray(body)) {
    throw DomainError.validation([
      { field: 'body', message: 'must be a JSON array of expense records, or a CSV upload' },
    ]);
  }
  for (const [i, raw] of body.entries()) {
    yield { row: i + 1, raw };
  }
}

/**
 * The rows of a CSV, parsed as the bytes arrive (csv-parse in streaming mode: memory stays at
 * one batch whatever the file size). The header names the JSON fields; a row with another number
 * of cells is a bad row; a file that cannot be parsed (a broken quote) is refused whole.
 */
export async function* csvRows(stream: Readable, byteLimit: number): AsyncGenerator<SourceRow> {
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: 64 * 1024,
  });
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > byteLimit) {
      stream.unpipe(parser);
      parser.destroy(
        new DomainError('PAYLOAD_TOO_LARGE', `The CSV is larger than ${byteLimit} bytes.`),
      );
    }
  });
  stream.once('error', (e) => parser.destroy(e));
  stream.pipe(parser);
  let header: string[] | null = null;
  let row = 0;
  for await (const cells of parser as AsyncIterable<string[]>) {
    if (header === null) {
      const problems = checkCsvHeader(cells);
      if (problems.length > 0) {
        throw DomainError.validation(
          problems.map((message) => ({ field: 'file', message })),
          'The CSV header is not usable: nothing was imported.',
        );
      }
      header = cells;
      continue;
    }
    row++;
    if (cells.length !== header.length) {
      yield {
        row,
        errors: [
          {
            field: 'row',
            message: `has ${cells.length} cells; the header has ${header.length}`,
          },
        ],
      };
      continue;
    }
    const raw: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) {
      raw[header[i]] = cells[i];
    }
    yield { row, raw };
  }
}

/** A failure of the upload itself (not of a row): the whole import is refused, nothing written. */
function uploadError(e: unknown): unknown {
  if (e instanceof DomainError) {
    return e;
  }
  const err = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof err.message === 'string' ? err.message : 'the upload failed';
  if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
    // csv-parse names the line, e.g. "Quote Not Closed: … at line 3".
    return DomainError.validation(
      [{ field: 'file', message }],
      'The CSV cannot be read: nothing was imported.',
    );
  }
  const sqlCode = (e as { driverError?: { code?: string } }).driverError?.code;
  if (sqlCode === 'ER_LOCK_WAIT_TIMEOUT' || sqlCode === 'ER_LOCK_DEADLOCK') {
    // Another import is writing the same persons and years: nothing of this one was kept.
    return new DomainError(
      'CONFLICT',
      'Another import is writing the same persons and years: nothing was imported; send it again.',
    );
  }
  if (err.statusCode === 413) {
    return new DomainError('PAYLOAD_TOO_LARGE', message);
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return DomainError.validation([{ field: 'file', message }]);
  }
  return e;
}

/**
 * Imports yearly expense totals (因病致贫返贫监测): every row checked, bad rows reported with their
 * number and errors, good rows written in batches of multi-row upserts (a person and year
 * imported again replaces the earlier row). The rows are checked and staged as they arrive, then
 * written in one transaction: an upload that breaks off (or a file that cannot be parsed) leaves
 * nothing half-written, and a slow upload holds no connection. `IMPORT_CONCURRENCY` imports at
 * once per process; one more gets 503 with Retry-After.
 */
@Injectable()
export class ExpenseImportService {
  private readonly slots: ImportSlots;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Environment, true>,
  ) {
    this.slots = new ImportSlots(config.get('IMPORT_CONCURRENCY', { infer: true }));
  }

  async import(source: RecordSource, actor: Actor): Promise<ImportResult> {
    const release = this.slots.tryAcquire();
    if (release === null) {
      // Drain the body we will not read, so the client gets the answer, not a reset.
      if (source.format === 'CSV') {
        source.stream.resume();
      }
      throw new DomainError(
        'UNAVAILABLE',
        `${this.slots.limit} imports are running: try again in a minute.`,
        { retryAfterSeconds: 60 },
      );
    }
    const staging = await ImportStaging.open<ExpenseRecord>();
    try {
      const startedAt = new Date();
      const staged = await this.stage(source, staging, startedAt);
      if (staged.accepted === 0) {
        throw this.nothingAccepted(staged.rejected, staged.rejectedCount);
      }
      return await this.write(staging, staged, source.format, actor, startedAt);
    } catch (e) {
      throw uploadError(e);
    } finally {
      await staging.discard();
      release();
    }
  }

  /**
   * Reads and checks every row as it arrives, good ones into the staging file: no transaction
   * and no database connection while the client is still sending.
   */
  private async stage(
    source: RecordSource,
    staging: ImportStaging<ExpenseRecord>,
    startedAt: Date,
  ): Promise<Omit<ImportResult, 'importId'>> {
    const options = {
      currentYear: Number(shanghaiDate(startedAt).slice(0, 4)),
      fromCsv: source.format === 'CSV',
      today: startedAt,
    };
    const rows =
      source.format === 'JSON' ? jsonRows(source.rows) : csvRows(source.stream, source.byteLimit);
    let accepted = 0;
    let rejectedCount = 0;
    const rejected: RejectedRow[] = [];
    for await (const item of rows) {
      if (item.row > MAX_IMPORT_ROWS) {
        throw new DomainError(
          'PAYLOAD_TOO_LARGE',
          `An import holds at most ${MAX_IMPORT_ROWS} rows: split the file.`,
        );
      }
      const check = 'errors' in item ? item : checkExpenseRecord(item.raw, options);
      if ('errors' in check) {
        rejectedCount++;
        if (rejected.length < MAX_REPORTED_REJECTIONS) {
          rejected.push({ row: item.row, errors: check.errors });
        }
        continue;
      }
      accepted++;
      await staging.add(check.record);
    }
    return { accepted, rejected, rejectedCount };
  }

  /**
   * The staged rows in one transaction (the import's row, then batches of multi-row upserts):
   * a failure leaves nothing half-written. One batch is written while the next is read back.
   */
  private write(
    staging: ImportStaging<ExpenseRecord>,
    staged: Omit<ImportResult, 'importId'>,
    format: RecordSource['format'],
    actor: Actor,
    startedAt: Date,
  ): Promise<ImportResult> {
    return this.dataSource.transaction(async (m) => {
      const { insertId } = await m.query<{ insertId: number }>(
        'INSERT INTO monitoring_imports (format, accepted, rejected, imported_by, started_at) VALUES (?, 0, 0, ?, ?)',
        [format, actor.id, startedAt],
      );
      const importId = String(insertId);
      let writing: Promise<void> = Promise.resolve();
      for await (const batch of staging.batches(BATCH_ROWS)) {
        await writing;
        writing = this.upsert(m, batch, importId);
        writing.catch(() => undefined); // awaited (and thrown) at the next batch
      }
      await writing;
      await m.query(
        'UPDATE monitoring_imports SET accepted = ?, rejected = ?, finished_at = ? WHERE id = ?',
        [staged.accepted, staged.rejectedCount, new Date(), importId],
      );
      return { importId, ...staged };
    });
  }

  /** No good row: a 400 naming every bad field as `rows[N].field` (nothing was written). */
  private nothingAccepted(rejected: RejectedRow[], rejectedCount: number): DomainError {
    if (rejectedCount === 0) {
      return DomainError.validation([{ field: 'body', message: 'no rows to import' }]);
    }
    return new DomainError('VALIDATION_FAILED', 'No row of the import is valid.', {
      errors: rejected.flatMap((r) =>
        r.errors.map((e) => ({ field: `rows[${r.row}].${e.field}`, message: e.message })),
      ),
      accepted: 0,
      rejected,
      rejectedCount,
    });
  }

  private async upsert(
    m: EntityManager,
    records: ExpenseRecord[],
    importId: string,
  ): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const params: unknown[] = [];
    for (const r of records) {
      params.push(
        r.year,
        Buffer.from(r.personKey, 'hex'),
        r.idNumber,
        r.name,
        r.streetCode,
        r.insuranceType,
        r.category,
        r.inPolicyCost,
        r.insurancePaid,
        r.reliefPaid,
        r.outOfPolicyCost,
        importId,
      );
    }
    const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
    await m.query(
      `INSERT INTO monitoring_expense_records (${COLUMNS.join(', ')}) VALUES ${Array(records.length)
        .fill(tuple)
        .join(', ')}${UPSERT_SQL_TAIL}`,
      params,
    );
  }
}
