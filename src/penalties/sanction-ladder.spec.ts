import { thrownBy } from '../../test/fixtures/spec-helpers';
import type { Sanction, Violation, ViolationArticle } from '../../workflows/sanctions';
import { DEFAULT_PENALTY_POLICY, type PenaltyPolicy } from './penalty-policy';
import {
  ARTICLE_SANCTIONS,
  InvalidPenaltyInputError,
  type LadderHistoryEntry,
  proposeSanctions,
  type ProposeSanctionsInput,
} from './sanction-ladder';

const NOW = new Date('2026-03-01T10:00:00+08:00');

function violation(
  article: ViolationArticle,
  lossAmount = '0.00',
  fraudAmount = '0.00',
): Violation {
  return { article, lossAmount, fraudAmount };
}

function propose(
  input: Partial<ProposeSanctionsInput> & Pick<ProposeSanctionsInput, 'violations'>,
  policy?: PenaltyPolicy,
): Sanction[] {
  const respondent = input.violations.some((v) => v.article === 41) ? 'INDIVIDUAL' : 'INSTITUTION';
  return proposeSanctions(
    { respondent, refusedToCorrect: false, history: [], now: NOW, ...input },
    policy,
  );
}

/** The proposal without its basis texts: type, article and numbers. */
const numbers = (list: Sanction[]): Omit<Sanction, 'basis'>[] =>
  list.map(({ basis: _basis, ...rest }) => rest);

const types = (list: Sanction[]): string[] => list.map((s) => s.type);

const prior = (
  article: ViolationArticle,
  decidedAt: string,
  ...sanctions: LadderHistoryEntry['sanctions']
): LadderHistoryEntry => ({
  article,
  decidedAt,
  sanctions,
});

describe('proposeSanctions — art. 38 (违规使用医保基金)', () => {
  it('without a loss: order to correct and an interview, nothing to return or fine', () => {
    const list = propose({ violations: [violation(38)] });
    expect(numbers(list)).toEqual([
      { type: 'INTERVIEW', article: 38 },
      { type: 'ORDER_CORRECTION', article: 38 },
    ]);
    expect(list[0].basis).toBe(
      '条例第38条: 可以约谈有关负责人 / Decree 735 art. 38: may interview the persons in charge',
    );
    expect(list[1].basis).toBe('条例第38条: 责令改正 / Decree 735 art. 38: order to correct');
  });

  it('with a loss of 12,345.67: return it and a fine of 1–2× (12,345.67–24,691.34)', () => {
    const list = propose({ violations: [violation(38, '12345.67')] });
    expect(numbers(list)).toEqual([
      { type: 'INTERVIEW', article: 38 },
      { type: 'ORDER_CORRECTION', article: 38 },
      {
        type: 'RECOVERY',
        article: 38,
        amount: '12345.67',
        minAmount: '12345.67',
        maxAmount: '12345.67',
      },
      { type: 'FINE', article: 38, minAmount: '12345.67', maxAmount: '24691.34' },
    ]);
    expect(list[2].basis).toBe(
      '条例第38条: 造成医保基金损失的, 责令退回 12345.67元 / Decree 735 art. 38: return the 12345.67 the fund lost',
    );
    expect(list[3].basis).toBe(
      '条例第38条: 处造成损失金额1–2倍罚款 (12345.67元 × 1–2) / Decree 735 art. 38: fine 1–2× the loss of 12345.67',
    );
  });

  it('refusing to correct adds a suspension of 6–12 months', () => {
    const list = propose({ violations: [violation(38, '1000')], refusedToCorrect: true });
    expect(numbers(list).at(-1)).toEqual({
      type: 'SUSPENSION',
      article: 38,
      months: 6,
      minMonths: 6,
      maxMonths: 12,
    });
    expect(types(list)).toEqual([
      'INTERVIEW',
      'ORDER_CORRECTION',
      'RECOVERY',
      'FINE',
      'SUSPENSION',
    ]);
    expect(list.at(-1)?.basis).toBe(
      "条例第38条: 暂停相关责任部门涉及医保基金使用的医药服务6至12个月 (拒不改正) / Decree 735 art. 38: suspend the responsible department's fund-related services 6–12 months (refused to correct)",
    );
  });

  it('serious consequences add the suspension too, even without a loss', () => {
    const list = propose({ violations: [violation(38)], seriousConsequences: true });
    expect(types(list)).toEqual(['INTERVIEW', 'ORDER_CORRECTION', 'SUSPENSION']);
    expect(list[2].basis).toContain('(造成严重后果)');
    const both = propose({
      violations: [violation(38)],
      seriousConsequences: true,
      refusedToCorrect: true,
    });
    expect(both[2].basis).toContain('(拒不改正、造成严重后果)');
  });

  it('rounds the fine range half up to the cent (policy 1.5–3× a loss of 0.03 → 0.05–0.09)', () => {
    const policy = structuredClone(DEFAULT_PENALTY_POLICY);
    policy.fines.art38LossMultiple = { min: '1.5', max: '3' };
    const fine = propose({ violations: [violation(38, '0.03')] }, policy).find(
      (s) => s.type === 'FINE',
    );
    expect(fine).toMatchObject({ minAmount: '0.05', maxAmount: '0.09' });
  });
});

