import { addTo, bucketOf, bucketValue, percentile } from './duration-histogram';
import { decompose, monthOf } from './periods';
import { shanghaiDate, startOfShanghaiDay } from '../time/shanghai';
import { indicatorRates, reliefFigures } from './relief-indicators';

describe('duration histogram', () => {
  it('should estimate any duration within 2.5% through its bucket', () => {
    for (const ms of [1000, 1234, 20_000, 59_999, 3_600_000, 86_400_000 * 3, 86_400_000 * 400]) {
      const v = bucketValue(bucketOf(ms));
      expect(Math.abs(v - ms) / ms).toBeLessThanOrEqual(0.0251);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(999)).toBe(0);
    expect(bucketOf(1000)).toBe(1);
  });

  it('should give nearest-rank percentiles of the bucketed values', () => {
    const h = new Map<number, number>();
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((s) => s * 1000);
    values.forEach((v) => addTo(h, bucketOf(v), 1));
    expect(percentile(h, 0.5)).toBe(bucketValue(bucketOf(50_000)));
    expect(percentile(h, 0.9)).toBe(bucketValue(bucketOf(90_000)));
    expect(percentile(new Map(), 0.5)).toBeNull();
  });
});

describe('report periods (Asia/Shanghai)', () => {
  it('should place an instant on its Shanghai day and month', () => {
    expect(shanghaiDate(new Date('2026-03-31T16:30:00Z'))).toBe('2026-04-01');
    expect(monthOf('2026-04-17')).toBe('2026-04-01');
    expect(startOfShanghaiDay('2026-04-01').toISOString()).toBe('2026-03-31T16:00:00.000Z');
  });

  it('should split a range into whole months and the days at its edges', () => {
    expect(decompose('2026-01-15', '2026-04-10')).toEqual({
      months: ['2026-02-01', '2026-03-01'],
      dayRanges: [
        ['2026-01-15', '2026-01-31'],
        ['2026-04-01', '2026-04-10'],
      ],
    });
    expect(decompose('2026-01-01', '2026-12-31').months).toHaveLength(12);
    expect(decompose('2026-02-03', '2026-02-05')).toEqual({
      months: [],
      dayRanges: [['2026-02-03', '2026-02-05']],
    });
    expect(decompose('2024-02-01', '2024-02-29')).toEqual({
      months: ['2024-02-01'],
      dayRanges: [],
    });
  });
});

describe('seed 002 indicators', () => {
  it('should take insurance, relief and the personal burden from a paid relief case', () => {
    const f = reliefFigures({
      expenses: [
        {
          inPolicyCost: '50000.00',
          basicInsurancePaid: '30000.00',
          criticalIllnessPaid: '5000.00',
          otherInsurancePaid: '0.00',
        },
      ],
      calculation: { reliefAmount: '12000.00' },
      payment: { amount: '12000.00' },
    });
    expect(f).toEqual({
      inPolicyCost: '50000.00',
      insurancePaid: '35000.00',
      reliefPaid: '12000.00',
      personalBurden: '3000.00',
    });
    expect(indicatorRates(f)).toEqual({ coverageRate: '0.9400', burdenRate: '0.0600' });
  });

  it('should never count insurance above the in-policy cost, nor rate an empty year', () => {
    const f = reliefFigures({
      expenses: [{ inPolicyCost: '100.00', basicInsurancePaid: '150.00' }],
      approvedAmount: '0.00',
    });
    expect(f.insurancePaid).toBe('100.00');
    expect(f.personalBurden).toBe('0.00');
    expect(indicatorRates({ ...f, inPolicyCost: '0.00' })).toEqual({
      coverageRate: null,
      burdenRate: null,
    });
  });
});
