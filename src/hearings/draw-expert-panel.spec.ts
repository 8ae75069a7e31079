import { shuffled, thrownBy } from '../../test/fixtures/spec-helpers';
import { createHash } from 'node:crypto';
import { canonicalHash } from '../common/canonical-hash';
import { DomainError } from '../common/errors/domain-error';
import {
  compositionOf,
  DEFAULT_PANEL_COMPOSITION,
  drawExpertPanel,
  type ExpertCandidate,
  type ExpertField,
  InvalidPanelDrawInputError,
  normalizeAffiliation,
  PANEL_DRAW_ALGORITHM,
  type PanelDrawInput,
  type PanelDrawRecord,
  PanelShortError,
  sha256CounterWords,
  uniformBelow,
  verifyPanelDraw,
} from './draw-expert-panel';

const expert = (
  userId: string,
  expertField: ExpertField,
  affiliation: string | null = null,
  active?: boolean,
): ExpertCandidate => ({
  userId,
  expertField,
  affiliation,
  ...(active === undefined ? {} : { active }),
});

/** 5 MEDICAL, 3 INSURANCE, 3 FINANCE; deliberately not in userId order. */
const POOL: ExpertCandidate[] = [
  expert('med-3', 'MEDICAL', 'Xihu District People’s Hospital'),
  expert('fin-2', 'FINANCE', 'Zhejiang University of Finance'),
  expert('med-1', 'MEDICAL', 'Zhejiang Provincial Hospital'),
  expert('ins-1', 'INSURANCE', 'Xihu Medical Security Bureau'),
  expert('med-5', 'MEDICAL', null),
  expert('fin-1', 'FINANCE', null),
  expert('ins-3', 'INSURANCE', 'Hangzhou First Hospital'),
  expert('med-2', 'MEDICAL', 'Hangzhou First Hospital'),
  expert('fin-3', 'FINANCE', 'Audit Office'),
  expert('ins-2', 'INSURANCE', null),
  expert('med-4', 'MEDICAL', 'Zhejiang Provincial Hospital'),
];

const draw = (input: Partial<PanelDrawInput> = {}): PanelDrawRecord =>
  drawExpertPanel({ seed: 'seed-1', candidates: POOL, ...input });

const seeds = (n: number): string[] => Array.from({ length: n }, (_, i) => `hearing-2026-${i}`);