describe('proposeSanctions — art. 39 (内部管理)', () => {
  it('without a refusal: order to correct and an interview, no fine', () => {
    expect(types(propose({ violations: [violation(39)] }))).toEqual([
      'INTERVIEW',
      'ORDER_CORRECTION',
    ]);
  });

  it('refusing to correct adds a fine of 10,000–50,000', () => {
    const list = propose({ violations: [violation(39)], refusedToCorrect: true });
    expect(numbers(list)).toEqual([
      { type: 'INTERVIEW', article: 39 },
      { type: 'ORDER_CORRECTION', article: 39 },
      { type: 'FINE', article: 39, minAmount: '10000.00', maxAmount: '50000.00' },
    ]);
    expect(list[2].basis).toBe(
      '条例第39条: 拒不改正的, 处10000.00元至50000.00元罚款 / Decree 735 art. 39: refused to correct: fine 10000.00–50000.00',
    );
  });

  it('follows a regional fine range', () => {
    const policy = structuredClone(DEFAULT_PENALTY_POLICY);
    policy.fines.art39Amount = { min: '5000', max: '30000' };
    const fine = propose({ violations: [violation(39)], refusedToCorrect: true }, policy).at(-1);
    expect(fine).toMatchObject({ type: 'FINE', minAmount: '5000.00', maxAmount: '30000.00' });
  });
});

describe('proposeSanctions — art. 40 (骗取医保基金)', () => {
  it('below the joint-punishment threshold (99,999.99): return, fine 2–5×, suspend 6–12 months', () => {
    const list = propose({ violations: [violation(40, '0.00', '99999.99')] });
    expect(numbers(list)).toEqual([
      {
        type: 'RECOVERY',
        article: 40,
        amount: '99999.99',
        minAmount: '99999.99',
        maxAmount: '99999.99',
      },
      { type: 'FINE', article: 40, minAmount: '199999.98', maxAmount: '499999.95' },
      { type: 'SUSPENSION', article: 40, months: 6, minMonths: 6, maxMonths: 12 },
    ]);
    expect(list[0].basis).toBe(
      '条例第40条: 责令退回骗取的医保基金 99999.99元 / Decree 735 art. 40: return the 99999.99 defrauded',
    );
    expect(list[1].basis).toBe(
      '条例第40条: 处骗取金额2–5倍罚款 (99999.99元 × 2–5) / Decree 735 art. 40: fine 2–5× the amount defrauded of 99999.99',
    );
  });

  it('at the threshold (100,000.00): adds the joint-punishment list', () => {
    const list = propose({ violations: [violation(40, '0.00', '100000.00')] });
    expect(types(list)).toEqual(['RECOVERY', 'FINE', 'SUSPENSION', 'BLACKLIST']);
    expect(list[1]).toMatchObject({ minAmount: '200000.00', maxAmount: '500000.00' });
    expect(list[3].basis).toBe(
      '条例第40条: 欺诈骗保情节严重的, 纳入失信联合惩戒对象名单 [seed 004 (十七)] (骗取100000.00元 ≥ 100000.00元) / Decree 735 art. 40: serious fraud: joint credit punishment list [seed 004 (17)] (100000.00 defrauded ≥ 100000.00)',
    );
  });

  it('serious consequences add the termination of the service agreement', () => {
    const list = propose({ violations: [violation(40, '0', '5000')], seriousConsequences: true });
    expect(types(list)).toEqual(['RECOVERY', 'FINE', 'SUSPENSION', 'AGREEMENT_TERMINATION']);
    expect(list[3].basis).toBe(
      '条例第40条: 直至由医保经办机构解除服务协议 (升一档: 造成严重后果) / Decree 735 art. 40: up to termination of the service agreement (one rung up: serious consequences)',
    );
  });

  it('recovers what the fund lost when that is more than the amount defrauded', () => {
    const list = propose({ violations: [violation(40, '8000.00', '5000.00')] });
    expect(list[0]).toMatchObject({ type: 'RECOVERY', amount: '8000.00' });
    expect(list[1]).toMatchObject({ type: 'FINE', minAmount: '10000.00', maxAmount: '25000.00' });
  });
});

