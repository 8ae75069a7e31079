import Decimal from 'decimal.js';
import { formatMoney } from '../common/money';
import type { ReliefApplicationContext } from '../../workflows/relief-application.machine';

/**
 * The burden left after relief: the in-policy remainder plus the out-of-policy costs
 * (docs/domain.md §7).
 */
export function hardshipBurden(
  data: Pick<ReliefApplicationContext, 'calculation' | 'expenses'>,
): string {
  const outOfPolicy = data.expenses.reduce(
    (sum, e) => sum.plus(Decimal.max(0, new Decimal(e.totalCost).minus(e.inPolicyCost))),
    new Decimal(0),
  );
  return formatMoney(outOfPolicy.plus(data.calculation?.personalBurdenAfter ?? '0'));
}
