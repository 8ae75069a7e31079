import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import { DomainError } from '../common/errors/domain-error';
import type { Environment } from '../config/environment';
import { eventGroups } from '../metrics/metrics';
import { withRetry } from '../database/with-retry';
import { markWrites, undoSince } from '../database/write-behind';
import { type Actor } from './actor';
import { canSeeCase } from './case-access';
import type { CaseEvent } from './case-event';
import { type DeadlineOutcome, DeadlineFiring } from './deadlines/deadline-firing';
import type { CaseEntity } from './entities/case.entity';
import { type OpenLinkedCasePayload, OpenLinkedCaseJob } from './jobs/open-linked-case.job';
import { type SignalCasePayload, type SignalOutcome, SignalCaseJob } from './jobs/signal-case.job';
import { type Effects, noEffects, OutboxWriter } from './outbox/outbox-writer';
import { CaseRepository } from './persistence/case-repository';
import { assertVersion } from './transition/event-checks';
import { GroupCommit } from './transition/group-commit';
import { allowedEventsFor, rehydrate } from './transition/machine-state';
import { retryable } from './transition/retryable';
import { type OpenCaseParams, TransitionPipeline } from './transition/transition-pipeline';
import { WorkflowRegistry } from './workflow-registry';

export type { CaseEvent } from './case-event';
export type { OpenCaseParams } from './transition/transition-pipeline';

/** A non-transition event to record (claim, reassignment, an attachment). */
export interface RecordEventParams {
  caseId: string;
  type: string;
  actor: Actor;
  payload: Record<string, unknown>;
  /** What the event changes on the case row (its assignee). */
  change?: (row: CaseEntity) => void;
  /** If-Match: refuse (409) unless the case is at this version. */
  expectedVersion?: number;
  /** Writes what the event is about (an attachment, a notice) in the same transaction. */
  within?: (m: EntityManager, row: CaseEntity) => Promise<void>;
}

/** One event to apply (applyEvent's arguments). */
interface EventRequest {
  caseId: string;
  event: CaseEvent;
  actor: Actor;
  expectedVersion?: number;
  beforeCommit?: (m: EntityManager, row: CaseEntity) => Promise<void>;
}

/**
 * The one case engine every workflow runs on (see docs/architecture.md, 'The engine'): what
 * domain modules, controllers and timers call. Each method opens the transaction (or joins the
 * caller's), retries a lost race, and hands the outbox to BullMQ after the commit; the work is
 * done by the parts it names — transition/ (the pipeline), persistence/ (the SQL),
 * deadlines/ (deadlines and clocks), outbox/ and jobs/ (linked cases and signals).
 */
@Injectable()
export class CaseEngine {
  /** Events sent to different cases at once share a transaction under load (group-commit.ts). */
  private readonly groups: GroupCommit<EventRequest, CaseEntity>;

  constructor(
    private readonly cases: CaseRepository,
    private readonly registry: WorkflowRegistry,
    private readonly pipeline: TransitionPipeline,
    private readonly outbox: OutboxWriter,
    private readonly deadlines: DeadlineFiring,
    private readonly linkedCases: OpenLinkedCaseJob,
    private readonly signals: SignalCaseJob,
    config: ConfigService<Environment, true>,
  ) {
    this.groups = new GroupCommit(
      {
        parallel: config.get('GROUP_COMMIT_PARALLEL', { infer: true }),
        max: config.get('GROUP_COMMIT_MAX', { infer: true }),
        stallMs: config.get('GROUP_COMMIT_STALL_MS', { infer: true }),
      },
      (request) => request.caseId,
      (request) => this.applyAlone(request),
      (requests) => this.applyTogether(requests),
      (size, outcome) => eventGroups.observe({ outcome }, size),
    );
  }

  async openCase(params: OpenCaseParams): Promise<CaseEntity> {
    const { manager, ...open } = params;
    if (manager) {
      this.outbox.callerCommitsTo(manager);
      // The caller commits; the periodic relay sends its outbox rows.
      return this.pipeline.open(manager, open, noEffects());
    }
    const [row, effects] = await this.cases.transaction(
      async (m): Promise<[CaseEntity, Effects]> => {
        const effects = noEffects();
        return [await this.pipeline.open(m, open, effects), effects];
      },
    );
    this.outbox.afterCommit(effects);
    return row;
  }

  /**
   * Applies one event to one case (the HTTP events; checks in the order of
   * transition-pipeline.ts). Without If-Match a lost race is retried. Under load it shares its
   * transaction with events of other cases sent at the same time (group commit).
   */
  async applyEvent(
    caseId: string,
    event: CaseEvent,
    actor: Actor,
    expectedVersion?: number,
    /** Last in the transaction, e.g. reads for the answer that ride with the COMMIT. */
    beforeCommit?: (m: EntityManager, row: CaseEntity) => Promise<void>,
  ): Promise<CaseEntity> {
    return this.groups.submit({ caseId, event, actor, expectedVersion, beforeCommit });
  }

