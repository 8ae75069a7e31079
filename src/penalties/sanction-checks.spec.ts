import { DomainError } from '../common/errors/domain-error';
import type { Sanction, Violation, ViolationArticle } from '../../workflows/sanctions';
import { DEFAULT_PENALTY_POLICY, type Respondent } from './penalty-policy';
import {
  amountsDue,
  checkDecision,
  hearingEligibility,
  SanctionDecisionError,
} from './sanction-checks';
import { InvalidPenaltyInputError, proposeSanctions } from './sanction-ladder';

const NOW = new Date('2026-03-01T10:00:00+08:00');

function violation(
  article: ViolationArticle,
  lossAmount = '0.00',
  fraudAmount = '0.00',
): Violation {
  return { article, lossAmount, fraudAmount };
}

/** A proposal from the ladder itself, so the checks are tested against real proposals. */
function proposal(violations: Violation[], refusedToCorrect = false): Sanction[] {
  const respondent: Respondent = violations.some((v) => v.article === 41)
    ? 'INDIVIDUAL'
    : 'INSTITUTION';
  return proposeSanctions({ violations, respondent, refusedToCorrect, history: [], now: NOW });
}

/** Art. 38, loss 10,000, refused: RECOVERY 10,000, FINE 10,000–20,000, SUSPENSION 6–12. */
const ART38 = (): Sanction[] => proposal([violation(38, '10000.00')], true);
/** Art. 40, fraud 20,000: RECOVERY 20,000, FINE 40,000–100,000, SUSPENSION 6–12. */
const ART40 = (): Sanction[] => proposal([violation(40, '0', '20000.00')]);

const fine = (article: ViolationArticle, amount: string): Sanction => ({
  type: 'FINE',
  article,
  amount,
});
const recovery = (article: ViolationArticle, amount: string): Sanction => ({
  type: 'RECOVERY',
  article,
  amount,
});
const suspension = (article: ViolationArticle, months: number): Sanction => ({
  type: 'SUSPENSION',
  article,
  months,
});
const plain = (type: Sanction['type'], article: ViolationArticle): Sanction => ({ type, article });

function check(
  decided: Sanction[],
  proposed: Sanction[],
  statementMade = false,
  respondent: Respondent = 'INSTITUTION',
): Sanction[] {
  return checkDecision({ decided, proposed, statementMade, respondent });
}

function refusal(fn: () => unknown): SanctionDecisionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SanctionDecisionError);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('BUSINESS_RULE');
    return e as SanctionDecisionError;
  }
  throw new Error('expected the decision to be refused');
}

