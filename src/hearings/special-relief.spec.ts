import { thrownBy } from '../../test/fixtures/spec-helpers';
import { DomainError } from '../common/errors/domain-error';
import {
  checkJointMeetingExtra,
  computeSpecialRelief,
  DEFAULT_HEARING_POLICY,
  hasQuorum,
  type HearingPolicy,
  InvalidHearingInputError,
  JointMeetingExtraTooSmallError,
  medianCost,
  quorum,
  type SpecialReliefCalculation,
  specialReliefRatio,
  validateHearingPolicy,
} from './special-relief';

const MONEY = /^\d+\.\d{2}$/;

function moneyStrings(c: SpecialReliefCalculation): string[] {
  return [
    c.reasonableCost,
    c.alreadyUsedThisYear,
    c.annualCap,
    c.capRemainingBefore,
    c.amount,
    c.capRemaining,
    c.burdenAfter,
    c.burdenCap,
    c.minimumExtraForCap,
    ...c.lines.map((l) => l.amount),
  ];
}

describe('DEFAULT_HEARING_POLICY and validateHearingPolicy', () => {
  it('holds the DOMAIN §2 defaults and is valid', () => {
    expect(DEFAULT_HEARING_POLICY).toMatchObject({
      panelComposition: { MEDICAL: 1, INSURANCE: 1, FINANCE: 1 },
      quorumNumerator: 2,
      quorumDenominator: 3,
      ratios: { TEKUN: '0.60', default: '0.50' },
      annualCap: '100000.00',
      burdenCap: '50000.00',
    });
    expect(typeof DEFAULT_HEARING_POLICY.version).toBe('string');
    expect(validateHearingPolicy(DEFAULT_HEARING_POLICY)).toEqual([]);
  });

  it('names every problem under the given path', () => {
    const bad = {
      version: '',
      panelComposition: { MEDICAL: 0, INSURANCE: 1, LAW: 1 },
      quorumNumerator: 4,
      quorumDenominator: 3,
      ratios: { TEKUN: '60%', NOBODY: '0.5' },
      annualCap: 100000,
      burdenCap: '-1',
    };
    expect(validateHearingPolicy(bad, 'hearing')).toEqual([
      'hearing.version: must be a non-empty string',
      'hearing.panelComposition.LAW: unknown expert field (expected MEDICAL, INSURANCE, FINANCE)',
      'hearing.panelComposition.MEDICAL: must be a whole number of seats from 1 to 50 (DOMAIN §2: at least one expert of each field)',
      'hearing.panelComposition.FINANCE: must be a whole number of seats from 1 to 50 (DOMAIN §2: at least one expert of each field)',
      'hearing.quorumNumerator: 4/3 is more than the whole panel; must not exceed quorumDenominator',
      'hearing.ratios.default: missing; the ratio for every other category',
      'hearing.ratios.TEKUN: "60%" must be a decimal string from 0 to 1, e.g. "0.60"',
      'hearing.ratios.NOBODY: unknown category (expected default or TEKUN, DIBAO, DIBIAN, DISABLED, ILLNESS_POVERTY, OTHER)',
      'hearing.annualCap: 100000 must be an amount like "50000.00"',
      'hearing.burdenCap: "-1" must be an amount like "50000.00"',
    ]);
    expect(validateHearingPolicy(null)).toEqual(['hearing policy: must be an object']);
    expect(validateHearingPolicy({ ...DEFAULT_HEARING_POLICY, quorumDenominator: 0 })).toEqual([
      'quorumDenominator: must be a whole number from 1 to 100',
    ]);
  });

  it('refuses to compute with an invalid policy', () => {
    const policy = { ...DEFAULT_HEARING_POLICY, burdenCap: 'lots' };
    expect(() =>
      computeSpecialRelief({ category: 'TEKUN', reasonableCost: '1.00' }, policy),
    ).toThrow(/invalid hearing policy:\n {2}- hearing\.burdenCap/);
  });
});

