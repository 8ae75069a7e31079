import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type HardshipHearingInput,
  hardshipHearingWorkflow,
} from '../../workflows/hardship-hearing.machine';
import type { ReliefApplicationContext } from '../../workflows/relief-application.machine';
import { personKey } from '../common/person-key';
import { hearingInputFromRelief } from './hearing-input';
import {
  type BurdenCase,
  paidCaseBurden,
  type ReferralAction,
  referralAction,
  type YearlyBurden,
  yearlyBurden,
} from './yearly-burden';

/** What the payment of a relief case does about the person's hardship referral. */
export interface YearlyReferral {
  action: ReferralAction;
  burden: YearlyBurden;
  /** The hearing's input when `action` is not NONE: the year's burden and every case in it. */
  hearingInput?: HardshipHearingInput;
}

/**
 * The person's yearly burden after relief over every paid relief case of the year (the case-person
 * index finds them), and the hardship referral it calls for (docs/domain.md §1, §2).
 */
@Injectable()
export class YearlyBurdenService {
  /**
   * Run in the payment's transaction after the ledger row of the person-year was locked (the
   * settle), so two payments of one person are serialised; the other cases are read with a
   * locking read, which sees the latest committed payment rather than the transaction's snapshot.
   */
  async referral(
    m: EntityManager,
    caseId: string,
    data: ReliefApplicationContext,
    threshold: string,
  ): Promise<YearlyReferral> {
    // Raw SQL as the engine's own locking reads: the query builder's lock wants a TypeORM
    // transaction, and the engine's is a write-behind one.
    const rows = await m.query<Array<{ id: string; data: unknown }>>(
      `SELECT c.id, c.data FROM cases c
         JOIN case_persons p ON p.case_id = c.id
        WHERE p.person_key = ? AND c.type = 'relief-application' AND c.state = 'paid' AND c.id <> ?
        ORDER BY c.closed_at, c.id
        LOCK IN SHARE MODE`,
      [personKey(data.applicant.idNumber), caseId],
    );
    const earlier: Array<BurdenCase & { data: ReliefApplicationContext }> = [];
    for (const row of rows) {
      const other: unknown = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
      if (isReliefContext(other) && other.year === data.year) {
        earlier.push({ caseId: row.id, burden: paidCaseBurden(other), data: other });
      }
    }
    const burden = yearlyBurden(
      earlier.map(({ caseId: id, burden: b }) => ({ caseId: id, burden: b })),
      { caseId, burden: paidCaseBurden(data) },
    );
    const base = hearingInputFromRelief(caseId, data, burden.total);
    const hearingInput: HardshipHearingInput = {
      ...base,
      // 回避 covers every institution that treated the person in the cases weighed.
      institutions: [
        ...new Set([
          ...earlier.flatMap((e) => e.data.expenses.map((x) => x.institution)),
          ...base.institutions,
        ]),
      ],
      burdenCases: burden.cases,
    };
    const key = hardshipHearingWorkflow.exclusiveKey?.(hearingInput);
    const open =
      key === undefined
        ? []
        : await m.query<Array<{ id: string }>>(
            `SELECT id FROM cases WHERE exclusive_key = ? AND status = 'active'`,
            [key],
          );
    const action = referralAction(burden, threshold, open.length > 0);
    return action === 'NONE' ? { action, burden } : { action, burden, hearingInput };
  }
}

/** A paid relief case's data, as the relief machine persisted it. */
function isReliefContext(data: unknown): data is ReliefApplicationContext {
  return (
    typeof data === 'object' &&
    data !== null &&
    'year' in data &&
    'expenses' in data &&
    'applicant' in data &&
    typeof data.year === 'number' &&
    Array.isArray(data.expenses) &&
    typeof data.applicant === 'object' &&
    data.applicant !== null
  );
}
