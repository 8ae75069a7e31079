import Decimal from 'decimal.js';
import { DomainError } from '../common/errors/domain-error';
import type { ReliefCategory } from '../relief/relief-calculator';
import type { MonitoringPolicy, ReferenceIncomes } from './monitoring-policy';

/**
 * The early-warning thresholds (因病致贫返贫监测, docs/domain.md §3; seed 002 二.1):
 *
 * - 困难群众 (a relief category): the in-policy personal burden after all schemes
 *   (in-policy cost − insurance paid − relief paid) REACHES `reliefCategoryBurden` (5,000: 及以上);
 * - 其他参保人员 are monitored by insurance type (分类监测), on the burden including out-of-policy
 *   costs, strictly ABOVE (超过) a share of last year's reference income:
 *   employee (职工在职) 60% of the urban per-capita disposable income; retiree (职工退休) the average
 *   enterprise pension; resident (城乡居民, 含少儿) 60% of the rural per-capita net income.
 *
 * One rule applies to each person: the seed monitors 困难群众 by the 5,000 line and "其他参保人员"
 * by their insurance type. The scan runs in SQL ({@link flagConditionSql}); the same rule table
 * drives {@link evaluateRecord}, the TypeScript twin the unit tests pin at every boundary.
 * Pure: no I/O, no clock; money is decimal.js, never floats.
 */

export const MONITORING_RULES = [
  'RELIEF_CATEGORY_BURDEN',
  'EMPLOYEE_INCOME',
  'RETIREE_PENSION',
  'RESIDENT_RURAL_INCOME',
] as const;
export type MonitoringRule = (typeof MONITORING_RULES)[number];
/** A flag comes from a threshold, or from a report by a person, employer or organisation. */
export type FlagRule = MonitoringRule | 'REPORTED';

export const INSURANCE_TYPES = ['EMPLOYEE', 'RETIREE', 'RESIDENT'] as const;
export type InsuranceType = (typeof INSURANCE_TYPES)[number];

/** `reaches`: at or above (达到…及以上); `exceeds`: strictly above (超过). */
export type Comparison = 'reaches' | 'exceeds';
/** The in-policy burden alone, or with the out-of-policy costs added. */
export type BurdenMeasure = 'IN_POLICY_BURDEN' | 'TOTAL_BURDEN';

export interface RuleThreshold {
  rule: MonitoringRule;
  comparison: Comparison;
  measure: BurdenMeasure;
  /** Exact (a share times an income is not rounded): `"51600.00"`, `"24074.074"`. */
  threshold: string;
  /** How the threshold was derived, for the run record. */
  basis: string;
}

/** The thresholds of one run year, with what they were derived from. */
export interface YearThresholds {
  year: number;
  policyVersion: string;
  reference: ReferenceIncomes;
  reliefCategories: readonly ReliefCategory[];
  rules: Record<MonitoringRule, RuleThreshold>;
}

/** What a rule reads of an expense record: amounts are decimal strings. */
export interface BurdenRecord {
  insuranceType: InsuranceType;
  category: string | null;
  inPolicyCost: string;
  insurancePaid: string;
  reliefPaid: string;
  outOfPolicyCost: string;
}

export interface Evaluation {
  rule: MonitoringRule;
  flagged: boolean;
  /** The burden the rule measured and its threshold. */
  burden: string;
  threshold: string;
  comparison: Comparison;
  inPolicyBurden: string;
  totalBurden: string;
}

const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof Dec>;

/** Money with two places; a threshold with more keeps them all (never rounded towards a flag). */
export function displayAmount(value: Decimal.Value): string {
  const d = new Dec(value);
  return d.decimalPlaces() <= 2 ? d.toFixed(2) : d.toFixed();
}

