import Decimal from 'decimal.js';
import { DomainError } from '../common/errors/domain-error';
import {
  calculateRelief,
  InvalidReliefInputError,
  MissingRecognitionError,
  NotAReliefCategoryError,
  RELIEF_RULES,
  type ReliefCalculation,
  type ReliefExpense,
  type ReliefInput,
  subtractMonths,
} from './relief-calculator';
import { DEFAULT_RELIEF_POLICY, type ReliefPolicy, validateReliefPolicy } from './relief-policy';

/** An expense whose eligible base is `base` (no insurance paid), out-of-policy 100.00. */
function expense(kind: ReliefExpense['kind'], date: string, base: string): ReliefExpense {
  return {
    kind,
    institution: 'Xihu District People’s Hospital',
    date,
    totalCost: (Number(base) + 100).toFixed(2), // test data only; the code never uses floats
    inPolicyCost: base,
    basicInsurancePaid: '0.00',
    criticalIllnessPaid: '0.00',
    otherInsurancePaid: '0.00',
  };
}
const inpatient = (date: string, base: string, dischargeDate?: string): ReliefExpense => ({
  ...expense('INPATIENT', date, base),
  ...(dischargeDate ? { dischargeDate } : {}),
});
const outpatient = (date: string, base: string): ReliefExpense => expense('OUTPATIENT', date, base);

function calc(input: Partial<ReliefInput>, policy?: ReliefPolicy): ReliefCalculation {
  return calculateRelief({ category: 'DIBAO', year: 2026, expenses: [], ...input }, policy);
}

/** Every money figure of a calculation, wherever it sits. */
function moneyStrings(c: ReliefCalculation): string[] {
  const out: string[] = [
    c.eligibleBase,
    c.reliefAmount,
    c.outpatientReliefAmount,
    c.inpatientReliefAmount,
    c.personalBurdenAfter,
  ];
  for (const v of [c.annualCapRemaining, c.outpatientCapRemaining]) {
    if (v !== null) {
      out.push(v);
    }
  }
  for (const l of c.lines) {
    out.push(l.insuranceRemainder, l.eligibleBase, l.reliefAmount, l.personalBurdenAfter);
    out.push(...l.steps.map((s) => s.amount));
  }
  return out;
}