describe('proposeSanctions — art. 41 (insured persons)', () => {
  it('without fraud: correct, return the loss, suspend networked settlement 3–12 months', () => {
    const list = propose({ violations: [violation(41, '800')] });
    expect(numbers(list)).toEqual([
      { type: 'ORDER_CORRECTION', article: 41 },
      { type: 'RECOVERY', article: 41, amount: '800.00', minAmount: '800.00', maxAmount: '800.00' },
      { type: 'SUSPENSION', article: 41, months: 3, minMonths: 3, maxMonths: 12 },
    ]);
    expect(list[2].basis).toBe(
      '条例第41条: 暂停其医疗费用联网结算3至12个月 / Decree 735 art. 41: suspend networked settlement 3–12 months',
    );
  });

  it('without a loss there is nothing to return', () => {
    expect(types(propose({ violations: [violation(41)] }))).toEqual([
      'ORDER_CORRECTION',
      'SUSPENSION',
    ]);
  });

  it('with fraud of 3,000: a fine of 2–5× (6,000–15,000) and the larger of loss and fraud returned', () => {
    const list = propose({ violations: [violation(41, '5000.00', '3000.00')] });
    expect(numbers(list)).toEqual([
      { type: 'ORDER_CORRECTION', article: 41 },
      {
        type: 'RECOVERY',
        article: 41,
        amount: '5000.00',
        minAmount: '5000.00',
        maxAmount: '5000.00',
      },
      { type: 'FINE', article: 41, minAmount: '6000.00', maxAmount: '15000.00' },
      { type: 'SUSPENSION', article: 41, months: 3, minMonths: 3, maxMonths: 12 },
    ]);
  });

  it('fraud at the threshold puts the person on the joint-punishment list (seed 004 (十七))', () => {
    expect(types(propose({ violations: [violation(41, '0', '100000')] }))).toContain('BLACKLIST');
    expect(types(propose({ violations: [violation(41, '0', '99999.99')] }))).not.toContain(
      'BLACKLIST',
    );
  });
});