  /** One event in its own transaction; without If-Match a lost race is retried. */
  private async applyAlone(request: EventRequest): Promise<CaseEntity> {
    const { caseId, event, actor, expectedVersion, beforeCommit } = request;
    const [row, effects] = await withRetry(
      () =>
        this.cases.transaction(async (m) => {
          const done = await this.pipeline.apply(m, caseId, event, actor, expectedVersion);
          await beforeCommit?.(m, done[0]);
          return done;
        }),
      { retryIf: retryable(expectedVersion) },
    );
    this.outbox.afterCommit(effects);
    return row;
  }

  /**
   * Events of different cases in one transaction (group commit): their rows locked in one
   * statement, each event applied in turn as alone, all committed together. An event refused
   * before it sent anything of its own drops out with its error; any other failure fails the
   * group, and GroupCommit runs each alone.
   */
  private async applyTogether(
    requests: EventRequest[],
  ): Promise<Array<PromiseSettledResult<CaseEntity>>> {
    const outcomes = await this.cases.transaction(async (m) => {
      await this.cases.lockMany(
        m,
        requests.map((r) => r.caseId),
        requests.map((r) => this.pipeline.sentByRead(r.caseId, r.event.type, r.actor)),
      );
      const applied: Array<PromiseSettledResult<[CaseEntity, Effects]>> = [];
      for (const { caseId, event, actor, expectedVersion, beforeCommit } of requests) {
        const mark = markWrites(m);
        try {
          const one = await this.pipeline.apply(m, caseId, event, actor, expectedVersion);
          await beforeCommit?.(m, one[0]);
          applied.push({ status: 'fulfilled', value: one });
        } catch (e) {
          if (!(e instanceof DomainError) || !undoSince(m, mark)) {
            throw e;
          }
          applied.push({ status: 'rejected', reason: e });
        }
      }
      return applied;
    });
    return outcomes.map((outcome) => {
      if (outcome.status === 'rejected') {
        return outcome;
      }
      const [row, effects] = outcome.value;
      this.outbox.afterCommit(effects);
      return { status: 'fulfilled', value: row };
    });
  }

  /** The same, inside the caller's transaction (the caller commits; the relay sends the outbox). */
  async applyEventIn(
    m: EntityManager,
    caseId: string,
    event: CaseEvent,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<CaseEntity> {
    this.outbox.callerCommitsTo(m);
    const [row] = await this.pipeline.apply(m, caseId, event, actor, expectedVersion);
    return row;
  }

  /**
   * Records an event that does not move the machine (claim, reassignment, a deadline that only
   * marks the case overdue): versioned and hash-chained like any other. `within` writes what the
   * event is about (an attachment, an assignment notice) in the same transaction.
   */
  async recordEvent(params: RecordEventParams): Promise<CaseEntity> {
    const [recorded, effects] = await this.cases.transaction(async (m) => {
      const row = await this.cases.lock(m, params.caseId);
      const definition = this.registry.get(row.type, row.machineVersion);
      if (!canSeeCase(definition, row, params.actor)) {
        throw DomainError.notFound('Case');
      }
      assertVersion(row, params.expectedVersion, '');
      const effects = noEffects();
      const recorded = await this.pipeline.record(m, row, { ...params, now: new Date() }, effects);
      // What the event records is written in the same transaction (an attachment, a notice).
      await params.within?.(m, recorded);
      return [recorded, effects] as const;
    });
    this.outbox.afterCommit(effects);
    return recorded;
  }

  /** Fires one deadline, at most once (deadlines/deadline-firing.ts). */
  async fireDeadline(
    deadlineId: string,
    now = new Date(),
    refused?: string,
  ): Promise<DeadlineOutcome> {
    return this.deadlines.fire(deadlineId, now, refused);
  }

  /** Pending deadlines that are due by more than `graceMs` (their job never ran): fire them. */
  async reconcileDueDeadlines(graceMs: number): Promise<number> {
    return this.deadlines.reconcileDue(graceMs);
  }

  /** The events this actor may send now: the state takes them and their role/scope allows it. */
  allowedEventsFor(
    definition: WorkflowDefinition,
    row: Pick<CaseEntity, 'streetCode' | 'data' | 'status'>,
    snapshot: AnyMachineSnapshot,
    actor: Actor,
  ): string[] {
    return allowedEventsFor(definition, row, snapshot, actor);
  }

  /** Rebuilds a stored snapshot without starting an actor (keeps history states). */
  rehydrate(machine: AnyStateMachine, persisted: Record<string, unknown>): AnyMachineSnapshot {
    return rehydrate(machine, persisted);
  }

  /** Opens a case another case asked for, at most once (jobs/open-linked-case.job.ts). */
  async openLinkedCase(request: OpenLinkedCasePayload): Promise<string> {
    return this.linkedCases.run(request);
  }

  /** Applies a cross-case event as `system`, at most once (jobs/signal-case.job.ts). */
  async applySignal(job: SignalCasePayload): Promise<SignalOutcome> {
    return this.signals.run(job);
  }
}
