import type { SanctionType, ViolationArticle } from '../../workflows/sanctions';
import { DEFAULT_CREDIT_RULES, gradeOfScore } from './credit-policy';
import {
  computeCreditGrade,
  type CreditGrade,
  type CreditGradeInput,
  type CreditHistoryEntry,
  creditWeight,
  InvalidCreditInputError,
} from './credit-grade';

const NOW = new Date('2026-03-01T10:00:00+08:00');

const sanction = (
  article: ViolationArticle,
  decidedAt: string,
  sanctions: SanctionType[],
  fraudAmount?: string,
): CreditHistoryEntry => ({ kind: 'SANCTION', article, decidedAt, sanctions, fraudAmount });

const inspection = (
  publishedAt: string,
  conclusion: 'NO_ISSUE' | 'ISSUES' | 'SUSPECTED_FRAUD' = 'NO_ISSUE',
): CreditHistoryEntry => ({ kind: 'INSPECTION', conclusion, publishedAt });

/** Art. 38 with a loss: 约谈, 责令改正, 责令退回, 罚款 = 2 + 3 + 0 + 5 = 10 points. */
const ART38: SanctionType[] = ['INTERVIEW', 'ORDER_CORRECTION', 'RECOVERY', 'FINE'];
/** Art. 40: 10 for the article + 退回 0 + 罚款 5 + 暂停 10 = 25 points. */
const ART40: SanctionType[] = ['RECOVERY', 'FINE', 'SUSPENSION'];

function grade(input: Partial<CreditGradeInput>, policy = DEFAULT_CREDIT_RULES) {
  return computeCreditGrade({ importedGrade: null, history: [], now: NOW, ...input }, policy);
}

describe('computeCreditGrade — start', () => {
  it('starts a new institution at 85 (B), with its reasons', () => {
    expect(grade({})).toEqual({
      grade: 'B',
      score: 85,
      reasons: ['起始: 无导入等级, 初始85.00分', '得分85.00 → B级'],
      blacklistedUntil: null,
    });
  });

  it('starts from an imported grade', () => {
    const starts = (['A', 'B', 'C', 'D', 'E'] as CreditGrade[]).map((g) => {
      const r = grade({ importedGrade: g });
      return [r.grade, r.score, r.reasons[0]];
    });
    expect(starts).toEqual([
      ['A', 95, '起始: 导入等级A, 初始95.00分'],
      ['B', 85, '起始: 导入等级B, 初始85.00分'],
      ['C', 75, '起始: 导入等级C, 初始75.00分'],
      ['D', 65, '起始: 导入等级D, 初始65.00分'],
      ['E', 55, '起始: 导入等级E, 初始55.00分'],
    ]);
  });
});

describe('computeCreditGrade — sanctions, and their decay over time', () => {
  it('deducts article points plus each sanction type: art. 38 with a loss costs 10 (85 → 75, C)', () => {
    expect(grade({ history: [sanction(38, '2025-04-01', ART38)] })).toEqual({
      grade: 'C',
      score: 75,
      reasons: [
        '起始: 无导入等级, 初始85.00分',
        '2025-04-01 第38条 违规使用医保基金 (约谈、责令改正、责令退回、罚款): 扣10.00分 × 权重1.00 = −10.00分',
        '得分75.00 → C级',
      ],
      blacklistedUntil: null,
    });
  });

  it('weighs the same decision less as it ages: 1.00 within 12 months, 0.50, 0.25, then 0 from 36', () => {
    const at = (decidedAt: string) => grade({ history: [sanction(38, decidedAt, ART38)] });
    expect([at('2025-03-01T10:00:01+08:00').score, at('2025-03-01T10:00:00+08:00').score]).toEqual([
      75, 80,
    ]);
    expect(at('2025-02-01').reasons[1]).toMatch(/扣10\.00分 × 权重0\.50 = −5\.00分$/);
    expect(at('2024-02-01')).toMatchObject({ grade: 'B', score: 82.5 });
    expect(at('2023-03-01T10:00:01+08:00').score).toBe(82.5);
    const gone = at('2023-03-01T10:00:00+08:00');
    expect(gone).toMatchObject({ grade: 'B', score: 85 });
    expect(gone.reasons[1]).toBe(
      '2023-03-01 第38条 违规使用医保基金 (约谈、责令改正、责令退回、罚款): 扣10.00分, 已满36个月, 不再计分',
    );
  });

  it('counts each type once per decision and adds decisions up (5 + 20 → 60, D)', () => {
    const r = grade({
      history: [
        sanction(39, '2025-12-01', ['ORDER_CORRECTION', 'INTERVIEW', 'INTERVIEW']),
        sanction(38, '2026-01-15', [...ART38, 'SUSPENSION']),
      ],
    });
    expect(r).toMatchObject({ grade: 'D', score: 60 });
    expect(r.reasons[1]).toBe(
      '2025-12-01 第39条 医保基金使用内部管理违规 (约谈、责令改正): 扣5.00分 × 权重1.00 = −5.00分',
    );
  });

  it('never goes below 0', () => {
    const heavy: SanctionType[] = [
      'FINE',
      'SUSPENSION',
      'AGREEMENT_TERMINATION',
      'POLICE_REFERRAL',
    ];
    const r = grade({
      importedGrade: 'E',
      history: [sanction(38, '2026-01-01', heavy), sanction(38, '2026-02-01', heavy)],
    });
    expect(r).toMatchObject({ grade: 'E', score: 0 });
    expect(r.reasons).toContain('得分-55.00超出0至100, 按0.00计');
  });
});

