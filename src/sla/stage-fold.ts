import Decimal from 'decimal.js';
import { shanghaiDate } from '../time/shanghai';
import { bucketOf } from './duration-histogram';
import type { RollupDim } from './entities/sla-rollup.entity';
import { monthOf } from './periods';
import type { ReliefFigures } from './relief-indicators';

/**
 * What a transition tells the SLA bookkeeping (one `sla_journal` row, written in the transition's
 * transaction). The stage records and rollups are derived from these facts after the commit, in
 * batches (SlaJournal): a transition pays for one row, not for the hot rollup rows.
 */
export type SlaFact = StageFact | DueFact | BreachFact;

/** The case changed state, holder or status (a case opened, moved, reassigned or closed). */
export interface StageFact {
  kind: 'stage';
  /** When the change happened (epoch ms). */
  at: number;
  caseType: string;
  streetCode: string | null;
  assigneeId: string | null;
  /** The case's state after the change while it is active; null once it is closed. */
  stage: string | null;
  /** The case's version after the change: the new stage record's entry sequence. */
  entrySeq: number;
  /** The stage's deadline (its due time) and how it counts, should a new stage open. */
  dueAt: number | null;
  pausesSla: boolean;
  duty: boolean;
  /** The case was closed by this change (its own figures go to the street rollup). */
  caseClosed: boolean;
  /** A relief case paid by this change: its contribution to the yearly indicators. */
  relief?: { year: number; streetCode: string } & ReliefFigures;
}

/** A deadline started again in the same stage: the stage's due time moves. */
export interface DueFact {
  kind: 'due';
  at: number;
  state: string;
  dueAt: number;
}

/** The stage's deadline passed without its event (DEADLINE_OVERDUE). */
export interface BreachFact {
  kind: 'breach';
  at: number;
}

/** One `sla_records` row as the fold reads and writes it. */
export interface SlaRecordRow {
  /** Absent for a record the fold creates. */
  id?: string;
  caseId: string;
  caseType: string;
  state: string;
  streetCode: string | null;
  assigneeId: string | null;
  entrySeq: number;
  enteredAt: Date;
  dueAt: Date | null;
  leftAt: Date | null;
  pausesSla: boolean;
  duty: boolean;
  pausedMs: number;
  durationMs: number | null;
  breached: boolean;
  breachedAt: Date | null;
}

/** One `sla_rollups` row's increment. */
export interface RollupIncrement {
  dim: RollupDim;
  grain: 'd' | 'm';
  period: string;
  caseType: string;
  key: string;
  bucket: number;
  n: number;
  breached: number;
  totalMs: number;
}

/** One `relief_indicator_totals` row's increment. */
export interface IndicatorIncrement {
  year: number;
  streetCode: string;
  cases: number;
  inPolicyCost: string;
  insurancePaid: string;
  reliefPaid: string;
  personalBurden: string;
}

export interface FoldInput {
  /** The journal's facts, each case's in the order they were committed. */
  facts: ReadonlyArray<{ caseId: string; fact: SlaFact }>;
  /** The open record (`open_key` set) of each case the facts name, as committed. */
  open: ReadonlyMap<string, SlaRecordRow>;
  /** For cases closed by a fact: their records already left (duration, breached). */
  left: ReadonlyMap<string, ReadonlyArray<{ durationMs: number; breached: boolean }>>;
  /** For cases closed by a fact: those with a clock (an event deadline) that went overdue. */
  clockOverdue: ReadonlySet<string>;
}

export interface FoldResult {
  /** Records that existed and changed (closed, reassigned, due time moved, breached). */
  changed: SlaRecordRow[];
  /** Records the facts opened (some already closed again), in order. */
  created: SlaRecordRow[];
  rollups: RollupIncrement[];
  indicators: IndicatorIncrement[];
}

interface RollupRow {
  dim: RollupDim;
  caseType: string;
  key: string;
  bucket: number;
  breached: boolean;
  ms: number;
}