describe('checkDecision — the law’s ranges', () => {
  it('accepts a fine at either end of the range and returns it normalised with its range', () => {
    const decided = check(
      [plain('ORDER_CORRECTION', 38), fine(38, '10000'), recovery(38, '10000.0')],
      ART38(),
    );
    expect(decided).toEqual([
      {
        type: 'ORDER_CORRECTION',
        article: 38,
        basis: '条例第38条: 责令改正 / Decree 735 art. 38: order to correct',
      },
      {
        type: 'FINE',
        article: 38,
        amount: '10000.00',
        minAmount: '10000.00',
        maxAmount: '20000.00',
        basis: expect.stringContaining('1–2倍') as unknown as string,
      },
      {
        type: 'RECOVERY',
        article: 38,
        amount: '10000.00',
        basis: expect.stringContaining('责令退回 10000.00元') as unknown as string,
      },
    ]);
    expect(check([fine(38, '20000.00')], ART38())[0].amount).toBe('20000.00');
  });

  it('refuses a fine above the maximum, naming the field and the legal range', () => {
    const e = refusal(() => check([plain('ORDER_CORRECTION', 38), fine(38, '20000.01')], ART38()));
    expect(e.fieldErrors).toEqual([
      {
        field: 'sanctions[1].amount',
        message: '20000.01 is outside the legal range 10000.00–20000.00 for art. 38',
      },
    ]);
    expect(e.message).toBe(
      'The decided sanctions are not allowed: sanctions[1].amount: 20000.01 is outside the legal range 10000.00–20000.00 for art. 38',
    );
    expect(e.extra.errors).toEqual(e.fieldErrors);
  });

  it('refuses a fine below the minimum', () => {
    const e = refusal(() => check([fine(38, '9999.99')], ART38()));
    expect(e.fieldErrors[0].message).toBe(
      '9999.99 is outside the legal range 10000.00–20000.00 for art. 38',
    );
  });

  it('refuses suspensions of 5 and 13 months and accepts 6 and 12 (art. 38)', () => {
    expect(check([suspension(38, 6)], ART38())[0].months).toBe(6);
    expect(check([suspension(38, 12)], ART38())[0].months).toBe(12);
    for (const months of [5, 13]) {
      const e = refusal(() => check([suspension(38, months)], ART38()));
      expect(e.fieldErrors).toEqual([
        {
          field: 'sanctions[0].months',
          message: `${months} months is outside the legal range 6–12 months for art. 38`,
        },
      ]);
    }
  });

  it('uses 3–12 months for art. 41 networked settlement', () => {
    const proposed = proposal([violation(41, '800')]);
    expect(check([suspension(41, 3)], proposed, false, 'INDIVIDUAL')[0].months).toBe(3);
    const e = refusal(() => check([suspension(41, 2)], proposed, false, 'INDIVIDUAL'));
    expect(e.fieldErrors[0].message).toBe(
      '2 months is outside the legal range 3–12 months for art. 41',
    );
  });

  it('refuses a type the article does not allow', () => {
    const e = refusal(() =>
      check(
        [plain('AGREEMENT_TERMINATION', 38), suspension(39, 6)],
        [...ART38(), ...proposal([violation(39)])],
      ),
    );
    expect(e.fieldErrors).toEqual([
      {
        field: 'sanctions[0].type',
        message:
          'art. 38 does not allow AGREEMENT_TERMINATION (解除服务协议); it allows WARNING, INTERVIEW, ORDER_CORRECTION, RECOVERY, FINE, SUSPENSION',
      },
      {
        field: 'sanctions[1].type',
        message:
          'art. 39 does not allow SUSPENSION (暂停); it allows WARNING, INTERVIEW, ORDER_CORRECTION, FINE',
      },
    ]);
  });

  it('refuses a fine the facts do not support (art. 39 without a refusal, art. 38 without a loss)', () => {
    const e = refusal(() =>
      check(
        [fine(39, '10000'), fine(38, '100')],
        [...proposal([violation(39)]), ...proposal([violation(38)])],
      ),
    );
    expect(e.fieldErrors.map((f) => f.message)).toEqual([
      'no FINE is lawful here: art. 39 fines only a refusal to correct, and none was established',
      'no FINE is lawful here: art. 38 fines 1–2× the fund loss, and no loss was established',
    ]);
  });

  it('refuses an article no violation was established for, and an article of the other respondent', () => {
    const e = refusal(() => check([plain('ORDER_CORRECTION', 39)], ART38()));
    expect(e.fieldErrors).toEqual([
      {
        field: 'sanctions[0].article',
        message: 'no violation of art. 39 was established in this case (proposed: art. 38)',
      },
    ]);
    const individual = refusal(() =>
      check([plain('ORDER_CORRECTION', 38)], ART38(), false, 'INDIVIDUAL'),
    );
    expect(individual.fieldErrors[0].message).toBe('art. 38 does not apply to an INDIVIDUAL');
  });

  it('allows a smaller recovery than established, never a larger one or one without a loss', () => {
    expect(check([recovery(38, '4000')], ART38())[0].amount).toBe('4000.00');
    const e = refusal(() => check([recovery(38, '10000.01')], ART38()));
    expect(e.fieldErrors[0]).toEqual({
      field: 'sanctions[0].amount',
      message:
        '10000.01 must be above 0.00 and at most the 10000.00 the investigation established for art. 38',
    });
    const none = refusal(() =>
      check([recovery(41, '1')], proposal([violation(41)]), false, 'INDIVIDUAL'),
    );
    expect(none.fieldErrors[0].message).toBe(
      'no fund loss was established for art. 41: nothing to return',
    );
  });

  it('lists every broken rule at once', () => {
    const e = refusal(() =>
      check([fine(38, '1'), suspension(38, 13), recovery(38, '99999')], ART38()),
    );
    expect(e.fieldErrors.map((f) => f.field)).toEqual([
      'sanctions[0].amount',
      'sanctions[1].months',
      'sanctions[2].amount',
    ]);
  });

  it('allows, without a statement, a heavier measure the article allows', () => {
    const decided = check(
      [
        recovery(40, '20000'),
        fine(40, '100000'),
        suspension(40, 12),
        plain('AGREEMENT_TERMINATION', 40),
      ],
      ART40(),
    );
    expect(decided.map((s) => s.type)).toEqual([
      'RECOVERY',
      'FINE',
      'SUSPENSION',
      'AGREEMENT_TERMINATION',
    ]);
  });
});

