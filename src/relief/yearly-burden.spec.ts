import { hardshipHearingWorkflow } from '../../workflows/hardship-hearing.machine';
import {
  type ReliefApplicationContext,
  reliefApplicationContext,
  type ReliefApplicationInput,
  type ReliefCalculationRecord,
} from '../../workflows/relief-application.machine';
import { reliefApplication } from '../../test/factories/relief';
import { DEFAULT_POLICY } from '../config/policy';
import { hearingInputFromRelief } from './hearing-input';
import { paidCaseBurden, referralAction, yearlyBurden } from './yearly-burden';

const threshold = DEFAULT_POLICY.relief.hardshipThreshold;

const share = (caseId: string, burden: string) => ({ caseId, burden });

describe('the yearly burden after relief that refers a person to a hardship hearing', () => {
  it('should default the threshold to 5,000.00', () => {
    expect(threshold).toBe('5000.00');
  });

  it('should sum two cases of 3,000.00: the second brings the year to 6,000.00 and opens the hearing', () => {
    const first = yearlyBurden([], share('a', '3000.00'));
    expect(first).toEqual({ cases: [share('a', '3000.00')], before: '0.00', total: '3000.00' });
    expect(referralAction(first, threshold, false)).toBe('NONE');
    const second = yearlyBurden([share('a', '3000.00')], share('b', '3000.00'));
    expect(second.total).toBe('6000.00');
    expect(second.before).toBe('3000.00');
    expect(second.cases.map((c) => c.caseId)).toEqual(['a', 'b']);
    expect(referralAction(second, threshold, false)).toBe('OPEN');
  });

  it('should open at exactly the threshold ("at or above"), not a cent below', () => {
    const at = yearlyBurden([share('a', '2500.00')], share('b', '2500.00'));
    expect(at.total).toBe('5000.00');
    expect(referralAction(at, threshold, false)).toBe('OPEN');
    const below = yearlyBurden([share('a', '2500.00')], share('b', '2499.99'));
    expect(below.total).toBe('4999.99');
    expect(referralAction(below, threshold, false)).toBe('NONE');
  });

  it('should sum three cases and open when the third first crosses the threshold', () => {
    const two = yearlyBurden([share('a', '1200.00')], share('b', '1800.50'));
    expect(two.total).toBe('3000.50');
    expect(referralAction(two, threshold, false)).toBe('NONE');
    const three = yearlyBurden(
      [share('a', '1200.00'), share('b', '1800.50')],
      share('c', '4000.00'),
    );
    expect(three).toMatchObject({ before: '3000.50', total: '7000.50' });
    expect(three.cases).toHaveLength(3);
    expect(referralAction(three, threshold, false)).toBe('OPEN');
  });

  it('should not refer again a year already above the threshold, but join its open hearing', () => {
    const above = yearlyBurden([share('a', '6000.00')], share('b', '100.00'));
    expect(above.total).toBe('6100.00');
    // The first case opened the year's hearing; the next one joins it while it is open.
    expect(referralAction(above, threshold, true)).toBe('JOIN');
    expect(referralAction(above, threshold, false)).toBe('NONE');
  });

  it('should open for one case alone at or above the threshold, as before', () => {
    expect(referralAction(yearlyBurden([], share('a', '5000.00')), threshold, false)).toBe('OPEN');
    expect(referralAction(yearlyBurden([], share('a', '4999.99')), threshold, false)).toBe('NONE');
  });

  it('should measure a paid case by the relief actually paid, with the out-of-policy costs', () => {
    const expenses: ReliefApplicationContext['expenses'] = [
      {
        kind: 'INPATIENT',
        institution: 'H',
        date: '2026-03-02',
        totalCost: '52000.00',
        inPolicyCost: '50000.00',
        basicInsurancePaid: '30000.00',
        criticalIllnessPaid: '5000.00',
        otherInsurancePaid: '0.00',
      },
    ];
    const calculation: ReliefCalculationRecord = {
      eligibleBase: '15000.00',
      reliefAmount: '12000.00',
      outpatientReliefAmount: '0.00',
      inpatientReliefAmount: '12000.00',
      ratio: '0.80',
      annualCapRemaining: '138000.00',
      personalBurdenAfter: '3000.00',
      lines: [],
    };
    // Paid as computed: 3,000 in policy + 2,000 out of policy.
    expect(paidCaseBurden({ expenses, calculation, approvedAmount: '12000.00' })).toBe('5000.00');
    // 2,000 less relief approved (PROPOSE with a reason): the person bears it.
    expect(paidCaseBurden({ expenses, calculation, approvedAmount: '10000.00' })).toBe('7000.00');
  });

  it("should key a person's open hearing by the person and the year only, not the burden", () => {
    // A payment looks for the open hearing together with the person's paid cases, before the
    // burden is known (YearlyBurdenService.referral): the key must not depend on it.
    const relief = reliefApplicationContext({
      ...reliefApplication(),
      origin: 'APPLICATION',
    } as ReliefApplicationInput);
    const key = (of: ReliefApplicationContext, burden: string): string | undefined =>
      hardshipHearingWorkflow.exclusiveKey?.(hearingInputFromRelief('relief-1', of, burden));

    expect(key(relief, '0')).toMatch(/^hardship-hearing#[0-9a-f]{64}#2026$/);
    expect(key(relief, '6000.00')).toBe(key(relief, '0'));
    expect(key({ ...relief, year: 2027 }, '0')).not.toBe(key(relief, '0'));
  });
});
