import Decimal from 'decimal.js';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import {
  DEFAULT_RELIEF_POLICY,
  type RatedReliefCategory,
  type ReliefCategoryPolicy,
  type ReliefPolicy,
  validateReliefPolicy,
} from './relief-policy';

/**
 * Relief calculation (医疗救助, docs/domain.md §1): "insurance first, then relief" per expense line,
 * the category's ratio, half-up rounding to the cent per line, the outpatient sub-cap and the
 * shared annual cap, and the 6-month look-back for a person newly recognised because of illness.
 *
 * Pure: no I/O, no clock, no framework. Money is decimal.js only; amounts in and out are decimal
 * strings, out always with two places ("12345.60"). Every number comes from the ReliefPolicy.
 */

/** A private Decimal constructor, so nothing here depends on (or changes) the global config. */
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof Dec>;

export const RELIEF_CATEGORIES = [
  'TEKUN',
  'DIBAO',
  'DIBIAN',
  'DISABLED',
  'ILLNESS_POVERTY',
] as const;
export type ReliefCategory = (typeof RELIEF_CATEGORIES)[number];
/** The applicant's category as declared: a relief category or OTHER (not a relief category). */
export type ApplicantCategory = ReliefCategory | 'OTHER';
/** What an ILLNESS_POVERTY person was newly recognised as (因病纳入低保/低边); sets the ratio. */
export const RECOGNISED_STATUSES = ['DIBAO', 'DIBIAN'] as const;
export type RecognisedStatus = (typeof RECOGNISED_STATUSES)[number];
export type ExpenseKind = 'INPATIENT' | 'OUTPATIENT';

export interface ReliefExpense {
  kind: ExpenseKind;
  institution: string;
  /** YYYY-MM-DD: the visit, or the admission for an inpatient stay. */
  date: string;
  /** YYYY-MM-DD, INPATIENT only: for a continuous stay the discharge date decides. */
  dischargeDate?: string;
  totalCost: string;
  inPolicyCost: string;
  basicInsurancePaid: string;
  criticalIllnessPaid: string;
  otherInsurancePaid: string;
}

export interface ReliefInput {
  category: ApplicantCategory;
  /** Required for ILLNESS_POVERTY. */
  recognisedAs?: RecognisedStatus;
  /** YYYY-MM-DD, required for ILLNESS_POVERTY (start of the look-back). */
  recognitionDate?: string;
  /** The application's (cap) year. */
  year: number;
  expenses: ReliefExpense[];
  /**
   * Relief already counted against this year's caps: paid, plus reserved by approved unpaid
   * cases. `outpatient` is the outpatient part of `total`. Absent = nothing yet.
   */
  alreadyPaidThisYear?: { total: string; outpatient: string };
}

export type ReliefStepName =
  | 'BASE'
  | 'LOOK_BACK_EXCLUDED'
  | 'OUTSIDE_YEAR_EXCLUDED'
  | 'RATIO'
  | 'OUTPATIENT_CAP'
  | 'ANNUAL_CAP';

/** One step of one line's calculation, citing its rule. `amount` is the line's figure after it. */
export interface ReliefStep {
  step: ReliefStepName;
  rule: string;
  amount: string;
  detail: string;
  policyVersion: string;
}

export interface ReliefLine {
  /** Position of the expense in the input. Lines are listed in processing order. */
  expenseIndex: number;
  kind: ExpenseKind;
  institution: string;
  /** The date that places the line in time: the discharge date of a stay if given, else `date`. */
  decisiveDate: string;
  /** False when the line is outside the year or before the look-back window: relief 0. */
  counted: boolean;
  /** In-policy cost − all insurance, never below 0 (what is left to the person before relief). */
  insuranceRemainder: string;
  /** The relief base: the insurance remainder when counted, else 0.00. */
  eligibleBase: string;
  reliefAmount: string;
  /** Insurance remainder − relief. */
  personalBurdenAfter: string;
  steps: ReliefStep[];
}

