import { readFileSync } from 'node:fs';

/**
 * Where a Node process's CPU goes, by library, from `perf` call stacks (on-CPU samples, unlike
 * the V8 profiler, which samples the wall clock and counts a descheduled socket write as work).
 * Each sample goes to the first category that one of its frames matches, leaf first, so the
 * categories add up to 100%.
 *
 *   BENCH_NODE_ARGS=--perf-basic-prof … bench/transitions.ts 25 16     # names JIT frames
 *   perf record -F 999 -g -p <service pid> -o /tmp/svc.data -- sleep 15
 *   perf script -i /tmp/svc.data -F tid,ip,sym > /tmp/svc.txt
 *   node -r ts-node/register/transpile-only bench/perf-categories.ts /tmp/svc.txt [n=25] [app=20]
 *
 * Prints the categories, then the `app` heaviest functions of the service's own code: each sample
 * counted under the innermost of the service's frames in its stack, the library work that
 * function called included.
 */
const CATEGORIES: Array<[string, RegExp]> = [
  ['garbage collection', /Scaveng|MarkCompact|ConcurrentMarking|Heap::|MinorGC|Sweeper|GCTracer/],
  ['JIT compilation', /Compile|Turbofan|Maglev|compiler::/],
  ['SQL formatting (sql-escaper)', /sql-escaper/],
  [
    'mysql2: reading results',
    /mysql2\/lib\/(packet_parser|packets|parsers|commands\/query\.js:(2|1\d\d)|base\/connection\.js:(1\d\d|5\d\d))/,
  ],
  ['mysql2: sending packets', /mysql2\/lib\/base\/connection\.js:3\d\d|writePacket/],
  ['XState', /node_modules\/xstate/],
  ['class-validator, class-transformer', /class-(validator|transformer)/],
  ['Ajv', /node_modules\/ajv/],
  ['JSON.stringify', /JsonStringifier|JsonStringify/],
  ['JSON.parse', /JsonParser|JsonParse/],
  ['crypto', /crypto|SHA256|sha256|EVP_|Hmac/],
  ['TypeORM', /node_modules\/typeorm/],
  ['Fastify', /node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio)/],
  ['NestJS', /node_modules\/@nestjs/],
  ['HTTP parser (llhttp)', /llhttp|node::.*Parser::/],
  ['BullMQ, ioredis', /node_modules\/(ioredis|bullmq)/],
  ['the service', /\/(src|workflows)\/[^ ]*\.js/],
];
const OWN = /\/((?:src|workflows)\/[^ ]*\.js:\d+:\d+)/;

const [file, topArg, appArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: perf-categories.ts <perf script output> [n=25] [app=20]');
  process.exit(2);
}
const counts = new Map<string, number>();
const own = new Map<string, number>();
let total = 0;
let stack: string[] = [];

function add(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function flush(): void {
  if (stack.length === 0) {
    return;
  }
  total += 1;
  const ownFrame = stack.map((frame) => OWN.exec(frame)?.[1]).find(Boolean);
  if (ownFrame) {
    add(own, ownFrame);
  }
  for (const frame of stack) {
    const category = CATEGORIES.find(([, pattern]) => pattern.test(frame));
    if (category) {
      add(counts, category[0]);
      return;
    }
  }
  add(counts, `other: ${stack[0].slice(0, 60)}`);
}

for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.startsWith('\t') && !line.startsWith(' ')) {
    flush(); // a sample's header line (its thread id), or the blank line after its stack
    stack = [];
    continue;
  }
  const symbol = line.trim().split(' ').slice(1).join(' ');
  if (symbol) {
    stack.push(symbol);
  }
}
flush();

const percent = (n: number): string => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const sorted = (map: Map<string, number>): Array<[string, number]> =>
  [...map.entries()].sort((a, b) => b[1] - a[1]);
console.log(`perf categories: ${total} samples`);
for (const [name, n] of sorted(counts).slice(0, Number(topArg ?? 25))) {
  console.log(`${percent(n)}  ${name}`);
}
console.log(
  'by the innermost function of the service’s own code (the library work it called included):',
);
for (const [name, n] of sorted(own).slice(0, Number(appArg ?? 20))) {
  console.log(`${percent(n)}  ${name}`);
}
