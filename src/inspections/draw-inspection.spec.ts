import { shuffled, thrownBy } from '../../test/fixtures/spec-helpers';
import { createHash } from 'node:crypto';
import { canonicalHash } from '../common/canonical-hash';
import { DomainError } from '../common/errors/domain-error';
import {
  canonicalRowsHash,
  type CreditGrade,
  DEFAULT_CREDIT_WEIGHTS,
  drawInspection,
  INSPECTION_DRAW_ALGORITHM,
  type InspectionDrawInput,
  type InspectionDrawRecord,
  InspectionSampleError,
  InspectionTeamShortError,
  type InspectorCandidate,
  type InstitutionCandidate,
  type InstitutionType,
  INSTITUTION_TYPES,
  InvalidInspectionDrawInputError,
  normalizeInstitutionCode,
  type PreviousTeam,
  sampleSizeFromRatio,
  uniformBelow,
  verifyInspectionDraw,
  weightInHundredths,
} from './draw-inspection';

// ---------------------------------------------------------------------------------------------
// Factories
// ---------------------------------------------------------------------------------------------

const GRADES: CreditGrade[] = ['A', 'B', 'C', 'D', 'E'];

const code = (i: number): string => `H${String(i).padStart(3, '0')}`;

/** n institutions H000…, types and grades cycling, ids not in code order. */
function institutions(n: number, grade?: (i: number) => CreditGrade): InstitutionCandidate[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `inst-${(i * 7) % n}-${i}`,
    code: code(i),
    type: INSTITUTION_TYPES[i % INSTITUTION_TYPES.length],
    grade: grade ? grade(i) : GRADES[i % GRADES.length],
  }));
}

function inspectors(m: number, affiliation: (i: number) => string | null = () => null) {
  return Array.from({ length: m }, (_, i): InspectorCandidate => ({
    userId: `u${String(i).padStart(2, '0')}`,
    affiliation: affiliation(i),
  }));
}

function input(overrides: Partial<InspectionDrawInput> = {}): InspectionDrawInput {
  return {
    seed: 'seed-1',
    planId: 'plan-2026-q1',
    sample: { size: 5 },
    teamSize: 2,
    weights: { ...DEFAULT_CREDIT_WEIGHTS },
    institutions: institutions(20),
    inspectors: inspectors(8),
    previous: [],
    ...overrides,
  };
}

/** A directory with recusals of every kind, deliberately out of order. */
function busyInput(seed: string): InspectionDrawInput {
  return input({
    seed,
    sample: { ratio: '0.35' },
    teamSize: 3,
    institutions: shuffled(institutions(60), 3),
    inspectors: shuffled(
      inspectors(12, (i) => (i % 3 === 0 ? ` ${code(i * 4).toLowerCase()} ` : null)),
      5,
    ),
    previous: shuffled(
      Array.from({ length: 15 }, (_, i) => ({
        institutionCode: code(i * 4 + 1),
        inspectorIds: [
          `u${String(i % 12).padStart(2, '0')}`,
          `u${String((i + 5) % 12).padStart(2, '0')}`,
        ],
      })),
      7,
    ),
  });
}

const seeds = (n: number): string[] => Array.from({ length: n }, (_, i) => `plan-seed-${i}`);

