import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

// ---------------------------------------------------------------- CPU from /proc

const CLK_TCK = 100; // getconf CLK_TCK on Linux x86_64

/** user + sys CPU seconds of a process, its reaped children included (fields 14–17). */
export function processCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLK_TCK
    );
  } catch {
    return NaN;
  }
}

/** The pid of the process whose command line is `name` with an argument containing `arg`. */
export function findProcess(name: string, arg: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (comm === name && cmdline.some((a) => a.includes(arg))) {
        return Number(entry);
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

/** MariaDB and Redis of DATABASE_URL / REDIS_URL, when they run on this machine. */
export function serverPids(): { mariadbd?: number; redis?: number } {
  const dbPort = new URL(process.env.DATABASE_URL ?? 'mysql://x:3306').port || '3306';
  const redisPort = new URL(process.env.REDIS_URL ?? 'redis://x:6379').port || '6379';
  let redis: number | undefined;
  try {
    redis = Number(readFileSync(process.env.YIBAO_REDIS_PID_FILE ?? '', 'utf8').trim());
  } catch {
    redis = findProcess('redis-server', `:${redisPort}`);
  }
  return { mariadbd: findProcess('mariadbd', `--port=${dbPort}`), redis };
}
