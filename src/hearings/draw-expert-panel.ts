import { canonicalHash, canonicalJson } from '../common/canonical-hash';
import { isPlainObject } from '../common/checks';
import { DomainError, type FieldError } from '../common/errors/domain-error';
import { sha256CounterWords, uniformBelow } from '../common/random-stream';
import {
  byCodeUnits,
  type DrawVerification,
  normalizeForRecusal,
  verifyByRerun,
} from '../draws/public-draw';

/**
 * Random expert panels for special-hardship hearings (特殊医疗救助专家库, docs/domain.md §2), drawn the
 * way docs/domain.md §4 asks of the inspection draw: reproducible and verifiable by anyone from the
 * published seed, algorithm, canonical candidate list and its SHA-256.
 *
 * Pure: no I/O, no clock, no Math.random. The caller supplies the seed (e.g. 32 random bytes as
 * hex) and stores the returned record on the case.
 *
 * ## Algorithm `sha256-ctr-fisher-yates-v1`
 *
 * 1. **Eligible candidates.** A candidate is eligible unless `active === false`, its `userId` is
 *    in `excludeUserIds` (exact match), or its affiliation matches one of `excludeAffiliations`
 *    (the treating institutions: 回避). Affiliations are compared after `normalizeAffiliation`:
 *    Unicode NFKC (full-width → half-width), trim, inner whitespace collapsed, lower case. A null
 *    or blank affiliation is never recused.
 * 2. **Canonical list.** The eligible candidates as `{ userId, expertField, affiliation }`, sorted by
 *    `userId` (UTF-16 code units, the order RFC 8785 uses for keys); `candidatesHash` = SHA-256 hex
 *    of its RFC 8785 canonical JSON. The input order of the candidates never matters.
 * 3. **Per field**, in the fixed order MEDICAL, INSURANCE, FINANCE, with `k` = composition[field]
 *    (a field with k = 0 is skipped and consumes nothing):
 *    - `list` = the userIds of the field's eligible candidates in canonical order, `n` its length;
 *      n < k → `PanelShortError` (checked for every field before anything is drawn).
 *    - A byte stream: block c (c = 0, 1, 2, …) = SHA-256 of the UTF-8 text `${seed}|${field}|${c}`
 *      (c in decimal); the stream is block 0 ‖ block 1 ‖ …, read as consecutive big-endian
 *      unsigned 32-bit words.
 *    - `below(m)`: read a word u; accept when u < 2^32 − (2^32 mod m) and return u mod m, else read
 *      the next word (rejection sampling: no modulo bias).
 *    - Partial Fisher–Yates: for i = 0 … k−1: j = i + below(n − i); swap list[i] and list[j].
 *      The field's experts are list[0 … k−1], in that order.
 * 4. **Panel** = the fields' picks concatenated in the fixed field order. A user appears in the pool
 *    once (duplicate userIds are refused), so nobody can sit twice on one panel.
 *
 * Replacing non-responders (docs/domain.md §7 hardship-hearing): draw again with a new seed, a
 * composition counting only the seats to fill (`compositionOf(nonResponders)`), and
 * `excludeUserIds` = the current panel and every earlier non-responder.
 */

export const EXPERT_FIELDS = ['MEDICAL', 'INSURANCE', 'FINANCE'] as const;
export type ExpertField = (typeof EXPERT_FIELDS)[number];
/** Seats per field. */
export type PanelComposition = Record<ExpertField, number>;

/** docs/domain.md §2: at least one expert each of medicine, medical insurance and finance. */
export const DEFAULT_PANEL_COMPOSITION: Readonly<PanelComposition> = Object.freeze({
  MEDICAL: 1,
  INSURANCE: 1,
  FINANCE: 1,
});

export const PANEL_DRAW_ALGORITHM = 'sha256-ctr-fisher-yates-v1';
export type PanelDrawAlgorithm = typeof PANEL_DRAW_ALGORITHM;