describe('calculateRelief — DOMAIN §1 with the default policy', () => {
  it('DIBAO inpatient: 50,000 − 30,000 − 5,000 − 0 = 15,000 base → 12,000 relief, burden 3,000', () => {
    const c = calc({
      expenses: [
        {
          kind: 'INPATIENT',
          institution: 'Zhejiang Provincial People’s Hospital',
          date: '2026-03-02',
          dischargeDate: '2026-03-12',
          totalCost: '58000.00',
          inPolicyCost: '50000.00',
          basicInsurancePaid: '30000.00',
          criticalIllnessPaid: '5000.00',
          otherInsurancePaid: '0.00',
        },
      ],
    });
    expect(c).toMatchObject({
      category: 'DIBAO',
      ratio: '0.80',
      eligibleBase: '15000.00',
      reliefAmount: '12000.00',
      inpatientReliefAmount: '12000.00',
      outpatientReliefAmount: '0.00',
      annualCapRemaining: '138000.00',
      outpatientCapRemaining: '20000.00',
      personalBurdenAfter: '3000.00',
      policyVersion: '2026.1',
    });
    expect(c.lines).toHaveLength(1);
    const [line] = c.lines;
    expect(line).toMatchObject({
      expenseIndex: 0,
      kind: 'INPATIENT',
      decisiveDate: '2026-03-12',
      counted: true,
      insuranceRemainder: '15000.00',
      eligibleBase: '15000.00',
      reliefAmount: '12000.00',
      personalBurdenAfter: '3000.00',
    });
    expect(line.steps.map((s) => [s.step, s.amount])).toEqual([
      ['BASE', '15000.00'],
      ['RATIO', '12000.00'],
      ['ANNUAL_CAP', '12000.00'],
    ]);
    expect(line.steps[0].detail).toBe(
      'in-policy 50000.00 − basic 30000.00 − critical illness 5000.00 − other 0.00 = 15000.00',
    );
    expect(line.steps[1].detail).toBe('15000.00 × 0.80 (DIBAO) = 12000.00');
    expect(line.steps[2].detail).toBe(
      'min(12000.00, annual remaining 150000.00 of the 150000.00 annual cap) = 12000.00',
    );
    for (const s of line.steps) {
      expect(s.rule).toBe(RELIEF_RULES[s.step]);
      expect(s.rule).toMatch(/^DOMAIN §1/);
      expect(s.policyVersion).toBe('2026.1');
    }
    expect(line.steps[0].rule).toContain('先保险后救助');
  });

  it('DIBIAN 70%, DISABLED 80%', () => {
    const dibian = calc({
      category: 'DIBIAN',
      expenses: [
        {
          ...outpatient('2026-05-06', '1000.00'),
          basicInsurancePaid: '550.00',
          criticalIllnessPaid: '30.00',
          otherInsurancePaid: '20.00',
        },
      ],
    });
    expect(dibian).toMatchObject({
      ratio: '0.70',
      eligibleBase: '400.00',
      reliefAmount: '280.00',
      outpatientReliefAmount: '280.00',
      personalBurdenAfter: '120.00',
      outpatientCapRemaining: '19720.00',
      annualCapRemaining: '149720.00',
    });
    expect(dibian.lines[0].steps.map((s) => s.step)).toEqual([
      'BASE',
      'RATIO',
      'OUTPATIENT_CAP',
      'ANNUAL_CAP',
    ]);
    const disabled = calc({ category: 'DISABLED', expenses: [inpatient('2026-05-06', '400.00')] });
    expect(disabled).toMatchObject({ ratio: '0.80', reliefAmount: '320.00' });
  });

  it('TEKUN: 100%, no annual cap, no outpatient sub-cap, annualCapRemaining null', () => {
    const c = calc({
      category: 'TEKUN',
      alreadyPaidThisYear: { total: '900000.00', outpatient: '50000.00' },
      expenses: [
        {
          ...inpatient('2026-02-01', '2000000.00', '2026-04-30'),
          basicInsurancePaid: '300000.00',
          criticalIllnessPaid: '200000.00',
          otherInsurancePaid: '0.00',
        },
        outpatient('2026-06-01', '30000.00'),
      ],
    });
    expect(c).toMatchObject({
      ratio: '1.00',
      eligibleBase: '1530000.00',
      reliefAmount: '1530000.00',
      inpatientReliefAmount: '1500000.00',
      outpatientReliefAmount: '30000.00',
      annualCapRemaining: null,
      outpatientCapRemaining: null,
      personalBurdenAfter: '0.00',
    });
    for (const l of c.lines) {
      expect(l.steps.map((s) => s.step)).toEqual(['BASE', 'RATIO']);
    }
  });

  it('insurance above the in-policy cost → base 0, relief 0, burden 0 (never below 0)', () => {
    const c = calc({
      expenses: [
        {
          ...inpatient('2026-03-01', '1000.00'),
          basicInsurancePaid: '800.00',
          criticalIllnessPaid: '300.00',
          otherInsurancePaid: '0.00',
        },
      ],
    });
    expect(c).toMatchObject({
      eligibleBase: '0.00',
      reliefAmount: '0.00',
      personalBurdenAfter: '0.00',
    });
    expect(c.lines[0].steps[0]).toMatchObject({
      step: 'BASE',
      amount: '0.00',
      detail:
        'in-policy 1000.00 − basic 800.00 − critical illness 300.00 − other 0.00 = -100.00, never below 0 → 0.00',
    });
  });

  it('the annual cap reached mid-line: 145,000 already paid, 8,000 due → 5,000, later lines 0', () => {
    const c = calc({
      alreadyPaidThisYear: { total: '145000.00', outpatient: '0.00' },
      expenses: [inpatient('2026-06-01', '10000.00'), inpatient('2026-07-01', '1000.00')],
    });
    expect(c).toMatchObject({
      eligibleBase: '11000.00',
      reliefAmount: '5000.00',
      annualCapRemaining: '0.00',
      personalBurdenAfter: '6000.00',
    });
    expect(c.lines.map((l) => l.reliefAmount)).toEqual(['5000.00', '0.00']);
    expect(c.lines[0].steps.map((s) => [s.step, s.amount])).toEqual([
      ['BASE', '10000.00'],
      ['RATIO', '8000.00'],
      ['ANNUAL_CAP', '5000.00'],
    ]);
    expect(c.lines[0].steps[2].detail).toBe(
      'min(8000.00, annual remaining 5000.00 of the 150000.00 annual cap) = 5000.00',
    );
    expect(c.lines[1].steps[2]).toMatchObject({ step: 'ANNUAL_CAP', amount: '0.00' });
  });

  it('already paid above the cap leaves nothing (remaining never negative)', () => {
    const c = calc({
      alreadyPaidThisYear: { total: '151000.00', outpatient: '21000.00' },
      expenses: [outpatient('2026-06-01', '100.00')],
    });
    expect(c).toMatchObject({
      reliefAmount: '0.00',
      annualCapRemaining: '0.00',
      outpatientCapRemaining: '0.00',
    });
  });

  it('outpatient sub-cap already mostly used: 19,500 paid → outpatient capped at 500, inpatient unaffected', () => {
    const c = calc({
      alreadyPaidThisYear: { total: '19500.00', outpatient: '19500.00' },
      expenses: [outpatient('2026-04-01', '1000.00'), inpatient('2026-04-02', '10000.00')],
    });
    expect(c).toMatchObject({
      reliefAmount: '8500.00',
      outpatientReliefAmount: '500.00',
      inpatientReliefAmount: '8000.00',
      outpatientCapRemaining: '0.00',
      annualCapRemaining: '122000.00',
      personalBurdenAfter: '2500.00',
    });
    expect(c.lines[0].steps.map((s) => [s.step, s.amount])).toEqual([
      ['BASE', '1000.00'],
      ['RATIO', '800.00'],
      ['OUTPATIENT_CAP', '500.00'],
      ['ANNUAL_CAP', '500.00'],
    ]);
    expect(c.lines[0].steps[2].detail).toBe(
      'min(800.00, outpatient remaining 500.00 of the 20000.00 outpatient cap) = 500.00',
    );
  });

  it('the outpatient sub-cap also binds within one application', () => {
    const c = calc({
      expenses: [
        outpatient('2026-01-10', '10000.00'),
        outpatient('2026-02-10', '10000.00'),
        outpatient('2026-03-10', '10000.00'),
        outpatient('2026-04-10', '10000.00'),
      ],
    });
    expect(c.lines.map((l) => l.reliefAmount)).toEqual(['8000.00', '8000.00', '4000.00', '0.00']);
    expect(c).toMatchObject({
      outpatientReliefAmount: '20000.00',
      outpatientCapRemaining: '0.00',
      annualCapRemaining: '130000.00',
    });
  });

  it('outpatient and inpatient share the annual cap', () => {
    const c = calc({
      alreadyPaidThisYear: { total: '140000.00', outpatient: '5000.00' },
      expenses: [outpatient('2026-01-10', '5000.00'), inpatient('2026-02-01', '10000.00')],
    });
    // Outpatient 4,000 (sub-cap left 15,000) uses the annual remaining 10,000 down to 6,000.
    expect(c.lines.map((l) => l.reliefAmount)).toEqual(['4000.00', '6000.00']);
    expect(c).toMatchObject({
      reliefAmount: '10000.00',
      outpatientReliefAmount: '4000.00',
      inpatientReliefAmount: '6000.00',
      annualCapRemaining: '0.00',
      outpatientCapRemaining: '11000.00',
    });
  });

  it('when the annual cap cuts an outpatient line, the outpatient remaining shrinks only by what was paid', () => {
    const c = calc({
      alreadyPaidThisYear: { total: '149700.00', outpatient: '0.00' },
      expenses: [outpatient('2026-01-10', '1000.00')],
    });
    expect(c).toMatchObject({
      reliefAmount: '300.00',
      annualCapRemaining: '0.00',
      outpatientCapRemaining: '19700.00',
    });
  });

  describe('rounding: half up to the cent, per line, the sum is the sum of the lines', () => {
    it('0.15 × 0.70 = 0.105 → 0.11', () => {
      const c = calc({ category: 'DIBIAN', expenses: [outpatient('2026-03-01', '0.15')] });
      expect(c.reliefAmount).toBe('0.11');
      expect(c.lines[0].steps[1].detail).toBe(
        '0.15 × 0.70 (DIBIAN) = 0.105 → 0.11, half up to the cent',
      );
    });

    it('1.15 × 0.70 = 0.805 → 0.81 (a float would give 0.80499…)', () => {
      expect(
        calc({ category: 'DIBIAN', expenses: [inpatient('2026-03-01', '1.15')] }).reliefAmount,
      ).toBe('0.81');
    });

    it('1763.65 × 0.70 = 1234.555 → 1234.56; 0.06 × 0.70 = 0.042 → 0.04', () => {
      const c = calc({
        category: 'DIBIAN',
        expenses: [inpatient('2026-03-01', '1763.65'), inpatient('2026-03-02', '0.06')],
      });
      expect(c.lines.map((l) => l.reliefAmount)).toEqual(['1234.56', '0.04']);
      expect(c.reliefAmount).toBe('1234.60');
    });

    it('a ratio from the policy: 2469.13 × 0.50 = 1234.565 → 1234.57', () => {
      const policy: ReliefPolicy = {
        ...DEFAULT_RELIEF_POLICY,
        version: 'test-half',
        categories: {
          ...DEFAULT_RELIEF_POLICY.categories,
          DIBAO: { ratio: '0.5', annualCap: '150000.00', outpatientCap: '20000.00' },
        },
      };
      const c = calc({ expenses: [inpatient('2026-03-01', '2469.13')] }, policy);
      expect(c).toMatchObject({
        ratio: '0.50',
        reliefAmount: '1234.57',
        policyVersion: 'test-half',
      });
      expect(c.lines[0].steps.every((s) => s.policyVersion === 'test-half')).toBe(true);
    });

    it('rounds each line, not the total: 3 × round(0.15 × 0.7) = 0.33, not round(0.45 × 0.7) = 0.32', () => {
      const c = calc({
        category: 'DIBIAN',
        expenses: [
          outpatient('2026-03-01', '0.15'),
          outpatient('2026-03-02', '0.15'),
          outpatient('2026-03-03', '0.15'),
        ],
      });
      expect(c).toMatchObject({
        eligibleBase: '0.45',
        reliefAmount: '0.33',
        personalBurdenAfter: '0.12',
      });
    });
  });

  describe('order: by date, then input order — matters when the cap bites', () => {
    const paid = { total: '149000.00', outpatient: '0.00' };

    it('an earlier-dated line given later is processed first', () => {
      const c = calc({
        alreadyPaidThisYear: paid,
        expenses: [inpatient('2026-03-10', '5000.00'), outpatient('2026-02-01', '2000.00')],
      });
      expect(c.lines.map((l) => [l.expenseIndex, l.reliefAmount])).toEqual([
        [1, '1000.00'],
        [0, '0.00'],
      ]);
      expect(c).toMatchObject({
        reliefAmount: '1000.00',
        outpatientReliefAmount: '1000.00',
        inpatientReliefAmount: '0.00',
      });
    });

    it('on the same date, input order decides', () => {
      const a = calc({
        alreadyPaidThisYear: paid,
        expenses: [inpatient('2026-03-10', '5000.00'), inpatient('2026-03-10', '500.00')],
      });
      expect(a.lines.map((l) => [l.expenseIndex, l.reliefAmount])).toEqual([
        [0, '1000.00'],
        [1, '0.00'],
      ]);
      const b = calc({
        alreadyPaidThisYear: paid,
        expenses: [inpatient('2026-03-10', '500.00'), inpatient('2026-03-10', '5000.00')],
      });
      expect(b.lines.map((l) => [l.expenseIndex, l.reliefAmount])).toEqual([
        [0, '400.00'],
        [1, '600.00'],
      ]);
    });

    it('a hospital stay is placed at its discharge date', () => {
      const c = calc({
        alreadyPaidThisYear: paid,
        expenses: [
          inpatient('2026-01-05', '5000.00', '2026-03-01'),
          outpatient('2026-02-01', '2000.00'),
        ],
      });
      expect(c.lines.map((l) => [l.expenseIndex, l.decisiveDate, l.reliefAmount])).toEqual([
        [1, '2026-02-01', '1000.00'],
        [0, '2026-03-01', '0.00'],
      ]);
    });
  });

  describe('the application year', () => {
    it('a line outside the year gets 0 with the reason; its burden still counts', () => {
      const c = calc({
        expenses: [inpatient('2025-12-31', '1000.00'), inpatient('2026-01-01', '1000.00')],
      });
      expect(c.lines[0]).toMatchObject({
        expenseIndex: 0,
        counted: false,
        insuranceRemainder: '1000.00',
        eligibleBase: '0.00',
        reliefAmount: '0.00',
        personalBurdenAfter: '1000.00',
      });
      expect(c.lines[0].steps[1]).toEqual({
        step: 'OUTSIDE_YEAR_EXCLUDED',
        rule: RELIEF_RULES.OUTSIDE_YEAR_EXCLUDED,
        amount: '0.00',
        detail: 'date 2025-12-31 is outside the application year 2026: not relieved',
        policyVersion: '2026.1',
      });
      expect(c).toMatchObject({
        eligibleBase: '1000.00',
        reliefAmount: '800.00',
        personalBurdenAfter: '1200.00',
      });
    });

    it('a stay across New Year belongs to the year of discharge', () => {
      const c = calc({ expenses: [inpatient('2025-12-20', '1000.00', '2026-01-05')] });
      expect(c.reliefAmount).toBe('800.00');
      const d = calc({ year: 2025, expenses: [inpatient('2025-12-20', '1000.00', '2026-01-05')] });
      expect(d.reliefAmount).toBe('0.00');
      expect(d.lines[0].steps[1].detail).toBe(
        'discharge date 2026-01-05 is outside the application year 2025: not relieved',
      );
    });
  });

  describe('ILLNESS_POVERTY: ratio of the recognised status, 6-month look-back', () => {
    const recognised = {
      category: 'ILLNESS_POVERTY' as const,
      recognisedAs: 'DIBIAN' as const,
      recognitionDate: '2026-08-15',
    };

    it('uses 70% for DIBIAN; 7 months before excluded, 5 months before included, a stay decided by discharge', () => {
      const c = calc({
        ...recognised,
        expenses: [
          outpatient('2026-01-15', '1000.00'), // 7 months before
          outpatient('2026-03-15', '1000.00'), // 5 months before
          inpatient('2026-01-15', '2000.00', '2026-03-15'), // admitted 7, discharged 5 months before
          inpatient('2026-09-01', '3000.00'), // after recognition
        ],
      });
      expect(c).toMatchObject({
        category: 'ILLNESS_POVERTY',
        recognisedAs: 'DIBIAN',
        ratio: '0.70',
      });
      expect(c.lines.map((l) => [l.expenseIndex, l.counted, l.reliefAmount])).toEqual([
        [0, false, '0.00'],
        [1, true, '700.00'],
        [2, true, '1400.00'],
        [3, true, '2100.00'],
      ]);
      expect(c.lines[0].steps[1]).toMatchObject({
        step: 'LOOK_BACK_EXCLUDED',
        rule: RELIEF_RULES.LOOK_BACK_EXCLUDED,
        amount: '0.00',
        detail:
          'date 2026-01-15 is before 2026-02-15, the start of the 6-month look-back before recognition on 2026-08-15: not relieved',
      });
      expect(c).toMatchObject({
        eligibleBase: '6000.00',
        reliefAmount: '4200.00',
        outpatientReliefAmount: '700.00',
        inpatientReliefAmount: '3500.00',
        personalBurdenAfter: '2800.00', // 1,000 excluded + 1,800 after relief
        annualCapRemaining: '145800.00',
      });
    });

    it('the window starts exactly N months before recognition, inclusive', () => {
      const c = calc({
        ...recognised,
        expenses: [outpatient('2026-02-14', '100.00'), outpatient('2026-02-15', '100.00')],
      });
      expect(c.lines.map((l) => l.reliefAmount)).toEqual(['0.00', '70.00']);
    });

    it('recognised as DIBAO uses 80%', () => {
      const c = calc({
        ...recognised,
        recognisedAs: 'DIBAO',
        expenses: [inpatient('2026-08-20', '1000.00')],
      });
      expect(c).toMatchObject({ recognisedAs: 'DIBAO', ratio: '0.80', reliefAmount: '800.00' });
      expect(c.lines[0].steps[1].detail).toBe(
        '1000.00 × 0.80 (ILLNESS_POVERTY recognised as DIBAO) = 800.00',
      );
    });

    it('the look-back reaches into the previous year when recognition is in the application year', () => {
      const c = calc({
        ...recognised,
        recognitionDate: '2026-03-10', // window from 2025-09-10
        expenses: [
          inpatient('2025-09-09', '1000.00'),
          inpatient('2025-09-10', '1000.00'),
          inpatient('2025-08-01', '1000.00', '2025-10-01'),
          outpatient('2026-04-01', '1000.00'),
        ],
      });
      expect(c.lines.map((l) => [l.expenseIndex, l.reliefAmount])).toEqual([
        [0, '0.00'],
        [1, '700.00'],
        [2, '700.00'],
        [3, '700.00'],
      ]);
      expect(c.lines[0].steps[1].step).toBe('LOOK_BACK_EXCLUDED');
      expect(c.annualCapRemaining).toBe('147900.00'); // charged to the application year's cap
    });

    it('recognised in an earlier year: the earlier year’s lines belong to that year’s application', () => {
      const c = calc({
        ...recognised,
        recognitionDate: '2025-11-01',
        expenses: [
          inpatient('2025-08-01', '1000.00'), // look-back of the 2025 application
          inpatient('2025-12-01', '1000.00'), // after recognition, but 2025
          inpatient('2026-02-01', '1000.00'),
        ],
      });
      expect(c.lines.map((l) => [l.reliefAmount, l.steps[1].step])).toEqual([
        ['0.00', 'OUTSIDE_YEAR_EXCLUDED'],
        ['0.00', 'OUTSIDE_YEAR_EXCLUDED'],
        ['700.00', 'RATIO'],
      ]);
      expect(c.lines[0].steps[1].detail).toBe(
        'date 2025-08-01 is in the look-back before recognition on 2025-11-01, but recognition was not in the application year 2026: it belongs to the 2025 application; not relieved',
      );
    });

    it('the look-back length comes from the policy', () => {
      const policy = { ...DEFAULT_RELIEF_POLICY, illnessPovertyLookBackMonths: 3 };
      const c = calc({ ...recognised, expenses: [outpatient('2026-04-15', '100.00')] }, policy);
      expect(c.lines[0].steps[1].detail).toContain('before 2026-05-15, the start of the 3-month');
    });

    it('names a missing recognisedAs and/or recognitionDate', () => {
      const noStatus = () =>
        calc({ category: 'ILLNESS_POVERTY', recognitionDate: '2026-08-15', expenses: [] });
      expect(noStatus).toThrow(MissingRecognitionError);
      try {
        noStatus();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as MissingRecognitionError).fields).toEqual(['recognisedAs']);
        expect((e as DomainError).code).toBe('VALIDATION_FAILED');
        expect((e as DomainError).extra.errors).toEqual([
          {
            field: 'recognisedAs',
            message: 'recognisedAs is required for category ILLNESS_POVERTY',
          },
        ]);
      }
      expect(() => calc({ category: 'ILLNESS_POVERTY', recognisedAs: 'DIBAO' })).toThrow(
        /ILLNESS_POVERTY needs recognitionDate/,
      );
      expect(() => calc({ category: 'ILLNESS_POVERTY' })).toThrow(
        /needs recognisedAs and recognitionDate/,
      );
    });

    it('refuses a recognised status other than DIBAO/DIBIAN and a bad recognition date', () => {
      expect(() =>
        calc({
          category: 'ILLNESS_POVERTY',
          recognisedAs: 'TEKUN' as 'DIBAO',
          recognitionDate: '2026-02-30',
        }),
      ).toThrow(InvalidReliefInputError);
      try {
        calc({
          category: 'ILLNESS_POVERTY',
          recognisedAs: 'TEKUN' as 'DIBAO',
          recognitionDate: '2026-02-30',
        });
      } catch (e) {
        expect((e as InvalidReliefInputError).fieldErrors.map((f) => f.field)).toEqual([
          'recognisedAs',
          'recognitionDate',
        ]);
      }
    });
  });

  it('OTHER is not a relief category: refused with a typed error (422 business rule)', () => {
    expect(() =>
      calc({ category: 'OTHER', expenses: [inpatient('2026-03-01', '100.00')] }),
    ).toThrow(NotAReliefCategoryError);
    try {
      calc({ category: 'OTHER' });
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('BUSINESS_RULE');
      expect((e as NotAReliefCategoryError).category).toBe('OTHER');
      expect((e as Error).message).toMatch(/OTHER is not a relief category/);
    }
    expect(() => calc({ category: 'NOBODY' as 'OTHER' })).toThrow(NotAReliefCategoryError);
  });

  it('money is always a decimal string with two places', () => {
    const c = calc({
      alreadyPaidThisYear: { total: '100', outpatient: '0.5' },
      expenses: [
        {
          kind: 'OUTPATIENT',
          institution: 'Clinic',
          date: '2026-03-01',
          totalCost: '20000',
          inPolicyCost: '12345.6',
          basicInsurancePaid: '5000',
          criticalIllnessPaid: '0',
          otherInsurancePaid: '0.1',
        },
        inpatient('2026-03-02', '7'),
      ],
    });
    expect(c).toMatchObject({
      eligibleBase: '7352.50',
      reliefAmount: '5882.00', // 7345.50 × 0.80 = 5876.40, plus 7.00 × 0.80 = 5.60
      outpatientCapRemaining: '14123.10', // 20000.00 − 0.50 − 5876.40
    });
    const all = moneyStrings(c);
    expect(all.length).toBeGreaterThan(15);
    for (const m of all) {
      expect(m).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('the totals are the sums of the lines', () => {
    const c = calc({
      category: 'DIBIAN',
      alreadyPaidThisYear: { total: '130000.00', outpatient: '18000.00' },
      expenses: [
        outpatient('2026-01-03', '1234.57'),
        inpatient('2026-01-04', '9876.54'),
        outpatient('2026-02-01', '3333.33'),
        inpatient('2026-03-01', '22222.22'),
      ],
    });
    const sum = (xs: string[]) => xs.reduce((a, x) => a.plus(x), new Decimal(0)).toFixed(2);
    expect(c.reliefAmount).toBe(sum(c.lines.map((l) => l.reliefAmount)));
    expect(c.eligibleBase).toBe(sum(c.lines.map((l) => l.eligibleBase)));
    expect(c.personalBurdenAfter).toBe(sum(c.lines.map((l) => l.personalBurdenAfter)));
    expect(c.reliefAmount).toBe(sum([c.outpatientReliefAmount, c.inpatientReliefAmount]));
    // Remaining: annual 20,000.00, outpatient 2,000.00.
    // 1234.57 × 0.7 = 864.199 → 864.20 (outpatient left 1,135.80; annual 19,135.80)
    // 9876.54 × 0.7 = 6913.578 → 6913.58 (annual 12,222.22)
    // 3333.33 × 0.7 = 2333.331 → 2333.33, outpatient cap → 1135.80 (annual 11,086.42)
    // 22222.22 × 0.7 = 15555.554 → 15555.55, annual cap → 11086.42
    expect(c.lines.map((l) => l.reliefAmount)).toEqual([
      '864.20',
      '6913.58',
      '1135.80',
      '11086.42',
    ]);
    expect(c).toMatchObject({
      reliefAmount: '20000.00',
      annualCapRemaining: '0.00',
      outpatientCapRemaining: '0.00',
    });
  });

  it('no expenses → zeros', () => {
    expect(calc({ expenses: [] })).toMatchObject({
      eligibleBase: '0.00',
      reliefAmount: '0.00',
      personalBurdenAfter: '0.00',
      annualCapRemaining: '150000.00',
      lines: [],
    });
  });

  it('refuses malformed input, naming every bad field', () => {
    const bad: ReliefInput = {
      category: 'DIBAO',
      year: 2026.5,
      expenses: [
        { ...outpatient('2026-02-30', '100.00'), dischargeDate: '2026-03-01' },
        { ...inpatient('2026-03-05', '100.00', '2026-03-01'), basicInsurancePaid: '-1.00' },
        { ...inpatient('2026-03-05', '100.00'), totalCost: '99.99', criticalIllnessPaid: '1.005' },
        { ...inpatient('2026-03-05', '100.00'), otherInsurancePaid: 5 as unknown as string },
      ],
      alreadyPaidThisYear: { total: '10.00', outpatient: '20.00' },
    };
    let error: unknown;
    try {
      calculateRelief(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidReliefInputError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    expect((error as InvalidReliefInputError).fieldErrors.map((f) => f.field)).toEqual([
      'year',
      'expenses.0.date',
      'expenses.0.dischargeDate',
      'expenses.1.dischargeDate',
      'expenses.1.basicInsurancePaid',
      'expenses.2.criticalIllnessPaid',
      'expenses.2.inPolicyCost',
      'expenses.3.otherInsurancePaid',
      'alreadyPaidThisYear.outpatient',
    ]);
  });

  it('refuses to calculate with an invalid policy', () => {
    const policy = { ...DEFAULT_RELIEF_POLICY, illnessPovertyLookBackMonths: -1 };
    expect(() => calc({}, policy)).toThrow(
      /invalid relief policy[\s\S]*illnessPovertyLookBackMonths/,
    );
  });

  it('a cap set by the policy is honoured', () => {
    const policy: ReliefPolicy = {
      ...DEFAULT_RELIEF_POLICY,
      categories: {
        ...DEFAULT_RELIEF_POLICY.categories,
        DIBIAN: { ratio: '0.75', annualCap: '1000.00', outpatientCap: '100.00' },
      },
    };
    const c = calc(
      {
        category: 'DIBIAN',
        expenses: [outpatient('2026-01-01', '400.00'), inpatient('2026-01-02', '2000.00')],
      },
      policy,
    );
    expect(c.lines.map((l) => l.reliefAmount)).toEqual(['100.00', '900.00']);
    expect(c).toMatchObject({ ratio: '0.75', annualCapRemaining: '0.00' });
  });
});

describe('subtractMonths', () => {
  it.each([
    ['2026-08-15', 6, '2026-02-15'],
    ['2026-03-10', 6, '2025-09-10'],
    ['2026-08-31', 6, '2026-02-28'],
    ['2024-08-31', 6, '2024-02-29'],
    ['2026-01-31', 1, '2025-12-31'],
    ['2026-12-31', 0, '2026-12-31'],
  ])('%s − %d months = %s', (date, months, expected) => {
    expect(subtractMonths(date, months)).toBe(expected);
  });
});

describe('the relief policy', () => {
  it('defaults reproduce DOMAIN §1 and validate', () => {
    expect(DEFAULT_RELIEF_POLICY.categories).toEqual({
      TEKUN: { ratio: '1.00', annualCap: null, outpatientCap: null },
      DIBAO: { ratio: '0.80', annualCap: '150000.00', outpatientCap: '20000.00' },
      DISABLED: { ratio: '0.80', annualCap: '150000.00', outpatientCap: '20000.00' },
      DIBIAN: { ratio: '0.70', annualCap: '150000.00', outpatientCap: '20000.00' },
    });
    expect(DEFAULT_RELIEF_POLICY.illnessPovertyLookBackMonths).toBe(6);
    expect(validateReliefPolicy(DEFAULT_RELIEF_POLICY)).toEqual([]);
  });

  it('names every problem, under the given path', () => {
    const problems = validateReliefPolicy(
      {
        version: '',
        illnessPovertyLookBackMonths: 6.5,
        categories: {
          TEKUN: { ratio: '1.5', annualCap: null, outpatientCap: null },
          DIBAO: { ratio: '0.80', annualCap: 150000, outpatientCap: '20000.00' },
          DIBIAN: { ratio: 0.7, annualCap: '10000.00', outpatientCap: '20000.00' },
          ILLNESS_POVERTY: { ratio: '0.80', annualCap: null, outpatientCap: null },
        },
      },
      'relief',
    );
    expect(problems).toEqual([
      'relief.version: must be a non-empty string',
      'relief.illnessPovertyLookBackMonths: must be a whole number of months from 0 to 120',
      'relief.categories.ILLNESS_POVERTY: unknown category (expected TEKUN, DIBAO, DISABLED, DIBIAN; ILLNESS_POVERTY uses its recognised status)',
      'relief.categories.TEKUN.ratio: "1.5" must be a decimal string from 0 to 1, e.g. "0.80"',
      'relief.categories.DIBAO.annualCap: 150000 must be null (no cap) or an amount like "150000.00"',
      'relief.categories.DISABLED: missing; must be { ratio, annualCap, outpatientCap }',
      'relief.categories.DIBIAN.ratio: 0.7 must be a decimal string from 0 to 1, e.g. "0.80"',
      'relief.categories.DIBIAN.outpatientCap: 20000.00 is part of the annual cap and cannot exceed it (10000.00)',
    ]);
  });

  it('refuses a non-object and missing categories', () => {
    expect(validateReliefPolicy(null)).toEqual(['relief policy: must be an object']);
    expect(validateReliefPolicy({ version: 'v', illnessPovertyLookBackMonths: 6 })).toEqual([
      'categories: must be an object of category -> { ratio, annualCap, outpatientCap }',
    ]);
  });
});