describe('drawExpertPanel — composition and record', () => {
  it('draws one expert per field by default, in the fixed order MEDICAL, INSURANCE, FINANCE', () => {
    const r = draw();
    expect(DEFAULT_PANEL_COMPOSITION).toEqual({ MEDICAL: 1, INSURANCE: 1, FINANCE: 1 });
    expect(r.algorithm).toBe('sha256-ctr-fisher-yates-v1');
    expect(r.algorithm).toBe(PANEL_DRAW_ALGORITHM);
    expect(r.seed).toBe('seed-1');
    expect(r.composition).toEqual({ MEDICAL: 1, INSURANCE: 1, FINANCE: 1 });
    expect(r.panel.map((m) => m.expertField)).toEqual(['MEDICAL', 'INSURANCE', 'FINANCE']);
    for (const m of r.panel) {
      expect(r.eligible[m.expertField]).toContain(m.userId);
      expect(POOL.find((c) => c.userId === m.userId)?.expertField).toBe(m.expertField);
    }
  });

  it('lists the eligible experts per field in canonical (userId) order', () => {
    expect(draw().eligible).toEqual({
      MEDICAL: ['med-1', 'med-2', 'med-3', 'med-4', 'med-5'],
      INSURANCE: ['ins-1', 'ins-2', 'ins-3'],
      FINANCE: ['fin-1', 'fin-2', 'fin-3'],
    });
  });

  it('hashes the canonical JSON (RFC 8785) of the eligible candidates sorted by userId', () => {
    const r = drawExpertPanel({
      seed: 's',
      candidates: [
        expert('u2', 'INSURANCE', null),
        expert('u3', 'FINANCE', 'Audit Office', false),
        expert('u1', 'MEDICAL', 'A'),
        expert('u4', 'FINANCE', 'B'),
      ],
    });
    const text =
      '[{"affiliation":"A","expertField":"MEDICAL","userId":"u1"},' +
      '{"affiliation":null,"expertField":"INSURANCE","userId":"u2"},' +
      '{"affiliation":"B","expertField":"FINANCE","userId":"u4"}]';
    expect(r.candidates).toEqual([
      { userId: 'u1', expertField: 'MEDICAL', affiliation: 'A' },
      { userId: 'u2', expertField: 'INSURANCE', affiliation: null },
      { userId: 'u4', expertField: 'FINANCE', affiliation: 'B' },
    ]);
    expect(r.candidatesHash).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(r.candidatesHash).toBe(canonicalHash(r.candidates));
    expect(r.panel).toEqual([
      { userId: 'u1', expertField: 'MEDICAL' },
      { userId: 'u2', expertField: 'INSURANCE' },
      { userId: 'u4', expertField: 'FINANCE' },
    ]);
  });

  it('follows the documented algorithm word for word (independent re-computation)', () => {
    const seed = 'known-answer';
    const r = draw({ seed, composition: { MEDICAL: 2, INSURANCE: 1, FINANCE: 0 } });
    const block = (field: string, c: number): Buffer =>
      createHash('sha256').update(`${seed}|${field}|${c}`, 'utf8').digest();
    // MEDICAL: n = 5; 2^32 mod 5 = 1, so only the word 0xFFFFFFFF would be rejected.
    const med = block('MEDICAL', 0);
    const u0 = med.readUInt32BE(0);
    const u1 = med.readUInt32BE(4);
    expect(u0).not.toBe(0xffffffff);
    const list = ['med-1', 'med-2', 'med-3', 'med-4', 'med-5'];
    const j0 = u0 % 5;
    [list[0], list[j0]] = [list[j0], list[0]];
    const j1 = 1 + (u1 % 4); // 2^32 mod 4 = 0: never rejected
    [list[1], list[j1]] = [list[j1], list[1]];
    // INSURANCE: n = 3; 2^32 mod 3 = 1.
    const v0 = block('INSURANCE', 0).readUInt32BE(0);
    expect(v0).not.toBe(0xffffffff);
    const ins = ['ins-1', 'ins-2', 'ins-3'][v0 % 3];
    expect(r.panel).toEqual([
      { userId: list[0], expertField: 'MEDICAL' },
      { userId: list[1], expertField: 'MEDICAL' },
      { userId: ins, expertField: 'INSURANCE' },
    ]);
  });
});

