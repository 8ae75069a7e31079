import Decimal from 'decimal.js';
import type { CapitationBand, CapitationYear } from './capitation-policy';

/**
 * Outpatient capitation (门诊按人头付费, docs/domain.md §6): the yearly base capitation, a
 * month's settlement lines and the year-end reconciliation. Pure: no I/O, no clock. Money is
 * decimal.js only, rounded half-up to the cent once per figure; every number comes from the
 * policy year. Each result lists its steps (like the relief calculation) so a page can show how
 * the figure came about.
 */

/** A private Decimal constructor: nothing here depends on (or changes) the global config. */
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof Dec>;

const money = (d: Dec): string => d.toFixed(2, Decimal.ROUND_HALF_UP);

export interface CapitationStep {
  step: string;
  /** The rule applied, with its source. */
  rule: string;
  /** The figure after this step, two places. */
  amount: string;
  /** The arithmetic with this year's numbers. */
  detail: string;
}

// ---------------------------------------------------------------- the yearly rate

export interface CapitationRate {
  year: number;
  /** 基础人头费 a person a year, after the cap. */
  baseCapitation: string;
  /** True when the formula gave more than the cap. */
  capped: boolean;
  /** The fund's share of the sign-up fee a person a year (settled as its own line). */
  fundSignUpFee: string;
  policyVersion: string;
  steps: CapitationStep[];
}

/**
 * 基础人头费 = (基金预算总额 × (1 − 预留风险金比例) − 预算签约服务费总额) / 总参保人数, at most the cap;
 * the budget is the residents' fund × its budget share, and the sign-up fees subtracted are the
 * fund's share only (12 of 32: public-health money pays the rest).
 */
export function baseCapitation(
  year: number,
  figures: CapitationYear,
  policyVersion: string,
): CapitationRate {
  const insured = new Dec(figures.insuredPersons);
  const budget = new Dec(figures.residentsFund).mul(figures.budgetShare);
  const afterReserve = budget.mul(new Dec(1).minus(figures.riskReserve));
  const fees = new Dec(figures.fundSignUpFee).mul(insured);
  const net = afterReserve.minus(fees);
  const perPerson = Decimal.max(net, 0).div(insured);
  const cap = new Dec(figures.cap);
  const capped = perPerson.gt(cap);
  const rate = capped ? cap : perPerson;
  const steps: CapitationStep[] = [
    {
      step: 'BUDGET',
      rule: '基金预算总额 = 当年城乡居民医保基金总额 × 预算比例 (原则上 10% 以内)',
      amount: money(budget),
      detail: `${figures.residentsFund} × ${figures.budgetShare} = ${money(budget)}`,
    },
    {
      step: 'RISK_RESERVE',
      rule: '预留风险金: 预算 × (1 − 风险金比例)',
      amount: money(afterReserve),
      detail: `${money(budget)} × (1 − ${figures.riskReserve}) = ${money(afterReserve)}`,
    },
    {
      step: 'SIGN_UP_FEES',
      rule: '预算签约服务费总额: 医保基金支付部分 × 总参保人数 (公共卫生经费支付部分不计)',
      amount: money(fees),
      detail: `${figures.fundSignUpFee} × ${figures.insuredPersons} = ${money(fees)} (签约服务费 ${figures.signUpFee}, 基金支付 ${figures.fundSignUpFee})`,
    },
    {
      step: 'NET',
      rule: '可用于基础人头费的预算 (不低于 0)',
      amount: money(Decimal.max(net, 0)),
      detail: `${money(afterReserve)} − ${money(fees)} = ${money(net)}`,
    },
    {
      step: 'PER_PERSON',
      rule: '÷ 总参保人数, 四舍五入到分',
      amount: money(perPerson),
      detail: `${money(Decimal.max(net, 0))} ÷ ${figures.insuredPersons} = ${money(perPerson)}`,
    },
    {
      step: 'CAP',
      rule: '基础人头费原则上不超过限额',
      amount: money(rate),
      detail: capped
        ? `${perPerson.toDecimalPlaces(4).toString()} > ${figures.cap}：超过限额，按 ${money(cap)}`
        : `${money(perPerson)} ≤ ${figures.cap}：未超过限额`,
    },
  ];
  return {
    year,
    baseCapitation: money(rate),
    capped,
    fundSignUpFee: money(new Dec(figures.fundSignUpFee)),
    policyVersion,
    steps,
  };
}