/**
 * Applies journal facts to the stage records, as the transitions did one by one before: a stage
 * left is closed (time counted, paused time, breach against its due time) and counted in the
 * state and holder rollups; a case closed adds its own total to the street rollup; a paid relief
 * case adds to the indicators. Pure: the caller reads the inputs and writes the result in one
 * transaction with the journal rows' removal.
 */
export function foldStageFacts(input: FoldInput): FoldResult {
  const open = new Map<string, SlaRecordRow | null>(input.open);
  const changed = new Set<SlaRecordRow>();
  const created: SlaRecordRow[] = [];
  const leftInFold = new Map<string, Array<{ durationMs: number; breached: boolean }>>();
  const rollups = new RollupSums();
  const indicators = new IndicatorSums();

  for (const { caseId, fact } of input.facts) {
    const rec = open.get(caseId) ?? null;
    const touch = (r: SlaRecordRow): void => {
      if (r.id !== undefined) {
        changed.add(r);
      }
    };
    if (fact.kind === 'due') {
      if (rec && rec.state === fact.state) {
        rec.dueAt = new Date(fact.dueAt);
        touch(rec);
      }
      continue;
    }
    if (fact.kind === 'breach') {
      if (rec && !rec.breached) {
        rec.breached = true;
        rec.breachedAt = new Date(fact.at);
        touch(rec);
      }
      continue;
    }
    const at = new Date(fact.at);
    const rows: RollupRow[] = [];
    let closed: { counted: number; breached: boolean } | undefined;
    if (rec && rec.state !== fact.stage) {
      closed = closeStage(rec, fact, rows);
      touch(rec);
      const left = leftInFold.get(caseId) ?? [];
      left.push({ durationMs: closed.counted, breached: closed.breached });
      leftInFold.set(caseId, left);
      open.set(caseId, null);
    }
    if (fact.stage !== null && (!rec || rec.state !== fact.stage)) {
      const opened: SlaRecordRow = {
        caseId,
        caseType: fact.caseType,
        state: fact.stage,
        streetCode: fact.streetCode,
        assigneeId: fact.assigneeId,
        entrySeq: fact.entrySeq,
        enteredAt: at,
        dueAt: fact.dueAt === null ? null : new Date(fact.dueAt),
        leftAt: null,
        pausesSla: fact.pausesSla,
        duty: fact.duty,
        pausedMs: 0,
        durationMs: null,
        breached: false,
        breachedAt: null,
      };
      created.push(opened);
      open.set(caseId, opened);
    } else if (rec && rec.state === fact.stage && rec.assigneeId !== fact.assigneeId) {
      rec.assigneeId = fact.assigneeId;
      touch(rec);
    }
    if (fact.caseClosed) {
      // The case's own figures: time counted over all its stages, late if any stage or clock was.
      const earlier = [...(input.left.get(caseId) ?? []), ...(leftInFold.get(caseId) ?? [])];
      const counted = earlier.reduce((sum, r) => sum + r.durationMs, 0);
      const breached = input.clockOverdue.has(caseId) || earlier.some((r) => r.breached);
      rows.push({
        dim: 'street',
        caseType: fact.caseType,
        key: fact.streetCode ?? '',
        bucket: bucketOf(counted),
        breached,
        ms: counted,
      });
    }
    rollups.add(at, rows);
    if (fact.relief) {
      indicators.add(fact.relief);
    }
  }
  return {
    changed: [...changed],
    created,
    rollups: rollups.rows(),
    indicators: indicators.rows(),
  };
}