describe('quorum', () => {
  it('is ceil(2/3 × panel size) by default', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 9].map((n) => quorum(n))).toEqual([1, 2, 2, 3, 4, 4, 5, 6]);
    expect(hasQuorum(2, 3)).toBe(true);
    expect(hasQuorum(1, 3)).toBe(false);
    expect(hasQuorum(2, 4)).toBe(false);
  });

  it('follows the policy fraction', () => {
    const half = { ...DEFAULT_HEARING_POLICY, quorumNumerator: 1, quorumDenominator: 2 };
    expect([3, 4, 5].map((n) => quorum(n, half))).toEqual([2, 2, 3]);
  });

  it('refuses a panel size that is not a positive whole number', () => {
    expect(() => quorum(0)).toThrow(RangeError);
    expect(() => quorum(2.5)).toThrow(RangeError);
  });
});

describe('medianCost', () => {
  it('takes the middle opinion of an odd count, whatever the order', () => {
    expect(medianCost(['90000', '80000.50', '120000.00'])).toBe('90000.00');
    expect(medianCost(['5'])).toBe('5.00');
    expect(medianCost(['300.00', '100.00', '200.00', '50.00', '1000.00'])).toBe('200.00');
  });

  it('takes the mean of the two middle opinions of an even count, half up to the cent', () => {
    expect(medianCost(['80000.00', '90000.00'])).toBe('85000.00');
    expect(medianCost(['100.01', '100.02'])).toBe('100.02'); // 100.015 → 100.02
    expect(medianCost(['0.01', '0.02', '1000', '0'])).toBe('0.02'); // (0.01 + 0.02) / 2 = 0.015
    expect(medianCost(['70000.00', '10.00', '69999.99', '99999.99'])).toBe('70000.00'); // 69999.995
  });

  it('refuses an empty list or a malformed amount', () => {
    expect(() => medianCost([])).toThrow(InvalidHearingInputError);
    const e = thrownBy(() => medianCost(['100', '1e5', '-3'])) as InvalidHearingInputError;
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fieldErrors.map((f) => f.field)).toEqual(['costs.1', 'costs.2']);
  });
});