// ---------------------------------------------------------------- a month

/** A sign-up's days, inclusive (YYYY-MM-DD); `end` is the last day it covers. */
export interface SignUpSpan {
  start: string;
  end: string;
}

export interface SettlementLine {
  kind: 'BASE_CAPITATION' | 'SIGN_UP_FEE';
  amount: string;
  steps: CapitationStep[];
}

export interface MonthSettlement {
  year: number;
  month: number;
  daysInMonth: number;
  /** Sign-ups covering the whole month, and those covering part of it (pro rata by days). */
  fullMonthPersons: number;
  proRataPersons: number;
  /** Σ days covered in the month by each sign-up. */
  personDays: number;
  /** personDays ÷ daysInMonth, four places (shown; the amounts use the exact fraction). */
  personMonths: string;
  baseCapitation: string;
  fundSignUpFee: string;
  lines: SettlementLine[];
  /** Σ lines. */
  total: string;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Days of `span` inside the month, inclusive (0 when it does not touch the month). */
export function daysCovered(span: SignUpSpan, year: number, month: number): number {
  const first = `${year}-${pad(month)}-01`;
  const last = `${year}-${pad(month)}-${pad(daysInMonth(year, month))}`;
  const from = span.start > first ? span.start : first;
  const to = span.end < last ? span.end : last;
  if (from > to) {
    return 0;
  }
  return (
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
  );
}

/**
 * 月度结算: 基础人头费 × 当月签约人数 ÷ 12, a sign-up that starts or ends within the month counted
 * by its days; the fund's sign-up fee share ÷ 12 per person-month as a separate line
 * (基础人头费和签约服务费分开结算). One rounding per line, on the exact person-days.
 */
export function settleMonth(
  year: number,
  month: number,
  rate: Pick<CapitationRate, 'baseCapitation' | 'fundSignUpFee'>,
  signUps: readonly SignUpSpan[],
): MonthSettlement {
  const days = daysInMonth(year, month);
  let full = 0;
  let partial = 0;
  let personDays = 0;
  for (const span of signUps) {
    const covered = daysCovered(span, year, month);
    if (covered === days) {
      full++;
    } else if (covered > 0) {
      partial++;
    }
    personDays += covered;
  }
  const personMonths = new Dec(personDays).div(days);
  const line = (kind: SettlementLine['kind'], yearly: string, rule: string): SettlementLine => {
    const amount = new Dec(yearly).mul(personDays).div(days * 12);
    return {
      kind,
      amount: money(amount),
      steps: [
        {
          step: 'PERSON_MONTHS',
          rule: '当月签约人数: 整月签约按 1 人计, 月中开始或终止的签约按天数折算',
          amount: personMonths.toFixed(4),
          detail: `${full} 人整月 + ${partial} 人按天折算 = ${personDays} 人·天 ÷ ${days} 天 = ${personMonths.toFixed(4)} 人·月`,
        },
        {
          step: kind,
          rule,
          amount: money(amount),
          detail: `${yearly} × ${personDays} ÷ (${days} × 12) = ${money(amount)}`,
        },
      ],
    };
  };
  const base = line(
    'BASE_CAPITATION',
    rate.baseCapitation,
    '基础人头费 × 当月签约人数 ÷ 12, 四舍五入到分',
  );
  const fee = line(
    'SIGN_UP_FEE',
    rate.fundSignUpFee,
    '签约服务费 (医保基金支付部分) ÷ 12 × 当月签约人数, 单独结算',
  );
  return {
    year,
    month,
    daysInMonth: days,
    fullMonthPersons: full,
    proRataPersons: partial,
    personDays,
    personMonths: personMonths.toFixed(4),
    baseCapitation: base.amount,
    fundSignUpFee: fee.amount,
    lines: [base, fee],
    total: money(new Dec(base.amount).plus(fee.amount)),
  };
}

// ---------------------------------------------------------------- the year end

export type ReconciliationOutcome = 'SURPLUS' | 'OVERSPEND' | 'BALANCED';
/** PAY: the fund pays the institution; RECOVER: the institution pays back; NONE: nothing moves. */
export type ReconciliationDirection = 'PAY' | 'RECOVER' | 'NONE';

export interface Reconciliation {
  /** Σ base capitation paid for the year (预付). */
  prepaid: string;
  /** The institution's actual outpatient fund spending for its signed persons. */
  spent: string;
  /** prepaid − spent: positive a surplus, negative an overspend. */
  balance: string;
  outcome: ReconciliationOutcome;
  score: number;
  band: CapitationBand;
  direction: ReconciliationDirection;
  /** What moves, never negative. */
  amount: string;
  steps: CapitationStep[];
}

/** The band of a score: the one with the highest `minScore` at or below it. */
export function bandFor(score: number, bands: readonly CapitationBand[]): CapitationBand {
  const band = [...bands].sort((a, b) => b.minScore - a.minScore).find((b) => score >= b.minScore);
  if (!band) {
    throw new Error(`no capitation band for score ${score}`);
  }
  return band;
}

/**
 * 年终清算: 结余考核留用、超支合理分担. A surplus: the institution keeps its band's share, the
 * rest is recovered; an overspend: the fund bears its band's share, paid to the institution.
 */
export function reconcileYear(
  prepaid: string,
  spent: string,
  score: number,
  bands: readonly CapitationBand[],
): Reconciliation {
  const balance = new Dec(prepaid).minus(spent);
  const band = bandFor(score, bands);
  const steps: CapitationStep[] = [
    {
      step: 'BALANCE',
      rule: '结余 (超支) = 年度预付基础人头费 − 实际门诊统筹基金支出',
      amount: money(balance),
      detail: `${prepaid} − ${spent} = ${money(balance)}`,
    },
    {
      step: 'BAND',
      rule: '考核得分确定档次 (政策)',
      amount: money(balance.abs()),
      detail: `得分 ${score} ≥ ${band.minScore}: 结余留用 ${band.surplusKept}, 超支基金分担 ${band.overspendFundShare}`,
    },
  ];
  let outcome: ReconciliationOutcome = 'BALANCED';
  let direction: ReconciliationDirection = 'NONE';
  let amount = new Dec(0);
  if (balance.gt(0)) {
    outcome = 'SURPLUS';
    const kept = balance.mul(band.surplusKept).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    amount = balance.minus(kept);
    direction = amount.gt(0) ? 'RECOVER' : 'NONE';
    steps.push(
      {
        step: 'SURPLUS_KEPT',
        rule: '结余考核留用: 结余 × 留用比例, 四舍五入到分',
        amount: money(kept),
        detail: `${money(balance)} × ${band.surplusKept} = ${money(kept)}`,
      },
      {
        step: 'RECOVERY',
        rule: '结余中未留用部分由基金收回',
        amount: money(amount),
        detail: `${money(balance)} − ${money(kept)} = ${money(amount)}`,
      },
    );
  } else if (balance.lt(0)) {
    outcome = 'OVERSPEND';
    const overspend = balance.neg();
    amount = overspend.mul(band.overspendFundShare).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    direction = amount.gt(0) ? 'PAY' : 'NONE';
    steps.push({
      step: 'FUND_SHARE',
      rule: '超支合理分担: 超支 × 基金分担比例, 四舍五入到分, 由基金拨付',
      amount: money(amount),
      detail: `${money(overspend)} × ${band.overspendFundShare} = ${money(amount)} (机构承担 ${money(overspend.minus(amount))})`,
    });
  }
  return {
    prepaid: money(new Dec(prepaid)),
    spent: money(new Dec(spent)),
    balance: money(balance),
    outcome,
    score,
    band,
    direction,
    amount: money(amount),
    steps,
  };
}
