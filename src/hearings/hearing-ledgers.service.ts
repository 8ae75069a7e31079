import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import type { EntityManager } from 'typeorm';
import { formatMoney } from '../common/money';
import { personKey } from '../relief/relief-ledger.service';
import {
  SpecialReliefLedgerEntity,
  WarmHeartFundLedgerEntity,
} from './entities/hearing-ledgers.entity';

type LedgerEntity = typeof SpecialReliefLedgerEntity | typeof WarmHeartFundLedgerEntity;
const TABLES = new Map<LedgerEntity, string>([
  [SpecialReliefLedgerEntity, 'special_relief_ledgers'],
  [WarmHeartFundLedgerEntity, 'warm_heart_fund_ledgers'],
]);

/**
 * The two hearing ledgers (special relief; the warm-heart fund 暖心无忧基金), per person and
 * year. Every change locks the person's row inside the case transaction, so concurrent
 * decisions for one person are serialised and the yearly cap holds.
 */
@Injectable()
export class HearingLedgersService {
  /** Special relief reserved or paid this year (what counts against the yearly cap). */
  async specialReliefUsed(m: EntityManager, idNumber: string, year: number): Promise<string> {
    const row = await this.lock(m, SpecialReliefLedgerEntity, idNumber, year);
    return formatMoney(new Decimal(row.reserved).plus(row.paid));
  }

  /** Both hearing ledgers of the person's year, read without a lock (the person view). */
  async balances(
    m: EntityManager,
    idNumber: string,
    year: number,
  ): Promise<Record<'specialRelief' | 'warmHeartFund', { reserved: string; paid: string }>> {
    const key = personKey(idNumber);
    const read = async (ledger: LedgerEntity): Promise<{ reserved: string; paid: string }> => {
      const row = await m.findOneBy(ledger, { personKey: key, year });
      return { reserved: formatMoney(row?.reserved ?? 0), paid: formatMoney(row?.paid ?? 0) };
    };
    return {
      specialRelief: await read(SpecialReliefLedgerEntity),
      warmHeartFund: await read(WarmHeartFundLedgerEntity),
    };
  }

  reserve(
    m: EntityManager,
    ledger: LedgerEntity,
    idNumber: string,
    year: number,
    amount: string,
  ): Promise<void> {
    return this.change(m, ledger, idNumber, year, (row) => {
      row.reserved = formatMoney(new Decimal(row.reserved).plus(amount));
    });
  }

  release(
    m: EntityManager,
    ledger: LedgerEntity,
    idNumber: string,
    year: number,
    amount: string,
  ): Promise<void> {
    return this.change(m, ledger, idNumber, year, (row) => {
      row.reserved = formatMoney(Decimal.max(0, new Decimal(row.reserved).minus(amount)));
    });
  }

  settle(
    m: EntityManager,
    ledger: LedgerEntity,
    idNumber: string,
    year: number,
    amount: string,
  ): Promise<void> {
    return this.change(m, ledger, idNumber, year, (row) => {
      row.reserved = formatMoney(Decimal.max(0, new Decimal(row.reserved).minus(amount)));
      row.paid = formatMoney(new Decimal(row.paid).plus(amount));
    });
  }

  private async change(
    m: EntityManager,
    ledger: LedgerEntity,
    idNumber: string,
    year: number,
    apply: (row: { reserved: string; paid: string }) => void,
  ): Promise<void> {
    const row = await this.lock(m, ledger, idNumber, year);
    apply(row);
    await m.update(
      ledger,
      { personKey: row.personKey, year },
      { reserved: row.reserved, paid: row.paid, updatedAt: new Date() },
    );
  }

  /** The row for the person and year, created when missing, locked until the transaction ends. */
  private async lock(
    m: EntityManager,
    ledger: LedgerEntity,
    idNumber: string,
    year: number,
  ): Promise<SpecialReliefLedgerEntity> {
    const key = personKey(idNumber);
    await m.query(
      `INSERT IGNORE INTO ${TABLES.get(ledger)} (person_key, year, reserved, paid, updated_at) VALUES (?, ?, 0, 0, ?)`,
      [key, year, new Date()],
    );
    const row = await m.findOne(ledger, {
      where: { personKey: key, year },
      lock: { mode: 'pessimistic_write' },
    });
    if (!row) {
      throw new Error(`${TABLES.get(ledger)} row ${year} vanished`);
    }
    return row;
  }
}