describe('computeSpecialRelief — DOMAIN §2 numbers', () => {
  it('TEKUN 80,000 → 48,000 relief, burden 32,000, not above the cap', () => {
    const c = computeSpecialRelief({ category: 'TEKUN', reasonableCost: '80000' });
    expect(c).toMatchObject({
      category: 'TEKUN',
      ratio: '0.60',
      reasonableCost: '80000.00',
      alreadyUsedThisYear: '0.00',
      annualCap: '100000.00',
      capRemainingBefore: '100000.00',
      amount: '48000.00',
      capRemaining: '52000.00',
      burdenAfter: '32000.00',
      burdenCap: '50000.00',
      aboveBurdenCap: false,
      minimumExtraForCap: '0.00',
      policyVersion: DEFAULT_HEARING_POLICY.version,
    });
    expect(c.lines.map((l) => [l.step, l.amount])).toEqual([
      ['REASONABLE_COST', '80000.00'],
      ['RATIO', '48000.00'],
      ['ANNUAL_CAP', '48000.00'],
      ['BURDEN_AFTER', '32000.00'],
      ['BURDEN_CAP', '0.00'],
    ]);
    expect(c.lines[1].detail).toBe('80000.00 × 0.60 (TEKUN) = 48000.00');
    expect(c.lines[4].detail).toMatch(/at or below the 50000\.00 burden cap/);
    for (const l of c.lines) {
      expect(l.rule).toMatch(/^DOMAIN §2/);
      expect(l.policyVersion).toBe(DEFAULT_HEARING_POLICY.version);
    }
  });

  it('DIBAO 150,000 → 75,000, burden 75,000 above the cap: joint meeting, at least 25,000 extra', () => {
    const c = computeSpecialRelief({ category: 'DIBAO', reasonableCost: '150000.00' });
    expect(c).toMatchObject({
      ratio: '0.50',
      amount: '75000.00',
      capRemaining: '25000.00',
      burdenAfter: '75000.00',
      aboveBurdenCap: true,
      minimumExtraForCap: '25000.00',
    });
    expect(c.lines[1].detail).toBe('150000.00 × 0.50 (DIBAO: default ratio) = 75000.00');
    expect(c.lines[4].detail).toMatch(/above the 50000\.00 burden cap: joint meeting.*25000\.00/);
  });

  it('caps the relief at what is left of the yearly 100,000 (90,000 already used → 10,000)', () => {
    const c = computeSpecialRelief({
      category: 'TEKUN',
      reasonableCost: '80000.00',
      alreadyUsedThisYear: '90000.00',
    });
    expect(c).toMatchObject({
      capRemainingBefore: '10000.00',
      amount: '10000.00',
      capRemaining: '0.00',
      burdenAfter: '70000.00',
      aboveBurdenCap: true,
      minimumExtraForCap: '20000.00',
    });
    expect(c.lines[2].detail).toBe(
      'min(48000.00, remaining 10000.00 of the 100000.00 yearly cap, 90000.00 already used) = 10000.00',
    );
  });

  it('pays nothing once the cap is used up (or overdrawn), the whole cost stays a burden', () => {
    const c = computeSpecialRelief({
      category: 'DIBIAN',
      reasonableCost: '40000.00',
      alreadyUsedThisYear: '100000.01',
    });
    expect(c).toMatchObject({
      capRemainingBefore: '0.00',
      amount: '0.00',
      capRemaining: '0.00',
      burdenAfter: '40000.00',
      aboveBurdenCap: false,
    });
  });

  it('rounds half up to the cent', () => {
    const odd = computeSpecialRelief({ category: 'DISABLED', reasonableCost: '12345.67' });
    expect(odd.amount).toBe('6172.84'); // 6172.835
    expect(odd.burdenAfter).toBe('6172.83');
    expect(odd.lines[1].detail).toBe(
      '12345.67 × 0.50 (DISABLED: default ratio) = 6172.835 → 6172.84, half up to the cent',
    );
    expect(computeSpecialRelief({ category: 'OTHER', reasonableCost: '0.05' }).amount).toBe('0.03');
    expect(computeSpecialRelief({ category: 'TEKUN', reasonableCost: '12345.67' }).amount).toBe(
      '7407.40', // 7407.402
    );
    expect(computeSpecialRelief({ category: 'TEKUN', reasonableCost: '0.01' }).amount).toBe(
      '0.01', // 0.006
    );
  });

  it('is "above" the burden cap only strictly above it', () => {
    const atCap = computeSpecialRelief({ category: 'TEKUN', reasonableCost: '125000.00' });
    expect(atCap).toMatchObject({
      amount: '75000.00',
      burdenAfter: '50000.00',
      aboveBurdenCap: false,
      minimumExtraForCap: '0.00',
    });
    // 100000.01 × 0.50 = 50000.005 → 50000.01, burden 50000.00: at the cap.
    const halfUp = computeSpecialRelief({ category: 'DIBAO', reasonableCost: '100000.01' });
    expect(halfUp).toMatchObject({ amount: '50000.01', burdenAfter: '50000.00' });
    expect(halfUp.aboveBurdenCap).toBe(false);
    const cent = computeSpecialRelief({ category: 'DIBAO', reasonableCost: '100000.03' });
    expect(cent).toMatchObject({
      amount: '50000.02', // 50000.015
      burdenAfter: '50000.01',
      aboveBurdenCap: true,
      minimumExtraForCap: '0.01',
    });
  });

  it('uses the other people’s ratio for every non-TEKUN category and follows policy overrides', () => {
    for (const category of ['DIBAO', 'DIBIAN', 'DISABLED', 'ILLNESS_POVERTY', 'OTHER'] as const) {
      expect(specialReliefRatio(category)).toBe('0.50');
    }
    expect(specialReliefRatio('TEKUN')).toBe('0.60');
    const region: HearingPolicy = {
      ...DEFAULT_HEARING_POLICY,
      version: 'region-2027',
      ratios: { TEKUN: '0.70', DIBAO: '0.65', default: '0.55' },
      annualCap: '120000.00',
      burdenCap: '40000.00',
    };
    const c = computeSpecialRelief({ category: 'DIBAO', reasonableCost: '100000' }, region);
    expect(c).toMatchObject({
      ratio: '0.65',
      amount: '65000.00',
      capRemaining: '55000.00',
      burdenAfter: '35000.00',
      aboveBurdenCap: false,
      policyVersion: 'region-2027',
    });
  });

  it('gives every figure as a decimal string with two places', () => {
    const c = computeSpecialRelief({
      category: 'DIBAO',
      reasonableCost: '150000.5',
      alreadyUsedThisYear: '3',
    });
    for (const m of moneyStrings(c)) {
      expect(m).toMatch(MONEY);
    }
  });

  it('refuses malformed input, naming every bad field', () => {
    const e = thrownBy(() =>
      computeSpecialRelief({
        category: 'NOBODY' as 'TEKUN',
        reasonableCost: '80000.001',
        alreadyUsedThisYear: 'abc',
      }),
    ) as InvalidHearingInputError;
    expect(e).toBeInstanceOf(InvalidHearingInputError);
    expect(e).toBeInstanceOf(DomainError);
    expect(e.fieldErrors.map((f) => f.field)).toEqual([
      'category',
      'reasonableCost',
      'alreadyUsedThisYear',
    ]);
    // A prototype key is not a category.
    expect(() =>
      computeSpecialRelief({ category: 'constructor' as 'TEKUN', reasonableCost: '1' }),
    ).toThrow(InvalidHearingInputError);
  });
});