export interface ReliefCalculation {
  category: ReliefCategory;
  /** ILLNESS_POVERTY only: the status whose ratio and caps were applied. */
  recognisedAs?: RecognisedStatus;
  ratio: string;
  /** Σ lines[].eligibleBase */
  eligibleBase: string;
  /** Σ lines[].reliefAmount = outpatientReliefAmount + inpatientReliefAmount */
  reliefAmount: string;
  outpatientReliefAmount: string;
  inpatientReliefAmount: string;
  /** Annual cap left after this calculation; null when the category has no cap (TEKUN). */
  annualCapRemaining: string | null;
  /** Outpatient sub-cap left after this calculation; null when there is none (TEKUN). */
  outpatientCapRemaining: string | null;
  /** Σ lines[].personalBurdenAfter = Σ max(0, in-policy − all insurance − relief). */
  personalBurdenAfter: string;
  policyVersion: string;
  lines: ReliefLine[];
}

/** Rules cited by the steps. Numbers are not repeated here: they are in the policy and the detail. */
export const RELIEF_RULES: Record<ReliefStepName, string> = {
  BASE: 'DOMAIN §1 先保险后救助: 政策范围内费用 − 基本医保 − 大病保险 − 其他补充保险, 不低于0 (seed 002)',
  RATIO: 'DOMAIN §1 救助比例 (按类别), 逐笔四舍五入到分 (seed 002)',
  OUTPATIENT_CAP: 'DOMAIN §1 普通门诊年度救助限额, 含在年度救助限额内 (seed 002)',
  ANNUAL_CAP:
    'DOMAIN §1 门诊与住院同比例救助并共用年度救助限额, 按自然年, 已付及已批未付计入 (seed 002)',
  LOOK_BACK_EXCLUDED:
    'DOMAIN §1 新认定因病低保/低边: 认定前若干个月政策范围内费用纳入, 连续住院以出院日期为准 (seed 002)',
  OUTSIDE_YEAR_EXCLUDED: 'DOMAIN §1 年度救助限额按申请年度 (自然年) 计算',
};

/** OTHER (or anything not in RELIEF_CATEGORIES): refused, the caseworker rejects with a reason. */
export class NotAReliefCategoryError extends DomainError {
  constructor(readonly category: string) {
    super(
      'BUSINESS_RULE',
      `${category} is not a relief category (relief categories: ${RELIEF_CATEGORIES.join(', ')}); reject the application with a reason instead.`,
      { category },
    );
    this.name = 'NotAReliefCategoryError';
  }
}

export type RecognitionField = 'recognisedAs' | 'recognitionDate';

/** ILLNESS_POVERTY without its recognised status and/or recognition date. */
export class MissingRecognitionError extends DomainError {
  constructor(readonly fields: RecognitionField[]) {
    super(
      'VALIDATION_FAILED',
      `ILLNESS_POVERTY needs ${fields.join(' and ')} (the recognised status DIBAO or DIBIAN sets the ratio; the recognition date starts the look-back).`,
      {
        errors: fields.map((field) => ({
          field,
          message: `${field} is required for category ILLNESS_POVERTY`,
        })),
      },
    );
    this.name = 'MissingRecognitionError';
  }
}

