import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type HardshipHearingInput,
  hardshipHearingWorkflow,
} from '../../workflows/hardship-hearing.machine';
import {
  type ReliefApplicationContext,
  reliefApplicationWorkflow,
} from '../../workflows/relief-application.machine';
import { personKey } from '../common/person-key';
import { CaseLookup } from '../engine/case-lookup';
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
  constructor(private readonly cases: CaseLookup) {}

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
    // The open hearing's key names the person and the year only (not the burden): it is looked
    // for with the person's cases, in one round trip.
    const key = hardshipHearingWorkflow.exclusiveKey?.(hearingInputFromRelief(caseId, data, '0'));
    const filter = {
      type: reliefApplicationWorkflow.type,
      state: 'paid',
      exceptId: caseId,
      // A locking read: it sees the latest committed payment, not the transaction's snapshot.
      shareLock: true,
    };
    const person = personKey(data.applicant.idNumber);
    const [rows, open] =
      key === undefined
        ? [await this.cases.ofPerson(m, person, filter), null]
        : await this.cases.ofPersonWithActiveKey(m, person, filter, key);
    const earlier: Array<BurdenCase & { data: ReliefApplicationContext }> = [];
    for (const row of rows) {
      const other: unknown = row.data;
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
    const action = referralAction(burden, threshold, open !== null);
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