describe('proposeSanctions — repeats and refusals climb one rung', () => {
  it('a repeat of art. 38 exactly 2 years back climbs to a suspension; one second older does not', () => {
    const within = propose({
      violations: [violation(38)],
      history: [prior(38, '2024-03-01T10:00:00+08:00', 'ORDER_CORRECTION')],
    });
    expect(types(within)).toEqual(['INTERVIEW', 'ORDER_CORRECTION', 'SUSPENSION']);
    expect(within[2]).toMatchObject({ months: 6, minMonths: 6, maxMonths: 12 });
    expect(within[2].basis).toBe(
      "条例第38条: 暂停相关责任部门涉及医保基金使用的医药服务6至12个月 (升一档: 2年内再次违反第38条, 上次决定2024-03-01) / Decree 735 art. 38: suspend the responsible department's fund-related services 6–12 months (one rung up: repeat of art. 38 within 2 years, last decided 2024-03-01)",
    );

    const beyond = propose({
      violations: [violation(38)],
      history: [prior(38, '2024-03-01T09:59:59+08:00', 'ORDER_CORRECTION')],
    });
    expect(types(beyond)).toEqual(['INTERVIEW', 'ORDER_CORRECTION']);
  });

  it('a repeat with a loss climbs past the fine to the suspension', () => {
    const list = propose({
      violations: [violation(38, '1000')],
      history: [prior(38, '2025-06-01', 'ORDER_CORRECTION', 'RECOVERY', 'FINE')],
    });
    expect(types(list)).toEqual([
      'INTERVIEW',
      'ORDER_CORRECTION',
      'RECOVERY',
      'FINE',
      'SUSPENSION',
    ]);
  });

  it('counts only sanctioned decisions on the same article, up to now, in the policy window', () => {
    const notRepeats = [
      prior(39, '2025-06-01', 'ORDER_CORRECTION'), // another article
      prior(38, '2025-06-01'), // closed without a sanction
      prior(38, '2026-03-02', 'FINE'), // after now
    ];
    expect(types(propose({ violations: [violation(38)], history: notRepeats }))).toEqual([
      'INTERVIEW',
      'ORDER_CORRECTION',
    ]);
    const threeYears = structuredClone(DEFAULT_PENALTY_POLICY);
    threeYears.repeatWindowYears = 3;
    const old = [prior(38, '2023-06-01', 'ORDER_CORRECTION')];
    expect(types(propose({ violations: [violation(38)], history: old }))).not.toContain(
      'SUSPENSION',
    );
    expect(types(propose({ violations: [violation(38)], history: old }, threeYears))).toContain(
      'SUSPENSION',
    );
  });

  it('art. 38: a repeat on top of a refusal adds nothing above the suspension, and says so', () => {
    const list = propose({
      violations: [violation(38)],
      refusedToCorrect: true,
      history: [prior(38, '2025-06-01', 'ORDER_CORRECTION')],
    });
    expect(types(list)).toEqual(['INTERVIEW', 'ORDER_CORRECTION', 'SUSPENSION']);
    expect(list[2].basis).toMatch(
      /\(拒不改正\) \/ .*; 升一档: 2年内再次违反第38条, 上次决定2025-06-01, 本条无更高一级措施, 在幅度内从重裁量 \/ one rung up: repeat of art\. 38 within 2 years, last decided 2025-06-01: no higher rung under art\. 38, weigh within the range$/,
    );
  });

  it('art. 39: a repeat without a refusal never brings a fine (lawful only on refusal)', () => {
    const list = propose({
      violations: [violation(39)],
      history: [prior(39, '2025-06-01', 'ORDER_CORRECTION')],
    });
    expect(types(list)).toEqual(['INTERVIEW', 'ORDER_CORRECTION']);
    expect(list[1].basis).toContain('本条无更高一级措施');
    expect(list[0].basis).not.toContain('升一档');
  });

  it('art. 40: repeats climb termination → police referral → joint-punishment list', () => {
    const v = [violation(40, '0', '5000')];
    const climb = (...earlier: LadderHistoryEntry['sanctions']): string[] =>
      types(propose({ violations: v, history: [prior(40, '2025-01-01', ...earlier)] })).slice(3);
    expect(climb('RECOVERY', 'FINE', 'SUSPENSION')).toEqual(['AGREEMENT_TERMINATION']);
    expect(climb('SUSPENSION', 'AGREEMENT_TERMINATION')).toEqual(['POLICE_REFERRAL']);
    expect(climb('AGREEMENT_TERMINATION', 'POLICE_REFERRAL')).toEqual(['BLACKLIST']);
    // The list follows the fraud threshold, not the ladder: it does not raise the next climb.
    expect(climb('FINE', 'BLACKLIST')).toEqual(['AGREEMENT_TERMINATION']);
  });

  it('art. 40: several triggers still climb only one rung', () => {
    const list = propose({
      violations: [violation(40, '0', '5000')],
      refusedToCorrect: true,
      seriousConsequences: true,
      history: [prior(40, '2025-01-01', 'FINE')],
    });
    expect(types(list)).toEqual(['RECOVERY', 'FINE', 'SUSPENSION', 'AGREEMENT_TERMINATION']);
    expect(list[3].basis).toContain(
      '升一档: 2年内再次违反第40条, 上次决定2025-01-01; 造成严重后果; 拒不改正',
    );
  });

  it('art. 40: a refusal alone climbs to termination', () => {
    expect(
      types(propose({ violations: [violation(40, '0', '5000')], refusedToCorrect: true })),
    ).toEqual(['RECOVERY', 'FINE', 'SUSPENSION', 'AGREEMENT_TERMINATION']);
  });

  it('art. 41: a refusal with fraud climbs to police referral; without fraud there is no higher rung', () => {
    const fraud = propose({ violations: [violation(41, '0', '3000')], refusedToCorrect: true });
    expect(types(fraud)).toEqual([
      'ORDER_CORRECTION',
      'RECOVERY',
      'FINE',
      'SUSPENSION',
      'POLICE_REFERRAL',
    ]);
    const card = propose({
      violations: [violation(41, '800')],
      history: [prior(41, '2025-06-01', 'SUSPENSION')],
    });
    expect(types(card)).toEqual(['ORDER_CORRECTION', 'RECOVERY', 'SUSPENSION']);
    expect(card[2].basis).toContain('本条无更高一级措施');
  });

  it('never proposes a type its article does not allow', () => {
    const cases: ProposeSanctionsInput['violations'][] = [
      [violation(38, '1000')],
      [violation(39)],
      [violation(40, '0', '200000')],
      [violation(41, '0', '200000')],
    ];
    for (const violations of cases) {
      const history = [
        prior(violations[0].article, '2025-06-01', 'AGREEMENT_TERMINATION', 'POLICE_REFERRAL'),
      ];
      for (const s of propose({
        violations,
        history,
        refusedToCorrect: true,
        seriousConsequences: true,
      })) {
        expect(ARTICLE_SANCTIONS[s.article]).toContain(s.type);
      }
    }
  });
});