/** Which rule watches a person: the relief-category line, else the rule of their insurance. */
const RULE_OF_INSURANCE: Record<InsuranceType, MonitoringRule> = {
  EMPLOYEE: 'EMPLOYEE_INCOME',
  RETIREE: 'RETIREE_PENSION',
  RESIDENT: 'RESIDENT_RURAL_INCOME',
};

/**
 * The thresholds for run year `year`, from `monitoring.reference.<year>` (the figures published
 * for year−1). A year without reference incomes is refused (422 naming `year`).
 */
export function thresholdsFor(policy: MonitoringPolicy, year: number): YearThresholds {
  const reference = policy.reference[String(year)];
  if (!reference) {
    const configured = Object.keys(policy.reference).sort().join(', ') || 'none';
    throw new DomainError(
      'BUSINESS_RULE',
      `The policy has no reference incomes for ${year} (monitoring.reference.${year}, the figures of ${year - 1}); configured years: ${configured}.`,
      {
        errors: [
          {
            field: 'year',
            message: `no reference incomes for ${year} in the policy (monitoring.reference.${year})`,
          },
        ],
      },
    );
  }
  const share = (s: string, income: string): string => displayAmount(new Dec(s).times(income));
  const last = year - 1;
  return {
    year,
    policyVersion: policy.version,
    reference,
    reliefCategories: policy.reliefCategories,
    rules: {
      RELIEF_CATEGORY_BURDEN: {
        rule: 'RELIEF_CATEGORY_BURDEN',
        comparison: 'reaches',
        measure: 'IN_POLICY_BURDEN',
        threshold: displayAmount(policy.reliefCategoryBurden),
        basis: `in-policy personal burden of a relief-category person reaches ${displayAmount(policy.reliefCategoryBurden)}`,
      },
      EMPLOYEE_INCOME: {
        rule: 'EMPLOYEE_INCOME',
        comparison: 'exceeds',
        measure: 'TOTAL_BURDEN',
        threshold: share(policy.employeeIncomeShare, reference.urbanDisposableIncome),
        basis: `${policy.employeeIncomeShare} x urban per-capita disposable income of ${last} (${reference.urbanDisposableIncome})`,
      },
      RETIREE_PENSION: {
        rule: 'RETIREE_PENSION',
        comparison: 'exceeds',
        measure: 'TOTAL_BURDEN',
        threshold: share(policy.retireePensionShare, reference.averageEnterprisePension),
        basis: `${policy.retireePensionShare} x average enterprise pension of ${last} (${reference.averageEnterprisePension})`,
      },
      RESIDENT_RURAL_INCOME: {
        rule: 'RESIDENT_RURAL_INCOME',
        comparison: 'exceeds',
        measure: 'TOTAL_BURDEN',
        threshold: share(policy.residentIncomeShare, reference.ruralNetIncome),
        basis: `${policy.residentIncomeShare} x rural per-capita net income of ${last} (${reference.ruralNetIncome})`,
      },
    },
  };
}

/** The rule that watches this person (exactly one). */
export function ruleFor(
  record: Pick<BurdenRecord, 'insuranceType' | 'category'>,
  thresholds: Pick<YearThresholds, 'reliefCategories'>,
): MonitoringRule {
  return record.category !== null &&
    (thresholds.reliefCategories as readonly string[]).includes(record.category)
    ? 'RELIEF_CATEGORY_BURDEN'
    : RULE_OF_INSURANCE[record.insuranceType];
}

function meets(burden: Dec, threshold: string, comparison: Comparison): boolean {
  switch (comparison) {
    case 'reaches':
      return burden.greaterThanOrEqualTo(threshold);
    case 'exceeds':
      return burden.greaterThan(threshold);
  }
}