/** Teams per inspector, over the whole directory (0 for those never drawn). */
function loads(record: InspectionDrawRecord): Map<string, number> {
  const out = new Map(record.inspectorCandidates.map((p) => [p.userId, 0]));
  for (const t of record.teams) {
    for (const id of t.inspectorIds) {
      out.set(id, (out.get(id) ?? 0) + 1);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// An independent, deliberately naive implementation of the header's steps (linear scans, no
// Fenwick trees, no load buckets): the production code must give the same record.
// ---------------------------------------------------------------------------------------------

function referenceDraw(
  inp: InspectionDrawInput,
): Pick<InspectionDrawRecord, 'sampleSize' | 'institutions' | 'teams' | 'workload'> {
  const norm = (s: string): string => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const types = inp.institutionTypes?.length ? inp.institutionTypes : INSTITUTION_TYPES;
  const cands = inp.institutions
    .filter((c) => (types as readonly string[]).includes(c.type))
    .sort((a, b) => cmp(a.code, b.code));
  const people = [...inp.inspectors].sort((a, b) => cmp(a.userId, b.userId));
  const stream = (label: string): (() => number) => {
    const words: number[] = [];
    let block = 0;
    return () => {
      if (words.length === 0) {
        const digest = createHash('sha256')
          .update(`${inp.seed}|${inp.planId}|${label}|${block}`)
          .digest();
        block += 1;
        for (let o = 0; o < 32; o += 4) {
          words.push(digest.readUInt32BE(o));
        }
      }
      return words.shift() as number;
    };
  };
  const below = (m: number, next: () => number): number => {
    for (;;) {
      const u = next();
      if (u < 2 ** 32 - (2 ** 32 % m)) {
        return u % m;
      }
    }
  };
  const k =
    'size' in inp.sample
      ? inp.sample.size
      : Math.round(Number(inp.sample.ratio) * cands.length * 1e6) / 1e6;
  const sampleSize = Math.ceil(k);
  const hundredths = (g: CreditGrade): number => Math.round(Number(inp.weights[g]) * 100);

  const nextInstitution = stream('INSTITUTIONS');
  const pool = [...cands];
  const drawn: InstitutionCandidate[] = [];
  for (let t = 0; t < sampleSize; t += 1) {
    const total = pool.reduce((s, c) => s + hundredths(c.grade), 0);
    const r = below(total, nextInstitution);
    let sum = 0;
    const i = pool.findIndex((c) => {
      sum += hundredths(c.grade);
      return sum > r;
    });
    drawn.push(pool[i]);
    pool.splice(i, 1);
  }

  const nextTeam = stream('TEAMS');
  const load = new Map(people.map((p) => [p.userId, 0]));
  const teams = drawn.map((c) => {
    const prev = inp.previous.find((p) => norm(p.institutionCode) === norm(c.code));
    const recused = (p: InspectorCandidate): boolean =>
      (p.affiliation !== null && norm(p.affiliation) === norm(c.code)) ||
      (prev?.inspectorIds.includes(p.userId) ?? false);
    const team: string[] = [];
    for (let seat = 0; seat < inp.teamSize; seat += 1) {
      const eligible = people.filter((p) => !recused(p) && !team.includes(p.userId));
      const low = Math.min(...eligible.map((p) => load.get(p.userId) as number));
      const least = eligible.filter((p) => load.get(p.userId) === low);
      const chosen = least[below(least.length, nextTeam)].userId;
      team.push(chosen);
      load.set(chosen, low + 1);
    }
    return { institutionId: c.id, institutionCode: c.code, inspectorIds: team };
  });
  const all = [...load.values()];
  return {
    sampleSize,
    institutions: drawn.map((c) => ({ id: c.id, code: c.code, grade: c.grade })),
    teams,
    workload: { min: Math.min(...all), max: Math.max(...all) },
  };
}

// ---------------------------------------------------------------------------------------------

describe('drawInspection — record and algorithm', () => {
  it('publishes the algorithm, the inputs and the canonical lists with their SHA-256', () => {
    const r = drawInspection(
      input({
        institutions: [
          { id: 'i-2', code: 'P02', type: 'PHARMACY', grade: 'E' },
          { id: 'i-1', code: 'H01', type: 'HOSPITAL', grade: 'A' },
          { id: 'i-3', code: 'C03', type: 'CLINIC', grade: 'C' },
        ],
        inspectors: [
          { userId: 'u2', affiliation: null },
          { userId: 'u1', affiliation: 'P02' },
          { userId: 'u4', affiliation: null },
          { userId: 'u3', affiliation: null },
        ],
        previous: [{ institutionCode: 'H01', inspectorIds: ['u3', 'u2', 'u3'] }],
        institutionTypes: ['PHARMACY', 'HOSPITAL', 'HOSPITAL'],
        sample: { size: 2 },
      }),
    );
    expect(r.algorithm).toBe('sha256-ctr-fenwick-weighted-v1');
    expect(r.algorithm).toBe(INSPECTION_DRAW_ALGORITHM);
    expect([r.seed, r.planId, r.sample, r.teamSize]).toEqual([
      'seed-1',
      'plan-2026-q1',
      { size: 2 },
      2,
    ]);
    expect(r.weights).toEqual({ A: '0.5', B: '1', C: '1.5', D: '2', E: '3' });
    expect(r.institutionTypes).toEqual(['HOSPITAL', 'PHARMACY']);
    expect(r.institutionCandidates).toEqual([
      { id: 'i-1', code: 'H01', type: 'HOSPITAL', grade: 'A' },
      { id: 'i-2', code: 'P02', type: 'PHARMACY', grade: 'E' },
    ]);
    const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
    expect(r.institutionsHash).toBe(
      sha(
        '[{"code":"H01","grade":"A","id":"i-1","type":"HOSPITAL"},' +
          '{"code":"P02","grade":"E","id":"i-2","type":"PHARMACY"}]',
      ),
    );
    expect(r.inspectorCandidates).toEqual([
      { userId: 'u1', affiliation: 'P02' },
      { userId: 'u2', affiliation: null },
      { userId: 'u3', affiliation: null },
      { userId: 'u4', affiliation: null },
    ]);
    expect(r.inspectorsHash).toBe(
      sha(
        '[{"affiliation":"P02","userId":"u1"},{"affiliation":null,"userId":"u2"},' +
          '{"affiliation":null,"userId":"u3"},{"affiliation":null,"userId":"u4"}]',
      ),
    );
    expect(r.previous).toEqual([{ institutionCode: 'H01', inspectorIds: ['u2', 'u3'] }]);
    expect(r.previousHash).toBe(sha('[{"inspectorIds":["u2","u3"],"institutionCode":"H01"}]'));
    for (const [list, hash] of [
      [r.institutionCandidates, r.institutionsHash],
      [r.inspectorCandidates, r.inspectorsHash],
      [r.previous, r.previousHash],
    ] as const) {
      expect(hash).toBe(canonicalHash(list));
    }
    // Both drawn (without replacement); H01's previous team (u2, u3) is recused, P02's affiliate u1.
    expect(r.sampleSize).toBe(2);
    expect(r.institutions.map((i) => i.code).sort()).toEqual(['H01', 'P02']);
    const teamOf = (c: string): string[] =>
      r.teams.find((t) => t.institutionCode === c)?.inspectorIds ?? [];
    expect([...teamOf('H01')].sort()).toEqual(['u1', 'u4']);
    expect(teamOf('P02')).not.toContain('u1');
    expect(teamOf('P02')).toHaveLength(2);
  });

  it('hashes exactly what canonicalHash hashes, even for strings JSON must escape', () => {
    const rows = [
      { affiliation: 'say "hi"\\ \n\u0001', userId: '😀 é 杭州' },
      { affiliation: null, userId: '\u2028x\ud800' },
    ];
    expect(canonicalRowsHash(rows, ['affiliation', 'userId'])).toBe(canonicalHash(rows));
    const many = institutions(3000);
    expect(canonicalRowsHash(many, ['code', 'grade', 'id', 'type'])).toBe(canonicalHash(many));
    const prev = [{ inspectorIds: ['a', 'b"'], institutionCode: 'H\u00e9' }];
    expect(canonicalRowsHash(prev, ['inspectorIds', 'institutionCode'])).toBe(canonicalHash(prev));
  });

  it('follows the documented algorithm word for word (first institution and first seat)', () => {
    const inp = input({
      seed: 'known-answer',
      institutions: [
        { id: 'a', code: 'K1', type: 'CLINIC', grade: 'A' },
        { id: 'b', code: 'K2', type: 'CLINIC', grade: 'B' },
        { id: 'e', code: 'K3', type: 'CLINIC', grade: 'E' },
      ],
      inspectors: inspectors(5),
      sample: { size: 1 },
    });
    const r = drawInspection(inp);
    const word = (label: string, w: number): number =>
      createHash('sha256')
        .update(`known-answer|plan-2026-q1|${label}|0`, 'utf8')
        .digest()
        .readUInt32BE(w * 4);
    // Weights in hundredths 50, 100, 300: total 450; 2^32 mod 450 = 346.
    const u = word('INSTITUTIONS', 0);
    expect(u).toBeLessThan(2 ** 32 - 346);
    const x = u % 450;
    expect(r.institutions[0].code).toBe(x < 50 ? 'K1' : x < 150 ? 'K2' : 'K3');
    // First seat: all 5 inspectors at load 0; 2^32 mod 5 = 1.
    const v = word('TEAMS', 0);
    expect(v).not.toBe(0xffffffff);
    expect(r.teams[0].inspectorIds[0]).toBe(`u0${v % 5}`);
  });

  it('gives the same result as a naive implementation of the documented steps', () => {
    for (const seed of seeds(25)) {
      const inp = busyInput(seed);
      const r = drawInspection(inp);
      expect(r.sampleSize).toBe(21);
      expect({
        sampleSize: r.sampleSize,
        institutions: r.institutions,
        teams: r.teams,
        workload: r.workload,
      }).toEqual(referenceDraw(inp));
    }
  });

  it('draws without replacement: a full sample is a permutation of the candidates', () => {
    const r = drawInspection(input({ sample: { ratio: '1' }, institutionTypes: ['CLINIC'] }));
    expect(r.sampleSize).toBe(5);
    expect(r.institutions.map((i) => i.code).sort()).toEqual(
      r.institutionCandidates.map((c) => c.code),
    );
    expect(r.institutionCandidates.every((c) => c.type === 'CLINIC')).toBe(true);
    expect(r.teams.map((t) => t.institutionId)).toEqual(r.institutions.map((i) => i.id));
  });
});

describe('drawInspection — reproducibility', () => {
  it('gives an identical record for the same inputs in any order', () => {
    const inp = busyInput('order');
    const reference = drawInspection(inp);
    for (let salt = 1; salt <= 8; salt += 1) {
      expect(
        drawInspection({
          ...inp,
          institutions: shuffled(inp.institutions, salt),
          inspectors: shuffled(inp.inspectors, salt),
          previous: shuffled(inp.previous, salt).map((p) => ({
            ...p,
            inspectorIds: shuffled(p.inspectorIds, salt),
          })),
          institutionTypes: shuffled(INSTITUTION_TYPES, salt),
        }),
      ).toEqual(reference);
    }
  });

  it('gives a different draw for a different seed or plan', () => {
    const draws = new Set(
      seeds(30).map((seed) =>
        drawInspection(input({ seed }))
          .institutions.map((i) => i.code)
          .join(','),
      ),
    );
    expect(draws.size).toBeGreaterThanOrEqual(25);
    const a = drawInspection(input({ planId: 'plan-a' }));
    const b = drawInspection(input({ planId: 'plan-b' }));
    expect(a.institutions).not.toEqual(b.institutions);
  });

  it('changes the institutions hash when one directory row changes', () => {
    const base = drawInspection(input());
    expect(input().institutions.find((c) => c.code === 'H007')?.grade).toBe('C');
    const rows = input().institutions.map((c): InstitutionCandidate =>
      c.code === 'H007' ? { ...c, grade: 'A' } : c,
    );
    const changed = drawInspection(input({ institutions: rows }));
    expect(changed.institutionsHash).not.toBe(base.institutionsHash);
    expect(changed.inspectorsHash).toBe(base.inspectorsHash);
    expect(changed.previousHash).toBe(base.previousHash);
  });
});

describe('drawInspection — sample size', () => {
  it('computes ceil(ratio × candidates) exactly, not in floating point', () => {
    expect(sampleSizeFromRatio('0.10', 30)).toBe(3);
    expect(sampleSizeFromRatio('0.10', 31)).toBe(4);
    // In binary floating point 0.07 × 100 = 7.000000000000001 and 0.14 × 100 = 14.000000000000002,
    // whose ceilings are 8 and 15.
    expect(sampleSizeFromRatio('0.07', 100)).toBe(7);
    expect(sampleSizeFromRatio('0.14', 100)).toBe(14);
    expect(sampleSizeFromRatio('0.29', 100)).toBe(29);
    expect(sampleSizeFromRatio('0.333333', 3)).toBe(1);
    expect(sampleSizeFromRatio('0.000001', 5)).toBe(1);
    expect(sampleSizeFromRatio('1.00', 7)).toBe(7);
    expect(sampleSizeFromRatio('0.10', 100_000)).toBe(10_000);
    expect(sampleSizeFromRatio('0.10', 100_001)).toBe(10_001);
  });

  it('draws 3 of 30 and 4 of 31 for a ratio of 0.10, 7 of 100 for 0.07', () => {
    for (const [ratio, n, k] of [
      ['0.10', 30, 3],
      ['0.10', 31, 4],
      ['0.07', 100, 7],
    ] as const) {
      const r = drawInspection(input({ sample: { ratio }, institutions: institutions(n) }));
      expect(r.sampleSize).toBe(k);
      expect(r.institutions).toHaveLength(k);
      expect(r.teams).toHaveLength(k);
    }
  });

  it('refuses a sample larger than the candidates (422 naming sampleSize)', () => {
    const e = thrownBy(() =>
      drawInspection(input({ sample: { size: 6 }, institutionTypes: ['HOSPITAL'] })),
    ) as InspectionSampleError;
    expect(e).toBeInstanceOf(InspectionSampleError);
    expect(e).toBeInstanceOf(DomainError);
    expect(e.code).toBe('BUSINESS_RULE');
    expect(e.extra).toMatchObject({ field: 'sampleSize', sampleSize: 6, candidates: 5 });
    expect(e.extra.errors?.[0].field).toBe('sampleSize');
    // 5 hospitals exactly: fine.
    expect(
      drawInspection(input({ sample: { size: 5 }, institutionTypes: ['HOSPITAL'] })).sampleSize,
    ).toBe(5);
  });

  it('refuses a draw with no candidate (422)', () => {
    const e = thrownBy(() =>
      drawInspection(input({ institutions: institutions(3), institutionTypes: ['PHARMACY'] })),
    ) as InspectionSampleError;
    expect(e).toBeInstanceOf(InspectionSampleError);
    expect(e.code).toBe('BUSINESS_RULE');
    expect(e.extra).toMatchObject({ field: 'institutions', candidates: 0 });
  });
});

describe('drawInspection — credit weights', () => {
  it('draws E-grade institutions about as much more often as the weights say', () => {
    // 10 A (weight 0.5) and 10 E (weight 3), sample 5, 2,000 seeds.
    const dir = institutions(20, (i) => (i < 10 ? 'A' : 'E'));
    // Exact expectation of E drawn per plan: dynamic programming over (A left, E left).
    const wA = 50;
    const wE = 300;
    let states = new Map<string, number>([['10,10', 1]]);
    let expectedE = 0;
    for (let t = 0; t < 5; t += 1) {
      const nextStates = new Map<string, number>();
      for (const [key, p] of states) {
        const [a, e] = key.split(',').map(Number);
        const pE = (e * wE) / (e * wE + a * wA);
        expectedE += p * pE;
        for (const [k2, q] of [
          [`${a},${e - 1}`, p * pE],
          [`${a - 1},${e}`, p * (1 - pE)],
        ] as const) {
          nextStates.set(k2, (nextStates.get(k2) ?? 0) + q);
        }
      }
      states = nextStates;
    }
    expect(expectedE).toBeGreaterThan(4); // vs 2.5 if credit were ignored
    let drawnE = 0;
    let firstE = 0;
    const runs = 2000;
    for (let s = 0; s < runs; s += 1) {
      const r = drawInspection(input({ seed: `credit-${s}`, institutions: dir }));
      const grades = r.institutions.map((i) => i.grade);
      drawnE += grades.filter((g) => g === 'E').length;
      firstE += grades[0] === 'E' ? 1 : 0;
    }
    // The first pick is E with probability 6/7 (weights 3 : 0.5): σ ≈ 0.008 over 2,000 plans.
    expect(firstE / runs).toBeGreaterThan(0.82);
    expect(firstE / runs).toBeLessThan(0.89);
    // E per plan within 3% of the exact expectation (σ of the mean ≈ 0.4%).
    expect(drawnE / runs / expectedE).toBeGreaterThan(0.97);
    expect(drawnE / runs / expectedE).toBeLessThan(1.03);
  });

  it('reads weights as exact hundredths', () => {
    expect(['0.5', '1', '1.5', '2', '3', '0.01', '1.50', '100'].map(weightInHundredths)).toEqual([
      50, 100, 150, 200, 300, 1, 150, 10_000,
    ]);
    expect(
      ['0', '0.00', '-1', '1.234', '.5', '1.', '100.01', ' 1', '1e2'].map(weightInHundredths),
    ).toEqual([null, null, null, null, null, null, null, null, null]);
  });
});

describe('drawInspection — teams', () => {
  it('never puts an inspector on an institution they are affiliated with (NFKC, trim, case)', () => {
    const dir = inspectors(5, (i) =>
      i === 0 ? ' ｈ００１ ' : i === 1 ? 'h002' : i === 2 ? 'Xihu Medical Security Bureau' : null,
    );
    const seen = { u00: 0, u01: 0 };
    for (const seed of seeds(60)) {
      const r = drawInspection(
        input({ seed, institutions: institutions(6), inspectors: dir, sample: { size: 6 } }),
      );
      for (const t of r.teams) {
        expect(t.inspectorIds).toHaveLength(2);
        expect(new Set(t.inspectorIds).size).toBe(2);
        if (t.institutionCode === 'H001') {
          expect(t.inspectorIds).not.toContain('u00');
        }
        if (t.institutionCode === 'H002') {
          expect(t.inspectorIds).not.toContain('u01');
        }
        seen.u00 += t.inspectorIds.includes('u00') ? 1 : 0;
        seen.u01 += t.inspectorIds.includes('u01') ? 1 : 0;
      }
    }
    // Recused only from their own institution: they still inspect the others.
    expect(seen.u00).toBeGreaterThan(60);
    expect(seen.u01).toBeGreaterThan(60);
    expect(normalizeInstitutionCode(' Ｈ００１\u3000')).toBe('h001');
  });

  it('never puts an inspector back on the institution they inspected in the previous plan', () => {
    const previous: PreviousTeam[] = [
      { institutionCode: 'h003', inspectorIds: ['u00', 'u01', 'u02'] },
      { institutionCode: 'H004', inspectorIds: ['u03', 'u-retired'] },
    ];
    for (const seed of seeds(60)) {
      const r = drawInspection(
        input({
          seed,
          institutions: institutions(6),
          inspectors: inspectors(5),
          previous,
          sample: { size: 6 },
        }),
      );
      const teamOf = (c: string): string[] =>
        r.teams.find((t) => t.institutionCode === c)?.inspectorIds ?? [];
      // H003: only u03 and u04 are left, so that is the team.
      expect([...teamOf('H003')].sort()).toEqual(['u03', 'u04']);
      expect(teamOf('H004')).not.toContain('u03');
      expect(teamOf('H004')).toHaveLength(2);
    }
  });

  it('fills every team with teamSize distinct inspectors', () => {
    for (const seed of seeds(20)) {
      const r = drawInspection(busyInput(seed));
      expect(r.teams).toHaveLength(r.sampleSize);
      for (const t of r.teams) {
        expect(t.inspectorIds).toHaveLength(3);
        expect(new Set(t.inspectorIds).size).toBe(3);
      }
    }
  });

  it('spreads the workload evenly: max − min ≤ 1 when no recusal blocks it', () => {
    for (const seed of seeds(40)) {
      // 30 institutions × 3 seats over 7 inspectors: every inspector sits on 12 or 13 teams.
      const r = drawInspection(
        input({
          seed,
          institutions: institutions(30),
          inspectors: inspectors(7),
          sample: { size: 30 },
          teamSize: 3,
        }),
      );
      const l = [...loads(r).values()];
      expect(Math.max(...l) - Math.min(...l)).toBeLessThanOrEqual(1);
      expect(r.workload).toEqual({ min: 12, max: 13 });
    }
  });

  it('reports the workload over the whole inspector directory', () => {
    for (const seed of seeds(20)) {
      const r = drawInspection(busyInput(seed));
      const l = [...loads(r).values()];
      expect(r.workload).toEqual({ min: Math.min(...l), max: Math.max(...l) });
    }
    // 1 team of 2 among 8 inspectors: six sit on none.
    expect(drawInspection(input({ sample: { size: 1 } })).workload).toEqual({ min: 0, max: 1 });
  });

  it('breaks ties between the least loaded inspectors at random', () => {
    const firstTeams = new Set(
      seeds(40).map((seed) => drawInspection(input({ seed })).teams[0].inspectorIds.join(',')),
    );
    expect(firstTeams.size).toBeGreaterThanOrEqual(20); // 56 ordered pairs of 8
  });

  it('refuses, before drawing, when recusal leaves an institution too few inspectors (422 teamSize)', () => {
    // H002: u00 and u01 are affiliated with it, only u02 is left for a team of 2.
    const dir = inspectors(3, (i) => (i < 2 ? 'H002' : null));
    for (const seed of seeds(10)) {
      // One institution drawn: whether or not H002 would be drawn, the plan is refused.
      const error = thrownBy(() =>
        drawInspection(
          input({ seed, institutions: institutions(4), inspectors: dir, sample: { size: 1 } }),
        ),
      );
      expect(error).toBeInstanceOf(InspectionTeamShortError);
      const e = error as InspectionTeamShortError;
      expect(e.code).toBe('BUSINESS_RULE');
      expect(e.extra).toMatchObject({
        field: 'teamSize',
        institutionCode: 'H002',
        needed: 2,
        available: 1,
        shortageCount: 1,
      });
      expect(e.extra.errors).toEqual([{ field: 'teamSize', message: e.message }]);
      expect(e.message).toMatch(/H002: teams of 2 needed, 1 available/);
    }
    // Every short institution is counted, the first in code order named.
    const e = thrownBy(() =>
      drawInspection(
        input({ institutions: institutions(4), inspectors: inspectors(1), sample: { size: 1 } }),
      ),
    ) as InspectionTeamShortError;
    expect(e.extra).toMatchObject({
      institutionCode: 'H000',
      needed: 2,
      available: 1,
      shortageCount: 4,
    });
    expect(e.shortages.map((s) => s.institutionCode)).toEqual(['H000', 'H001', 'H002', 'H003']);
  });
});

describe('drawInspection — validation', () => {
  it('refuses malformed input, naming every bad field', () => {
    const rows = institutions(4);
    const error = thrownBy(() =>
      drawInspection({
        seed: '',
        planId: 'a|b',
        sample: { ratio: '1.5' },
        institutionTypes: ['HOSPITAL', 'LAB' as InstitutionType],
        teamSize: 1,
        weights: { A: '0', B: '1.234', C: '1', D: '2', E: 3 as unknown as string },
        institutions: [
          rows[0],
          { ...rows[1], code: ' h000 ' },
          { ...rows[2], id: rows[0].id },
          { ...rows[3], grade: 'F' as CreditGrade },
        ],
        inspectors: [
          { userId: 'u1', affiliation: null },
          { userId: 'u1', affiliation: 'x' },
        ],
        previous: [
          { institutionCode: 'H000', inspectorIds: ['u1'] },
          { institutionCode: 'h000', inspectorIds: [] },
        ],
      }),
    );
    expect(error).toBeInstanceOf(InvalidInspectionDrawInputError);
    const e = error as InvalidInspectionDrawInputError;
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.extra.errors).toBe(e.fieldErrors);
    expect(e.fieldErrors.map((f) => f.field)).toEqual([
      'seed',
      'planId',
      'sample.ratio',
      'institutionTypes.1',
      'teamSize',
      'weights.A',
      'weights.B',
      'weights.E',
      'institutions.1.code',
      'institutions.2.id',
      'institutions.3.grade',
      'inspectors.1.userId',
      'previous.1.institutionCode',
    ]);
  });

  it.each([
    ['teamSize', { teamSize: 21 }],
    ['teamSize', { teamSize: 2.5 }],
    ['seed', { seed: 'x'.repeat(513) }],
    ['sample.ratio', { sample: { ratio: '0' } }],
    ['sample.ratio', { sample: { ratio: '0.1234567' } }],
    ['sample.ratio', { sample: { ratio: 0.1 as unknown as string } }],
    ['sample.size', { sample: { size: 0 } }],
    ['sample', { sample: { ratio: '0.1', size: 3 } }],
    [
      'weights.F',
      { weights: { ...DEFAULT_CREDIT_WEIGHTS, F: '1' } as Record<CreditGrade, string> },
    ],
    ['weights.E', { weights: { A: '1', B: '1', C: '1', D: '1' } as Record<CreditGrade, string> }],
  ] as [string, Partial<InspectionDrawInput>][])('names %s', (field, overrides) => {
    const e = thrownBy(() => drawInspection(input(overrides))) as InvalidInspectionDrawInputError;
    expect(e).toBeInstanceOf(InvalidInspectionDrawInputError);
    expect(e.fieldErrors.map((f) => f.field)).toEqual([field]);
  });

  it('accepts the limits: teams of 2 and 20, a 512-character seed, ratio 1', () => {
    expect(drawInspection(input({ teamSize: 2 })).teamSize).toBe(2);
    expect(
      drawInspection(input({ teamSize: 20, inspectors: inspectors(20), sample: { size: 1 } }))
        .teams[0].inspectorIds,
    ).toHaveLength(20);
    expect(drawInspection(input({ seed: 's'.repeat(512) })).seed).toHaveLength(512);
    expect(drawInspection(input({ sample: { ratio: '1.000' } })).sampleSize).toBe(20);
  });
});

describe('uniformBelow', () => {
  it('rejects the words above the largest multiple of m (no modulo bias)', () => {
    // m = 450: 2^32 mod 450 = 346, so the limit is 2^32 − 346.
    const words = [2 ** 32 - 1, 2 ** 32 - 346, 2 ** 32 - 347];
    const next = (): number => {
      const w = words.shift();
      if (w === undefined) {
        throw new Error('read past the given words');
      }
      return w;
    };
    expect(uniformBelow(450, next)).toBe((2 ** 32 - 347) % 450);
    expect(words).toEqual([]);
    expect(uniformBelow(1, () => 0xffffffff)).toBe(0);
    expect(() => uniformBelow(2 ** 32 + 1, () => 0)).toThrow(RangeError);
  });
});

describe('verifyInspectionDraw', () => {
  const inp = busyInput('verify-me');
  const record = drawInspection(inp);
  const undrawn = record.institutionCandidates.find(
    (c) => !record.institutions.some((i) => i.id === c.id),
  ) as InstitutionCandidate;

  it('matches from the record alone, after a JSON round trip, and against the directory', () => {
    expect(verifyInspectionDraw(record)).toEqual({ matches: true, mismatches: [] });
    const stored = { ...JSON.parse(JSON.stringify(record)), publishedAt: '2026-03-02T09:00:00Z' };
    expect(verifyInspectionDraw(stored as InspectionDrawRecord).matches).toBe(true);
    expect(
      verifyInspectionDraw(record, {
        institutions: shuffled(inp.institutions, 9),
        inspectors: inp.inspectors,
        previous: inp.previous,
      }),
    ).toEqual({ matches: true, mismatches: [] });
  });

  it('reports a tampered institution list through its hash', () => {
    const tampered: InspectionDrawRecord = {
      ...record,
      institutionCandidates: record.institutionCandidates.map((c) =>
        c.id === undrawn.id ? { ...c, id: `${c.id}-x` } : c,
      ),
    };
    expect(verifyInspectionDraw(tampered)).toEqual({
      matches: false,
      mismatches: ['institutionsHash'],
    });
    // A changed grade also changes the odds, so the draw no longer follows either.
    const regraded: InspectionDrawRecord = {
      ...record,
      institutionCandidates: record.institutionCandidates.map((c) =>
        c.code === record.institutions[0].code ? { ...c, grade: c.grade === 'A' ? 'E' : 'A' } : c,
      ),
    };
    expect(verifyInspectionDraw(regraded).mismatches).toEqual(
      expect.arrayContaining(['institutionsHash', 'institutions']),
    );
  });

  it('reports a tampered inspector or previous list through its hash', () => {
    const inspectorsEdited: InspectionDrawRecord = {
      ...record,
      inspectorCandidates: [...record.inspectorCandidates, { userId: 'zz', affiliation: null }],
    };
    expect(verifyInspectionDraw(inspectorsEdited).mismatches).toEqual(
      expect.arrayContaining(['inspectorsHash']),
    );
    const previousEdited: InspectionDrawRecord = {
      ...record,
      previous: record.previous.slice(1),
    };
    expect(verifyInspectionDraw(previousEdited).mismatches).toEqual(
      expect.arrayContaining(['previousHash']),
    );
  });

  it('reports a tampered result', () => {
    const [t0, ...rest] = record.teams;
    const swapped = { ...t0, inspectorIds: [...t0.inspectorIds].reverse() };
    expect(verifyInspectionDraw({ ...record, teams: [swapped, ...rest] })).toEqual({
      matches: false,
      mismatches: ['teams'],
    });
    const [i0, i1, ...more] = record.institutions;
    expect(verifyInspectionDraw({ ...record, institutions: [i1, i0, ...more] }).mismatches).toEqual(
      ['institutions'],
    );
    expect(verifyInspectionDraw({ ...record, workload: { min: 0, max: 0 } }).mismatches).toEqual([
      'workload',
    ]);
    expect(verifyInspectionDraw({ ...record, sampleSize: 3 }).mismatches).toEqual(['sampleSize']);
  });

  it('reports a changed seed, a different directory or algorithm, and a re-run that fails', () => {
    expect(verifyInspectionDraw({ ...record, seed: 'other' }).mismatches).toEqual(
      expect.arrayContaining(['institutions', 'teams']),
    );
    const v = verifyInspectionDraw(record, {
      institutions: inp.institutions.filter((c) => c.id !== undrawn.id),
      inspectors: inp.inspectors,
      previous: inp.previous,
    });
    expect(v.matches).toBe(false);
    expect(v.mismatches).toEqual(
      expect.arrayContaining(['institutionCandidates', 'institutionsHash']),
    );
    expect(
      verifyInspectionDraw({
        ...record,
        algorithm: 'mt19937' as typeof INSPECTION_DRAW_ALGORITHM,
      }),
    ).toEqual({
      matches: false,
      mismatches: ['algorithm: "mt19937" is not sha256-ctr-fenwick-weighted-v1'],
    });
    const failed = verifyInspectionDraw({ ...record, teamSize: 12 });
    expect(failed.matches).toBe(false);
    expect(failed.mismatches[0]).toMatch(/^re-run failed: Not enough eligible inspectors/);
  });
});
