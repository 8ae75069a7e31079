import { hardshipBurden } from './hardship-burden';

const line = (totalCost: string, inPolicyCost: string) => ({
  kind: 'INPATIENT' as const,
  institution: 'H',
  date: '2026-03-02',
  totalCost,
  inPolicyCost,
  basicInsurancePaid: '0.00',
  criticalIllnessPaid: '0.00',
  otherInsurancePaid: '0.00',
});

describe('the burden weighed for a hardship referral', () => {
  it('should add the out-of-policy costs to the in-policy remainder after relief', () => {
    const calculation = { personalBurdenAfter: '3000.00' } as never;
    expect(
      hardshipBurden({
        calculation,
        expenses: [line('52000.00', '50000.00'), line('800.50', '800.00')],
      }),
    ).toBe('5000.50');
  });

  it('should count no negative out-of-policy amount when in-policy exceeds the total', () => {
    expect(
      hardshipBurden({
        calculation: { personalBurdenAfter: '10.00' } as never,
        expenses: [line('5.00', '9.00')],
      }),
    ).toBe('10.00');
  });
});
