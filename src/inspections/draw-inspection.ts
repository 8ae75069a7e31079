import { createHash } from 'node:crypto';
import {
  CREDIT_GRADES,
  type CreditGrade,
  INSTITUTION_TYPES,
  type InstitutionType,
} from '../../workflows/institutions';
import { sha256CounterWords, TWO_POW_32, uniformBelow } from '../common/random-stream';
import { isPlainObject } from '../common/checks';
import {
  byCodeUnits,
  type DrawVerification,
  normalizeForRecusal,
  verifyByRerun,
} from '../draws/public-draw';
import { DEFAULT_CREDIT_POLICY } from '../credit/credit-policy';
import { DomainError, type FieldError } from '../common/errors/domain-error';

/**
 * The "double random, one public" draw of an inspection plan (双随机一公开, docs/domain.md §4): the
 * institutions to inspect are drawn at random from the directory of inspection objects
 * (检查对象名录库), bad credit raising the odds (失信 more checks, 守信 fewer); then each drawn
 * institution gets a team of inspectors drawn at random from the inspector directory
 * (执法检查人员名录库), with recusal (回避) and an even workload.
 *
 * Pure: no I/O, no clock, no Math.random. The caller supplies a public seed and publishes the
 * returned record; anyone can re-run the draw from the record alone (verifyInspectionDraw) or
 * with the steps below in another language: 一公开 means verifiable by the public.
 *
 * ## Algorithm `sha256-ctr-fenwick-weighted-v1`
 *
 * Strings are compared by UTF-16 code units (the order RFC 8785 uses for keys). `normalize(s)` =
 * Unicode NFKC (full-width → half-width), trim, inner whitespace runs → one space, lower case.
 *
 * 1. **Institution candidates.** The directory rows whose `type` is in `institutionTypes` (all
 *    four types when absent or empty), as `{ id, code, type, grade }`, sorted by `code`:
 *    `institutionCandidates`; `institutionsHash` = SHA-256 hex of its RFC 8785 canonical JSON.
 *    Codes are unique even after normalize(), so the order is total. n = its length (n = 0 →
 *    InspectionSampleError).
 * 2. **Inspector candidates.** `{ userId, affiliation }` (null when none), sorted by `userId`:
 *    `inspectorCandidates`, hashed the same way into `inspectorsHash`; m = its length.
 * 3. **Previous teams.** `{ institutionCode, inspectorIds }` with the ids de-duplicated and sorted,
 *    the rows sorted by `institutionCode`: `previous`, hashed into `previousHash`.
 * 4. **Sample size** k: `{ size }` as given; `{ ratio }` = ceil(ratio × n), exactly: a ratio with d
 *    decimal places is the integer p / 10^d, so k = ⌈p·n / 10^d⌉ in integer arithmetic
 *    ("0.10" × 30 = 3, "0.10" × 31 = 4). k > n → InspectionSampleError (field `sampleSize`).
 * 5. **Recusal (回避).** For an institution with code c, the recused inspectors are those whose
 *    affiliation is not blank and normalize(affiliation) = normalize(c), and those listed in the
 *    `previous` row whose normalize(institutionCode) = normalize(c). Every candidate institution
 *    (not only the drawn ones) must keep at least `teamSize` inspectors, else
 *    InspectionTeamShortError (field `teamSize`), before anything is drawn: whether a plan can be
 *    drawn never depends on the seed, so nobody can re-seed a refused plan to steer it.
 * 6. **Random streams.** For a label L, block j (j = 0, 1, 2, …) = SHA-256 of the UTF-8 text
 *    `${seed}|${planId}|${L}|${j}` (j in decimal; planId may not contain "|"). The stream is
 *    block 0 ‖ block 1 ‖ …, read as consecutive big-endian unsigned 32-bit words. Two streams:
 *    L = `INSTITUTIONS` (step 7) and L = `TEAMS` (step 8), each read from its own start.
 *    `below(M)` (1 ≤ M ≤ 2^32): read a word u; accept when u < 2^32 − (2^32 mod M) and return
 *    u mod M, else read the next word (rejection sampling: no modulo bias). below(1) reads one
 *    word too (always accepted) and returns 0.
 * 7. **Weighted draw without replacement** (INSTITUTIONS stream). w(i) = the weight of candidate
 *    i's grade in integer hundredths ("0.5" → 50, "1" → 100, "1.5" → 150, "3" → 300); the total of
 *    all w(i) may not exceed 2^32. Repeat k times: T = the sum of w over the candidates not yet
 *    drawn; r = below(T); walk the candidates not yet drawn in canonical order, adding up w; the
 *    drawn one is the first whose running sum exceeds r (it owns the range [sum before it, sum
 *    with it) that holds r); it leaves the pool. `institutions` lists the drawn ones in draw order
 *    as `{ id, code, grade }`. (This file finds the item with a Fenwick / binary indexed tree in
 *    O(log n); any method that finds the same item is conformant.)
 * 8. **Teams** (TEAMS stream). Every inspector starts with load 0. For each drawn institution, in
 *    draw order, fill seats 1 … teamSize; for each seat: E = the inspectors neither recused for
 *    this institution (step 5) nor already on its team; L = the lowest load in E; C = the members
 *    of E with load L, in canonical (userId) order; the seat goes to C[below(|C|)], whose load
 *    becomes L + 1. `teams` lists `{ institutionId, institutionCode, inspectorIds }` in draw
 *    order, the ids in seat order. Picking only among the least loaded keeps max − min load ≤ 1
 *    unless recusal forces otherwise; `workload` = { min, max } of the final loads over all m
 *    inspectors.
 *
 * The record holds every input of the steps above (seed, planId, sample, institutionTypes,
 * teamSize, weights, the three canonical lists) and every output, so verification needs nothing
 * else.
 */

