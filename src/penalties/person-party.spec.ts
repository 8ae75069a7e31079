import type { Sanction } from '../../workflows/sanctions';
import { DomainError } from '../common/errors/domain-error';
import { partyLabel } from './penalty-party';
import { DEFAULT_PENALTY_POLICY } from './penalty-policy';
import { personCaseInput, suspensionEnd } from './person-party';
import { hearingEligibility } from './sanction-checks';
import { proposeSanctions } from './sanction-ladder';

const policy = DEFAULT_PENALTY_POLICY;
const now = new Date('2026-06-01T02:00:00Z');

/** Decree 735 art. 41 against an insured person, with the person's earlier decisions. */
function ladder(
  violation: { lossAmount: string; fraudAmount: string },
  history: Array<{ decidedAt: string; sanctions: Sanction['type'][] }> = [],
): Sanction[] {
  return proposeSanctions(
    {
      violations: [{ article: 41, ...violation }],
      respondent: 'INDIVIDUAL',
      refusedToCorrect: false,
      seriousConsequences: false,
      history: history.map((h) => ({ article: 41, ...h })),
      now,
    },
    policy,
  );
}

const shape = (sanctions: Sanction[]) =>
  sanctions.map((s) => ({
    type: s.type,
    ...(s.amount !== undefined ? { amount: s.amount } : {}),
    ...(s.minAmount !== undefined && s.type === 'FINE'
      ? { minAmount: s.minAmount, maxAmount: s.maxAmount }
      : {}),
    ...(s.minMonths !== undefined ? { minMonths: s.minMonths, maxMonths: s.maxMonths } : {}),
  }));

describe('the ladder for insured persons (Decree 735 art. 41)', () => {
  it('should order a first offence without fraud corrected, the loss returned, settlement suspended 3–12 months, no fine', () => {
    expect(shape(ladder({ lossAmount: '2000.00', fraudAmount: '0.00' }))).toEqual([
      { type: 'ORDER_CORRECTION' },
      { type: 'RECOVERY', amount: '2000.00' },
      { type: 'SUSPENSION', minMonths: 3, maxMonths: 12 },
    ]);
  });

  it('should add a fine of 2–5× the amount defrauded for fraud (3,000.00 -> 6,000.00–15,000.00)', () => {
    expect(shape(ladder({ lossAmount: '0.00', fraudAmount: '3000.00' }))).toEqual([
      { type: 'ORDER_CORRECTION' },
      { type: 'RECOVERY', amount: '3000.00' },
      { type: 'FINE', minAmount: '6000.00', maxAmount: '15000.00' },
      { type: 'SUSPENSION', minMonths: 3, maxMonths: 12 },
    ]);
  });

  it('should climb one rung for a repeat within 2 years (fraud: referral to public security)', () => {
    const repeat = ladder({ lossAmount: '0.00', fraudAmount: '3000.00' }, [
      { decidedAt: '2025-01-01', sanctions: ['RECOVERY', 'FINE', 'SUSPENSION'] },
    ]);
    expect(repeat.map((s) => s.type)).toEqual([
      'ORDER_CORRECTION',
      'RECOVERY',
      'FINE',
      'SUSPENSION',
      'POLICE_REFERRAL',
    ]);
    expect(repeat.at(-1)?.basis).toContain('2年内再次违反第41条');
  });

  it('should not climb for an earlier decision more than 2 years before', () => {
    const old = ladder({ lossAmount: '0.00', fraudAmount: '3000.00' }, [
      { decidedAt: '2024-05-31', sanctions: ['RECOVERY', 'FINE', 'SUSPENSION'] },
    ]);
    expect(old.map((s) => s.type)).toEqual(['ORDER_CORRECTION', 'RECOVERY', 'FINE', 'SUSPENSION']);
  });

  it('should weigh a repeat without fraud within the range (suspension is the top rung without fraud)', () => {
    const repeat = ladder({ lossAmount: '2000.00', fraudAmount: '0.00' }, [
      { decidedAt: '2025-01-01', sanctions: ['RECOVERY', 'SUSPENSION'] },
    ]);
    expect(repeat.map((s) => s.type)).toEqual(['ORDER_CORRECTION', 'RECOVERY', 'SUSPENSION']);
    expect(repeat.at(-1)?.basis).toContain('从重');
  });

  it('should give an individual a hearing from 10,000.00 (the individual threshold), and for any suspension', () => {
    expect(policy.largerAmountThreshold.INDIVIDUAL).toBe('10000.00');
    const fine = (max: string): Sanction[] => [
      { type: 'FINE', article: 41, minAmount: '2000.00', maxAmount: max },
    ];
    expect(hearingEligibility(fine('9999.99'), 'INDIVIDUAL', policy).eligible).toBe(false);
    expect(hearingEligibility(fine('10000.00'), 'INDIVIDUAL', policy).eligible).toBe(true);
    expect(hearingEligibility(fine('10000.00'), 'INSTITUTION', policy).eligible).toBe(false);
    expect(
      hearingEligibility(
        [{ type: 'SUSPENSION', article: 41, minMonths: 3, maxMonths: 12 }],
        'INDIVIDUAL',
        policy,
      ).eligible,
    ).toBe(true);
  });

  it('should refuse an institution article against a person, naming the article', () => {
    let refused: unknown;
    try {
      proposeSanctions(
        {
          violations: [{ article: 40, lossAmount: '0.00', fraudAmount: '3000.00' }],
          respondent: 'INDIVIDUAL',
          refusedToCorrect: false,
          seriousConsequences: false,
          history: [],
          now,
        },
        policy,
      );
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).extra.errors).toEqual([
      expect.objectContaining({
        field: 'violations[0].article',
        message: expect.stringContaining('designated institutions') as string,
      }),
    ]);
  });
});

describe('the person as the party of a penalty case', () => {
  const person = { idNumber: '330106198001010013', name: '张三', phone: '13812345678' };

  it('should make an INDIVIDUAL case of the person, and refuse a second party naming person', () => {
    expect(personCaseInput({ source: 'COMPLAINT', summary: '冒用他人医保卡' }, person)).toEqual({
      person,
      respondent: 'INDIVIDUAL',
      source: 'COMPLAINT',
      summary: '冒用他人医保卡',
      refusedToCorrect: false,
      links: [],
    });
    let refused: unknown;
    try {
      personCaseInput(
        {
          source: 'COMPLAINT',
          summary: 'x',
          institutionId: '00000000-0000-4000-8000-000000000000',
        },
        person,
      );
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).extra.errors).toEqual([
      { field: 'person', message: 'not with institutionId' },
    ]);
  });

  it('should name the person on notices by name and masked resident ID', () => {
    expect(partyLabel({ person })).toBe('张三（330106********0013）');
    expect(partyLabel({ institution: { id: 'i', code: 'H1', name: '某医院' } })).toBe(
      '某医院（H1）',
    );
  });

  it('should end a suspension the same day so many months later, 00:00 Asia/Shanghai', () => {
    // Served 1 June 2026 10:00 in Shanghai, 6 months: suspended until 1 December 00:00.
    expect(suspensionEnd(new Date('2026-06-01T02:00:00Z'), 6).toISOString()).toBe(
      '2026-11-30T16:00:00.000Z',
    );
  });
});