describe('drawExpertPanel — determinism', () => {
  it('gives the same record for the same seed and inputs', () => {
    for (const seed of seeds(20)) {
      expect(draw({ seed })).toEqual(draw({ seed }));
    }
  });

  it('does not depend on the input order of candidates or exclusions', () => {
    const input: PanelDrawInput = {
      seed: 'order',
      candidates: POOL,
      composition: { MEDICAL: 3, INSURANCE: 2, FINANCE: 1 },
      excludeAffiliations: ['Audit Office', 'Hangzhou First Hospital'],
      excludeUserIds: ['med-5', 'fin-1'],
    };
    const reference = drawExpertPanel(input);
    for (let salt = 1; salt <= 10; salt += 1) {
      expect(
        drawExpertPanel({
          ...input,
          candidates: shuffled(POOL, salt),
          excludeAffiliations: shuffled(input.excludeAffiliations ?? [], salt),
          excludeUserIds: shuffled(input.excludeUserIds ?? [], salt),
        }),
      ).toEqual(reference);
    }
  });

  it('gives different panels for different seeds', () => {
    const panels = new Set(
      seeds(50).map((seed) =>
        draw({ seed })
          .panel.map((m) => m.userId)
          .join(','),
      ),
    );
    // 5 × 3 × 3 = 45 possible panels: 50 seeds must reach many of them.
    expect(panels.size).toBeGreaterThanOrEqual(20);
  });

  it('is fair: over 300 seeds each of 5 MEDICAL experts is drawn at least 30 times', () => {
    const counts = new Map<string, number>();
    for (const seed of seeds(300)) {
      const [medical] = draw({ seed }).panel;
      counts.set(medical.userId, (counts.get(medical.userId) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['med-1', 'med-2', 'med-3', 'med-4', 'med-5']);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(30); // expected 60
    }
  });

  it('is fair for several seats: every pair of 2 MEDICAL out of 5 comes up (expected 30 of 300)', () => {
    const counts = new Map<string, number>();
    for (const seed of seeds(300)) {
      const pair = draw({ seed, composition: { MEDICAL: 2, INSURANCE: 1, FINANCE: 1 } })
        .panel.filter((m) => m.expertField === 'MEDICAL')
        .map((m) => m.userId)
        .sort()
        .join('+');
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(10);
    }
  });
});

describe('drawExpertPanel — recusal and exclusion', () => {
  it('never draws an expert affiliated with a treating institution (trimmed, case-insensitive)', () => {
    const excludeAffiliations = ['  zhejiang PROVINCIAL hospital ', 'HANGZHOU FIRST HOSPITAL'];
    for (const seed of seeds(100)) {
      const r = draw({ seed, excludeAffiliations });
      const ids = r.panel.map((m) => m.userId);
      for (const recused of ['med-1', 'med-4', 'med-2', 'ins-3']) {
        expect(ids).not.toContain(recused);
      }
      expect(r.eligible.MEDICAL).toEqual(['med-3', 'med-5']);
      expect(r.eligible.INSURANCE).toEqual(['ins-1', 'ins-2']);
    }
    expect(draw({ excludeAffiliations }).excludeAffiliations).toEqual([
      'hangzhou first hospital',
      'zhejiang provincial hospital',
    ]);
  });

  it('compares full-width and half-width forms and collapses inner whitespace', () => {
    const pool = [
      expert('m1', 'MEDICAL', '杭州市西湖区人民医院（总院）'),
      expert('m2', 'MEDICAL', 'Xihu  District\tHospital'),
      expert('m3', 'MEDICAL', null),
      expert('i1', 'INSURANCE', null),
      expert('f1', 'FINANCE', null),
    ];
    const r = drawExpertPanel({
      seed: 'x',
      candidates: pool,
      excludeAffiliations: ['杭州市西湖区人民医院(总院)', 'xihu district hospital', '   '],
    });
    expect(r.eligible.MEDICAL).toEqual(['m3']);
    expect(r.panel[0].userId).toBe('m3');
    expect(r.excludeAffiliations).toEqual(['xihu district hospital', '杭州市西湖区人民医院(总院)']);
    expect(normalizeAffiliation(' Ａｂｃ  Hospital ')).toBe('abc hospital');
  });

  it('never draws an excluded user or an inactive expert', () => {
    const pool = POOL.map((c) => (c.userId === 'med-2' ? { ...c, active: false } : c));
    for (const seed of seeds(100)) {
      const r = drawExpertPanel({
        seed,
        candidates: pool,
        excludeUserIds: ['med-1', 'med-3', 'fin-1', 'fin-2'],
      });
      expect(r.eligible.MEDICAL).toEqual(['med-4', 'med-5']);
      expect(r.eligible.FINANCE).toEqual(['fin-3']);
      expect(r.panel[2].userId).toBe('fin-3');
      expect(['med-4', 'med-5']).toContain(r.panel[0].userId);
    }
  });

  it('never seats the same user twice, even when a field takes every eligible expert', () => {
    for (const seed of seeds(50)) {
      const r = draw({ seed, composition: { MEDICAL: 5, INSURANCE: 3, FINANCE: 2 } });
      const ids = r.panel.map((m) => m.userId);
      expect(new Set(ids).size).toBe(10);
      expect(
        r.panel
          .filter((m) => m.expertField === 'MEDICAL')
          .map((m) => m.userId)
          .sort(),
      ).toEqual(['med-1', 'med-2', 'med-3', 'med-4', 'med-5']);
    }
  });

  it('replaces non-responders with a draw for their seats only, excluding the whole panel', () => {
    const first = draw({ seed: 'first', composition: { MEDICAL: 1, INSURANCE: 1, FINANCE: 1 } });
    const nonResponders = first.panel.filter((m) => m.expertField !== 'INSURANCE');
    const composition = compositionOf(nonResponders);
    expect(composition).toEqual({ MEDICAL: 1, INSURANCE: 0, FINANCE: 1 });
    for (const seed of seeds(30)) {
      const replacement = draw({
        seed,
        composition,
        excludeUserIds: first.panel.map((m) => m.userId),
      });
      expect(replacement.panel.map((m) => m.expertField)).toEqual(['MEDICAL', 'FINANCE']);
      for (const m of replacement.panel) {
        expect(first.panel.map((p) => p.userId)).not.toContain(m.userId);
      }
    }
  });
});

describe('drawExpertPanel — errors', () => {
  it('throws PanelShortError naming the short field, with needed and available', () => {
    // INSURANCE: ins-1 (the bureau) and ins-3 (Hangzhou First) are recused, only ins-2 is left.
    const error = thrownBy(() =>
      draw({
        composition: { MEDICAL: 1, INSURANCE: 2, FINANCE: 1 },
        excludeAffiliations: ['Xihu Medical Security Bureau', 'Hangzhou First Hospital'],
      }),
    );
    expect(error).toBeInstanceOf(PanelShortError);
    expect(error).toBeInstanceOf(DomainError);
    const e = error as PanelShortError;
    expect(e.code).toBe('BUSINESS_RULE');
    expect(e.name).toBe('PanelShortError');
    expect(e.message).toMatch(/INSURANCE/);
    expect(e.message).toMatch(/2 needed, 1 available/);
    expect(e.extra).toMatchObject({ field: 'INSURANCE', needed: 2, available: 1 });
    expect([e.field, e.needed, e.available]).toEqual(['INSURANCE', 2, 1]);
  });

  it('reports every short field, the first in field order as the main one', () => {
    const pool = [expert('m1', 'MEDICAL', 'H'), expert('i1', 'INSURANCE', null)];
    const err = thrownBy(() =>
      drawExpertPanel({ seed: 's', candidates: pool, excludeAffiliations: ['h'] }),
    ) as PanelShortError;
    expect(err).toBeInstanceOf(PanelShortError);
    expect(err.extra).toEqual({
      field: 'MEDICAL',
      needed: 1,
      available: 0,
      shortages: [
        { field: 'MEDICAL', needed: 1, available: 0 },
        { field: 'FINANCE', needed: 1, available: 0 },
      ],
    });
    expect(err.message).toMatch(/^Not enough eligible MEDICAL experts/);
    expect(err.message).toMatch(/also short: FINANCE \(1 needed, 0 available\)/);
  });

  it('refuses malformed input, naming every bad field', () => {
    const error = thrownBy(() =>
      drawExpertPanel({
        seed: '',
        candidates: [
          expert('a', 'MEDICAL'),
          expert('a', 'FINANCE'),
          { userId: 'b', expertField: 'LAW' as ExpertField, affiliation: null },
        ],
        composition: { MEDICAL: -1, INSURANCE: 1.5, FINANCE: 1 },
      }),
    );
    expect(error).toBeInstanceOf(InvalidPanelDrawInputError);
    const e = error as InvalidPanelDrawInputError;
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fieldErrors.map((f) => f.field)).toEqual([
      'seed',
      'candidates.1.userId',
      'candidates.2.expertField',
      'composition.MEDICAL',
      'composition.INSURANCE',
    ]);
  });

  it('refuses a composition without any seat', () => {
    expect(() => draw({ composition: { MEDICAL: 0, INSURANCE: 0, FINANCE: 0 } })).toThrow(
      InvalidPanelDrawInputError,
    );
  });
});