export const INSPECTION_DRAW_ALGORITHM = 'sha256-ctr-fenwick-weighted-v1';
export type InspectionDrawAlgorithm = typeof INSPECTION_DRAW_ALGORITHM;

export { CREDIT_GRADES, type CreditGrade, INSTITUTION_TYPES, type InstitutionType };

/**
 * docs/domain.md §4 default credit weights (policy `penalty.credit.drawWeights`): 守信 (A) drawn
 * less, 失信 (E) more.
 */
export const DEFAULT_CREDIT_WEIGHTS: Readonly<Record<CreditGrade, string>> = Object.freeze({
  ...DEFAULT_CREDIT_POLICY.drawWeights,
});

/** Decree 735 (医疗保障基金使用监督管理条例) art. 29: at least two inspectors. */
export const MIN_TEAM_SIZE = 2;
/** More is a typo, not a policy. */
export const MAX_TEAM_SIZE = 20;
/** A weight above 100 is a typo; the cap also keeps the total weight within 32-bit draws. */
export const MAX_CREDIT_WEIGHT = '100';
const MAX_WEIGHT_HUNDREDTHS = 10_000;
const MAX_SEED_LENGTH = 512;
const MAX_PLAN_ID_LENGTH = 128;
/** Field errors listed in one validation error; the rest are counted. */
const MAX_REPORTED_ERRORS = 100;
/** Short institutions listed in one InspectionTeamShortError; the rest are counted. */
const MAX_REPORTED_SHORTAGES = 20;

export interface InstitutionCandidate {
  id: string;
  code: string;
  type: InstitutionType;
  grade: CreditGrade;
}

export interface InspectorCandidate {
  userId: string;
  affiliation: string | null;
}

export interface PreviousTeam {
  institutionCode: string;
  inspectorIds: string[];
}

export type InspectionSample = { ratio: string } | { size: number };

export interface InspectionDrawInput {
  /** Public, 1..512 characters (e.g. 32 random bytes as hex, or a published lottery result). */
  seed: string;
  planId: string;
  /** `ratio`: a decimal string in (0, 1], at most 6 places ("0.10"); `size`: a count. */
  sample: InspectionSample;
  /** Only these types are candidates; absent or empty = all. */
  institutionTypes?: InstitutionType[];
  /** Integer from MIN_TEAM_SIZE to MAX_TEAM_SIZE. */
  teamSize: number;
  /** Decimal strings, > 0, at most 2 places, at most MAX_CREDIT_WEIGHT. */
  weights: Record<CreditGrade, string>;
  /** The directory snapshot, any order. */
  institutions: InstitutionCandidate[];
  /** The inspector directory, any order. */
  inspectors: InspectorCandidate[];
  /** The teams of the previous plan of the same kind (回避). */
  previous: PreviousTeam[];
}

export interface DrawnInstitution {
  id: string;
  code: string;
  grade: CreditGrade;
}

export interface InspectionTeam {
  institutionId: string;
  institutionCode: string;
  /** In seat order. */
  inspectorIds: string[];
}

