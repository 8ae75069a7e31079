import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { formatMoney } from '../common/money';
import { personKey } from '../common/person-key';
import { deferWrite } from '../database/write-behind';
import type { ReliefCategoryPolicy } from './relief-policy';
import { ReliefLedgerEntity } from './entities/relief-ledger.entity';

export interface LedgerAmounts {
  total: string;
  outpatient: string;
}

/** The key of a person's ledger: a hash, so the ledger table holds no ID number. */
export { personKey };

interface LedgerRow {
  paid_total: string;
  paid_outpatient: string;
  reserved_total: string;
  reserved_outpatient: string;
  updated_at: Date | string;
}

/** Takes amounts out of the reservation (never below zero). */
function unreserve(row: ReliefLedgerEntity, amounts: LedgerAmounts): void {
  row.reservedTotal = formatMoney(
    Decimal.max(0, new Decimal(row.reservedTotal).minus(amounts.total)),
  );
  row.reservedOutpatient = formatMoney(
    Decimal.max(0, new Decimal(row.reservedOutpatient).minus(amounts.outpatient)),
  );
}

/**
 * The yearly relief ledger (docs/domain.md §1: remaining = cap − paid this year − reserved by
 * approved, unpaid cases). Every method runs inside the caller's case transaction and locks the
 * person's row, so concurrent applications for one person are serialised here.
 */
@Injectable()
export class ReliefLedgerService {
  /** Paid + reserved this year, as the calculator's `alreadyPaidThisYear`. */
  async used(m: EntityManager, idNumber: string, year: number): Promise<LedgerAmounts> {
    const row = await this.read(m, personKey(idNumber), year, false);
    if (!row) {
      return { total: '0.00', outpatient: '0.00' };
    }
    return {
      total: formatMoney(new Decimal(row.paidTotal).plus(row.reservedTotal)),
      outpatient: formatMoney(new Decimal(row.paidOutpatient).plus(row.reservedOutpatient)),
    };
  }

  /** The person's year as it stands, read without a lock (the person view): zeros when untouched. */
  async balance(
    m: EntityManager,
    idNumber: string,
    year: number,
  ): Promise<{ paid: LedgerAmounts; reserved: LedgerAmounts }> {
    const row = await this.read(m, personKey(idNumber), year, false);
    return {
      paid: {
        total: formatMoney(row?.paidTotal ?? 0),
        outpatient: formatMoney(row?.paidOutpatient ?? 0),
      },
      reserved: {
        total: formatMoney(row?.reservedTotal ?? 0),
        outpatient: formatMoney(row?.reservedOutpatient ?? 0),
      },
    };
  }

  /**
   * Reserves an approved amount. Refused (422) when it would take the person past the yearly
   * cap or the outpatient sub-cap: the case must go back to amount review and be recomputed.
   */
  async reserve(
    m: EntityManager,
    idNumber: string,
    year: number,
    amounts: LedgerAmounts,
    caps: ReliefCategoryPolicy,
  ): Promise<void> {
    const row = await this.lock(m, idNumber, year);
    const usedTotal = new Decimal(row.paidTotal).plus(row.reservedTotal);
    const usedOutpatient = new Decimal(row.paidOutpatient).plus(row.reservedOutpatient);
    if (caps.annualCap !== null && usedTotal.plus(amounts.total).greaterThan(caps.annualCap)) {
      throw new DomainError(
        'BUSINESS_RULE',
        `Approving ${amounts.total} would exceed the yearly relief cap of ${caps.annualCap}: ` +
          `${formatMoney(Decimal.max(0, new Decimal(caps.annualCap).minus(usedTotal)))} remains for ${year}. ` +
          'RETURN the case to amount review to recompute.',
        {
          allowedEvents: ['RETURN', 'REJECT'],
          annualCapRemaining: formatMoney(new Decimal(caps.annualCap).minus(usedTotal)),
        },
      );
    }
    if (
      caps.outpatientCap !== null &&
      usedOutpatient.plus(amounts.outpatient).greaterThan(caps.outpatientCap)
    ) {
      throw new DomainError(
        'BUSINESS_RULE',
        `Approving ${amounts.outpatient} of outpatient relief would exceed the outpatient cap of ${caps.outpatientCap}.`,
        { allowedEvents: ['RETURN', 'REJECT'] },
      );
    }
    row.reservedTotal = formatMoney(new Decimal(row.reservedTotal).plus(amounts.total));
    row.reservedOutpatient = formatMoney(
      new Decimal(row.reservedOutpatient).plus(amounts.outpatient),
    );
    await this.save(m, row);
  }