describe('checkDecision — no heavier penalty after a statement (Law art. 45)', () => {
  it('refuses a new type above the heaviest proposed', () => {
    const decided = [fine(40, '40000'), suspension(40, 6), plain('AGREEMENT_TERMINATION', 40)];
    const e = refusal(() => check(decided, ART40(), true));
    expect(e.fieldErrors).toEqual([
      {
        field: 'sanctions[2].type',
        message:
          'AGREEMENT_TERMINATION (解除服务协议) was not proposed for art. 40 (heaviest proposed: SUSPENSION): after a statement and defence the decision may not be heavier (Administrative Penalty Law art. 45)',
      },
    ]);
  });

  it('refuses a termination added under a proposed blacklist, though the list ranks higher', () => {
    const proposed = proposal([violation(40, '0', '100000')]);
    expect(proposed.map((s) => s.type)).toContain('BLACKLIST');
    const e = refusal(() => check([plain('AGREEMENT_TERMINATION', 40)], proposed, true));
    expect(e.fieldErrors[0].field).toBe('sanctions[0].type');
    expect(check([plain('AGREEMENT_TERMINATION', 40)], proposed, false)).toHaveLength(1);
  });

  it('refuses a suspension that was not proposed (art. 38 without refusal)', () => {
    const proposed = proposal([violation(38, '1000')]);
    expect(check([suspension(38, 6)], proposed, false)[0].months).toBe(6);
    const e = refusal(() => check([suspension(38, 6)], proposed, true));
    expect(e.fieldErrors[0].message).toMatch(
      /^SUSPENSION \(暂停\) was not proposed for art\. 38 \(heaviest proposed: FINE\)/,
    );
  });

  it('refuses a fine above the amount legal review proposed, and allows it without a statement', () => {
    const proposed = ART38().map((s) => (s.type === 'FINE' ? { ...s, amount: '15000.00' } : s));
    expect(check([fine(38, '18000')], proposed, false)[0].amount).toBe('18000.00');
    const e = refusal(() => check([fine(38, '15000.01')], proposed, true));
    expect(e.fieldErrors).toEqual([
      {
        field: 'sanctions[0].amount',
        message:
          '15000.01 is above the proposed 15000.00: after a statement and defence the decision may not be heavier (Administrative Penalty Law art. 45)',
      },
    ]);
  });

  it('refuses more months than the proposed maximum', () => {
    const proposed = ART38().map((s) => (s.type === 'SUSPENSION' ? { ...s, maxMonths: 9 } : s));
    expect(check([suspension(38, 9)], proposed, true)[0].months).toBe(9);
    const e = refusal(() => check([suspension(38, 10)], proposed, true));
    expect(e.fieldErrors[0].message).toBe(
      '10 months is above the proposed 9: after a statement and defence the decision may not be heavier (Administrative Penalty Law art. 45)',
    );
  });

  it('accepts the same or a lighter decision: the proposal itself, a lower fine, fewer months, a dropped measure', () => {
    const same = ART38().map((s) =>
      s.type === 'FINE'
        ? { ...s, amount: '20000.00' }
        : s.type === 'SUSPENSION'
          ? { ...s, months: 12 }
          : s,
    );
    expect(check(same, ART38(), true)).toHaveLength(5);
    expect(check([fine(38, '10000'), suspension(38, 6)], ART38(), true)).toHaveLength(2);
    expect(check([plain('ORDER_CORRECTION', 38)], ART38(), true)).toHaveLength(1);
  });

  it('lets corrective measures and a police referral through: they are not heavier penalties', () => {
    const decided = check(
      [
        plain('WARNING', 40),
        plain('ORDER_CORRECTION', 40),
        plain('POLICE_REFERRAL', 40),
        fine(40, '40000'),
      ],
      ART40(),
      true,
    );
    expect(decided.map((s) => s.type)).toEqual([
      'WARNING',
      'ORDER_CORRECTION',
      'POLICE_REFERRAL',
      'FINE',
    ]);
  });
});

describe('checkDecision — malformed sanctions are a 400', () => {
  it('names unknown types and articles, bad amounts and months, missing amounts, duplicates', () => {
    let error: unknown;
    try {
      check(
        [
          { type: 'CAUTION' as Sanction['type'], article: 38 },
          { type: 'FINE', article: 42 as ViolationArticle, amount: '1,000' },
          { type: 'SUSPENSION', article: 38, months: 6.5 },
          { type: 'RECOVERY', article: 38 },
          suspension(38, 6),
        ],
        ART38(),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPenaltyInputError);
    const e = error as InvalidPenaltyInputError;
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fieldErrors.map((f) => f.field)).toEqual([
      'sanctions[0].type',
      'sanctions[1].article',
      'sanctions[1].amount',
      'sanctions[2].months',
      'sanctions[3].amount',
      'sanctions[4].type',
    ]);
    expect(e.fieldErrors[5].message).toBe(
      'a second SUSPENSION for art. 38: one of each type per article',
    );
  });
});

