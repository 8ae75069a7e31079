import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Nearest-rank percentile (0 < p ≤ 100) of an ascending array; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A valid resident ID number (GB 11643 check character) for bench applicant `n`. */
export function residentId(n: number): string {
  const day = 1 + (Math.floor(n / 1000) % 28);
  const month = 1 + (Math.floor(n / 28000) % 12);
  const first17 = `3301061980${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}

/**
 * The node arguments that run a checkout's service as `npm start` runs it: compiled by the
 * checkout's own tsc into its .data/bench-build (its dist/, web build included, stays as it is).
 * Not through ts-node: its REPL support loads node:domain, which hooks every EventEmitter and
 * promise of the process. BENCH_TS_NODE=1 runs src/main.ts through ts-node instead.
 */
export function serviceEntry(dir: string): string[] {
  if (process.env.BENCH_TS_NODE) {
    return ['-r', 'ts-node/register/transpile-only', 'src/main.ts'];
  }
  const outDir = join(dir, '.data', 'bench-build');
  execFileSync(
    join(dir, 'node_modules', '.bin', 'tsc'),
    ['-p', 'tsconfig.build.json', '--outDir', outDir],
    { cwd: dir, stdio: 'inherit' },
  );
  return [join(outDir, 'src', 'main.js')];
}