/** Largest number of seats a field may ask for in one draw; more is a typo, not a policy. */
export const MAX_SEATS_PER_FIELD = 50;
const MAX_SEED_LENGTH = 512;

/** An expert of the pool (a user with role EXPERT). */
export interface ExpertCandidate {
  userId: string;
  expertField: ExpertField;
  affiliation: string | null;
  /** false = not drawable (left the pool); absent = active. */
  active?: boolean;
}

/** An eligible candidate as it enters the canonical list and its hash. */
export interface CanonicalCandidate {
  userId: string;
  expertField: ExpertField;
  affiliation: string | null;
}

export interface PanelDrawInput {
  seed: string;
  candidates: readonly ExpertCandidate[];
  /** Seats per field; default DEFAULT_PANEL_COMPOSITION (the policy's panelComposition). */
  composition?: Readonly<PanelComposition>;
  /** The treating institutions of the person's expenses: their affiliates are recused. */
  excludeAffiliations?: readonly string[];
  /** Already on the panel, or non-responders being replaced. */
  excludeUserIds?: readonly string[];
}

export interface PanelMember {
  userId: string;
  expertField: ExpertField;
}

/** Everything needed to reproduce and verify a draw; stored on the case as is. */
export interface PanelDrawRecord {
  algorithm: PanelDrawAlgorithm;
  seed: string;
  composition: PanelComposition;
  /** Normalised (normalizeAffiliation), unique, sorted. */
  excludeAffiliations: string[];
  /** Unique, sorted. */
  excludeUserIds: string[];
  /** The canonical list of eligible candidates (sorted by userId). */
  candidates: CanonicalCandidate[];
  /** SHA-256 hex of the RFC 8785 canonical JSON of `candidates`. */
  candidatesHash: string;
  /** Eligible userIds per field, in canonical order (what each field's shuffle starts from). */
  eligible: Record<ExpertField, string[]>;
  panel: PanelMember[];
}

/** Not enough eligible experts in a field (pool too small after recusal and exclusions). */
export class PanelShortError extends DomainError {
  constructor(
    readonly field: ExpertField,
    readonly needed: number,
    readonly available: number,
    readonly shortages: { field: ExpertField; needed: number; available: number }[] = [
      { field, needed, available },
    ],
  ) {
    super(
      'BUSINESS_RULE',
      `Not enough eligible ${field} experts for the panel: ${needed} needed, ${available} available ` +
        '(after recusal of experts affiliated with a treating institution and exclusion of current ' +
        'or replaced panel members)' +
        (shortages.length > 1
          ? `; also short: ${shortages
              .slice(1)
              .map((s) => `${s.field} (${s.needed} needed, ${s.available} available)`)
              .join(', ')}`
          : '') +
        '.',
      { field, needed, available, shortages },
    );
    this.name = 'PanelShortError';
  }
}

/** Malformed draw input, every bad field named. */
export class InvalidPanelDrawInputError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super('VALIDATION_FAILED', 'The panel draw input has invalid fields.', {
      errors: fieldErrors,
    });
    this.name = 'InvalidPanelDrawInputError';
  }
}

/** How affiliations are compared (the draws' one rule, ../draws/public-draw.ts). */
export const normalizeAffiliation = normalizeForRecusal;

/** Seats per field of a set of members, e.g. the non-responders to replace. */
export function compositionOf(members: readonly { expertField: ExpertField }[]): PanelComposition {
  const out: PanelComposition = { MEDICAL: 0, INSURANCE: 0, FINANCE: 0 };
  for (const m of members) {
    out[m.expertField] += 1;
  }
  return out;
}

// The stream of one field is sha256CounterWords(seed, field): blocks SHA-256(`${seed}|${field}|${c}`).
export { sha256CounterWords, uniformBelow };

