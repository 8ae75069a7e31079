import { performance } from 'node:perf_hooks';
import { canonicalHash } from '../src/common/canonical-hash';
import {
  canonicalRowsHash,
  CREDIT_GRADES,
  DEFAULT_CREDIT_WEIGHTS,
  drawInspection,
  type InspectionDrawInput,
  type InspectionDrawRecord,
  type InspectorCandidate,
  type InstitutionCandidate,
  INSTITUTION_TYPES,
  type PreviousTeam,
  verifyInspectionDraw,
} from '../src/inspections/draw-inspection';

/**
 * The double-random inspection draw (docs/domain.md §4) on a district-sized directory: N
 * institutions (grades spread over A–E, rows in scrambled order), M inspectors (every 10th
 * affiliated with an
 * institution, written the way people type codes), a previous plan of 10% with teams of 2; a 10%
 * sample with teams of 2. Pure CPU: no database, no services.
 *
 *   node -r ts-node/register/transpile-only bench/inspection-draw.ts [institutions=100000] [inspectors=5000]
 *
 * Prints each timed draw and the median (goal: well under 2 s on the 2-core machines), the time
 * of verifyInspectionDraw, and what hashing the canonical institution list alone costs.
 */
const INSTITUTIONS = Number(process.argv[2] ?? 100_000);
const INSPECTORS = Number(process.argv[3] ?? 5_000);
const RUNS = 5;
const GOAL_MS = 2000;

/** A deterministic generator (LCG) so every run draws from the same directory. */
function lcg(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

function directory(): InspectionDrawInput {
  const rand = lcg(20260302);
  // Credit spread of a real district: mostly B and C, few E.
  const gradeBag = [
    ...Array<string>(2).fill('A'),
    ...Array<string>(4).fill('B'),
    ...Array<string>(2).fill('C'),
    'D',
    'E',
  ] as (typeof CREDIT_GRADES)[number][];
  const code = (i: number): string => `H${String(i).padStart(7, '0')}`;
  const institutions: InstitutionCandidate[] = Array.from({ length: INSTITUTIONS }, (_, i) => ({
    id: `inst-${(i * 7919) % INSTITUTIONS}-${i}`,
    code: code(i),
    type: INSTITUTION_TYPES[rand(INSTITUTION_TYPES.length)],
    grade: gradeBag[rand(gradeBag.length)],
  }));
  const inspectors: InspectorCandidate[] = Array.from({ length: INSPECTORS }, (_, i) => ({
    userId: `inspector-${String(i).padStart(5, '0')}`,
    affiliation:
      i % 10 === 0
        ? // Full-width or lower-case forms of a code: recusal compares normalised codes.
          i % 20 === 0
          ? ` ${code(rand(INSTITUTIONS)).toLowerCase()} `
          : code(rand(INSTITUTIONS))
              .normalize('NFKC')
              .replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))
        : i % 3 === 0
          ? 'Xihu Medical Security Bureau'
          : null,
  }));
  const previous: PreviousTeam[] = [];
  for (let i = 0; i < INSTITUTIONS; i += 10) {
    previous.push({
      institutionCode: code((i + rand(10)) % INSTITUTIONS),
      inspectorIds: [rand(INSPECTORS), rand(INSPECTORS)].map((x) => inspectors[x].userId),
    });
  }
  // Scramble the row order: the draw sorts, and sorting is part of the cost.
  for (const list of [institutions, inspectors, previous] as unknown[][]) {
    for (let i = list.length - 1; i > 0; i -= 1) {
      const j = rand(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
  }
  return {
    seed: '7f3a9c2e5b1d4086a2c9e1f07b3d5a68c4e2f19087a6b3d5c1e9f2a4b6d8c0e1',
    planId: 'plan-2026-q1-routine',
    sample: { ratio: '0.10' },
    teamSize: 2,
    weights: { ...DEFAULT_CREDIT_WEIGHTS },
    institutions,
    inspectors,
    previous,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const input = directory();
  let record: InspectionDrawRecord = drawInspection(input); // warm-up (JIT)
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const started = performance.now();
    record = drawInspection(input);
    const ms = performance.now() - started;
    times.push(ms);
    console.log(`  run ${run}: ${ms.toFixed(0)} ms`);
  }
  const verifyStarted = performance.now();
  const verification = verifyInspectionDraw(record);
  const verifyMs = performance.now() - verifyStarted;
  if (!verification.matches) {
    throw new Error(`verification failed: ${verification.mismatches.join(', ')}`);
  }
  const hashStarted = performance.now();
  const streamed = canonicalRowsHash(record.institutionCandidates, ['code', 'grade', 'id', 'type']);
  const hashMs = performance.now() - hashStarted;
  const genericStarted = performance.now();
  const generic = canonicalHash(record.institutionCandidates);
  const genericMs = performance.now() - genericStarted;
  if (streamed !== generic || streamed !== record.institutionsHash) {
    throw new Error('the streamed hash differs from canonicalHash');
  }

  const best = median(times);
  console.log(
    `inspection draw: ${INSTITUTIONS} institutions, ${INSPECTORS} inspectors, ` +
      `${record.sampleSize} drawn, teams of ${record.teamSize}: median ${best.toFixed(0)} ms ` +
      `(goal < ${GOAL_MS} ms); verify ${verifyMs.toFixed(0)} ms`,
  );
  console.log(
    `  hash of the ${record.institutionCandidates.length} canonical candidate rows: ` +
      `${hashMs.toFixed(0)} ms (generic canonicalHash: ${genericMs.toFixed(0)} ms, same digest); ` +
      `workload min ${record.workload.min} max ${record.workload.max}`,
  );
  if (best >= GOAL_MS) {
    process.exitCode = 1;
  }
}

main();
