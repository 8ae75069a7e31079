import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import { CalendarService } from '../calendar/calendar.service';
import { PolicyService } from '../config/policy.service';
import type { CaseChange, DeadlineChange } from '../engine/engine-observers';
import { EngineObservers } from '../engine/engine-observers';
import type { CaseDeadlineEntity } from '../engine/entities/case-deadline.entity';
import type { CaseEntity } from '../engine/entities/case.entity';
import { deferToCommit, deferWrite } from '../database/write-behind';
import { lateIdSql } from '../database/late-id';
import { JOBS, jobId } from '../queue/jobs';
import { bucketOf } from './duration-histogram';
import { SlaAlertEntity, type SlaAlertKind } from './entities/sla-alert.entity';
import { SlaRecordEntity } from './entities/sla-record.entity';
import type { RollupDim } from './entities/sla-rollup.entity';
import { monthOf } from './periods';
import { shanghaiDate } from '../time/shanghai';
import { reliefFigures } from './relief-indicators';
import { type OpenStage, OpenStages } from './open-stages';

interface StageRow {
  case_type: string;
  state: string;
  assignee_id: string | null;
  entered_at: Date;
  due_at: Date | null;
  pauses_sla: number | string;
  duty: number | string;
  breached: number | string;
  breached_at: Date | null;
  duration_ms?: string | null;
  open_key?: string | null;
  overdue?: string | number;
}

const STAGE_COLUMNS =
  'r.case_type, r.state, r.assignee_id, r.entered_at, r.due_at, r.pauses_sla, r.duty, r.breached, r.breached_at';