function checkInput(input: PanelDrawInput): FieldError[] {
  const errors: FieldError[] = [];
  const { seed, candidates, composition, excludeAffiliations, excludeUserIds } = input;
  if (typeof seed !== 'string' || seed.length === 0 || seed.length > MAX_SEED_LENGTH) {
    errors.push({
      field: 'seed',
      message: `must be a non-empty string of at most ${MAX_SEED_LENGTH} characters`,
    });
  }
  if (!Array.isArray(candidates)) {
    errors.push({ field: 'candidates', message: 'must be an array of experts' });
  } else {
    const seen = new Map<string, number>();
    candidates.forEach((c: unknown, i) => {
      const at = `candidates.${i}`;
      if (!isPlainObject(c)) {
        errors.push({ field: at, message: 'must be { userId, expertField, affiliation }' });
        return;
      }
      if (typeof c.userId !== 'string' || c.userId.length === 0) {
        errors.push({ field: `${at}.userId`, message: 'must be a non-empty string' });
      } else if (seen.has(c.userId)) {
        errors.push({
          field: `${at}.userId`,
          message: `${c.userId} is already candidates.${seen.get(c.userId)}: an expert is in the pool once, in one field`,
        });
      } else {
        seen.set(c.userId, i);
      }
      if (!(EXPERT_FIELDS as readonly unknown[]).includes(c.expertField)) {
        errors.push({
          field: `${at}.expertField`,
          message: `must be one of ${EXPERT_FIELDS.join(', ')}`,
        });
      }
      if (
        c.affiliation !== null &&
        c.affiliation !== undefined &&
        typeof c.affiliation !== 'string'
      ) {
        errors.push({ field: `${at}.affiliation`, message: 'must be a string or null' });
      }
      if (c.active !== undefined && typeof c.active !== 'boolean') {
        errors.push({ field: `${at}.active`, message: 'must be a boolean when given' });
      }
    });
  }
  if (composition !== undefined) {
    if (!isPlainObject(composition)) {
      errors.push({ field: 'composition', message: 'must be { MEDICAL, INSURANCE, FINANCE }' });
    } else {
      for (const key of Object.keys(composition)) {
        if (!(EXPERT_FIELDS as readonly string[]).includes(key)) {
          errors.push({
            field: `composition.${key}`,
            message: `unknown field (expected ${EXPERT_FIELDS.join(', ')})`,
          });
        }
      }
      for (const f of EXPERT_FIELDS) {
        const v = composition[f];
        if (!Number.isInteger(v) || v < 0 || v > MAX_SEATS_PER_FIELD) {
          errors.push({
            field: `composition.${f}`,
            message: `must be a whole number of seats from 0 to ${MAX_SEATS_PER_FIELD}`,
          });
        }
      }
      if (EXPERT_FIELDS.every((f) => composition[f] === 0)) {
        errors.push({ field: 'composition', message: 'must ask for at least one seat' });
      }
    }
  }
  for (const [name, list] of [
    ['excludeAffiliations', excludeAffiliations],
    ['excludeUserIds', excludeUserIds],
  ] as const) {
    if (list === undefined) {
      continue;
    }
    if (!Array.isArray(list)) {
      errors.push({ field: name, message: 'must be an array of strings' });
      continue;
    }
    list.forEach((v: unknown, i) => {
      if (typeof v !== 'string') {
        errors.push({ field: `${name}.${i}`, message: 'must be a string' });
      }
    });
  }
  return errors;
}

/**
 * Draws a panel (algorithm above). Same input → same record, whatever the order of the
 * candidates and exclusions. Throws InvalidPanelDrawInputError on malformed input and
 * PanelShortError when a field has fewer eligible experts than seats.
 */
