/*
 * What the two public draws share (随机抽取 that anyone can re-run from the published record): the
 * inspection draw (双随机一公开, ../inspections/draw-inspection.ts) and the hearing's expert panel
 * (../hearings/draw-expert-panel.ts). Each draw keeps its own algorithm; this module holds the parts
 * that must behave the same in both: how names are compared for recusal (回避), the canonical
 * order, and verification by re-running (the random stream is ../common/random-stream). Pure.
 */
import { isPlainObject } from '../common/checks';

/**
 * How affiliations and institution codes are compared: Unicode NFKC (full-width → half-width),
 * trimmed, inner whitespace collapsed, lower case. A recusal must not fail on how a name was typed.
 */
export function normalizeForRecusal(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The canonical order of ids and codes: UTF-16 code units, the order RFC 8785 uses for keys. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Structural equality of JSON values (what equal canonical JSON means), without serialising. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    return (
      keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length &&
      keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]))
    );
  }
  return false;
}

export interface DrawVerification {
  matches: boolean;
  /** The parts of the record that a re-run does not reproduce (empty when it matches). */
  mismatches: string[];
}

/**
 * Verifies a published draw by re-running it: refuses a record that is not an object or names
 * another algorithm, runs `rerun` (a throw is a mismatch, not an error: a tampered record may not
 * even be valid input), and lists the `keys` whose values differ. Keys other than the draw's own
 * (e.g. a timestamp the service adds) are ignored.
 */
export function verifyByRerun<R extends object>(
  record: R,
  algorithm: string,
  keys: readonly (keyof R & string)[],
  rerun: () => R,
  same: (a: unknown, b: unknown) => boolean = sameJson,
): DrawVerification {
  if (!isPlainObject(record)) {
    return { matches: false, mismatches: ['record: not an object'] };
  }
  const recorded: unknown = record.algorithm;
  if (recorded !== algorithm) {
    return {
      matches: false,
      mismatches: [`algorithm: ${JSON.stringify(recorded)} is not ${algorithm}`],
    };
  }
  let again: R;
  try {
    again = rerun();
  } catch (e) {
    return {
      matches: false,
      mismatches: [`re-run failed: ${e instanceof Error ? e.message : String(e)}`],
    };
  }
  const mismatches: string[] = keys.filter((key) => !same(record[key], again[key]));
  return { matches: mismatches.length === 0, mismatches };
}