describe('uniformBelow and the SHA-256 counter stream', () => {
  it('rejects the words above the largest multiple of m (no modulo bias)', () => {
    // m = 3: 2^32 mod 3 = 1, so 0xFFFFFFFF is rejected and the next word is used.
    const words = [0xffffffff, 0xffffffff, 7];
    const next = (): number => words.shift() as number;
    expect(uniformBelow(3, next)).toBe(1);
    expect(words).toEqual([]);
    // m = 6: 2^32 mod 6 = 4, limit 0xFFFFFFFC.
    const w2 = [0xfffffffc, 0xfffffffb];
    expect(uniformBelow(6, () => w2.shift() as number)).toBe(0xfffffffb % 6);
    expect(() => uniformBelow(0, () => 0)).toThrow(RangeError);
  });

  it('reads big-endian 32-bit words from SHA-256(seed|field|counter), block after block', () => {
    const next = sha256CounterWords('s', 'MEDICAL');
    const b0 = createHash('sha256').update('s|MEDICAL|0').digest();
    const b1 = createHash('sha256').update('s|MEDICAL|1').digest();
    const words = Array.from({ length: 9 }, next);
    expect(words.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => b0.readUInt32BE(i * 4)));
    expect(words[8]).toBe(b1.readUInt32BE(0));
  });
});