/** Applies the person's rule to one record (the scan does the same in SQL). */
export function evaluateRecord(record: BurdenRecord, thresholds: YearThresholds): Evaluation {
  const inPolicy = new Dec(record.inPolicyCost)
    .minus(record.insurancePaid)
    .minus(record.reliefPaid);
  const total = inPolicy.plus(record.outOfPolicyCost);
  const rule = thresholds.rules[ruleFor(record, thresholds)];
  const burden = rule.measure === 'IN_POLICY_BURDEN' ? inPolicy : total;
  return {
    rule: rule.rule,
    flagged: meets(burden, rule.threshold, rule.comparison),
    burden: displayAmount(burden),
    threshold: rule.threshold,
    comparison: rule.comparison,
    inPolicyBurden: displayAmount(inPolicy),
    totalBurden: displayAmount(total),
  };
}

// ---------------------------------------------------------------- the same rules in SQL

/** SQL over `monitoring_expense_records` aliased `alias`: the measures, rule, burden and threshold. */
export interface FlagSql {
  inPolicyBurden: string;
  totalBurden: string;
  rule: string;
  burden: string;
  threshold: string;
  /** True for a record its rule flags. */
  condition: string;
}

const SAFE_DECIMAL = /^\d{1,14}(\.\d{1,6})?$/;
const SAFE_CODE = /^[A-Z_]{1,32}$/;

/** A literal the policy produced (validated), checked again so nothing else is ever inlined. */
function decimalLiteral(value: string): string {
  const fixed = new Dec(value).toFixed(6);
  if (!SAFE_DECIMAL.test(fixed)) {
    throw new Error(`threshold ${value} cannot be a DECIMAL(20,6) literal`);
  }
  return `CAST('${fixed}' AS DECIMAL(20,6))`;
}

function codeLiteral(code: string): string {
  if (!SAFE_CODE.test(code)) {
    throw new Error(`${code} is not a code`);
  }
  return `'${code}'`;
}

/**
 * The rule table as SQL, for one `INSERT … SELECT` over a year's records (numbers inlined as
 * checked DECIMAL literals, so the statement is the same for every row and exact, never float).
 */
export function flagConditionSql(thresholds: YearThresholds, alias = 'r'): FlagSql {
  const col = (name: string): string => `${alias}.${name}`;
  const inPolicyBurden = `(${col('in_policy_cost')} - ${col('insurance_paid')} - ${col('relief_paid')})`;
  const totalBurden = `(${inPolicyBurden} + ${col('out_of_policy_cost')})`;
  const categories = thresholds.reliefCategories.map(codeLiteral).join(', ');
  const isRelief = `(${col('category')} IS NOT NULL AND ${col('category')} IN (${categories}))`;
  const appliesTo = (rule: MonitoringRule): string => {
    if (rule === 'RELIEF_CATEGORY_BURDEN') {
      return isRelief;
    }
    const insurance = (Object.keys(RULE_OF_INSURANCE) as InsuranceType[]).find(
      (t) => RULE_OF_INSURANCE[t] === rule,
    )!;
    return `(NOT ${isRelief} AND ${col('insurance_type')} = ${codeLiteral(insurance)})`;
  };
  const measureOf = (r: RuleThreshold): string =>
    r.measure === 'IN_POLICY_BURDEN' ? inPolicyBurden : totalBurden;
  const operator = (c: Comparison): string => (c === 'reaches' ? '>=' : '>');
  const rules = MONITORING_RULES.map((rule) => thresholds.rules[rule]);
  const caseOf = (value: (r: RuleThreshold) => string): string =>
    `CASE ${rules.map((r) => `WHEN ${appliesTo(r.rule)} THEN ${value(r)}`).join(' ')} END`;
  return {
    inPolicyBurden,
    totalBurden,
    rule: caseOf((r) => codeLiteral(r.rule)),
    burden: caseOf(measureOf),
    threshold: caseOf((r) => decimalLiteral(r.threshold)),
    condition: `(${rules
      .map(
        (r) =>
          `(${appliesTo(r.rule)} AND ${measureOf(r)} ${operator(r.comparison)} ${decimalLiteral(r.threshold)})`,
      )
      .join(' OR ')})`,
  };
}
