import Decimal from 'decimal.js';
import { formatMoney } from '../common/money';
import type { ReliefApplicationContext } from '../../workflows/relief-application.machine';
import { hardshipBurden } from './hardship-burden';

/** One paid relief case of the person's year and the burden it leaves. */
export interface BurdenCase {
  caseId: string;
  burden: string;
}

/**
 * The person's yearly burden after relief (docs/domain.md §1: 个人年度自付, the in-policy remainder
 * plus the out-of-policy costs), summed over the paid relief cases of the year.
 */
export interface YearlyBurden {
  /** Every case that makes up the burden, the one being paid last. */
  cases: BurdenCase[];
  /** Before the case being paid. */
  before: string;
  total: string;
}

/**
 * What the payment does about the hardship referral:
 * - `OPEN`: the sum first reaches the threshold with this case (it was below before): a hearing
 *   is opened for the person's year (or the open one joined: one open hearing a person-year);
 * - `JOIN`: the year had reached it already and a hearing is open: this case is linked to it;
 * - `NONE`: below the threshold, or reached earlier and the year's hearing is no longer open.
 */
export type ReferralAction = 'OPEN' | 'JOIN' | 'NONE';

/**
 * The burden a paid case leaves: the in-policy remainder after the relief actually paid (the
 * approved amount may differ from the computed one, PROPOSE with a reason) plus the
 * out-of-policy costs. With the computed relief paid it is `hardshipBurden`.
 */
export function paidCaseBurden(
  data: Pick<ReliefApplicationContext, 'calculation' | 'expenses' | 'approvedAmount'>,
): string {
  const computed = new Decimal(hardshipBurden(data));
  const calc = data.calculation;
  if (calc === undefined || data.approvedAmount === undefined) {
    return formatMoney(computed);
  }
  const outOfPolicy = computed.minus(calc.personalBurdenAfter);
  const inPolicyLeft = Decimal.max(
    0,
    new Decimal(calc.personalBurdenAfter).plus(calc.reliefAmount).minus(data.approvedAmount),
  );
  return formatMoney(outOfPolicy.plus(inPolicyLeft));
}

/** The year's burden with the case being paid added to the earlier paid cases. */
export function yearlyBurden(earlier: readonly BurdenCase[], current: BurdenCase): YearlyBurden {
  const before = earlier.reduce((sum, c) => sum.plus(c.burden), new Decimal(0));
  return {
    cases: [...earlier, current],
    before: formatMoney(before),
    total: formatMoney(before.plus(current.burden)),
  };
}

/** "At or above" the threshold (docs/domain.md §1): OPEN when this case makes the sum reach it. */
export function referralAction(
  burden: Pick<YearlyBurden, 'before' | 'total'>,
  threshold: string,
  hearingOpen: boolean,
): ReferralAction {
  if (new Decimal(burden.total).lessThan(threshold)) {
    return 'NONE';
  }
  if (new Decimal(burden.before).lessThan(threshold)) {
    return 'OPEN';
  }
  return hearingOpen ? 'JOIN' : 'NONE';
}