describe('verifyPanelDraw', () => {
  const input: PanelDrawInput = {
    seed: 'verify-me',
    candidates: POOL,
    composition: { MEDICAL: 2, INSURANCE: 1, FINANCE: 1 },
    excludeAffiliations: ['Hangzhou First Hospital'],
    excludeUserIds: ['fin-1'],
  };
  const record = drawExpertPanel(input);

  it('matches from the record alone and against the pool (in any order)', () => {
    expect(verifyPanelDraw(record)).toEqual({ matches: true, mismatches: [] });
    expect(verifyPanelDraw(record, shuffled(POOL, 7))).toEqual({ matches: true, mismatches: [] });
    // A stored copy (JSON round trip, an extra key the service adds) still verifies.
    const stored = { ...JSON.parse(JSON.stringify(record)), drawnAt: '2026-03-02T09:00:00Z' };
    expect(verifyPanelDraw(stored as PanelDrawRecord).matches).toBe(true);
  });

  it('fails for a tampered panel', () => {
    const notDrawn = record.eligible.MEDICAL.find(
      (id) => !record.panel.some((m) => m.userId === id),
    ) as string;
    const tampered: PanelDrawRecord = {
      ...record,
      panel: record.panel.map((m, i) => (i === 0 ? { ...m, userId: notDrawn } : m)),
    };
    expect(verifyPanelDraw(tampered)).toEqual({ matches: false, mismatches: ['panel'] });
  });

  it('fails for an edited candidate list or a different pool', () => {
    const edited: PanelDrawRecord = {
      ...record,
      candidates: record.candidates.map((c) =>
        c.userId === 'med-1' ? { ...c, affiliation: 'Somewhere else' } : c,
      ),
    };
    // From the record alone the re-run hashes the edited list: it no longer matches the hash.
    expect(verifyPanelDraw(edited)).toEqual({ matches: false, mismatches: ['candidatesHash'] });
    const smallerPool = POOL.filter((c) => c.userId !== 'med-5');
    const v = verifyPanelDraw(record, smallerPool);
    expect(v.matches).toBe(false);
    expect(v.mismatches).toEqual(
      expect.arrayContaining(['candidates', 'candidatesHash', 'eligible']),
    );
  });

  it('fails for a changed seed, exclusion or algorithm', () => {
    const otherSeed = seeds(20)
      .map((seed) => ({ ...record, seed }))
      .find((r) => verifyPanelDraw(r).mismatches.includes('panel'));
    expect(otherSeed).toBeDefined();
    // Exclusions act on the pool: a changed exclusion shows when verifying against the pool.
    expect(verifyPanelDraw({ ...record, excludeUserIds: [] }, POOL).matches).toBe(false);
    expect(verifyPanelDraw({ ...record, excludeAffiliations: [] }, POOL).matches).toBe(false);
    expect(
      verifyPanelDraw({ ...record, algorithm: 'mt19937' as typeof PANEL_DRAW_ALGORITHM }),
    ).toEqual({
      matches: false,
      mismatches: ['algorithm: "mt19937" is not sha256-ctr-fisher-yates-v1'],
    });
  });

  it('fails, without throwing, when the re-run cannot draw', () => {
    const v = verifyPanelDraw(record, []);
    expect(v.matches).toBe(false);
    expect(v.mismatches[0]).toMatch(/^re-run failed: Not enough eligible MEDICAL experts/);
  });
});