describe('proposeSanctions — several violations', () => {
  it('adds up the violations of one article and keeps articles apart, article by article', () => {
    const list = propose({
      violations: [violation(39), violation(38, '1000'), violation(38, '2000.50')],
      refusedToCorrect: true,
    });
    expect(numbers(list)).toEqual([
      { type: 'INTERVIEW', article: 38 },
      { type: 'ORDER_CORRECTION', article: 38 },
      {
        type: 'RECOVERY',
        article: 38,
        amount: '3000.50',
        minAmount: '3000.50',
        maxAmount: '3000.50',
      },
      { type: 'FINE', article: 38, minAmount: '3000.50', maxAmount: '6001.00' },
      { type: 'SUSPENSION', article: 38, months: 6, minMonths: 6, maxMonths: 12 },
      { type: 'INTERVIEW', article: 39 },
      { type: 'ORDER_CORRECTION', article: 39 },
      { type: 'FINE', article: 39, minAmount: '10000.00', maxAmount: '50000.00' },
    ]);
    expect(list[3].basis).toMatch(/\[2项违法行为合并 \/ 2 violations combined\]$/);
    expect(list[7].basis).not.toContain('合并');
  });

  it('sums fraud across violations before applying the threshold (60,000 + 40,000)', () => {
    const list = propose({
      violations: [violation(40, '0', '60000'), violation(40, '0', '40000')],
    });
    expect(list.find((s) => s.type === 'FINE')).toMatchObject({
      minAmount: '200000.00',
      maxAmount: '500000.00',
    });
    expect(types(list)).toContain('BLACKLIST');
  });

  it('gives every amount with two places and every sanction a bilingual basis citing its article', () => {
    const list = propose({
      violations: [violation(38, '1.5'), violation(39), violation(40, '0', '7.1')],
      refusedToCorrect: true,
    });
    for (const s of list) {
      for (const v of [s.amount, s.minAmount, s.maxAmount]) {
        if (v !== undefined) {
          expect(v).toMatch(/^\d+\.\d{2}$/);
        }
      }
      expect(s.basis).toMatch(
        new RegExp(`^条例第${s.article}条: .+ / Decree 735 art. ${s.article}: .+`),
      );
    }
  });
});

describe('proposeSanctions — policy and input', () => {
  it('follows regional months and multiples', () => {
    const policy = structuredClone(DEFAULT_PENALTY_POLICY);
    policy.suspensionMonths.institution = { min: 3, max: 9 };
    policy.fines.art40FraudMultiple = { min: '1', max: '3' };
    const list = propose({ violations: [violation(40, '0', '1000')] }, policy);
    expect(numbers(list).slice(1)).toEqual([
      { type: 'FINE', article: 40, minAmount: '1000.00', maxAmount: '3000.00' },
      { type: 'SUSPENSION', article: 40, months: 3, minMonths: 3, maxMonths: 9 },
    ]);
  });

  it('refuses malformed input, naming every bad field', () => {
    const e = thrownBy(() =>
      proposeSanctions({
        violations: [
          violation(41),
          violation(40, '0', '0'),
          violation(38, '1e3', '0'),
          violation(38, '0', '5'),
          violation(39, '10', '0'),
          { article: 42 as ViolationArticle, lossAmount: '0', fraudAmount: '0' },
        ],
        respondent: 'INSTITUTION',
        refusedToCorrect: false,
        history: [{ article: 38, decidedAt: '2025-06-01T10:00:00', sanctions: ['FINE'] }],
        now: NOW,
      }),
    ) as InvalidPenaltyInputError;
    expect(e).toBeInstanceOf(InvalidPenaltyInputError);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fieldErrors.map((f) => f.field)).toEqual([
      'violations[0].article',
      'violations[1].fraudAmount',
      'violations[2].lossAmount',
      'violations[3].fraudAmount',
      'violations[4].lossAmount',
      'violations[5].article',
      'history[0].decidedAt',
    ]);
    expect(e.fieldErrors[0].message).toBe(
      'art. 41 applies to insured persons, not to an INSTITUTION',
    );
    expect(e.fieldErrors[3].message).toMatch(/record it under art\. 40/);
  });

  it('refuses an empty list of violations and an invalid clock', () => {
    const e = thrownBy(() =>
      proposeSanctions({
        violations: [],
        respondent: 'INSTITUTION',
        refusedToCorrect: false,
        history: [],
        now: new Date('nope'),
      }),
    ) as InvalidPenaltyInputError;
    expect(e.fieldErrors.map((f) => f.field)).toEqual(['now', 'violations']);
  });
});
