import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { bucketOf } from '../src/sla/duration-histogram';
import { monthOf } from '../src/sla/periods';
import { shanghaiDate } from '../src/time/shanghai';

/**
 * Generates a realistic SLA history straight into the tables (bulk INSERTs): cases of the four
 * workflows walked stage by stage with log-normal durations around their deadlines, the
 * `case_deadlines` and `sla_records` rows each stage leaves, and the `sla_rollups` and
 * `relief_indicator_totals` the service keeps. Used by bench/sla-summary.ts (1,000,000 cases)
 * and by the summary's e2e test (a small known data set checked against the raw records).
 * Deterministic for a seed. The cases' snapshot/data are `{}`: this data feeds reports only.
 */
export interface GenerateOptions {
  cases: number;
  seed: number;
  now: Date;
  /** How many days of history, ending at `now`. */
  days: number;
  streets: string[];
  assignees: string[];
  batchSize?: number;
  onProgress?: (done: number) => void;
}

export interface GeneratedCounts {
  cases: number;
  active: number;
  slaRecords: number;
  deadlines: number;
  rollups: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A working day is ~1.4 calendar days (weekends); enough for a plausible history. */
const WD = 1.4 * DAY;

interface Stage {
  state: string;
  /** Nominal deadline (ms); none for a state without one. */
  deadline?: number;
  /** `duty`: passing it is a breach; `event`: it moves the case on by itself; `pause`: paused. */
  kind?: 'duty' | 'event' | 'pause';
}

const PATHS: Record<string, { weight: number; final: string; stages: Stage[] }> = {
  'relief-application': {
    weight: 0.55,
    final: 'paid',
    stages: [
      { state: 'submitted', deadline: 2 * WD, kind: 'duty' },
      { state: 'eligibility_review', deadline: 5 * WD, kind: 'duty' },
      { state: 'amount_review', deadline: 3 * WD, kind: 'duty' },
      { state: 'approval', deadline: 3 * WD, kind: 'duty' },
      { state: 'publicity', deadline: 7 * DAY, kind: 'event' },
      { state: 'disbursement', deadline: 10 * WD, kind: 'duty' },
    ],
  },
  'hardship-hearing': {
    weight: 0.1,
    final: 'paid',
    stages: [
      { state: 'referred', deadline: 5 * WD, kind: 'duty' },
      { state: 'panel_review', deadline: 5 * WD, kind: 'event' },
      { state: 'decision', deadline: 3 * WD, kind: 'duty' },
      { state: 'publicity', deadline: 7 * DAY, kind: 'event' },
      { state: 'disbursement', deadline: 10 * WD, kind: 'duty' },
    ],
  },
  inspection: {
    weight: 0.25,
    final: 'closed',
    stages: [
      { state: 'scheduled', deadline: 30 * DAY, kind: 'duty' },
      { state: 'on_site', deadline: 10 * WD, kind: 'duty' },
      { state: 'findings_review', deadline: 5 * WD, kind: 'duty' },
      { state: 'publication', deadline: 20 * WD, kind: 'duty' },
    ],
  },
  'penalty-case': {
    weight: 0.1,
    final: 'closed',
    stages: [
      { state: 'investigation' },
      { state: 'legal_review', deadline: 10 * WD, kind: 'duty' },
      { state: 'notice', deadline: 5 * WD, kind: 'event' },
      { state: 'decision', deadline: 10 * WD, kind: 'duty' },
      { state: 'execution', deadline: 15 * DAY, kind: 'duty' },
    ],
  },
};
const SUPPLEMENT: Stage = { state: 'awaiting_supplement', deadline: 10 * WD, kind: 'pause' };

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generateSlaData(
  ds: DataSource,
  o: GenerateOptions,
): Promise<GeneratedCounts> {
  const rnd = prng(o.seed);
  const normal = (): number => {
    const u = Math.max(rnd(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const uuid = (): string => {
    const h = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const types = Object.entries(PATHS);
  const chooseType = (): [string, (typeof PATHS)[string]] => {
    let x = rnd();
    for (const t of types) {
      x -= t[1].weight;
      if (x <= 0) {
        return t;
      }
    }
    return types[0];
  };
  const batch = o.batchSize ?? 2000;
  const now = o.now.getTime();
  const start = now - o.days * DAY;
  const counts: GeneratedCounts = { cases: 0, active: 0, slaRecords: 0, deadlines: 0, rollups: 0 };
  const rollups = new Map<string, { n: number; breached: number; ms: number }>();
  const relief = new Map<
    string,
    { cases: number; inPolicy: number; insurance: number; relief: number; burden: number }
  >();
  const addRollup = (
    dim: string,
    type: string,
    key: string,
    bucket: number,
    breached: boolean,
    ms: number,
    at: number,
  ): void => {
    const day = shanghaiDate(new Date(at));
    for (const [grain, period] of [
      ['d', day],
      ['m', monthOf(day)],
    ]) {
      const k = [dim, grain, period, type, key, bucket].join('\u0000');
      const r = rollups.get(k) ?? { n: 0, breached: 0, ms: 0 };
      r.n += 1;
      r.breached += breached ? 1 : 0;
      r.ms += ms;
      rollups.set(k, r);
    }
  };

  let caseRows: unknown[][] = [];
  let recordRows: unknown[][] = [];
  let deadlineRows: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (caseRows.length > 0) {
      await ds.query(
        `INSERT INTO cases (id, type, machine_version, state, status, version, snapshot, data, street_code,
           assignee_id, last_event_hash, policy_version, created_by, created_at, updated_at, closed_at, restricted)
         VALUES ${caseRows.map(() => "(?, ?, 1, ?, ?, ?, '{}', '{}', ?, ?, REPEAT('0', 64), 'bench', 'bench', ?, ?, ?, 0)").join(', ')}`,
        caseRows.flat(),
      );
    }
    if (recordRows.length > 0) {
      await ds.query(
        `INSERT INTO sla_records (case_id, case_type, state, street_code, assignee_id, entry_seq, entered_at,
           due_at, left_at, pauses_sla, duty, paused_ms, duration_ms, breached, breached_at, open_key)
         VALUES ${recordRows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        recordRows.flat(),
      );
    }
    if (deadlineRows.length > 0) {
      await ds.query(
        `INSERT INTO case_deadlines (case_id, name, kind, entry_seq, restart, duration, started_at, due_at,
           on_expire_event, status, fired_at, closed_at)
         VALUES ${deadlineRows.map(() => "(?, ?, 'state', ?, 0, ?, ?, ?, ?, ?, ?, ?)").join(', ')}`,
        deadlineRows.flat(),
      );
    }
    caseRows = [];
    recordRows = [];
    deadlineRows = [];
  };

  for (let i = 0; i < o.cases; i++) {
    const [type, path] = chooseType();
    const id = uuid();
    const street =
      type === 'relief-application' || type === 'hardship-hearing' ? pick(o.streets) : null;
    const assignee = rnd() < 0.85 ? pick(o.assignees) : null;
    const created = start + rnd() * (now - start);
    const stages = [...path.stages];
    if (type === 'relief-application' && rnd() < 0.1) {
      stages.splice(1, 0, SUPPLEMENT, path.stages[0]);
    }
    const rejectAt = type === 'relief-application' && rnd() < 0.08 ? 2 : -1;
    let t = created;
    let seq = 1;
    let state: string = path.final;
    let status: 'active' | 'closed' = 'closed';
    let caseCounted = 0;
    let caseBreached = false;
    for (const [k, stage] of stages.entries()) {
      if (k === rejectAt) {
        state = 'rejected';
        break;
      }
      const nominal = stage.deadline ?? 10 * WD;
      let duration =
        stage.kind === 'event' && stage.state !== 'panel_review'
          ? nominal
          : nominal * Math.exp(-0.6 + 0.55 * normal());
      if (stage.kind === 'event') {
        duration = Math.min(duration, nominal);
      }
      duration = Math.max(60_000, Math.round(duration));
      const due = stage.deadline !== undefined ? t + stage.deadline : null;
      const open = t + duration > now;
      const left = open ? null : t + duration;
      const duty = stage.kind === 'duty';
      const breached = duty && due !== null && (left ?? now) > due;
      const paused = stage.kind === 'pause' && left !== null ? duration : 0;
      recordRows.push([
        id,
        type,
        stage.state,
        street,
        assignee,
        seq,
        new Date(t),
        due === null ? null : new Date(due),
        left === null ? null : new Date(left),
        stage.kind === 'pause' ? 1 : 0,
        duty ? 1 : 0,
        paused,
        left === null ? null : duration - paused,
        breached ? 1 : 0,
        breached && due !== null ? new Date(due) : null,
        open ? id : null,
      ]);
      counts.slaRecords++;
      if (due !== null) {
        const dStatus = open
          ? breached
            ? 'overdue'
            : 'pending'
          : breached
            ? 'overdue'
            : stage.kind === 'event' || stage.kind === 'pause'
              ? duration >= nominal
                ? 'fired'
                : 'cancelled'
              : 'cancelled';
        deadlineRows.push([
          id,
          stage.state,
          seq,
          '1d',
          new Date(t),
          new Date(due),
          stage.kind === 'duty' ? null : `DEADLINE_${stage.state.toUpperCase()}`,
          dStatus,
          dStatus === 'overdue' || dStatus === 'fired' ? new Date(due) : null,
          left === null ? null : new Date(left),
        ]);
        counts.deadlines++;
      }
      if (open) {
        state = stage.state;
        status = 'active';
        break;
      }
      addRollup('state', type, stage.state, bucketOf(duration), breached, duration, left!);
      if (stage.kind !== 'pause') {
        addRollup('assignee', type, assignee ?? '', 0, breached, duration, left!);
      }
      caseCounted += duration - paused;
      caseBreached ||= breached;
      t = left!;
      seq++;
    }
    const closedAt = status === 'closed' ? t : null;
    if (closedAt !== null) {
      addRollup(
        'street',
        type,
        street ?? '',
        bucketOf(caseCounted),
        caseBreached,
        caseCounted,
        closedAt,
      );
      if (type === 'relief-application' && state === 'paid') {
        const key = `${shanghaiDate(new Date(created)).slice(0, 4)}\u0000${street}`;
        const inPolicy = Math.round(5000 + rnd() * 195000);
        const insurance = Math.round(inPolicy * (0.55 + rnd() * 0.25));
        const reliefPaid = Math.round((inPolicy - insurance) * 0.8);
        const r = relief.get(key) ?? { cases: 0, inPolicy: 0, insurance: 0, relief: 0, burden: 0 };
        r.cases += 1;
        r.inPolicy += inPolicy;
        r.insurance += insurance;
        r.relief += reliefPaid;
        r.burden += inPolicy - insurance - reliefPaid;
        relief.set(key, r);
      }
    } else {
      counts.active++;
    }
    caseRows.push([
      id,
      type,
      state,
      status,
      seq + 1,
      street,
      assignee,
      new Date(created),
      new Date(closedAt ?? t),
      closedAt === null ? null : new Date(closedAt),
    ]);
    counts.cases++;
    if (caseRows.length >= batch) {
      await flush();
      o.onProgress?.(counts.cases);
    }
  }
  await flush();

  const entries = [...rollups.entries()];
  for (let i = 0; i < entries.length; i += batch) {
    const slice = entries.slice(i, i + batch);
    await ds.query(
      `INSERT INTO sla_rollups (dim, grain, period, case_type, dim_key, bucket, n, breached, total_ms)
       VALUES ${slice.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE n = n + VALUES(n), breached = breached + VALUES(breached), total_ms = total_ms + VALUES(total_ms)`,
      slice.flatMap(([k, v]) => [...k.split('\u0000'), v.n, v.breached, v.ms]),
    );
  }
  counts.rollups = entries.length;
  for (const [key, r] of relief) {
    const [year, street] = key.split('\u0000');
    await ds.query(
      `INSERT INTO relief_indicator_totals (year, street_code, cases, in_policy_cost, insurance_paid, relief_paid, personal_burden)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE cases = cases + VALUES(cases), in_policy_cost = in_policy_cost + VALUES(in_policy_cost),
         insurance_paid = insurance_paid + VALUES(insurance_paid), relief_paid = relief_paid + VALUES(relief_paid),
         personal_burden = personal_burden + VALUES(personal_burden)`,
      [Number(year), street, r.cases, r.inPolicy, r.insurance, r.relief, r.burden],
    );
  }
  return counts;
}

/** Ids for generated assignees and street codes (the bench's users need not exist). */
export function generatedPeople(
  assignees: number,
  streets: number,
): { assignees: string[]; streets: string[] } {
  return {
    assignees: Array.from({ length: assignees }, () => {
      const h = randomBytes(16).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }),
    streets: Array.from({ length: streets }, (_, i) => `330106${String(i + 1).padStart(3, '0')}`),
  };
}
