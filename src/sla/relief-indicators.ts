import Decimal from 'decimal.js';

const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export interface ReliefFigures {
  inPolicyCost: string;
  insurancePaid: string;
  reliefPaid: string;
  personalBurden: string;
}

interface ExpenseLike {
  inPolicyCost?: unknown;
  basicInsurancePaid?: unknown;
  criticalIllnessPaid?: unknown;
  otherInsurancePaid?: unknown;
}

const amount = (v: unknown): Decimal => {
  try {
    return typeof v === 'string' || typeof v === 'number' ? new Dec(v) : new Dec(0);
  } catch {
    return new Dec(0);
  }
};

/**
 * A paid relief case's contribution to seed 002's indicators: its in-policy cost, what the
 * insurance schemes paid of it (basic + critical illness + other, never more than the in-policy
 * cost of the line), the relief paid, and the personal burden left of the in-policy cost.
 */
export function reliefFigures(data: Record<string, unknown>): ReliefFigures {
  const expenses = Array.isArray(data.expenses) ? (data.expenses as ExpenseLike[]) : [];
  let inPolicy = new Dec(0);
  let insurance = new Dec(0);
  for (const e of expenses) {
    const cost = Decimal.max(0, amount(e.inPolicyCost));
    const paid = amount(e.basicInsurancePaid)
      .plus(amount(e.criticalIllnessPaid))
      .plus(amount(e.otherInsurancePaid));
    inPolicy = inPolicy.plus(cost);
    insurance = insurance.plus(Decimal.min(cost, Decimal.max(0, paid)));
  }
  const payment = data.payment as { amount?: unknown } | undefined;
  const calculation = data.calculation as { reliefAmount?: unknown } | undefined;
  const relief = Decimal.max(
    0,
    amount(payment?.amount ?? data.approvedAmount ?? calculation?.reliefAmount),
  );
  const reliefCounted = Decimal.min(relief, inPolicy.minus(insurance));
  const burden = Decimal.max(0, inPolicy.minus(insurance).minus(reliefCounted));
  return {
    inPolicyCost: inPolicy.toFixed(2),
    insurancePaid: insurance.toFixed(2),
    reliefPaid: relief.toFixed(2),
    personalBurden: burden.toFixed(2),
  };
}

/** 综合保障率 and 个人负担率 as 4-place shares ("0.8750"), null without in-policy costs. */
export function indicatorRates(t: {
  inPolicyCost: string;
  insurancePaid: string;
  reliefPaid: string;
  personalBurden: string;
}): { coverageRate: string | null; burdenRate: string | null } {
  const base = new Dec(t.inPolicyCost);
  if (base.lte(0)) {
    return { coverageRate: null, burdenRate: null };
  }
  const covered = Decimal.min(base, new Dec(t.insurancePaid).plus(t.reliefPaid));
  return {
    coverageRate: covered.div(base).toFixed(4),
    burdenRate: new Dec(t.personalBurden).div(base).toFixed(4),
  };
}