  /** Gives back a reservation (the case was revoked after approval). */
  async release(
    m: EntityManager,
    idNumber: string,
    year: number,
    amounts: LedgerAmounts,
  ): Promise<void> {
    const row = await this.lock(m, idNumber, year);
    unreserve(row, amounts);
    await this.save(m, row);
  }

  /** Turns a reservation into relief paid. */
  async settle(
    m: EntityManager,
    idNumber: string,
    year: number,
    amounts: LedgerAmounts,
  ): Promise<void> {
    const row = await this.lock(m, idNumber, year);
    unreserve(row, amounts);
    row.paidTotal = formatMoney(new Decimal(row.paidTotal).plus(amounts.total));
    row.paidOutpatient = formatMoney(new Decimal(row.paidOutpatient).plus(amounts.outpatient));
    await this.save(m, row);
  }

  /** The person's row for the year, created when missing, locked until the transaction ends. */
  private async lock(
    m: EntityManager,
    idNumber: string,
    year: number,
  ): Promise<ReliefLedgerEntity> {
    const key = personKey(idNumber);
    // Rides with the locking read (write-behind.ts): one round trip for both.
    await deferWrite(
      m,
      `INSERT IGNORE INTO relief_ledgers
         (person_key, year, paid_total, paid_outpatient, reserved_total, reserved_outpatient, updated_at)
       VALUES (?, ?, 0, 0, 0, 0, ?)`,
      [key, year, new Date()],
    );
    const row = await this.read(m, key, year, true);
    if (!row) {
      throw new Error(`relief ledger row ${year} vanished`);
    }
    return row;
  }

  /** Raw SQL: the ledger is read on most relief transitions, and the ORM's per-call cost shows. */
  private async read(
    m: EntityManager,
    key: string,
    year: number,
    forUpdate: boolean,
  ): Promise<ReliefLedgerEntity | null> {
    const rows = await m.query<LedgerRow[]>(
      `SELECT paid_total, paid_outpatient, reserved_total, reserved_outpatient, updated_at
       FROM relief_ledgers WHERE person_key = ? AND year = ?${forUpdate ? ' FOR UPDATE' : ''}`,
      [key, year],
    );
    const r = rows[0];
    return r
      ? Object.assign(new ReliefLedgerEntity(), {
          personKey: key,
          year,
          paidTotal: String(r.paid_total),
          paidOutpatient: String(r.paid_outpatient),
          reservedTotal: String(r.reserved_total),
          reservedOutpatient: String(r.reserved_outpatient),
          updatedAt: new Date(r.updated_at),
        })
      : null;
  }

  /** Under the row's lock, so the write waits for the next statement or the COMMIT. */
  private async save(m: EntityManager, row: ReliefLedgerEntity): Promise<void> {
    row.updatedAt = new Date();
    await deferWrite(
      m,
      `UPDATE relief_ledgers SET paid_total = ?, paid_outpatient = ?, reserved_total = ?,
         reserved_outpatient = ?, updated_at = ? WHERE person_key = ? AND year = ?`,
      [
        row.paidTotal,
        row.paidOutpatient,
        row.reservedTotal,
        row.reservedOutpatient,
        row.updatedAt,
        row.personKey,
        row.year,
      ],
    );
  }
}