function closeStage(
  rec: SlaRecordRow,
  fact: StageFact,
  rows: RollupRow[],
): { counted: number; breached: boolean } {
  const elapsed = Math.max(0, fact.at - rec.enteredAt.getTime());
  // Waiting on the applicant (a `pausesSla` state) does not count against the bureau.
  const paused = rec.pausesSla ? elapsed : 0;
  const late = rec.duty && rec.dueAt !== null && fact.at > rec.dueAt.getTime();
  const breached = rec.breached || late;
  rec.leftAt = new Date(fact.at);
  rec.pausedMs = paused;
  rec.durationMs = elapsed - paused;
  rec.breachedAt = rec.breachedAt ?? (late ? rec.dueAt : null);
  rec.breached = breached;
  rec.assigneeId = fact.assigneeId ?? rec.assigneeId;
  // A state's own time (for a paused state: how long the applicant took).
  rows.push({
    dim: 'state',
    caseType: rec.caseType,
    key: rec.state,
    bucket: bucketOf(elapsed),
    breached,
    ms: elapsed,
  });
  if (!rec.pausesSla) {
    // Per holder: counted time only, so no histogram (the mean is enough there).
    rows.push({
      dim: 'assignee',
      caseType: rec.caseType,
      key: rec.assigneeId ?? '',
      bucket: 0,
      breached,
      ms: elapsed,
    });
  }
  return { counted: elapsed - paused, breached };
}

/** Day and month increments summed per rollup row, in primary-key order (no deadlocks). */
class RollupSums {
  private readonly sums = new Map<string, RollupIncrement>();

  add(at: Date, rows: RollupRow[]): void {
    if (rows.length === 0) {
      return;
    }
    const day = shanghaiDate(at);
    for (const r of rows) {
      for (const [grain, period] of [
        ['d', day],
        ['m', monthOf(day)],
      ] as const) {
        const key = [r.dim, grain, period, r.caseType, r.key, r.bucket].join('\u0000');
        const sum = this.sums.get(key) ?? {
          dim: r.dim,
          grain,
          period,
          caseType: r.caseType,
          key: r.key,
          bucket: r.bucket,
          n: 0,
          breached: 0,
          totalMs: 0,
        };
        sum.n += 1;
        sum.breached += r.breached ? 1 : 0;
        sum.totalMs += r.ms;
        this.sums.set(key, sum);
      }
    }
  }

  rows(): RollupIncrement[] {
    const order = (r: RollupIncrement): Array<string | number> => [
      r.dim,
      r.grain,
      r.period,
      r.caseType,
      r.key,
      r.bucket,
    ];
    return [...this.sums.values()].sort((a, b) => {
      const x = order(a);
      const y = order(b);
      for (let i = 0; i < x.length; i++) {
        if (x[i] !== y[i]) {
          return x[i] < y[i] ? -1 : 1;
        }
      }
      return 0;
    });
  }
}

/** Paid relief cases summed per year and street (amounts exact, in decimal). */
class IndicatorSums {
  private readonly sums = new Map<
    string,
    { year: number; streetCode: string; cases: number; figures: Decimal[] }
  >();

  add(r: { year: number; streetCode: string } & ReliefFigures): void {
    const key = `${r.year}/${r.streetCode}`;
    const sum = this.sums.get(key) ?? {
      year: r.year,
      streetCode: r.streetCode,
      cases: 0,
      figures: [0, 0, 0, 0].map(() => new Decimal(0)),
    };
    sum.cases += 1;
    [r.inPolicyCost, r.insurancePaid, r.reliefPaid, r.personalBurden].forEach((v, i) => {
      sum.figures[i] = sum.figures[i].plus(v);
    });
    this.sums.set(key, sum);
  }

  rows(): IndicatorIncrement[] {
    return [...this.sums.values()]
      .sort((a, b) => a.year - b.year || (a.streetCode < b.streetCode ? -1 : 1))
      .map((s) => ({
        year: s.year,
        streetCode: s.streetCode,
        cases: s.cases,
        inPolicyCost: s.figures[0].toFixed(2),
        insurancePaid: s.figures[1].toFixed(2),
        reliefPaid: s.figures[2].toFixed(2),
        personalBurden: s.figures[3].toFixed(2),
      }));
  }
}
