import { dayBefore, signUpChangeRefusals, type SignUpTerm } from './sign-up-rules';

const term: SignUpTerm = {
  institutionCode: 'P330106001',
  startDate: '2026-01-01',
  endDate: '2026-12-31',
  endedReason: null,
};

describe('sign-up changes (签约变更)', () => {
  it.each(['MOVED_HOME', 'CHANGED_WORKPLACE'])(
    'should allow a change to another institution for %s',
    (reason) => {
      expect(
        signUpChangeRefusals(term, { institutionCode: 'P330106002', reason, date: '2026-05-01' }),
      ).toEqual([]);
    },
  );

  it('should end a sign-up on death, without a new institution', () => {
    expect(signUpChangeRefusals(term, { reason: 'DEATH', date: '2026-05-01' })).toEqual([]);
    expect(
      signUpChangeRefusals(term, { reason: 'DEATH', date: '2026-05-01', institutionCode: 'P2' }),
    ).toEqual([
      { field: 'institutionCode', message: 'a sign-up ended by death has no new institution' },
    ]);
  });

  it.each([undefined, 'PREFERENCE', ''])(
    'should refuse a change for the reason %p, naming the one-institution rule',
    (reason) => {
      const refusals = signUpChangeRefusals(term, {
        institutionCode: 'P330106002',
        reason,
        date: '2026-05-01',
      });
      expect(refusals).toHaveLength(1);
      expect(refusals[0].field).toBe('reason');
      expect(refusals[0].message).toMatch(/^one-institution-per-sign-up-year/);
    },
  );

  it('should refuse a date outside the sign-up and a change to the same institution', () => {
    expect(
      signUpChangeRefusals(term, {
        institutionCode: 'p330106001',
        reason: 'MOVED_HOME',
        date: '2026-01-01',
      }).map((e) => e.field),
    ).toEqual(['date', 'institutionCode']);
    expect(
      signUpChangeRefusals(term, {
        institutionCode: 'P2',
        reason: 'MOVED_HOME',
        date: '2027-01-01',
      }).map((e) => e.field),
    ).toEqual(['date']);
    // The last day is allowed: the old sign-up then covers all but that day.
    expect(
      signUpChangeRefusals(term, {
        institutionCode: 'P2',
        reason: 'MOVED_HOME',
        date: '2026-12-31',
      }),
    ).toEqual([]);
    expect(
      signUpChangeRefusals(term, { institutionCode: 'P2', reason: 'MOVED_HOME' }).map(
        (e) => e.field,
      ),
    ).toEqual(['date']);
  });

  it('should refuse changing a sign-up that already ended', () => {
    expect(
      signUpChangeRefusals(
        { ...term, endDate: '2026-04-30', endedReason: 'MOVED_HOME' },
        { institutionCode: 'P2', reason: 'MOVED_HOME', date: '2026-04-15' },
      ).map((e) => e.field),
    ).toEqual(['id']);
  });

  it('should step back one day across months and years', () => {
    expect(dayBefore('2026-03-01')).toBe('2026-02-28');
    expect(dayBefore('2026-01-01')).toBe('2025-12-31');
  });
});
