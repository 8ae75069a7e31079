import { DomainError } from '../common/errors/domain-error';
import { DEFAULT_MONITORING_POLICY, type MonitoringPolicy } from './monitoring-policy';
import {
  type BurdenRecord,
  evaluateRecord,
  flagConditionSql,
  type MonitoringRule,
  thresholdsFor,
} from './monitoring-thresholds';

/** The default policy's 2026 figures: urban 86,000; pension 42,000; rural 50,000. */
const T = thresholdsFor(DEFAULT_MONITORING_POLICY, 2026);

/** A relief-category record whose in-policy burden (cost − insurance − relief) is `burden`. */
function reliefRecord(burden: string, category = 'DIBAO', outOfPolicyCost = '0.00'): BurdenRecord {
  return {
    insuranceType: 'RESIDENT',
    category,
    inPolicyCost: (Number(burden) + 30000).toFixed(2),
    insurancePaid: '20000.00',
    reliefPaid: '10000.00',
    outOfPolicyCost,
  };
}

/** A record without a relief category whose total burden (in-policy remainder + out-of-policy) is `burden`. */
function insuredRecord(
  insuranceType: BurdenRecord['insuranceType'],
  burden: string,
  category: string | null = null,
): BurdenRecord {
  return {
    insuranceType,
    category,
    inPolicyCost: (Number(burden) - 1000 + 40000).toFixed(2),
    insurancePaid: '35000.00',
    reliefPaid: '5000.00',
    outOfPolicyCost: '1000.00',
  };
}

const cases: Array<{
  rule: MonitoringRule;
  threshold: string;
  comparison: 'reaches' | 'exceeds';
  record: (burden: string) => BurdenRecord;
}> = [
  {
    rule: 'RELIEF_CATEGORY_BURDEN',
    threshold: '5000.00',
    comparison: 'reaches',
    record: (b) => reliefRecord(b),
  },
  {
    rule: 'EMPLOYEE_INCOME',
    threshold: '51600.00', // 60% × 86,000
    comparison: 'exceeds',
    record: (b) => insuredRecord('EMPLOYEE', b),
  },
  {
    rule: 'RETIREE_PENSION',
    threshold: '42000.00', // 100% × 42,000
    comparison: 'exceeds',
    record: (b) => insuredRecord('RETIREE', b),
  },
  {
    rule: 'RESIDENT_RURAL_INCOME',
    threshold: '30000.00', // 60% × 50,000 (children included: 城乡居民含少儿医保)
    comparison: 'exceeds',
    record: (b) => insuredRecord('RESIDENT', b),
  },
];

const cent = (amount: string, delta: number): string => (Number(amount) + delta / 100).toFixed(2);

describe('the early-warning thresholds (docs/domain.md §3)', () => {
  describe.each(cases)(
    '$rule ($comparison $threshold)',
    ({ rule, threshold, comparison, record }) => {
      it('should derive the threshold from the policy', () => {
        expect(T.rules[rule]).toMatchObject({ threshold, comparison });
      });

      it('should not flag one cent below the threshold', () => {
        expect(evaluateRecord(record(cent(threshold, -1)), T)).toMatchObject({
          rule,
          flagged: false,
          burden: cent(threshold, -1),
        });
      });

      it(`should ${comparison === 'reaches' ? '' : 'not '}flag a burden exactly at the threshold`, () => {
        expect(evaluateRecord(record(threshold), T)).toMatchObject({
          rule,
          flagged: comparison === 'reaches',
          burden: threshold,
          threshold,
        });
      });

      it('should flag one cent above the threshold', () => {
        expect(evaluateRecord(record(cent(threshold, 1)), T)).toMatchObject({
          rule,
          flagged: true,
        });
      });
    },
  );

  it('should measure a relief-category person by the in-policy burden after all schemes only', () => {
    // 4,999.99 in-policy remainder and 60,000 out of policy: the relief line is not reached.
    const e = evaluateRecord(reliefRecord('4999.99', 'TEKUN', '60000.00'), T);
    expect(e).toMatchObject({
      rule: 'RELIEF_CATEGORY_BURDEN',
      flagged: false,
      inPolicyBurden: '4999.99',
      totalBurden: '64999.99',
    });
  });

  it('should watch every relief category by the 5,000 line and OTHER by the insurance rule', () => {
    for (const category of ['TEKUN', 'DIBAO', 'DIBIAN', 'DISABLED', 'ILLNESS_POVERTY']) {
      expect(evaluateRecord(reliefRecord('5000.00', category), T).rule).toBe(
        'RELIEF_CATEGORY_BURDEN',
      );
    }
    expect(evaluateRecord(insuredRecord('RETIREE', '42000.01', 'OTHER'), T)).toMatchObject({
      rule: 'RETIREE_PENSION',
      flagged: true,
    });
  });

  it('should keep a threshold exact rather than round it (60% of 86,123.47 = 51,674.082)', () => {
    const policy: MonitoringPolicy = {
      ...DEFAULT_MONITORING_POLICY,
      reference: {
        '2027': {
          urbanDisposableIncome: '86123.47',
          averageEnterprisePension: '43000.00',
          ruralNetIncome: '52000.00',
        },
      },
    };
    const t = thresholdsFor(policy, 2027);
    expect(t.rules.EMPLOYEE_INCOME.threshold).toBe('51674.082');
    expect(evaluateRecord(insuredRecord('EMPLOYEE', '51674.08'), t).flagged).toBe(false);
    expect(evaluateRecord(insuredRecord('EMPLOYEE', '51674.09'), t).flagged).toBe(true);
  });

  it('should refuse a run year without reference incomes, naming the year (422)', () => {
    expect.assertions(3);
    try {
      thresholdsFor(DEFAULT_MONITORING_POLICY, 2025);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('BUSINESS_RULE');
      expect((e as DomainError).extra.errors).toEqual([
        { field: 'year', message: expect.stringContaining('monitoring.reference.2025') },
      ]);
    }
  });

  it('should compile the same comparisons to SQL: >= for the relief line, > for the income rules', () => {
    const sql = flagConditionSql(T, 'r');
    expect(sql.condition).toContain(">= CAST('5000.000000' AS DECIMAL(20,6))");
    expect(sql.condition).toContain("> CAST('51600.000000' AS DECIMAL(20,6))");
    expect(sql.condition).toContain("> CAST('42000.000000' AS DECIMAL(20,6))");
    expect(sql.condition).toContain("> CAST('30000.000000' AS DECIMAL(20,6))");
    expect(sql.condition).not.toContain(">= CAST('51600");
    expect(sql.rule).toContain("THEN 'RELIEF_CATEGORY_BURDEN'");
  });

  it('should never inline anything but checked codes and decimals', () => {
    const evil = { ...T, reliefCategories: ["DIBAO') OR 1=1 --"] } as never;
    expect(() => flagConditionSql(evil)).toThrow(/not a code/);
  });
});
