import {
  bandFor,
  baseCapitation,
  daysCovered,
  reconcileYear,
  settleMonth,
} from './capitation-calculator';
import {
  DEFAULT_CAPITATION_BANDS,
  DEFAULT_CAPITATION_POLICY,
  validateCapitationPolicy,
  type CapitationYear,
} from './capitation-policy';

const YEAR_2026: CapitationYear = DEFAULT_CAPITATION_POLICY.years['2026'];
const rateWith = (insuredPersons: number) =>
  baseCapitation(2026, { ...YEAR_2026, insuredPersons }, '2026.1');

describe('base capitation (基础人头费)', () => {
  it('should give 48.00 for a fund of 100,000,000.00 and 150,000 insured, with every step', () => {
    const rate = rateWith(150000);
    expect(rate).toMatchObject({ baseCapitation: '48.00', capped: false, fundSignUpFee: '12.00' });
    expect(rate.steps.map((s) => [s.step, s.amount])).toEqual([
      ['BUDGET', '10000000.00'],
      ['RISK_RESERVE', '9000000.00'],
      ['SIGN_UP_FEES', '1800000.00'],
      ['NET', '7200000.00'],
      ['PER_PERSON', '48.00'],
      ['CAP', '48.00'],
    ]);
  });

  it('should cap 78.00 at 68.00 with 100,000 insured', () => {
    const rate = rateWith(100000);
    expect(rate.steps.find((s) => s.step === 'PER_PERSON')?.amount).toBe('78.00');
    expect(rate).toMatchObject({ baseCapitation: '68.00', capped: true });
  });

  it('should leave exactly 68.00 uncapped and cap anything above it (112,500 insured is the boundary)', () => {
    // (9,000,000 − 12n) / n = 68 ⇔ n = 112,500.
    expect(rateWith(112500)).toMatchObject({ baseCapitation: '68.00', capped: false });
    // 112,499: 68.0007… is above the cap.
    expect(rateWith(112499)).toMatchObject({ baseCapitation: '68.00', capped: true });
    // 112,501: 67.99929… rounds half-up to 68.00 and is not capped.
    expect(rateWith(112501)).toMatchObject({ baseCapitation: '68.00', capped: false });
    // 112,600: 67.93 (9,000,000 / 112,600 = 79.928952…, − 12).
    expect(rateWith(112600)).toMatchObject({ baseCapitation: '67.93', capped: false });
  });

  it('should never go below 0 when the sign-up fees exceed the budget', () => {
    expect(rateWith(1_000_000).baseCapitation).toBe('0.00');
  });
});

describe('monthly settlement (月度结算)', () => {
  const rate = { baseCapitation: '48.00', fundSignUpFee: '12.00' };
  const fullYear = { start: '2026-01-01', end: '2026-12-31' };

  it('should settle whole months as rate ÷ 12 a person, the fee share as its own line', () => {
    const s = settleMonth(2026, 3, rate, [fullYear, fullYear, fullYear]);
    expect(s).toMatchObject({
      fullMonthPersons: 3,
      proRataPersons: 0,
      personDays: 93,
      personMonths: '3.0000',
      baseCapitation: '12.00',
      fundSignUpFee: '3.00',
      total: '15.00',
    });
    expect(s.lines.map((l) => l.kind)).toEqual(['BASE_CAPITATION', 'SIGN_UP_FEE']);
  });

  it('should count a sign-up that starts or ends within the month by its days', () => {
    // Starts on 17 March: 15 of 31 days. Ends on 10 March: 10 days.
    const s = settleMonth(2026, 3, rate, [
      fullYear,
      { start: '2026-03-17', end: '2026-12-31' },
      { start: '2026-01-01', end: '2026-03-10' },
    ]);
    expect(s).toMatchObject({ fullMonthPersons: 1, proRataPersons: 2, personDays: 56 });
    // 48 × 56 / (31 × 12) = 7.2258… → 7.23; 12 × 56 / 372 = 1.8064… → 1.81.
    expect(s.baseCapitation).toBe('7.23');
    expect(s.fundSignUpFee).toBe('1.81');
    expect(s.total).toBe('9.04');
    expect(s.personMonths).toBe('1.8065');
  });

  it('should use the month’s own length (February 2026: 28 days) and ignore other months', () => {
    expect(daysCovered({ start: '2026-02-15', end: '2026-12-31' }, 2026, 2)).toBe(14);
    expect(daysCovered({ start: '2026-04-01', end: '2026-12-31' }, 2026, 2)).toBe(0);
    const s = settleMonth(2026, 2, rate, [{ start: '2026-02-15', end: '2026-12-31' }]);
    // 48 × 14 / (28 × 12) = 2.00 exactly.
    expect(s).toMatchObject({ daysInMonth: 28, baseCapitation: '2.00', fundSignUpFee: '0.50' });
  });

  it('should round half-up once per line on the exact person-days', () => {
    // 1 person, 1 day of 31 at 48.00: 48 / 372 = 0.129032… → 0.13; at 12.00: 0.032258… → 0.03.
    const s = settleMonth(2026, 1, rate, [{ start: '2026-01-31', end: '2026-12-31' }]);
    expect([s.baseCapitation, s.fundSignUpFee]).toEqual(['0.13', '0.03']);
    // 0.125 exactly rounds up: rate 46.50 × 31 person-days / 372 = 3.875 → 3.88.
    const half = settleMonth(2026, 1, { baseCapitation: '46.50', fundSignUpFee: '0.00' }, [
      fullYear,
    ]);
    expect(half.baseCapitation).toBe('3.88');
  });
});

