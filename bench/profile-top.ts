import { readFileSync } from 'node:fs';

/**
 * The top self-time items of a V8 `.cpuprofile` (from `BENCH_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=…"` on bench/transitions.ts), over the measured point only: the WINDOW seconds
 * (default 15) that end with the last second in which the profiled thread was more than half busy
 * (so start-up, warm-up and the idle raw-limit phase are cut off).
 *
 *   node -r ts-node/register/transpile-only bench/profile-top.ts <file.cpuprofile> [n=25] [window=15]
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, windowArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 25);
const windowUs = Number(windowArg ?? 15) * 1e6;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const idle = new Set(
  profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
);

let t = profile.startTime;
const times = profile.timeDeltas.map((d) => (t += d));
const busyBySecond = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (!idle.has(id)) {
    const second = Math.floor((times[i] - profile.startTime) / 1e6);
    busyBySecond.set(second, (busyBySecond.get(second) ?? 0) + profile.timeDeltas[i]);
  }
});
const last = Math.max(...[...busyBySecond].filter(([, us]) => us > 5e5).map(([s]) => s));
const to = profile.startTime + (last + 1) * 1e6;
const from = to - windowUs;

const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  if (times[i] < from || times[i] > to) {
    return;
  }
  const frame = byId.get(id)?.callFrame;
  const url = (frame?.url ?? '')
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/.*?\/(src|workflows)\//, '$1/');
  const key = `${frame?.functionName || '(anonymous)'} ${url}:${(frame?.lineNumber ?? 0) + 1}`;
  self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
  total += profile.timeDeltas[i];
});
console.log(`${(windowUs / 1e6).toFixed(0)} s ending ${last + 1} s into the profile:`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