describe('computeCreditGrade — inspections', () => {
  it('adds a little for clean inspections: three this year take 85 to 91 (A)', () => {
    const r = grade({
      history: [inspection('2025-06-01'), inspection('2025-09-01'), inspection('2026-01-10')],
    });
    expect(r).toMatchObject({ grade: 'A', score: 91 });
    expect(r.reasons[3]).toBe('2026-01-10 检查结论 未发现问题: 加2.00分 × 权重1.00 = +2.00分');
  });

  it('deducts for issues, and leaves a suspicion to the penalty decision', () => {
    const r = grade({
      history: [inspection('2025-01-10', 'ISSUES'), inspection('2026-01-10', 'SUSPECTED_FRAUD')],
    });
    expect(r.score).toBe(84);
    expect(r.reasons.slice(1, 3)).toEqual([
      '2025-01-10 检查结论 发现问题: 扣2.00分 × 权重0.50 = −1.00分',
      '2026-01-10 检查结论 涉嫌欺诈骗保: 不计分 (以处罚决定计分)',
    ]);
  });

  it('caps the score at 100', () => {
    const r = grade({
      importedGrade: 'A',
      history: [inspection('2025-06-01'), inspection('2025-09-01'), inspection('2026-01-10')],
    });
    expect(r).toMatchObject({ grade: 'A', score: 100 });
    expect(r.reasons.slice(-2)).toEqual(['得分101.00超出0至100, 按100.00计', '得分100.00 → A级']);
  });
});

describe('computeCreditGrade — fraud (art. 40) and the joint-punishment list', () => {
  it('an art. 40 decision sets E whatever the score, for 3 years', () => {
    const r = grade({
      importedGrade: 'A',
      history: [sanction(40, '2026-01-10T09:00:00+08:00', ART40, '5000.00')],
    });
    expect(r).toEqual({
      grade: 'E',
      score: 70,
      reasons: [
        '起始: 导入等级A, 初始95.00分',
        '2026-01-10 第40条 骗取医保基金 (责令退回、罚款、暂停): 扣25.00分 × 权重1.00 = −25.00分',
        '2026-01-10 第40条 骗取医保基金: 信用等级降为E, 至2029-01-10',
        '得分70.00 (C级), 第40条骗保处理期内 → E',
      ],
      blacklistedUntil: null,
    });
  });

  it('the E period ends: then the score decides', () => {
    const r = grade({ history: [sanction(40, '2023-02-01', ART40, '5000.00')] });
    expect(r).toMatchObject({ grade: 'B', score: 85, blacklistedUntil: null });
    expect(r.reasons[2]).toBe('2023-02-01 第40条 骗取医保基金: E级期限已于2026-02-01届满');
  });

  it('fraud at the threshold (100,000) lists the institution until the repair period ends', () => {
    const history = [sanction(40, '2026-01-10T09:00:00+08:00', ART40, '100000.00')];
    const r = grade({ importedGrade: 'A', history });
    expect(r.grade).toBe('E');
    expect(r.blacklistedUntil).toBe('2029-01-10T01:00:00.000Z');
    expect(r.reasons.slice(3)).toEqual([
      '2026-01-10 骗取100000.00元 ≥ 100000.00元: 列入失信联合惩戒名单至2029-01-10 (信用修复期3年), 信用等级E',
      '得分70.00 (C级), 失信联合惩戒期内 → E',
    ]);
    expect(
      grade({ history: [sanction(40, '2026-01-10', ART40, '99999.99')] }).blacklistedUntil,
    ).toBeNull();
  });

  it('leaves the list at the end of the repair period (credit repair)', () => {
    const history = [sanction(40, '2026-01-10T09:00:00+08:00', ART40, '150000.00')];
    const lastSecond = grade({ history, now: new Date('2029-01-10T08:59:59+08:00') });
    expect(lastSecond).toMatchObject({ grade: 'E', blacklistedUntil: '2029-01-10T01:00:00.000Z' });
    const repaired = grade({ history, now: new Date('2029-01-10T09:00:00+08:00') });
    expect(repaired).toMatchObject({ grade: 'B', score: 85, blacklistedUntil: null });
    expect(repaired.reasons).toContain(
      '2026-01-10 骗取150000.00元 ≥ 100000.00元: 失信联合惩戒已于2029-01-10期满, 信用修复',
    );
  });

  it('lists on a decided BLACKLIST too, and reports the latest end of several listings', () => {
    const r = grade({
      history: [
        sanction(40, '2026-02-01', [...ART40, 'BLACKLIST'], '2000.00'),
        sanction(40, '2025-06-01', ART40, '300000.00'),
      ],
    });
    expect(r.blacklistedUntil).toBe(new Date('2029-02-01T00:00:00+08:00').toISOString());
    expect(r.reasons).toContain(
      '2026-02-01 决定纳入失信联合惩戒: 列入失信联合惩戒名单至2029-02-01 (信用修复期3年), 信用等级E',
    );
  });

  it('follows a regional threshold and repair period', () => {
    const policy = structuredClone(DEFAULT_CREDIT_RULES);
    policy.jointPunishment = { fraudThreshold: '50000.00', repairYears: 5 };
    const r = grade({ history: [sanction(40, '2026-01-10', ART40, '50000.00')] }, policy);
    expect(r.blacklistedUntil).toBe(new Date('2031-01-10T00:00:00+08:00').toISOString());
  });
});