function toOpenStage(r: StageRow): OpenStage {
  return {
    caseType: r.case_type,
    state: r.state,
    assigneeId: r.assignee_id,
    enteredAt: new Date(r.entered_at),
    dueAt: r.due_at ? new Date(r.due_at) : null,
    pausesSla: Number(r.pauses_sla) === 1,
    duty: Number(r.duty) === 1,
    breached: Number(r.breached) === 1,
    breachedAt: r.breached_at ? new Date(r.breached_at) : null,
  };
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
 * Keeps the SLA tables in step with the engine, inside the engine's transaction (an observer):
 * one `sla_records` row per case × stage entry, the rollups the summary reads when a stage or a
 * case ends, the relief indicators when a relief case is paid, and the reminder / breach /
 * escalation alerts with their jobs in the outbox.
 */
@Injectable()
export class SlaRecorder implements OnModuleInit {
  /** Due times of the deadlines written in a transaction (keyed by its EntityManager). */
  private readonly freshDue = new WeakMap<EntityManager, Map<string, Date>>();
  /** Each case's open stage as this process last committed it (no read-back per transition). */
  private readonly stages = new OpenStages();

  constructor(
    private readonly observers: EngineObservers,
    private readonly policy: PolicyService,
    private readonly calendar: CalendarService,
  ) {}

  onModuleInit(): void {
    this.observers.register({
      caseChanged: (c) => this.caseChanged(c),
      deadlineStarted: (d) => this.deadlineStarted(d),
      deadlineOverdue: (d) => this.deadlineOverdue(d),
    });
  }

  // ------------------------------------------------------------------ stages

  async caseChanged(c: CaseChange): Promise<void> {
    const { manager: m, caseRow: row, now } = c;
    const closedNow = row.status === 'closed' && row.closedAt?.getTime() === now.getTime();
    // Every change of a case moves its version by one, under its row lock.
    const known = this.stages.at(m, row.id, row.version - 1);
    if (c.fromState === row.state && c.assigneeBefore === row.assigneeId && !closedNow) {
      if (known !== undefined) {
        this.stages.set(m, row.id, row.version, known);
      }
      return; // nothing the SLA tracks changed (a note, a breach record, a linked case)
    }
    // The engine holds the case row's lock: this case's records change in one transaction at a time.
    // Closing reads all of the case's records at once (the case's totals come from them).
    // Raw SQL on this path: it runs in every transition, and the ORM's per-call cost shows there.
    // Its writes are deferred (write-behind.ts): they reach the server with the engine's COMMIT.
    let open: OpenStage | null = null;
    let earlier: Array<{ durationMs: number; breached: boolean }> = [];
    let clockOverdue = false;
    if (closedNow) {
      const rows = await m.query<StageRow[]>(
        `SELECT ${STAGE_COLUMNS}, r.duration_ms, r.open_key,
           (SELECT COUNT(*) FROM case_deadlines d WHERE d.case_id = r.case_id AND d.status = 'overdue') AS overdue
         FROM sla_records r WHERE r.case_id = ?`,
        [row.id],
      );
      open = rows.filter((r) => r.open_key !== null).map(toOpenStage)[0] ?? null;
      earlier = rows
        .filter((r) => r.open_key === null)
        .map((r) => ({
          durationMs: Number(r.duration_ms ?? 0),
          breached: Number(r.breached) === 1,
        }));
      clockOverdue = Number(rows[0]?.overdue ?? 0) > 0;
    } else if (c.fromState !== null) {
      open =
        known !== undefined
          ? known
          : ((
              await m.query<StageRow[]>(
                `SELECT ${STAGE_COLUMNS} FROM sla_records r WHERE r.open_key = ?`,
                [row.id],
              )
            ).map(toOpenStage)[0] ?? null);
    }
    const stage = row.status === 'active' ? row.state : null;
    const rollups: RollupRow[] = [];
    let closed: { counted: number; breached: boolean } | undefined;
    if (open && open.state !== stage) {
      closed = await this.closeStage(m, open, row, now, rollups);
    }
    let after: OpenStage | null = open && open.state === stage ? open : null;
    if (stage !== null && (!open || open.state !== stage)) {
      after = await this.openStage(m, row, c.definition, now);
    } else if (open && open.state === stage && open.assigneeId !== row.assigneeId) {
      await deferWrite(m, 'UPDATE sla_records SET assignee_id = ? WHERE open_key = ?', [
        row.assigneeId,
        row.id,
      ]);
      after = { ...open, assigneeId: row.assigneeId };
    }
    this.stages.set(m, row.id, row.version, after);
    if (closedNow && c.fromState !== row.state) {
      // The case's own figures: time counted over all its stages, late if any stage or clock was.
      const counted = earlier.reduce((sum, r) => sum + r.durationMs, 0) + (closed?.counted ?? 0);
      const breached = clockOverdue || closed?.breached === true || earlier.some((r) => r.breached);
      rollups.push({
        dim: 'street',
        caseType: row.type,
        key: row.streetCode ?? '',
        bucket: bucketOf(counted),
        breached,
        ms: counted,
      });
    }
    if (rollups.length > 0) {
      await this.addRollups(m, now, rollups);
    }
    if (row.type === 'relief-application' && row.state === 'paid' && c.fromState !== 'paid') {
      await this.addReliefIndicators(m, row);
    }
  }

  private async openStage(
    m: EntityManager,
    row: CaseEntity,
    definition: WorkflowDefinition,
    now: Date,
  ): Promise<OpenStage> {
    const declared = definition.deadlines[row.state];
    // The deadline the engine just wrote for this entry (deadlineStarted ran first), else a
    // parent state's deadline still running (nested states), else none.
    const fresh = this.freshDue.get(m)?.get(`${row.id}/${row.state}`);
    const due =
      fresh !== undefined
        ? { due: fresh }
        : !row.state.includes('.')
          ? { due: null } // a flat state's only deadline is the one just written (fresh)
          : await m
              .createQueryBuilder()
              .select('MIN(d.due_at)', 'due')
              .from('case_deadlines', 'd')
              .where(
                "d.case_id = :id AND d.kind = 'state' AND d.closed_at IS NULL AND d.status = 'pending'",
                { id: row.id },
              )
              .getRawOne<{ due: Date | string | null }>();
    const opened: OpenStage = {
      caseType: row.type,
      state: row.state,
      assigneeId: row.assigneeId,
      enteredAt: now,
      dueAt: due?.due ? new Date(due.due) : null,
      pausesSla: declared?.pausesSla === true,
      duty: declared !== undefined && declared.onExpire === 'overdue',
      breached: false,
      breachedAt: null,
    };
    await deferWrite(
      m,
      `INSERT INTO sla_records (case_id, case_type, state, street_code, assignee_id, entry_seq,
         entered_at, due_at, pauses_sla, duty, open_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.type,
        row.state,
        row.streetCode,
        row.assigneeId,
        row.version,
        now,
        opened.dueAt,
        opened.pausesSla ? 1 : 0,
        opened.duty ? 1 : 0,
        row.id,
      ],
    );
    return opened;
  }

  private async closeStage(
    m: EntityManager,
    rec: OpenStage,
    row: CaseEntity,
    now: Date,
    rollups: RollupRow[],
  ): Promise<{ counted: number; breached: boolean }> {
    const elapsed = Math.max(0, now.getTime() - rec.enteredAt.getTime());
    // Waiting on the applicant (a `pausesSla` state) does not count against the bureau.
    const paused = rec.pausesSla ? elapsed : 0;
    const late = rec.duty && rec.dueAt !== null && now.getTime() > rec.dueAt.getTime();
    const breached = rec.breached || late;
    await deferWrite(
      m,
      `UPDATE sla_records SET left_at = ?, paused_ms = ?, duration_ms = ?, breached = ?,
         breached_at = ?, assignee_id = ?, open_key = NULL WHERE open_key = ?`,
      [
        now,
        paused,
        elapsed - paused,
        breached ? 1 : 0,
        rec.breachedAt ?? (late ? rec.dueAt : null),
        row.assigneeId ?? rec.assigneeId,
        row.id,
      ],
    );
    const holder = row.assigneeId ?? rec.assigneeId ?? '';
    const rows: RollupRow[] = [
      // A state's own time (for a paused state: how long the applicant took).
      {
        dim: 'state',
        caseType: rec.caseType,
        key: rec.state,
        bucket: bucketOf(elapsed),
        breached,
        ms: elapsed,
      },
    ];
    if (!rec.pausesSla) {
      // Per holder: counted time only, so no histogram (the mean is enough there).
      rows.push({
        dim: 'assignee',
        caseType: rec.caseType,
        key: holder,
        bucket: 0,
        breached,
        ms: elapsed,
      });
    }
    rollups.push(...rows);
    return { counted: elapsed - paused, breached };
  }

  /** Day and month rows, in primary-key order (concurrent upserts then never deadlock). */
  private async addRollups(m: EntityManager, at: Date, rows: RollupRow[]): Promise<void> {
    const day = shanghaiDate(at);
    const values: Array<[string, string, string, string, string, number, number, number]> = [];
    for (const r of rows) {
      for (const [grain, period] of [
        ['d', day],
        ['m', monthOf(day)],
      ] as const) {
        values.push([r.dim, grain, period, r.caseType, r.key, r.bucket, r.breached ? 1 : 0, r.ms]);
      }
    }
    values.sort((a, b) => {
      for (let i = 0; i < 6; i++) {
        if (a[i] !== b[i]) {
          return a[i] < b[i] ? -1 : 1;
        }
      }
      return 0;
    });
    // Hot rows (every case of a state on a day): locked at the commit only.
    await deferToCommit(
      m,
      `INSERT INTO sla_rollups (dim, grain, period, case_type, dim_key, bucket, n, breached, total_ms)
       VALUES ${values.map(() => '(?, ?, ?, ?, ?, ?, 1, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE n = n + VALUES(n), breached = breached + VALUES(breached),
         total_ms = total_ms + VALUES(total_ms)`,
      values.flat(),
    );
  }

  private async addReliefIndicators(m: EntityManager, row: CaseEntity): Promise<void> {
    const year = Number((row.data as { year?: unknown }).year);
    if (!Number.isInteger(year)) {
      return;
    }
    const f = reliefFigures(row.data);
    await deferToCommit(
      m,
      `INSERT INTO relief_indicator_totals
         (year, street_code, cases, in_policy_cost, insurance_paid, relief_paid, personal_burden)
       VALUES (?, ?, 1, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE cases = cases + 1, in_policy_cost = in_policy_cost + VALUES(in_policy_cost),
         insurance_paid = insurance_paid + VALUES(insurance_paid),
         relief_paid = relief_paid + VALUES(relief_paid),
         personal_burden = personal_burden + VALUES(personal_burden)`,
      [year, row.streetCode ?? '', f.inPolicyCost, f.insurancePaid, f.reliefPaid, f.personalBurden],
    );
  }

  // ------------------------------------------------------------------ deadlines and alerts

  async deadlineStarted(c: DeadlineChange): Promise<void> {
    const { manager: m, deadline: d, caseRow: row } = c;
    if (d.kind === 'state' && d.restart === 0) {
      // A state just entered: its stage record is written after this (caseChanged) with this due.
      let byCase = this.freshDue.get(m);
      if (!byCase) {
        byCase = new Map();
        this.freshDue.set(m, byCase);
      }
      byCase.set(`${row.id}/${d.name}`, d.dueAt);
    } else if (d.kind === 'state') {
      // A deadline started again in the same stage (a panel redrawn) moves the stage's due time.
      await m.update(SlaRecordEntity, { openKey: row.id, state: d.name }, { dueAt: d.dueAt });
      this.stages.forget(m, row.id); // rare: the next change reads the stage back
    }
    if (!this.remindable(row, d)) {
      return;
    }
    const span = d.dueAt.getTime() - d.startedAt.getTime();
    const at = new Date(d.startedAt.getTime() + span * this.policy.notifications().reminder.at);
    await this.scheduleFreshReminder(c, at);
  }

  /**
   * The reminder of a deadline row this transaction just wrote (the engine writes a new row each
   * time a deadline starts): no alert of that deadline can exist yet, so the insert is deferred
   * with the transaction's other writes (no round trip for an id) and the job names the alert by
   * its natural key (deadline, kind, level), unique in `sla_alerts`.
   */
  private async scheduleFreshReminder(
    c: Pick<DeadlineChange, 'manager' | 'deadline' | 'caseRow' | 'schedule'>,
    dueAt: Date,
  ): Promise<void> {
    const d = c.deadline;
    const deadlineId = lateIdSql(d.id); // written in this transaction: maybe a late id
    await deferWrite(
      c.manager,
      `INSERT INTO sla_alerts (case_id, deadline_id, kind, level, deadline_key, due_at, status,
         outcome, created_at, sent_at) VALUES (?, ${deadlineId.sql}, 'reminder', 0, ?, ?, 'scheduled', NULL, ?, NULL)`,
      [c.caseRow.id, ...deadlineId.params, `${d.kind}-${d.name}-${d.entrySeq}`, dueAt, new Date()],
    );
    await c.schedule({
      queue: JOBS.slaAlert.queue,
      jobName: JOBS.slaAlert.name,
      jobId: jobId('sla', 'reminder', c.caseRow.id, d.id, 0),
      payload: { deadlineId: String(d.id), kind: 'reminder', level: 0 },
      runAt: dueAt,
    });
  }

  async deadlineOverdue(c: DeadlineChange): Promise<void> {
    const { manager: m, deadline: d, caseRow: row, now } = c;
    if (d.kind === 'state') {
      await m
        .createQueryBuilder()
        .update(SlaRecordEntity)
        .set({ breached: true, breachedAt: now })
        .where('open_key = :id AND breached = 0', { id: row.id })
        .execute();
      this.stages.forget(m, row.id);
    }
    await this.scheduleAlert(c, 'breach', 0, now);
    if (this.policy.notifications().escalation.max >= 1) {
      await this.scheduleAlert(c, 'escalation', 1, this.escalationDue(now));
    }
  }

  /** When a case still overdue escalates next: `notifications.escalation.after` from now. */
  escalationDue(now: Date): Date {
    return this.calendar.dueAt(now, this.policy.notifications().escalation.after).dueAt;
  }

  /** Overdue deadlines always; event deadlines someone still acts on when the policy says so. */
  private remindable(row: CaseEntity, d: CaseDeadlineEntity): boolean {
    return (
      d.onExpireEvent === null ||
      this.policy.notifications().reminder.alsoFor.includes(`${row.type}.${d.name}`)
    );
  }

  /** An alert row and its job (outbox), once per (deadline, kind, level). */
  async scheduleAlert(
    c: Pick<DeadlineChange, 'manager' | 'deadline' | 'caseRow' | 'schedule'>,
    kind: SlaAlertKind,
    level: number,
    dueAt: Date,
  ): Promise<void> {
    const d = c.deadline;
    const inserted = await c.manager
      .createQueryBuilder()
      .insert()
      .into(SlaAlertEntity)
      .values({
        caseId: c.caseRow.id,
        deadlineId: d.id,
        kind,
        level,
        deadlineKey: `${d.kind}-${d.name}-${d.entrySeq}`,
        dueAt,
        status: 'scheduled',
        outcome: null,
        createdAt: new Date(),
        sentAt: null,
      })
      .orIgnore()
      .updateEntity(false) // the insert id is enough: no re-select of the defaulted columns
      .execute();
    if (((inserted.raw as { affectedRows?: number }).affectedRows ?? 0) === 0) {
      return;
    }
    const alertId = String(
      inserted.identifiers[0]?.id ?? (inserted.raw as { insertId: number }).insertId,
    );
    await c.schedule({
      queue: JOBS.slaAlert.queue,
      jobName: JOBS.slaAlert.name,
      jobId: jobId('sla', kind, c.caseRow.id, d.id, level),
      payload: { alertId },
      runAt: dueAt,
    });
  }
}
