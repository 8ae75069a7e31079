/*
 * Pure (its one import is pure too), so the web app (web/, Vite) checks IDs as they are typed with
 * this same code.
 */
import { shanghaiDate } from '../time/shanghai';

/**
 * GB 11643-1999 citizen identity number (公民身份号码), 18 characters:
 * 6-digit address code, 8-digit birth date YYYYMMDD (positions 7-14), 3-digit sequence, and an
 * ISO 7064 MOD 11-2 check character (0-9 or X).
 *
 * The address code is not checked against the administrative-division table (it changes over
 * time and old codes stay valid on issued cards).
 */

/** Weights of the first 17 digits: 2^(18-i) mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for (Σ digit × weight) mod 11 = 0..10. */
const CHECK_CHARS = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'] as const;

/** The check character the first 17 digits call for. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += Number(first17[i]) * WEIGHTS[i];
  }
  return CHECK_CHARS[sum % 11];
}

/** Upper-cases a trailing x (the only letter allowed); everything else is returned unchanged. */
export function normaliseResidentId(id: string): string {
  return id.length === 18 && id.endsWith('x') ? `${id.slice(0, 17)}X` : id;
}

/**
 * Checks a resident ID. Returns null when valid, else a short reason naming what is wrong
 * (length, characters, birth date or check digit). A lowercase trailing x is accepted.
 * `today` bounds the birth date (no birth in the future, in China Standard Time).
 */
export function validateResidentId(id: unknown, today: Date = new Date()): string | null {
  if (typeof id !== 'string') {
    return 'resident ID must be a string';
  }
  if (id.length !== 18) {
    return `resident ID length must be 18 characters, got ${id.length}`;
  }
  if (!/^\d{17}[\dXx]$/.test(id)) {
    return 'resident ID characters: the first 17 must be digits and the last a digit or X';
  }
  const birth = id.slice(6, 14);
  const year = Number(birth.slice(0, 4));
  const month = Number(birth.slice(4, 6));
  const day = Number(birth.slice(6, 8));
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > lastDay) {
    return `resident ID birth date ${birth} is not a real date`;
  }
  if (year < 1900) {
    return `resident ID birth date ${birth} is before 1900`;
  }
  const todayInChina = shanghaiDate(today).replaceAll('-', '');
  if (birth > todayInChina) {
    return `resident ID birth date ${birth} is in the future`;
  }
  const expected = residentIdCheckChar(id);
  const actual = id[17].toUpperCase();
  if (actual !== expected) {
    return `resident ID check digit is ${actual}, expected ${expected}`;
  }
  return null;
}