describe('hearingEligibility (Law art. 63)', () => {
  it('is not available for a fine whose maximum is below 100,000 (loss 10,000 → at most 20,000)', () => {
    const result = hearingEligibility(proposal([violation(38, '10000')]), 'INSTITUTION');
    expect(result).toEqual({
      eligible: false,
      reason:
        '不能申请听证 (行政处罚法第63条): 未拟暂停、解除协议或失信联合惩戒, 罚款上限20000.00元 < 较大数额100000.00元 (单位) / no hearing (Administrative Penalty Law art. 63): no suspension, termination or joint punishment list, fines up to 20000.00 < the larger-amount threshold 100000.00 for an institution',
    });
  });

  it('is available from a fine maximum of exactly 100,000 (loss 50,000), not at 99,999.98', () => {
    const at = hearingEligibility(proposal([violation(38, '50000')]), 'INSTITUTION');
    expect(at).toEqual({
      eligible: true,
      reason:
        '可以申请听证 (行政处罚法第63条): 罚款上限100000.00元 ≥ 较大数额100000.00元 (单位) / hearing available (Administrative Penalty Law art. 63): fine up to 100000.00 ≥ the larger-amount threshold 100000.00 for an institution',
    });
    expect(hearingEligibility(proposal([violation(38, '49999.99')]), 'INSTITUTION').eligible).toBe(
      false,
    );
  });

  it('adds up the fine maxima of one proposal (60,000 + 50,000 ≥ 100,000)', () => {
    const proposed = proposal([violation(38, '30000'), violation(39)], true).filter(
      (s) => s.type !== 'SUSPENSION',
    );
    expect(hearingEligibility(proposed, 'INSTITUTION')).toMatchObject({ eligible: true });
    expect(hearingEligibility(proposal([violation(39)], true), 'INSTITUTION').eligible).toBe(false);
  });

  it('is available for a suspension, a termination or the joint-punishment list', () => {
    expect(hearingEligibility(ART38(), 'INSTITUTION').reason).toMatch(
      /^可以申请听证 \(行政处罚法第63条\): 第38条 暂停6至12个月 \/ hearing available .*: art\. 38 suspension$/,
    );
    expect(hearingEligibility([plain('AGREEMENT_TERMINATION', 40)], 'INSTITUTION')).toMatchObject({
      eligible: true,
      reason: expect.stringContaining('第40条 解除服务协议'),
    });
    expect(hearingEligibility([plain('BLACKLIST', 40)], 'INSTITUTION').eligible).toBe(true);
    expect(hearingEligibility([plain('POLICE_REFERRAL', 40)], 'INSTITUTION').eligible).toBe(false);
  });

  it('uses the individual threshold of 10,000 for a person', () => {
    const fineOnly = (max: string): Sanction[] => [
      { type: 'FINE', article: 41, minAmount: '4000.00', maxAmount: max },
    ];
    expect(hearingEligibility(fineOnly('10000.00'), 'INDIVIDUAL')).toMatchObject({
      eligible: true,
      reason: expect.stringContaining('≥ 较大数额10000.00元 (个人)'),
    });
    expect(hearingEligibility(fineOnly('9999.99'), 'INDIVIDUAL').eligible).toBe(false);
    expect(hearingEligibility(fineOnly('10000.00'), 'INSTITUTION').eligible).toBe(false);
  });

  it('says "no fine" when nothing is fined', () => {
    expect(hearingEligibility(proposal([violation(39)]), 'INSTITUTION').reason).toContain(
      '未拟暂停、解除协议或失信联合惩戒, 无罚款',
    );
  });

  it('follows a regional threshold', () => {
    const policy = structuredClone(DEFAULT_PENALTY_POLICY);
    policy.largerAmountThreshold.INSTITUTION = '20000.00';
    expect(
      hearingEligibility(proposal([violation(38, '10000')]), 'INSTITUTION', policy).eligible,
    ).toBe(true);
  });
});

describe('amountsDue', () => {
  it('adds fines and recoveries into their two ledgers', () => {
    expect(
      amountsDue([
        fine(38, '12000.5'),
        recovery(38, '10000'),
        fine(39, '10000.25'),
        recovery(40, '0.10'),
        suspension(38, 6),
      ]),
    ).toEqual({ FINE: '22000.75', RECOVERY: '10000.10' });
    expect(amountsDue([plain('ORDER_CORRECTION', 38)])).toEqual({ FINE: '0.00', RECOVERY: '0.00' });
  });

  it('refuses a fine or recovery without a usable amount', () => {
    expect(() =>
      amountsDue([{ type: 'FINE', article: 38, minAmount: '1.00', maxAmount: '2.00' }]),
    ).toThrow(InvalidPenaltyInputError);
  });
});