/** Everything needed to reproduce and verify a draw; published and stored as is. */
export interface InspectionDrawRecord {
  algorithm: InspectionDrawAlgorithm;
  seed: string;
  planId: string;
  sample: InspectionSample;
  /** The types that were candidates, de-duplicated, in INSTITUTION_TYPES order. */
  institutionTypes: InstitutionType[];
  teamSize: number;
  weights: Record<CreditGrade, string>;
  /** Step 1: filtered by type, sorted by code. */
  institutionCandidates: InstitutionCandidate[];
  institutionsHash: string;
  /** Step 2: sorted by userId. */
  inspectorCandidates: InspectorCandidate[];
  inspectorsHash: string;
  /** Step 3: sorted by institutionCode, ids sorted. */
  previous: PreviousTeam[];
  previousHash: string;
  sampleSize: number;
  /** In draw order. */
  institutions: DrawnInstitution[];
  /** In draw order, one per drawn institution. */
  teams: InspectionTeam[];
  /** Lowest and highest number of teams an inspector sits on. */
  workload: { min: number; max: number };
}

/** Malformed draw input, every bad field named (HTTP 400). */
export class InvalidInspectionDrawInputError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super('VALIDATION_FAILED', 'The inspection draw input has invalid fields.', {
      errors: fieldErrors,
    });
    this.name = 'InvalidInspectionDrawInputError';
  }
}

/** No candidate institution, or a sample larger than the candidates (HTTP 422). */
export class InspectionSampleError extends DomainError {
  constructor(
    readonly field: 'sampleSize' | 'institutions',
    readonly sampleSize: number,
    readonly candidates: number,
    message: string,
  ) {
    super('BUSINESS_RULE', message, {
      field,
      sampleSize,
      candidates,
      errors: [{ field, message }],
    });
    this.name = 'InspectionSampleError';
  }
}

export interface TeamShortage {
  institutionCode: string;
  needed: number;
  available: number;
}

/** An institution that cannot get `teamSize` inspectors after recusal (HTTP 422). */
export class InspectionTeamShortError extends DomainError {
  readonly field = 'teamSize';

  constructor(
    readonly institutionCode: string,
    readonly needed: number,
    readonly available: number,
    /** The first MAX_REPORTED_SHORTAGES short institutions, in code order. */
    readonly shortages: TeamShortage[] = [{ institutionCode, needed, available }],
    readonly shortageCount: number = shortages.length,
  ) {
    const message =
      `Not enough eligible inspectors for institution ${institutionCode}: teams of ${needed} ` +
      `needed, ${available} available after recusal (回避: affiliated with the institution or on ` +
      'its team in the previous plan)' +
      (shortageCount > 1 ? `; ${shortageCount - 1} more institution(s) short` : '') +
      '.';
    super('BUSINESS_RULE', message, {
      field: 'teamSize',
      institutionCode,
      needed,
      available,
      shortages,
      shortageCount,
      errors: [{ field: 'teamSize', message }],
    });
    this.name = 'InspectionTeamShortError';
  }
}

/** How affiliations and institution codes are compared (the draws' one rule, ../draws/public-draw.ts). */
export const normalizeInstitutionCode = normalizeForRecusal;

/** A credit weight: up to 2 places, e.g. "0.5", "1", "1.50". */
const WEIGHT = /^(\d{1,3})(?:\.(\d{1,2}))?$/;
/** A sample ratio in [0, 1] with up to 6 places (0 is refused separately). */
const RATIO = /^(?:0(?:\.\d{1,6})?|1(?:\.0{1,6})?)$/;

/** A weight in integer hundredths ("1.5" → 150), or null when it is not a valid weight. */
export function weightInHundredths(weight: string): number | null {
  const m = typeof weight === 'string' ? WEIGHT.exec(weight) : null;
  if (!m) {
    return null;
  }
  const units = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return units > 0 && units <= MAX_WEIGHT_HUNDREDTHS ? units : null;
}

/** ceil(ratio × candidates), exactly (integer arithmetic on the decimal digits). */
export function sampleSizeFromRatio(ratio: string, candidates: number): number {
  if (!RATIO.test(ratio) || !Number.isSafeInteger(candidates) || candidates < 0) {
    throw new RangeError(`sampleSizeFromRatio: bad ratio ${ratio} or count ${candidates}`);
  }
  const [whole, fraction = ''] = ratio.split('.');
  const numerator = BigInt(whole + fraction);
  const denominator = 10n ** BigInt(fraction.length);
  return Number((numerator * BigInt(candidates) + denominator - 1n) / denominator);
}

export { uniformBelow };

/** Step 6: the words of blocks SHA-256(`${seed}|${planId}|${label}|${j}`), j = 0, 1, 2, … */
export function inspectionStream(seed: string, planId: string, label: string): () => number {
  return sha256CounterWords(seed, planId, label);
}

