import { createHash } from 'node:crypto';

/**
 * The public, reproducible randomness of the bureau's draws (expert panels, double-random
 * inspections): a SHA-256 counter-mode stream anyone can recompute from the published seed, read
 * as 32-bit words, and rejection sampling so that no integer range is favoured.
 */

export const TWO_POW_32 = 2 ** 32;

/**
 * The stream labelled `parts`: block c (c = 0, 1, 2, …) = SHA-256 of the UTF-8 text
 * `${parts.join('|')}|${c}` (c in decimal); the stream is block 0 ‖ block 1 ‖ …, read as
 * consecutive big-endian unsigned 32-bit words.
 */
export function sha256CounterWords(...parts: string[]): () => number {
  const prefix = `${parts.join('|')}|`;
  let counter = 0;
  let block: Buffer = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + 4 > block.length) {
      block = createHash('sha256').update(`${prefix}${counter}`, 'utf8').digest();
      counter += 1;
      offset = 0;
    }
    const word = block.readUInt32BE(offset);
    offset += 4;
    return word;
  };
}

/**
 * A uniform integer in [0, m) from a source of uniform unsigned 32-bit words, by rejection
 * sampling: words at or above the largest multiple of m below 2^32 are discarded.
 */
export function uniformBelow(m: number, nextWord: () => number): number {
  if (!Number.isInteger(m) || m < 1 || m > TWO_POW_32) {
    throw new RangeError(`uniformBelow: m must be an integer from 1 to 2^32 (got ${m})`);
  }
  const limit = TWO_POW_32 - (TWO_POW_32 % m);
  for (;;) {
    const u = nextWord();
    if (u < limit) {
      return u % m;
    }
  }
}