describe('year-end reconciliation (年终清算)', () => {
  const bands = DEFAULT_CAPITATION_BANDS;

  it.each([
    [100, 90],
    [90, 90],
    [89.99, 80],
    [80, 80],
    [79.5, 60],
    [60, 60],
    [59.99, 0],
    [0, 0],
  ])('should put score %p in the band starting at %p', (score, minScore) => {
    expect(bandFor(score, bands).minScore).toBe(minScore);
  });

  // Prepaid 10,000.00, spent 8,000.00: a surplus of 2,000.00.
  it.each([
    [90, '0.00', 'NONE'],
    [89.99, '400.00', 'RECOVER'],
    [80, '400.00', 'RECOVER'],
    [79.99, '1000.00', 'RECOVER'],
    [60, '1000.00', 'RECOVER'],
    [59.99, '2000.00', 'RECOVER'],
  ])('should recover the unkept surplus at score %p: %p', (score, amount, direction) => {
    const r = reconcileYear('10000.00', '8000.00', score, bands);
    expect(r).toMatchObject({ outcome: 'SURPLUS', balance: '2000.00', amount, direction });
  });

  // Prepaid 10,000.00, spent 13,000.00: an overspend of 3,000.00.
  it.each([
    [90, '1500.00', 'PAY'],
    [89.99, '900.00', 'PAY'],
    [80, '900.00', 'PAY'],
    [79.99, '0.00', 'NONE'],
    [60, '0.00', 'NONE'],
    [0, '0.00', 'NONE'],
  ])('should pay the fund’s share of an overspend at score %p: %p', (score, amount, direction) => {
    const r = reconcileYear('10000.00', '13000.00', score, bands);
    expect(r).toMatchObject({ outcome: 'OVERSPEND', balance: '-3000.00', amount, direction });
  });

  it('should round the kept share half-up to the cent and recover the rest', () => {
    // Surplus 0.05 × 0.50 = 0.025 kept → 0.03; 0.02 recovered.
    const r = reconcileYear('100.05', '100.00', 70, bands);
    expect(r).toMatchObject({ amount: '0.02', direction: 'RECOVER' });
    expect(r.steps.find((s) => s.step === 'SURPLUS_KEPT')?.amount).toBe('0.03');
  });

  it('should move nothing when the year balances', () => {
    expect(reconcileYear('500.00', '500.00', 95, bands)).toMatchObject({
      outcome: 'BALANCED',
      direction: 'NONE',
      amount: '0.00',
    });
  });
});

describe('capitation policy', () => {
  it('should accept the defaults', () => {
    expect(validateCapitationPolicy(DEFAULT_CAPITATION_POLICY)).toEqual([]);
  });

  it('should name every bad figure of a year', () => {
    const problems = validateCapitationPolicy({
      ...DEFAULT_CAPITATION_POLICY,
      years: {
        '2027': {
          ...YEAR_2026,
          insuredPersons: 0,
          riskReserve: '1.5',
          fundSignUpFee: '40.00',
          startDate: '2026-07-01',
          bands: [{ minScore: 50, surplusKept: '0.5', overspendFundShare: 'x' }],
        },
      },
    });
    expect(problems).toEqual([
      'capitation.years.2027.fundSignUpFee: cannot exceed signUpFee',
      'capitation.years.2027.insuredPersons: must be a whole number above 0',
      'capitation.years.2027.riskReserve: must be a share from 0 to 1 as a string, e.g. "0.10"',
      'capitation.years.2027.startDate: must fall in 2027',
      'capitation.years.2027.bands.0.overspendFundShare: must be a share from 0 to 1 as a string, e.g. "0.80"',
      'capitation.years.2027.bands: one band must start at minScore 0 (every score has a band)',
    ]);
  });
});