/** Malformed input (amounts, dates, year), every bad field named. */
export class InvalidReliefInputError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super('VALIDATION_FAILED', 'The relief calculation input has invalid fields.', {
      errors: fieldErrors,
    });
    this.name = 'InvalidReliefInputError';
  }
}

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') {
    return false;
  }
  const m = ISO_DATE.exec(s);
  if (!m) {
    return false;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** `date` minus `months` calendar months; a day missing in the target month becomes its last day. */
export function subtractMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  const nd = Math.min(d, daysInMonth(ny, nm));
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

const money = (d: Dec): string => d.toFixed(2, Decimal.ROUND_HALF_UP);
const ZERO = new Dec(0);

function checkInput(input: ReliefInput): FieldError[] {
  const errors: FieldError[] = [];
  const amount = (field: string, v: unknown): void => {
    if (typeof v !== 'string' || !AMOUNT.test(v)) {
      errors.push({
        field,
        message: `must be a non-negative decimal string with at most two places, e.g. "1234.50" (got ${JSON.stringify(v)})`,
      });
    }
  };
  if (!Number.isInteger(input.year) || input.year < 1900 || input.year > 9999) {
    errors.push({ field: 'year', message: 'must be a whole year, e.g. 2026' });
  }
  if (input.category === 'ILLNESS_POVERTY') {
    if (!(RECOGNISED_STATUSES as readonly string[]).includes(input.recognisedAs as string)) {
      errors.push({ field: 'recognisedAs', message: 'must be DIBAO or DIBIAN' });
    }
    if (!isIsoDate(input.recognitionDate)) {
      errors.push({ field: 'recognitionDate', message: 'must be a real date YYYY-MM-DD' });
    }
  }
  if (!Array.isArray(input.expenses)) {
    errors.push({ field: 'expenses', message: 'must be an array' });
  } else {
    input.expenses.forEach((e, i) => {
      const at = `expenses.${i}`;
      if (typeof e !== 'object' || e === null) {
        errors.push({ field: at, message: 'must be an object' });
        return;
      }
      if (e.kind !== 'INPATIENT' && e.kind !== 'OUTPATIENT') {
        errors.push({ field: `${at}.kind`, message: 'must be INPATIENT or OUTPATIENT' });
      }
      if (!isIsoDate(e.date)) {
        errors.push({ field: `${at}.date`, message: 'must be a real date YYYY-MM-DD' });
      }
      if (e.dischargeDate !== undefined) {
        if (e.kind !== 'INPATIENT') {
          errors.push({
            field: `${at}.dischargeDate`,
            message: 'only an INPATIENT stay has a discharge date',
          });
        } else if (!isIsoDate(e.dischargeDate)) {
          errors.push({ field: `${at}.dischargeDate`, message: 'must be a real date YYYY-MM-DD' });
        } else if (isIsoDate(e.date) && e.dischargeDate < e.date) {
          errors.push({
            field: `${at}.dischargeDate`,
            message: `cannot be before the admission date ${e.date}`,
          });
        }
      }
      const fields = [
        'totalCost',
        'inPolicyCost',
        'basicInsurancePaid',
        'criticalIllnessPaid',
        'otherInsurancePaid',
      ] as const;
      for (const f of fields) {
        amount(`${at}.${f}`, e[f]);
      }
      if (
        AMOUNT.test(String(e.totalCost)) &&
        AMOUNT.test(String(e.inPolicyCost)) &&
        new Dec(e.inPolicyCost).gt(e.totalCost)
      ) {
        errors.push({
          field: `${at}.inPolicyCost`,
          message: `cannot exceed totalCost (${e.totalCost})`,
        });
      }
    });
  }
  const paid = input.alreadyPaidThisYear;
  if (paid !== undefined) {
    if (typeof paid !== 'object' || paid === null) {
      errors.push({ field: 'alreadyPaidThisYear', message: 'must be { total, outpatient }' });
    } else {
      amount('alreadyPaidThisYear.total', paid.total);
      amount('alreadyPaidThisYear.outpatient', paid.outpatient);
      if (
        AMOUNT.test(String(paid.total)) &&
        AMOUNT.test(String(paid.outpatient)) &&
        new Dec(paid.outpatient).gt(paid.total)
      ) {
        errors.push({
          field: 'alreadyPaidThisYear.outpatient',
          message: `is part of the total and cannot exceed it (${paid.total})`,
        });
      }
    }
  }
  return errors;
}

/** Why a line does not count, or null when it does. */
interface Exclusion {
  step: 'LOOK_BACK_EXCLUDED' | 'OUTSIDE_YEAR_EXCLUDED';
  detail: string;
}

interface LookBack {
  recognitionDate: string;
  windowStart: string;
  months: number;
}

/**
 * Year and look-back. A line counts when its decisive date is in the application year, or, for
 * ILLNESS_POVERTY recognised during the application year, in the look-back window before the
 * recognition date even if that reaches into the previous year (those costs are relieved by, and
 * charged to the caps of, the recognition year's application). A line before the look-back window
 * never counts.
 */
function exclusionOf(
  decisiveDate: string,
  dateLabel: string,
  year: number,
  lookBack: LookBack | null,
): Exclusion | null {
  const lineYear = Number(decisiveDate.slice(0, 4));
  if (lookBack) {
    const { recognitionDate, windowStart, months } = lookBack;
    if (decisiveDate < windowStart) {
      return {
        step: 'LOOK_BACK_EXCLUDED',
        detail: `${dateLabel} ${decisiveDate} is before ${windowStart}, the start of the ${months}-month look-back before recognition on ${recognitionDate}: not relieved`,
      };
    }
    const inLookBack = decisiveDate < recognitionDate;
    const recognitionYear = Number(recognitionDate.slice(0, 4));
    if (lineYear !== year && !(inLookBack && recognitionYear === year)) {
      return {
        step: 'OUTSIDE_YEAR_EXCLUDED',
        detail: inLookBack
          ? `${dateLabel} ${decisiveDate} is in the look-back before recognition on ${recognitionDate}, but recognition was not in the application year ${year}: it belongs to the ${recognitionYear} application; not relieved`
          : `${dateLabel} ${decisiveDate} is outside the application year ${year}: not relieved`,
      };
    }
    return null;
  }
  if (lineYear !== year) {
    return {
      step: 'OUTSIDE_YEAR_EXCLUDED',
      detail: `${dateLabel} ${decisiveDate} is outside the application year ${year}: not relieved`,
    };
  }
  return null;
}

/** Computes the relief for an application. Throws the typed errors above on unusable input. */
export function calculateRelief(
  input: ReliefInput,
  policy: ReliefPolicy = DEFAULT_RELIEF_POLICY,
): ReliefCalculation {
  const policyProblems = validateReliefPolicy(policy, 'relief');
  if (policyProblems.length > 0) {
    throw new Error(`invalid relief policy:\n  - ${policyProblems.join('\n  - ')}`);
  }
  if (!(RELIEF_CATEGORIES as readonly string[]).includes(input.category)) {
    throw new NotAReliefCategoryError(String(input.category));
  }
  const category = input.category as ReliefCategory;
  if (category === 'ILLNESS_POVERTY') {
    const missing: RecognitionField[] = [];
    if (input.recognisedAs === undefined || input.recognisedAs === null) {
      missing.push('recognisedAs');
    }
    if (input.recognitionDate === undefined || input.recognitionDate === null) {
      missing.push('recognitionDate');
    }
    if (missing.length > 0) {
      throw new MissingRecognitionError(missing);
    }
  }
  const inputErrors = checkInput(input);
  if (inputErrors.length > 0) {
    throw new InvalidReliefInputError(inputErrors);
  }

  const version = policy.version;
  const rated: RatedReliefCategory =
    category === 'ILLNESS_POVERTY' ? (input.recognisedAs as RecognisedStatus) : category;
  const rules: ReliefCategoryPolicy = policy.categories[rated];
  const ratio = new Dec(rules.ratio);
  const ratioText = ratio.toFixed(Math.max(2, ratio.decimalPlaces()));
  const ratioLabel =
    category === 'ILLNESS_POVERTY' ? `ILLNESS_POVERTY recognised as ${rated}` : rated;
  const lookBack: LookBack | null =
    category === 'ILLNESS_POVERTY'
      ? {
          recognitionDate: input.recognitionDate as string,
          windowStart: subtractMonths(
            input.recognitionDate as string,
            policy.illnessPovertyLookBackMonths,
          ),
          months: policy.illnessPovertyLookBackMonths,
        }
      : null;

  const paidTotal = new Dec(input.alreadyPaidThisYear?.total ?? 0);
  const paidOutpatient = new Dec(input.alreadyPaidThisYear?.outpatient ?? 0);
  let annualRemaining: Dec | null =
    rules.annualCap === null ? null : Dec.max(ZERO, new Dec(rules.annualCap).minus(paidTotal));
  let outpatientRemaining: Dec | null =
    rules.outpatientCap === null
      ? null
      : Dec.max(ZERO, new Dec(rules.outpatientCap).minus(paidOutpatient));

  const order = input.expenses
    .map((expense, expenseIndex) => {
      const discharge = expense.kind === 'INPATIENT' ? expense.dischargeDate : undefined;
      return {
        expense,
        expenseIndex,
        decisiveDate: discharge ?? expense.date,
        dateLabel: discharge !== undefined ? 'discharge date' : 'date',
      };
    })
    .sort((a, b) =>
      a.decisiveDate < b.decisiveDate
        ? -1
        : a.decisiveDate > b.decisiveDate
          ? 1
          : a.expenseIndex - b.expenseIndex,
    );

  const lines: ReliefLine[] = [];
  for (const { expense: e, expenseIndex, decisiveDate, dateLabel } of order) {
    const steps: ReliefStep[] = [];
    const add = (step: ReliefStepName, amount: Dec, detail: string): void => {
      steps.push({
        step,
        rule: RELIEF_RULES[step],
        amount: money(amount),
        detail,
        policyVersion: version,
      });
    };

    const raw = new Dec(e.inPolicyCost)
      .minus(e.basicInsurancePaid)
      .minus(e.criticalIllnessPaid)
      .minus(e.otherInsurancePaid);
    const remainder = Dec.max(ZERO, raw);
    add(
      'BASE',
      remainder,
      `in-policy ${money(new Dec(e.inPolicyCost))} − basic ${money(new Dec(e.basicInsurancePaid))} − critical illness ${money(new Dec(e.criticalIllnessPaid))} − other ${money(new Dec(e.otherInsurancePaid))} = ${money(raw)}` +
        (raw.isNegative() ? ', never below 0 → 0.00' : ''),
    );

    const exclusion = exclusionOf(decisiveDate, dateLabel, input.year, lookBack);
    let base = remainder;
    let relief = ZERO;
    if (exclusion) {
      base = ZERO;
      add(exclusion.step, ZERO, exclusion.detail);
    } else {
      const exact = base.times(ratio);
      relief = exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      add(
        'RATIO',
        relief,
        `${money(base)} × ${ratioText} (${ratioLabel}) = ${exact.decimalPlaces() > 2 ? `${exact.toString()} → ${money(relief)}, half up to the cent` : money(relief)}`,
      );
      if (e.kind === 'OUTPATIENT' && outpatientRemaining !== null) {
        const capped = Dec.min(relief, outpatientRemaining);
        add(
          'OUTPATIENT_CAP',
          capped,
          `min(${money(relief)}, outpatient remaining ${money(outpatientRemaining)} of the ${money(new Dec(rules.outpatientCap as string))} outpatient cap) = ${money(capped)}`,
        );
        relief = capped;
      }
      if (annualRemaining !== null) {
        const capped = Dec.min(relief, annualRemaining);
        add(
          'ANNUAL_CAP',
          capped,
          `min(${money(relief)}, annual remaining ${money(annualRemaining)} of the ${money(new Dec(rules.annualCap as string))} annual cap) = ${money(capped)}`,
        );
        relief = capped;
      }
      // Both remainings shrink by the final r.
      if (annualRemaining !== null) {
        annualRemaining = annualRemaining.minus(relief);
      }
      if (e.kind === 'OUTPATIENT' && outpatientRemaining !== null) {
        outpatientRemaining = outpatientRemaining.minus(relief);
      }
    }

    lines.push({
      expenseIndex,
      kind: e.kind,
      institution: e.institution,
      decisiveDate,
      counted: exclusion === null,
      insuranceRemainder: money(remainder),
      eligibleBase: money(base),
      reliefAmount: money(relief),
      personalBurdenAfter: money(remainder.minus(relief)),
      steps,
    });
  }

  const sum = (pick: (l: ReliefLine) => string, filter: (l: ReliefLine) => boolean = () => true) =>
    money(lines.filter(filter).reduce((acc, l) => acc.plus(pick(l)), ZERO));

  return {
    category,
    ...(category === 'ILLNESS_POVERTY' ? { recognisedAs: rated as RecognisedStatus } : {}),
    ratio: ratioText,
    eligibleBase: sum((l) => l.eligibleBase),
    reliefAmount: sum((l) => l.reliefAmount),
    outpatientReliefAmount: sum(
      (l) => l.reliefAmount,
      (l) => l.kind === 'OUTPATIENT',
    ),
    inpatientReliefAmount: sum(
      (l) => l.reliefAmount,
      (l) => l.kind === 'INPATIENT',
    ),
    annualCapRemaining: annualRemaining === null ? null : money(annualRemaining),
    outpatientCapRemaining: outpatientRemaining === null ? null : money(outpatientRemaining),
    personalBurdenAfter: sum((l) => l.personalBurdenAfter),
    policyVersion: version,
    lines,
  };
}
