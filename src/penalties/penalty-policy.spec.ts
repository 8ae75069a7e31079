import { gradeOfScore } from '../credit/credit-policy';
import {
  assertPenaltyPolicy,
  DEFAULT_PENALTY_POLICY,
  type PenaltyPolicy,
  validatePenaltyPolicy,
} from './penalty-policy';

/** A deep copy of the defaults with `change` applied, for one broken field at a time. */
function policyWith(change: (p: PenaltyPolicy) => void): PenaltyPolicy {
  const p = structuredClone(DEFAULT_PENALTY_POLICY);
  change(p);
  return p;
}

describe('DEFAULT_PENALTY_POLICY', () => {
  it('holds the docs/domain.md §4, §5 and §7 numbers and is valid', () => {
    expect(DEFAULT_PENALTY_POLICY).toMatchObject({
      fines: {
        art38LossMultiple: { min: '1', max: '2' },
        art39Amount: { min: '10000.00', max: '50000.00' },
        art40FraudMultiple: { min: '2', max: '5' },
        art41FraudMultiple: { min: '2', max: '5' },
      },
      suspensionMonths: {
        institution: { min: 6, max: 12 },
        networkedSettlement: { min: 3, max: 12 },
      },
      repeatWindowYears: 2,
      largerAmountThreshold: { INSTITUTION: '100000.00', INDIVIDUAL: '10000.00' },
      lateFeeDailyRate: '0.03',
      fineDueDays: 15,
      jointPunishment: { fraudThreshold: '100000.00', repairYears: 3 },
      credit: { drawWeights: { A: '0.5', B: '1', C: '1.5', D: '2', E: '3' } },
    });
    expect(validatePenaltyPolicy(DEFAULT_PENALTY_POLICY)).toEqual([]);
    expect(() => assertPenaltyPolicy(DEFAULT_PENALTY_POLICY)).not.toThrow();
  });

  it('starts every imported grade inside its own band', () => {
    const { importedGradeScores, gradeMinScores } = DEFAULT_PENALTY_POLICY.credit;
    for (const g of ['A', 'B', 'C', 'D', 'E'] as const) {
      expect(gradeOfScore(importedGradeScores[g], gradeMinScores)).toBe(g);
    }
  });
});

describe('validatePenaltyPolicy', () => {
  it('refuses a non-object', () => {
    expect(validatePenaltyPolicy(null)).toEqual(['penalty policy: must be an object']);
    expect(validatePenaltyPolicy([], 'penalty')).toEqual(['penalty: must be an object']);
  });

  it('names every problem of the money, months and periods under the given path', () => {
    const bad = policyWith((p) => {
      p.version = '';
      p.fines.art38LossMultiple = { min: '2', max: '1' };
      p.fines.art39Amount = { min: '10000.00', max: '5e4' };
      p.fines.art40FraudMultiple = { min: '0', max: '5' };
      p.suspensionMonths.institution = { min: 12, max: 6 };
      p.suspensionMonths.networkedSettlement = { min: 0, max: 12 };
      p.repeatWindowYears = 0;
      p.largerAmountThreshold.INDIVIDUAL = '-1';
      p.lateFeeDailyRate = '0';
      p.fineDueDays = 1.5;
      p.jointPunishment = { fraudThreshold: 100000 as unknown as string, repairYears: 3 };
    });
    expect(validatePenaltyPolicy(bad, 'penalty')).toEqual([
      'penalty.version: must be a non-empty string',
      'penalty.fines.art38LossMultiple: min 2 is above max 1',
      'penalty.fines.art39Amount.max: "5e4" must be a positive decimal string, e.g. { "min": "10000.00", "max": "50000.00" }',
      'penalty.fines.art40FraudMultiple.min: "0" must be a positive decimal string, e.g. { "min": "2", "max": "5" }',
      'penalty.suspensionMonths.institution: min 12 is above max 6',
      'penalty.suspensionMonths.networkedSettlement: must be { min, max } whole months from 1 to 120',
      'penalty.repeatWindowYears: must be a whole number of years from 1 to 20',
      'penalty.largerAmountThreshold.INDIVIDUAL: "-1" must be an amount like "100000.00"',
      'penalty.lateFeeDailyRate: "0" must be a decimal string in (0, 1], e.g. "0.03"',
      'penalty.fineDueDays: must be a whole number of days from 1 to 365',
      'penalty.jointPunishment.fraudThreshold: 100000 must be an amount like "100000.00"',
    ]);
  });

  it('names every problem of the credit policy', () => {
    const bad = policyWith((p) => {
      p.credit.initialScore = 101;
      p.credit.gradeMinScores = { A: 90, B: 80, C: 80, D: 60 };
      p.credit.sanctionPoints.FINE = -5;
      (p.credit.articlePoints as Record<string, number>)['42'] = 1;
      p.credit.inspectionPoints.ISSUES = -200;
      p.credit.decay = [
        { untilMonths: 12, weight: '0.50' },
        { untilMonths: 12, weight: '0.75' },
      ];
      p.credit.art40GradeEYears = 0;
      p.credit.drawWeights.E = '0';
    });
    expect(validatePenaltyPolicy(bad, 'penalty')).toEqual([
      'penalty.credit.initialScore: must be a number from 0 to maxScore (100)',
      'penalty.credit.gradeMinScores: must decrease strictly from A to D (got 90, 80, 80, 60)',
      'penalty.credit.sanctionPoints.FINE: must be a non-negative number of points, at most maxScore (100)',
      'penalty.credit.articlePoints.42: unknown key (expected 38, 39, 40, 41)',
      'penalty.credit.inspectionPoints.ISSUES: must be a number of points, at most maxScore (100)',
      'penalty.credit.decay.1.untilMonths: must be later than the step before (12)',
      'penalty.credit.decay.1.weight: an older event cannot weigh more (0.75 > 0.50)',
      'penalty.credit.art40GradeEYears: must be a whole number of years from 1 to 20',
      'penalty.credit.drawWeights.E: "0" must be a decimal string above 0 and at most 100, e.g. "1.5"',
    ]);
  });

  it('refuses an imported grade whose starting score falls in another band', () => {
    const bad = policyWith((p) => {
      p.credit.importedGradeScores.B = 90;
    });
    expect(validatePenaltyPolicy(bad)).toEqual([
      'credit.importedGradeScores.B: 90 falls in grade A, not B',
    ]);
  });

  it('makes every calculation refuse an invalid policy', () => {
    const bad = policyWith((p) => {
      p.lateFeeDailyRate = '3%';
    });
    expect(() => assertPenaltyPolicy(bad)).toThrow(
      /invalid penalty policy:\n {2}- penalty\.lateFeeDailyRate/,
    );
  });
});