type CanonicalValue = string | null | readonly string[];

function canonicalValue(v: CanonicalValue): string {
  // RFC 8785 writes strings exactly as ECMAScript JSON.stringify does.
  return Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(',')}]` : JSON.stringify(v);
}

/**
 * SHA-256 hex of the RFC 8785 canonical JSON of `rows`, rows of `keys` (given in UTF-16 order)
 * whose values are strings, null or arrays of strings. Byte for byte what canonicalHash(rows)
 * hashes (the spec checks it), but streamed into the hash without the generic serializer: on
 * 100,000 rows that is ~40 ms instead of ~250 ms and one 8 MB string.
 */
export function canonicalRowsHash<K extends string>(
  rows: readonly { readonly [key in K]: CanonicalValue }[],
  keys: readonly K[],
): string {
  const hash = createHash('sha256');
  const names = keys.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  let chunk = '[';
  rows.forEach((row, r) => {
    if (r > 0) {
      chunk += ',';
    }
    keys.forEach((k, i) => {
      chunk += names[i] + canonicalValue(row[k]);
    });
    chunk += '}';
    if (chunk.length > 65_536) {
      hash.update(chunk, 'utf8');
      chunk = '';
    }
  });
  hash.update(`${chunk}]`, 'utf8');
  return hash.digest('hex');
}

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Collects field errors, listing at most MAX_REPORTED_ERRORS and counting the rest. */
class ErrorList {
  readonly errors: FieldError[] = [];
  private omitted = 0;

  add(field: string, message: string): void {
    if (this.errors.length < MAX_REPORTED_ERRORS) {
      this.errors.push({ field, message });
    } else {
      this.omitted += 1;
    }
  }

  result(): FieldError[] {
    return this.omitted === 0
      ? this.errors
      : [...this.errors, { field: 'input', message: `${this.omitted} more invalid fields` }];
  }
}

function checkInput(input: InspectionDrawInput): FieldError[] {
  const e = new ErrorList();
  const { seed, planId, sample, institutionTypes, teamSize, weights } = input;
  if (typeof seed !== 'string' || seed.length === 0 || seed.length > MAX_SEED_LENGTH) {
    e.add('seed', `must be a non-empty string of at most ${MAX_SEED_LENGTH} characters`);
  }
  if (
    typeof planId !== 'string' ||
    planId.length === 0 ||
    planId.length > MAX_PLAN_ID_LENGTH ||
    planId.includes('|')
  ) {
    e.add(
      'planId',
      `must be a non-empty string of at most ${MAX_PLAN_ID_LENGTH} characters without "|"`,
    );
  }
  checkSample(sample, e);
  if (institutionTypes !== undefined) {
    if (!Array.isArray(institutionTypes)) {
      e.add('institutionTypes', `must be an array of ${INSTITUTION_TYPES.join(', ')}`);
    } else {
      institutionTypes.forEach((t: unknown, i) => {
        if (!(INSTITUTION_TYPES as readonly unknown[]).includes(t)) {
          e.add(`institutionTypes.${i}`, `must be one of ${INSTITUTION_TYPES.join(', ')}`);
        }
      });
    }
  }
  if (!Number.isInteger(teamSize) || teamSize < MIN_TEAM_SIZE || teamSize > MAX_TEAM_SIZE) {
    e.add(
      'teamSize',
      `must be a whole number from ${MIN_TEAM_SIZE} (Decree 735 art. 29: at least two inspectors) to ${MAX_TEAM_SIZE}`,
    );
  }
  if (!isPlainObject(weights)) {
    e.add('weights', `must be { ${CREDIT_GRADES.join(', ')} } of decimal strings`);
  } else {
    for (const key of Object.keys(weights)) {
      if (!(CREDIT_GRADES as readonly string[]).includes(key)) {
        e.add(`weights.${key}`, `unknown grade (expected ${CREDIT_GRADES.join(', ')})`);
      }
    }
    for (const g of CREDIT_GRADES) {
      if (weightInHundredths(weights[g]) === null) {
        e.add(
          `weights.${g}`,
          `must be a decimal string above 0 and at most ${MAX_CREDIT_WEIGHT}, with at most 2 places (e.g. "1.5")`,
        );
      }
    }
  }
  checkInstitutions(input.institutions, e);
  checkInspectors(input.inspectors, e);
  checkPrevious(input.previous, e);
  return e.result();
}

function checkSample(sample: unknown, e: ErrorList): void {
  if (!isPlainObject(sample) || 'ratio' in sample === 'size' in sample) {
    e.add('sample', 'must be either { ratio } or { size }');
    return;
  }
  if ('ratio' in sample) {
    const r = sample.ratio;
    if (typeof r !== 'string' || !RATIO.test(r) || /^0(\.0*)?$/.test(r)) {
      e.add(
        'sample.ratio',
        'must be a decimal string above 0 and at most 1, with at most 6 places (e.g. "0.10")',
      );
    }
  } else if (!Number.isSafeInteger(sample.size) || (sample.size as number) < 1) {
    e.add('sample.size', 'must be a whole number of at least 1');
  }
}

function checkInstitutions(rows: unknown, e: ErrorList): void {
  if (!Array.isArray(rows)) {
    e.add('institutions', 'must be an array of { id, code, type, grade }');
    return;
  }
  const ids = new Map<string, number>();
  const codes = new Map<string, number>();
  rows.forEach((row: unknown, i) => {
    const at = `institutions.${i}`;
    if (!isPlainObject(row)) {
      e.add(at, 'must be { id, code, type, grade }');
      return;
    }
    if (!isNonEmptyString(row.id)) {
      e.add(`${at}.id`, 'must be a non-empty string');
    } else if (ids.has(row.id)) {
      e.add(`${at}.id`, `${row.id} is already institutions.${ids.get(row.id)}`);
    } else {
      ids.set(row.id, i);
    }
    const code = isNonEmptyString(row.code) ? normalizeInstitutionCode(row.code) : '';
    if (code.length === 0) {
      e.add(`${at}.code`, 'must be a non-empty string');
    } else if (codes.has(code)) {
      // Recusal compares normalised codes: two codes that normalise alike would be ambiguous.
      e.add(
        `${at}.code`,
        `${String(row.code)} is already institutions.${codes.get(code)} (codes are compared after NFKC, trim and lower case)`,
      );
    } else {
      codes.set(code, i);
    }
    if (!(INSTITUTION_TYPES as readonly unknown[]).includes(row.type)) {
      e.add(`${at}.type`, `must be one of ${INSTITUTION_TYPES.join(', ')}`);
    }
    if (!(CREDIT_GRADES as readonly unknown[]).includes(row.grade)) {
      e.add(`${at}.grade`, `must be one of ${CREDIT_GRADES.join(', ')}`);
    }
  });
}

function checkInspectors(rows: unknown, e: ErrorList): void {
  if (!Array.isArray(rows)) {
    e.add('inspectors', 'must be an array of { userId, affiliation }');
    return;
  }
  const seen = new Map<string, number>();
  rows.forEach((row: unknown, i) => {
    const at = `inspectors.${i}`;
    if (!isPlainObject(row)) {
      e.add(at, 'must be { userId, affiliation }');
      return;
    }
    if (!isNonEmptyString(row.userId)) {
      e.add(`${at}.userId`, 'must be a non-empty string');
    } else if (seen.has(row.userId)) {
      e.add(`${at}.userId`, `${row.userId} is already inspectors.${seen.get(row.userId)}`);
    } else {
      seen.set(row.userId, i);
    }
    if (row.affiliation !== null && row.affiliation !== undefined) {
      if (typeof row.affiliation !== 'string') {
        e.add(`${at}.affiliation`, 'must be a string or null');
      }
    }
  });
}

function checkPrevious(rows: unknown, e: ErrorList): void {
  if (!Array.isArray(rows)) {
    e.add('previous', 'must be an array of { institutionCode, inspectorIds }');
    return;
  }
  const codes = new Map<string, number>();
  rows.forEach((row: unknown, i) => {
    const at = `previous.${i}`;
    if (!isPlainObject(row)) {
      e.add(at, 'must be { institutionCode, inspectorIds }');
      return;
    }
    const code = isNonEmptyString(row.institutionCode)
      ? normalizeInstitutionCode(row.institutionCode)
      : '';
    if (code.length === 0) {
      e.add(`${at}.institutionCode`, 'must be a non-empty string');
    } else if (codes.has(code)) {
      e.add(
        `${at}.institutionCode`,
        `${String(row.institutionCode)} is already previous.${codes.get(code)}: one team per institution`,
      );
    } else {
      codes.set(code, i);
    }
    if (!Array.isArray(row.inspectorIds) || !row.inspectorIds.every(isNonEmptyString)) {
      e.add(`${at}.inspectorIds`, 'must be an array of non-empty userIds');
    }
  });
}

/** The canonical lists (steps 1–3) of a validated input. */
function canonicalLists(
  input: InspectionDrawInput,
  types: readonly InstitutionType[],
): {
  institutionCandidates: InstitutionCandidate[];
  inspectorCandidates: InspectorCandidate[];
  previous: PreviousTeam[];
} {
  const wanted = new Set<string>(types);
  const institutionCandidates: InstitutionCandidate[] = [];
  for (const r of input.institutions) {
    if (wanted.has(r.type)) {
      institutionCandidates.push({ id: r.id, code: r.code, type: r.type, grade: r.grade });
    }
  }
  institutionCandidates.sort((a, b) => byCodeUnits(a.code, b.code));
  const inspectorCandidates = input.inspectors
    .map((r) => ({ userId: r.userId, affiliation: r.affiliation ?? null }))
    .sort((a, b) => byCodeUnits(a.userId, b.userId));
  const previous = input.previous
    .map((r) => ({
      institutionCode: r.institutionCode,
      inspectorIds: [...new Set(r.inspectorIds)].sort(byCodeUnits),
    }))
    .sort((a, b) => byCodeUnits(a.institutionCode, b.institutionCode));
  return { institutionCandidates, inspectorCandidates, previous };
}

/**
 * Step 5: for each normalised institution code with any recusal, the canonical indices of the
 * recused inspectors (unique, ascending).
 */
function recusalsByCode(
  inspectors: readonly InspectorCandidate[],
  previous: readonly PreviousTeam[],
): Map<string, number[]> {
  const byCode = new Map<string, Set<number>>();
  const add = (code: string, index: number): void => {
    const set = byCode.get(code);
    if (set) {
      set.add(index);
    } else {
      byCode.set(code, new Set([index]));
    }
  };
  const indexOf = new Map<string, number>();
  inspectors.forEach((p, i) => {
    indexOf.set(p.userId, i);
    if (p.affiliation !== null) {
      const a = normalizeInstitutionCode(p.affiliation);
      if (a.length > 0) {
        add(a, i);
      }
    }
  });
  for (const row of previous) {
    const code = normalizeInstitutionCode(row.institutionCode);
    for (const id of row.inspectorIds) {
      const i = indexOf.get(id);
      if (i !== undefined) {
        add(code, i);
      }
    }
  }
  const out = new Map<string, number[]>();
  for (const [code, set] of byCode) {
    out.set(
      code,
      [...set].sort((a, b) => a - b),
    );
  }
  return out;
}

/** Highest power of two ≤ n (n ≥ 1). */
function topBit(n: number): number {
  let b = 1;
  while (b * 2 <= n) {
    b *= 2;
  }
  return b;
}

/**
 * Step 7 with a Fenwick tree over the canonical order: k indices into `w`, in draw order.
 * `find(r)` returns the first index whose cumulative weight exceeds r; removal sets it to 0.
 */
function drawWeighted(w: readonly number[], k: number, next: () => number): number[] {
  const n = w.length;
  const tree = new Float64Array(n + 1);
  let total = 0;
  for (let i = 1; i <= n; i += 1) {
    tree[i] += w[i - 1];
    total += w[i - 1];
    const parent = i + (i & -i);
    if (parent <= n) {
      tree[parent] += tree[i];
    }
  }
  const high = topBit(n);
  const drawn: number[] = [];
  for (let t = 0; t < k; t += 1) {
    let rest = uniformBelow(total, next);
    let pos = 0;
    for (let step = high; step > 0; step >>= 1) {
      const probe = pos + step;
      if (probe <= n && tree[probe] <= rest) {
        pos = probe;
        rest -= tree[probe];
      }
    }
    // pos = number of leading items whose cumulative weight is ≤ r: item `pos` (0-based) holds r.
    drawn.push(pos);
    const weight = w[pos];
    total -= weight;
    for (let i = pos + 1; i <= n; i += i & -i) {
      tree[i] -= weight;
    }
  }
  return drawn;
}

/**
 * Inspectors grouped by load: per load level, a Fenwick tree of 0/1 counts over the canonical
 * order, so "the j-th inspector of load L in userId order" costs O(log m).
 */
class LoadLevels {
  readonly load: Int32Array;
  private readonly levels: (Int32Array | undefined)[] = [];
  private readonly counts: number[] = [];
  private readonly high: number;
  minLevel = 0;

  constructor(private readonly m: number) {
    this.load = new Int32Array(m);
    this.high = topBit(Math.max(1, m));
    const first = new Int32Array(m + 1);
    for (let i = 1; i <= m; i += 1) {
      first[i] = i & -i; // every inspector at load 0
    }
    this.levels.push(first);
    this.counts.push(m);
  }

  count(level: number): number {
    return this.counts[level] ?? 0;
  }

  private tree(level: number): Int32Array {
    let t = this.levels[level];
    if (!t) {
      t = new Int32Array(this.m + 1);
      this.levels[level] = t;
      this.counts[level] = 0;
    }
    return t;
  }

  private add(level: number, index: number, delta: number): void {
    const t = this.tree(level);
    for (let i = index + 1; i <= this.m; i += i & -i) {
      t[i] += delta;
    }
  }

  /** The index of the j-th (0-based) inspector at `level`, in canonical order, ignoring `skip`. */
  select(level: number, j: number, skip: readonly number[]): number {
    const t = this.tree(level);
    for (const x of skip) {
      this.add(level, x, -1);
    }
    let pos = 0;
    let rest = j;
    for (let step = this.high; step > 0; step >>= 1) {
      const probe = pos + step;
      if (probe <= this.m && t[probe] <= rest) {
        pos = probe;
        rest -= t[probe];
      }
    }
    for (const x of skip) {
      this.add(level, x, 1);
    }
    return pos;
  }

  /** One more team for inspector `index`. */
  promote(index: number): void {
    const level = this.load[index];
    this.add(level, index, -1);
    this.counts[level] -= 1;
    this.add(level + 1, index, 1);
    this.counts[level + 1] += 1;
    this.load[index] = level + 1;
    while (this.counts[this.minLevel] === 0) {
      this.levels[this.minLevel] = undefined; // nobody ever comes back down
      this.minLevel += 1;
    }
  }
}

/** Step 8 for one institution: the canonical indices of its team, in seat order. */
function drawTeam(
  levels: LoadLevels,
  recused: readonly number[],
  teamSize: number,
  next: () => number,
): number[] {
  const team: number[] = [];
  const excluded = [...recused];
  for (let seat = 0; seat < teamSize; seat += 1) {
    for (let level = levels.minLevel; ; level += 1) {
      const skip = excluded.filter((x) => levels.load[x] === level);
      const available = levels.count(level) - skip.length;
      if (available > 0) {
        const chosen = levels.select(level, uniformBelow(available, next), skip);
        levels.promote(chosen);
        team.push(chosen);
        excluded.push(chosen);
        break;
      }
    }
  }
  return team;
}

/**
 * Draws an inspection plan (algorithm above). Same input → same record, whatever the order of
 * the directory rows. Throws InvalidInspectionDrawInputError on malformed input,
 * InspectionSampleError when there is no candidate or the sample is larger than the candidates,
 * and InspectionTeamShortError when recusal leaves an institution fewer than `teamSize`
 * inspectors; nothing is drawn unless every check passes.
 */
export function drawInspection(input: InspectionDrawInput): InspectionDrawRecord {
  const errors = checkInput(input);
  if (errors.length > 0) {
    throw new InvalidInspectionDrawInputError(errors);
  }
  const requested = new Set(input.institutionTypes ?? []);
  const institutionTypes = INSTITUTION_TYPES.filter(
    (t) => requested.size === 0 || requested.has(t),
  );
  const weights: Record<CreditGrade, string> = {
    A: input.weights.A,
    B: input.weights.B,
    C: input.weights.C,
    D: input.weights.D,
    E: input.weights.E,
  };
  const sample: InspectionSample =
    'ratio' in input.sample ? { ratio: input.sample.ratio } : { size: input.sample.size };
  const { teamSize } = input;
  const { institutionCandidates, inspectorCandidates, previous } = canonicalLists(
    input,
    institutionTypes,
  );

  const n = institutionCandidates.length;
  const sampleSize = 'ratio' in sample ? sampleSizeFromRatio(sample.ratio, n) : sample.size;
  if (n === 0) {
    throw new InspectionSampleError(
      'institutions',
      sampleSize,
      0,
      `No institution of type ${institutionTypes.join(', ')} in the directory: nothing to draw.`,
    );
  }
  if (sampleSize > n) {
    throw new InspectionSampleError(
      'sampleSize',
      sampleSize,
      n,
      `Cannot draw ${sampleSize} institutions from ${n} candidates.`,
    );
  }
  const hundredths: Record<CreditGrade, number> = {
    A: weightInHundredths(weights.A) as number,
    B: weightInHundredths(weights.B) as number,
    C: weightInHundredths(weights.C) as number,
    D: weightInHundredths(weights.D) as number,
    E: weightInHundredths(weights.E) as number,
  };
  const w = institutionCandidates.map((c) => hundredths[c.grade]);
  const totalWeight = w.reduce((s, x) => s + x, 0);
  if (totalWeight > TWO_POW_32) {
    throw new InvalidInspectionDrawInputError([
      {
        field: 'institutions',
        message: `too many candidates for these weights: the total weight (${totalWeight} hundredths) exceeds 2^32`,
      },
    ]);
  }

  // Step 5, checked for every candidate before anything is drawn.
  const m = inspectorCandidates.length;
  const recusals = recusalsByCode(inspectorCandidates, previous);
  const normalizedCodes = institutionCandidates.map((c) => normalizeInstitutionCode(c.code));
  const shortages: TeamShortage[] = [];
  let shortageCount = 0;
  normalizedCodes.forEach((code, i) => {
    const available = m - (recusals.get(code)?.length ?? 0);
    if (available < teamSize) {
      shortageCount += 1;
      if (shortages.length < MAX_REPORTED_SHORTAGES) {
        shortages.push({
          institutionCode: institutionCandidates[i].code,
          needed: teamSize,
          available,
        });
      }
    }
  });
  if (shortageCount > 0) {
    const [first] = shortages;
    throw new InspectionTeamShortError(
      first.institutionCode,
      first.needed,
      first.available,
      shortages,
      shortageCount,
    );
  }

  const drawnIndices = drawWeighted(
    w,
    sampleSize,
    inspectionStream(input.seed, input.planId, 'INSTITUTIONS'),
  );

  const levels = new LoadLevels(m);
  const nextTeamWord = inspectionStream(input.seed, input.planId, 'TEAMS');
  const noRecusal: number[] = [];
  const institutions: DrawnInstitution[] = [];
  const teams: InspectionTeam[] = [];
  for (const i of drawnIndices) {
    const c = institutionCandidates[i];
    const team = drawTeam(
      levels,
      recusals.get(normalizedCodes[i]) ?? noRecusal,
      teamSize,
      nextTeamWord,
    );
    institutions.push({ id: c.id, code: c.code, grade: c.grade });
    teams.push({
      institutionId: c.id,
      institutionCode: c.code,
      inspectorIds: team.map((x) => inspectorCandidates[x].userId),
    });
  }
  let min = Infinity;
  let max = 0;
  for (const l of levels.load) {
    min = Math.min(min, l);
    max = Math.max(max, l);
  }

  return {
    algorithm: INSPECTION_DRAW_ALGORITHM,
    seed: input.seed,
    planId: input.planId,
    sample,
    institutionTypes,
    teamSize,
    weights,
    institutionCandidates,
    institutionsHash: canonicalRowsHash(institutionCandidates, ['code', 'grade', 'id', 'type']),
    inspectorCandidates,
    inspectorsHash: canonicalRowsHash(inspectorCandidates, ['affiliation', 'userId']),
    previous,
    previousHash: canonicalRowsHash(previous, ['inspectorIds', 'institutionCode']),
    sampleSize,
    institutions,
    teams,
    workload: { min, max },
  };
}

export type InspectionDrawVerification = DrawVerification;

const RECORD_KEYS = [
  'algorithm',
  'seed',
  'planId',
  'sample',
  'institutionTypes',
  'teamSize',
  'weights',
  'institutionCandidates',
  'institutionsHash',
  'inspectorCandidates',
  'inspectorsHash',
  'previous',
  'previousHash',
  'sampleSize',
  'institutions',
  'teams',
  'workload',
] as const;

/** The directory as it was at the draw, to check a record against it instead of its own lists. */
export interface InspectionDrawSources {
  institutions?: InstitutionCandidate[];
  inspectors?: InspectorCandidate[];
  previous?: PreviousTeam[];
}

/**
 * Re-runs a published draw from the record's own inputs (seed, planId, sample, types, team size,
 * weights and the three canonical lists) and compares every part of the record. The re-run
 * recomputes the hashes, so an edited list no longer matches its hash; an edited result no longer
 * matches the re-run. Pass `sources` (the directory as it was) to check the lists against it.
 * Keys other than the draw's own (e.g. a timestamp the service adds) are ignored.
 */
export function verifyInspectionDraw(
  record: InspectionDrawRecord,
  sources: InspectionDrawSources = {},
): InspectionDrawVerification {
  return verifyByRerun(record, INSPECTION_DRAW_ALGORITHM, RECORD_KEYS, () =>
    drawInspection({
      seed: record.seed,
      planId: record.planId,
      sample: record.sample,
      institutionTypes: record.institutionTypes,
      teamSize: record.teamSize,
      weights: record.weights,
      institutions: sources.institutions ?? record.institutionCandidates,
      inspectors: sources.inspectors ?? record.inspectorCandidates,
      previous: sources.previous ?? record.previous,
    }),
  );
}