describe('checkJointMeetingExtra — the joint meeting must bring the burden to the cap', () => {
  it('accepts an extra that brings the burden to the cap or below', () => {
    expect(checkJointMeetingExtra({ burdenAfter: '75000.00', extraAmount: '25000' })).toEqual({
      burdenBefore: '75000.00',
      extraAmount: '25000.00',
      burdenAfterExtra: '50000.00',
      burdenCap: '50000.00',
      minimumExtra: '25000.00',
    });
    expect(
      checkJointMeetingExtra({ burdenAfter: '75000.00', extraAmount: '75000.00' }).burdenAfterExtra,
    ).toBe('0.00');
  });

  it('refuses an extra that leaves the burden above the cap, with the minimum needed', () => {
    const e = thrownBy(() =>
      checkJointMeetingExtra({ burdenAfter: '75000.00', extraAmount: '24999.99' }),
    ) as JointMeetingExtraTooSmallError;
    expect(e).toBeInstanceOf(JointMeetingExtraTooSmallError);
    expect(e.code).toBe('BUSINESS_RULE');
    expect(e.extra).toEqual({
      extraAmount: '24999.99',
      minimumExtra: '25000.00',
      burdenAfterExtra: '50000.01',
      burdenCap: '50000.00',
    });
    expect(e.message).toMatch(/must add at least 25000\.00/);
  });

  it('refuses an extra larger than the burden, or malformed amounts', () => {
    const e = thrownBy(() =>
      checkJointMeetingExtra({ burdenAfter: '75000.00', extraAmount: '75000.01' }),
    ) as InvalidHearingInputError;
    expect(e.fieldErrors).toEqual([
      { field: 'extraAmount', message: 'cannot exceed the burden it relieves (75000.00)' },
    ]);
    expect(() => checkJointMeetingExtra({ burdenAfter: 'x', extraAmount: '1' })).toThrow(
      InvalidHearingInputError,
    );
  });

  it('agrees with computeSpecialRelief: the minimum extra is exactly enough', () => {
    const c = computeSpecialRelief({ category: 'DIBAO', reasonableCost: '150000.00' });
    const r = checkJointMeetingExtra({
      burdenAfter: c.burdenAfter,
      extraAmount: c.minimumExtraForCap,
    });
    expect(r.burdenAfterExtra).toBe(c.burdenCap);
  });
});