describe('computeCreditGrade — order and input', () => {
  it('reads the history oldest first, and leaves out what happens after now', () => {
    const r = grade({
      history: [
        sanction(38, '2026-03-02', ART38),
        inspection('2026-01-10'),
        sanction(39, '2025-12-01', ['ORDER_CORRECTION']),
      ],
    });
    expect(r.score).toBe(84);
    expect(r.reasons.slice(1, 4).map((line) => line.slice(0, 10))).toEqual([
      '2025-12-01',
      '2026-01-10',
      '2026-03-02',
    ]);
    expect(r.reasons[3]).toBe('2026-03-02 晚于计算时点, 暂不计入');
  });

  it('refuses malformed input, naming every bad field', () => {
    let error: unknown;
    try {
      computeCreditGrade({
        importedGrade: 'F' as CreditGrade,
        history: [
          sanction(42 as ViolationArticle, '2026-01-01', ['FINE']),
          sanction(38, '2026-01-01T10:00', ['FINE'], '1e5'),
          { kind: 'INSPECTION', conclusion: 'FINE' as 'NO_ISSUE', publishedAt: '2026-01-01' },
          { kind: 'AUDIT' } as unknown as CreditHistoryEntry,
        ],
        now: NOW,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidCreditInputError);
    expect((error as InvalidCreditInputError).fieldErrors.map((f) => f.field)).toEqual([
      'importedGrade',
      'history[0].article',
      'history[1].fraudAmount',
      'history[1].decidedAt',
      'history[2].conclusion',
      'history[3].kind',
    ]);
  });
});

describe('creditWeight', () => {
  it('gives the docs/domain.md §4 draw weights and follows the policy', () => {
    expect((['A', 'B', 'C', 'D', 'E'] as CreditGrade[]).map((g) => creditWeight(g))).toEqual([
      '0.5',
      '1',
      '1.5',
      '2',
      '3',
    ]);
    const policy = structuredClone(DEFAULT_CREDIT_RULES);
    policy.credit.drawWeights.E = '5';
    expect(creditWeight('E', policy)).toBe('5');
    expect(() => creditWeight('Z' as CreditGrade)).toThrow(InvalidCreditInputError);
  });
});

describe('gradeOfScore', () => {
  it('puts each band boundary in the better grade', () => {
    const bands = DEFAULT_CREDIT_RULES.credit.gradeMinScores;
    expect(
      [100, 90, 89.99, 80, 79.99, 70, 69.99, 60, 59.99, 0].map((s) => gradeOfScore(s, bands)),
    ).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E']);
  });
});