export function drawExpertPanel(input: PanelDrawInput): PanelDrawRecord {
  const errors = checkInput(input);
  if (errors.length > 0) {
    throw new InvalidPanelDrawInputError(errors);
  }
  const composition: PanelComposition = {
    MEDICAL: (input.composition ?? DEFAULT_PANEL_COMPOSITION).MEDICAL,
    INSURANCE: (input.composition ?? DEFAULT_PANEL_COMPOSITION).INSURANCE,
    FINANCE: (input.composition ?? DEFAULT_PANEL_COMPOSITION).FINANCE,
  };
  const excludeAffiliations = [
    ...new Set((input.excludeAffiliations ?? []).map(normalizeAffiliation)),
  ]
    .filter((a) => a.length > 0)
    .sort(byCodeUnits);
  const excludeUserIds = [...new Set(input.excludeUserIds ?? [])].sort(byCodeUnits);
  const recusedAffiliations = new Set(excludeAffiliations);
  const excludedUsers = new Set(excludeUserIds);

  const candidates: CanonicalCandidate[] = input.candidates
    .filter(
      (c) =>
        c.active !== false &&
        !excludedUsers.has(c.userId) &&
        !(
          typeof c.affiliation === 'string' &&
          recusedAffiliations.has(normalizeAffiliation(c.affiliation))
        ),
    )
    .map((c) => ({
      userId: c.userId,
      expertField: c.expertField,
      affiliation: c.affiliation ?? null,
    }))
    .sort((a, b) => byCodeUnits(a.userId, b.userId));

  const eligible: Record<ExpertField, string[]> = { MEDICAL: [], INSURANCE: [], FINANCE: [] };
  for (const c of candidates) {
    eligible[c.expertField].push(c.userId);
  }

  const shortages = EXPERT_FIELDS.filter((f) => eligible[f].length < composition[f]).map((f) => ({
    field: f,
    needed: composition[f],
    available: eligible[f].length,
  }));
  if (shortages.length > 0) {
    const [first] = shortages;
    throw new PanelShortError(first.field, first.needed, first.available, shortages);
  }

  const panel: PanelMember[] = [];
  for (const field of EXPERT_FIELDS) {
    const k = composition[field];
    if (k === 0) {
      continue;
    }
    const list = [...eligible[field]];
    const next = sha256CounterWords(input.seed, field);
    for (let i = 0; i < k; i += 1) {
      const j = i + uniformBelow(list.length - i, next);
      [list[i], list[j]] = [list[j], list[i]];
      panel.push({ userId: list[i], expertField: field });
    }
  }

  return {
    algorithm: PANEL_DRAW_ALGORITHM,
    seed: input.seed,
    composition,
    excludeAffiliations,
    excludeUserIds,
    candidates,
    candidatesHash: canonicalHash(candidates),
    eligible,
    panel,
  };
}

export type PanelDrawVerification = DrawVerification;

const RECORD_KEYS = [
  'algorithm',
  'seed',
  'composition',
  'excludeAffiliations',
  'excludeUserIds',
  'candidates',
  'candidatesHash',
  'eligible',
  'panel',
] as const;

/**
 * Re-runs a stored draw and compares every part of the record. `candidates` defaults to the
 * record's own canonical list (anyone can verify from the record alone: the re-run recomputes the
 * hash, so an edited list no longer matches `candidatesHash`); pass the expert pool as it was at
 * the draw to check the record against it instead. From the record alone, verification proves
 * that the panel follows from the seed and the published candidate list, and that the list is the
 * one `candidatesHash` commits to; that the list is the pool minus recusals and exclusions needs
 * the pool. Keys other than the draw's own (e.g. a timestamp the service adds) are ignored.
 */
export function verifyPanelDraw(
  record: PanelDrawRecord,
  candidates: readonly ExpertCandidate[] = record.candidates,
): PanelDrawVerification {
  return verifyByRerun(
    record,
    PANEL_DRAW_ALGORITHM,
    RECORD_KEYS,
    () =>
      drawExpertPanel({
        seed: record.seed,
        candidates,
        composition: record.composition,
        excludeAffiliations: record.excludeAffiliations,
        excludeUserIds: record.excludeUserIds,
      }),
    (a, b) => canonicalJson(a) === canonicalJson(b),
  );
}
