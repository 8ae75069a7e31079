import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  type AnyMachineSnapshot,
  createActor,
  initialTransition,
  transition,
  type AnyStateMachine,
  type StateValue,
} from 'xstate';
import { CASE_OPENED, type WorkflowDefinition } from '../../workflows/workflow-definition';
import { CalendarService } from '../calendar/calendar.service';
import { parseDuration } from '../common/calendar/duration';
import { DomainError } from '../common/errors/domain-error';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from '../common/errors/validation';
import { PolicyService } from '../config/policy.service';
import { caseTransitions, deadlinesFired } from '../metrics/metrics';
import { JOBS, jobId } from '../queue/jobs';
import { rulesFor } from './duties-policy';
import { type Actor, SYSTEM } from './actor';
import {
  canSeeCase,
  isConfidential,
  isPermitted,
  memberFields,
  membersOf,
  permissionFor,
} from './case-access';
import { personKey } from '../common/person-key';
import { CaseMemberEntity } from './entities/case-member.entity';
import { CasePersonEntity } from './entities/case-person.entity';
import {
  CaseDeadlineEntity,
  type DeadlineKind,
  deadlineFromRow,
} from './entities/case-deadline.entity';
import type { CaseEventEntity } from './entities/case-event.entity';
import { CaseEntity, caseFromRow, type CaseRow } from './entities/case.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { EventHandlerRegistry, type LinkedCaseRequest } from './event-handlers';
import { CaseLinkEntity } from './entities/case-link.entity';
import { CaseSignalEntity } from './entities/case-signal.entity';
import { EngineObservers, type ScheduledJob } from './engine-observers';
import { acceptedEventTypes, activePaths, stateToString } from './machine-introspection';
import { deferWrite, writeBehindTransaction } from '../database/write-behind';
import { isDuplicateEntry, isLockConflict, withRetry } from '../database/with-retry';
import { OUTBOX_LEASE_MS, OutboxRelay } from './outbox-relay.service';
import { WorkflowRegistry } from './workflow-registry';
import { eventHash, GENESIS_HASH } from './audit/event-hash';

export type CaseEvent = Record<string, unknown> & { type: string };

/** XState types a generic snapshot's value as `any`; it is always a StateValue. */
function stateValue(snapshot: AnyMachineSnapshot): StateValue {
  return snapshot.value as StateValue;
}

// The case row lock (SELECT … FOR UPDATE) and the versioned update serialise work on a case.
// Transactions run READ COMMITTED, every connection's session default (database-options.ts
// createDataSource): it spares the deadline and outbox tables InnoDB's gap locks, which
// otherwise deadlock unrelated cases under load.

/** Worth another attempt: a lock conflict, or a lost race on the case when no If-Match was given. */
function retryable(expectedVersion?: number): (e: unknown) => boolean {
  return (e) =>
    e instanceof DomainError
      ? e.code === 'VERSION_CONFLICT' && expectedVersion === undefined
      : isLockConflict(e);
}

interface OpenCaseParams {
  type: string;
  input: Record<string, unknown>;
  actor: Actor;
  streetCode?: string | null;
  assigneeId?: string | null;
  /** The policy version the case is bound to (e.g. the relief edition in force on the application date). */
  policyVersion?: string;
  /** Open inside the caller's transaction (e.g. with its idempotency key). */
  manager?: EntityManager;
  /** At most one case per key, ever (unique `origin_key`), e.g. one proactive case per person and year. */
  originKey?: string;
}

type Outcome = 'fired' | 'overdue' | 'stale' | 'not-due';

interface Effects {
  /** Outbox rows written in the transaction, handed to BullMQ right after the commit. */
  outbox: OutboxEntity[];
}

/**
 * The one case engine every workflow runs on (ARCHITECTURE.md "The engine"): checks, the domain
 * hook, XState's pure transition, then ONE transaction for the versioned case row, the event
 * row and the outbox rows; after commit the outbox is handed to BullMQ.
 */
@Injectable()
export class CaseEngine {
  private readonly logger = new Logger(CaseEngine.name);
  /** Transactions the caller commits (openCase with `manager`, applyEventIn): no outbox lease. */
  private readonly callerCommits = new WeakSet<EntityManager>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
    private readonly calendar: CalendarService,
    private readonly relay: OutboxRelay,
    private readonly observers: EngineObservers,
  ) {}

  // ---------------------------------------------------------------- opening a case

  async openCase(params: OpenCaseParams): Promise<CaseEntity> {
    const run = async (m: EntityManager): Promise<[CaseEntity, Effects]> => {
      const effects: Effects = { outbox: [] };
      return [await this.openInTransaction(m, params, effects), effects];
    };
    if (params.manager) {
      this.callerCommits.add(params.manager);
      const [row] = await run(params.manager);
      return row; // the caller commits; the periodic relay sends its outbox rows
    }
    const [row, effects] = await writeBehindTransaction(this.dataSource, run);
    this.afterCommit(effects);
    return row;
  }

  private async openInTransaction(
    m: EntityManager,
    params: Omit<OpenCaseParams, 'manager'>,
    effects: Effects,
  ): Promise<CaseEntity> {
    const definition = this.registry.latest(params.type);
    const now = new Date();
    const [snapshot] = initialTransition(definition.machine, params.input);
    const id = randomUUID();
    const row = m.create(CaseEntity, {
      id,
      type: definition.type,
      machineVersion: definition.version,
      state: stateToString(stateValue(snapshot)),
      status: snapshot.status === 'done' ? 'closed' : 'active',
      version: 1,
      snapshot: definition.machine.getPersistedSnapshot(snapshot) as Record<string, unknown>,
      data: snapshot.context as Record<string, unknown>,
      streetCode: params.streetCode ?? null,
      assigneeId: params.assigneeId ?? null,
      policyVersion: params.policyVersion ?? this.policy.current().version,
      createdBy: params.actor.id,
      createdAt: now,
      updatedAt: now,
      closedAt: snapshot.status === 'done' ? now : null,
      originKey: params.originKey ?? null,
      exclusiveKey: definition.exclusiveKey?.(params.input) ?? null,
      restricted: isConfidential(definition, snapshot.context as Record<string, unknown>),
    });
    row.lastEventHash = await this.appendEvent(m, GENESIS_HASH, {
      caseId: id,
      seq: 1,
      type: 'CASE_OPENED',
      actor: params.actor.id,
      payload: params.input,
      fromState: null,
      toState: row.state,
      at: now,
    });
    if (row.exclusiveKey !== null && row.status === 'active') {
      const open = await this.activeCaseWithKey(m, row.exclusiveKey);
      if (open) {
        throw new DomainError(
          'CONFLICT',
          `An open ${definition.type} case already exists for this (${open}).`,
          {
            caseId: open,
          },
        );
      }
    } else {
      row.exclusiveKey = null;
    }
    try {
      // updateEntity(false): no re-select of the defaulted columns (the row is complete).
      await m
        .createQueryBuilder()
        .insert()
        .into(CaseEntity)
        .values(row as QueryDeepPartialEntity<CaseEntity>)
        .updateEntity(false)
        .execute();
    } catch (e) {
      if (isDuplicateEntry(e) && row.exclusiveKey !== null) {
        throw new DomainError(
          'CONFLICT',
          `An open ${definition.type} case already exists for this.`,
        );
      }
      throw e;
    }
    await this.syncMembers(m, definition, row, {});
    await this.indexPersons(m, definition, row.id, params.input);
    const entered = activePaths(stateValue(snapshot));
    await this.enterStates(m, row, definition, [], entered, 1, now, effects);
    await this.runClocks(m, row, definition, CASE_OPENED, [], entered, now, effects);
    await this.observers.caseChanged({
      ...this.observation(m, row, definition, now, effects),
      eventType: 'CASE_OPENED',
      actorId: params.actor.id,
      fromState: null,
      assigneeBefore: null,
    });
    caseTransitions.inc({ type: definition.type, event: 'CASE_OPENED' });
    return row;
  }

  // ---------------------------------------------------------------- applying an event

  /**
   * Applies one event to one case: used by HTTP, timers and other modules alike.
   * Check order (ARCHITECTURE.md): visible (404), If-Match (409), state accepts the event
   * (422 + allowedEvents), caller may send it here (403), payload valid (400); then the hook,
   * the pure transition, and one transaction. Without If-Match a lost race is retried.
   */
  async applyEvent(
    caseId: string,
    event: CaseEvent,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<CaseEntity> {
    const [row, effects] = await withRetry(
      () =>
        writeBehindTransaction(this.dataSource, (m) =>
          this.applyInTransaction(m, caseId, event, actor, expectedVersion),
        ),
      { retryIf: retryable(expectedVersion) },
    );
    this.afterCommit(effects);
    return row;
  }

  /** The same, inside the caller's transaction (the caller commits; the relay sends the outbox). */
  async applyEventIn(
    m: EntityManager,
    caseId: string,
    event: CaseEvent,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<CaseEntity> {
    this.callerCommits.add(m);
    const [row] = await this.applyInTransaction(m, caseId, event, actor, expectedVersion);
    return row;
  }

  private async applyInTransaction(
    m: EntityManager,
    caseId: string,
    rawEvent: CaseEvent,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<[CaseEntity, Effects]> {
    const row = await this.lockCase(m, caseId);
    const definition = this.registry.get(row.type, row.machineVersion);
    if (!canSeeCase(definition, row, actor)) {
      throw DomainError.notFound('Case');
    }
    if (expectedVersion !== undefined && expectedVersion !== row.version) {
      throw new DomainError(
        'VERSION_CONFLICT',
        `The case is at version ${row.version}, not ${expectedVersion}: reload it and try again.`,
        { currentVersion: row.version },
      );
    }
    const snapshot = this.rehydrate(definition.machine, row.snapshot);
    const accepted = acceptedEventTypes(definition.machine, stateValue(snapshot));
    if (row.status !== 'active' || !accepted.includes(rawEvent.type)) {
      throw new DomainError(
        'EVENT_NOT_ACCEPTED',
        `A ${row.type} case in state "${row.state}" does not accept ${rawEvent.type}.`,
        { allowedEvents: this.allowedEventsFor(definition, row, snapshot, actor) },
      );
    }
    if (!isPermitted(permissionFor(definition, stateValue(snapshot), rawEvent.type), row, actor)) {
      throw DomainError.forbidden(
        `Your role or scope may not send ${rawEvent.type} to this case in state "${row.state}".`,
      );
    }
    if (!actor.system) {
      await this.assertSeparatedDuties(m, row, rawEvent.type, actor);
    }
    const handler = this.handlers.get(row.type, rawEvent.type);
    // The service's own events (deadlines, linked cases) carry payloads the engine composed itself.
    const payload = actor.system
      ? this.payloadOf(rawEvent)
      : await this.validatePayload(rawEvent, this.handlers.payloadOf(row.type, rawEvent.type));
    const now = new Date();
    const linkedCases: LinkedCaseRequest[] = [];
    const signals: Array<{ caseId: string; event: CaseEvent }> = [];
    const hookContext = {
      caseRow: row,
      event: { ...payload, type: rawEvent.type },
      actor,
      manager: m,
      now,
      openLinkedCase: (request: LinkedCaseRequest) => linkedCases.push(request),
      signalCase: (caseId: string, signal: CaseEvent) => signals.push({ caseId, event: signal }),
    };
    const computed = handler
      ? await handler.hook(hookContext).catch((e: unknown) => {
          // A business rule a hook refuses is a 422 like the machine's own: it lists what the
          // caller may send now (API.md), which the hook does not know.
          if (e instanceof DomainError && e.code === 'BUSINESS_RULE' && !e.extra.allowedEvents) {
            e.extra.allowedEvents = this.allowedEventsFor(definition, row, snapshot, actor);
          }
          throw e;
        })
      : undefined;
    const recorded = { ...payload, ...(computed ?? {}) };
    const machineEvent = {
      ...recorded,
      type: rawEvent.type,
      actor: actor.id,
      at: now.toISOString(),
    };

    if (!snapshot.can(machineEvent)) {
      const errors = definition.explainRefusal?.(snapshot, machineEvent) ?? [];
      throw new DomainError(
        'BUSINESS_RULE',
        errors.length > 0
          ? `${rawEvent.type} is refused: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`
          : `${rawEvent.type} is refused in state "${row.state}": a condition of the workflow is not met.`,
        {
          ...(errors.length > 0 ? { errors } : {}),
          allowedEvents: this.allowedEventsFor(definition, row, snapshot, actor),
        },
      );
    }
    const [next, actions] = transition(definition.machine, snapshot, machineEvent);
    const effects = await this.persistTransition(m, row, definition, snapshot, next, {
      type: rawEvent.type,
      actor: actor.id,
      payload: recorded,
      now,
    });
    const onClose = next.status === 'done' ? this.handlers.onClose(row.type) : undefined;
    if (onClose) {
      await onClose({ ...hookContext, caseRow: row });
    }
    for (const request of linkedCases) {
      effects.outbox.push(
        await this.outboxRow(m, {
          queue: JOBS.openLinkedCase.queue,
          jobName: JOBS.openLinkedCase.name,
          jobId: jobId('open', row.id, row.version, request.type),
          payload: { sourceCaseId: row.id, sourceSeq: row.version, ...request },
          runAt: now,
        }),
      );
    }
    for (const signal of signals) {
      effects.outbox.push(
        await this.outboxRow(m, {
          queue: JOBS.signalCase.queue,
          jobName: JOBS.signalCase.name,
          jobId: jobId('signal', row.id, row.version, signal.caseId, signal.event.type),
          payload: {
            sourceCaseId: row.id,
            sourceSeq: row.version,
            targetCaseId: signal.caseId,
            event: signal.event,
          },
          runAt: now,
        }),
      );
    }
    for (const action of actions as ReadonlyArray<{ type: string; params?: unknown }>) {
      // `emit(...)` in a machine asks the engine for an effect (XState returns it, executes nothing).
      if (action.type === 'xstate.emit') {
        await this.applyEmitted(
          m,
          row,
          definition,
          (action.params as { event: CaseEvent }).event,
          now,
          effects,
        );
      }
    }
    caseTransitions.inc({ type: row.type, event: rawEvent.type });
    return [row, effects];
  }

  /**
   * 不相容职务分离: a rule of policy `duties.separation.<type>` bars whoever sent one of its
   * `notBy` events on this case from sending its event (403 naming the rule). Read in the case's
   * transaction, under its row lock: two events of one case never race past each other.
   */
  private async assertSeparatedDuties(
    m: EntityManager,
    row: CaseEntity,
    eventType: string,
    actor: Actor,
  ): Promise<void> {
    const rules = rulesFor(this.policy.duties(), row.type, eventType);
    if (rules.length === 0) {
      return;
    }
    const earlier = await m.query<Array<{ type: string }>>(
      'SELECT DISTINCT type FROM case_events WHERE case_id = ? AND actor = ? AND type IN (?)',
      [row.id, actor.id, [...new Set(rules.flatMap((r) => r.notBy))]],
    );
    const sent = new Set(earlier.map((e) => e.type));
    const broken = rules.find((r) => r.notBy.some((e) => sent.has(e)));
    if (broken) {
      const did = broken.notBy.filter((e) => sent.has(e)).join(', ');
      throw new DomainError(
        'FORBIDDEN',
        `Separated duties (${broken.rule}): you sent ${did} on this case, so someone else sends ${eventType}.`,
        { rule: broken.rule },
      );
    }
  }

  /**
   * Records an event that does not move the machine (claim, reassignment, a deadline that only
   * marks the case overdue): versioned and hash-chained like any other. `within` writes what the
   * event is about (an attachment, an assignment notice) in the same transaction.
   */
  async recordEvent(
    caseId: string,
    type: string,
    actor: Actor,
    payload: Record<string, unknown>,
    change: (row: CaseEntity) => void = () => undefined,
    expectedVersion?: number,
    within?: (m: EntityManager, row: CaseEntity) => Promise<void>,
  ): Promise<CaseEntity> {
    return writeBehindTransaction(this.dataSource, async (m) => {
      const row = await this.lockCase(m, caseId);
      const definition = this.registry.get(row.type, row.machineVersion);
      if (!canSeeCase(definition, row, actor)) {
        throw DomainError.notFound('Case');
      }
      if (expectedVersion !== undefined && expectedVersion !== row.version) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `The case is at version ${row.version}, not ${expectedVersion}.`,
          {
            currentVersion: row.version,
          },
        );
      }
      const effects: Effects = { outbox: [] };
      const recorded = await this.recordInTransaction(
        m,
        row,
        type,
        actor,
        payload,
        change,
        new Date(),
        effects,
      );
      // What the event records is written in the same transaction (an attachment, a notice).
      await within?.(m, recorded);
      return [recorded, effects] as const;
    }).then(([recorded, effects]) => {
      this.afterCommit(effects);
      return recorded;
    });
  }

  private async recordInTransaction(
    m: EntityManager,
    row: CaseEntity,
    type: string,
    actor: Actor,
    payload: Record<string, unknown>,
    change: (row: CaseEntity) => void,
    now: Date,
    effects: Effects = { outbox: [] },
  ): Promise<CaseEntity> {
    const previous = row.version;
    const assigneeBefore = row.assigneeId;
    change(row);
    row.version = previous + 1;
    row.updatedAt = now;
    row.lastEventHash = await this.appendEvent(m, row.lastEventHash, {
      caseId: row.id,
      seq: row.version,
      type,
      actor: actor.id,
      payload,
      fromState: row.state,
      toState: row.state,
      at: now,
    });
    await this.versionedUpdate(m, row, previous);
    await this.observers.caseChanged({
      ...this.observation(m, row, this.registry.get(row.type, row.machineVersion), now, effects),
      eventType: type,
      actorId: actor.id,
      fromState: row.state,
      assigneeBefore,
    });
    return row;
  }

  // ---------------------------------------------------------------- deadlines

  /**
   * Fires one deadline, at most once: the row is locked and must still be `pending`
   * (a timer for a state the case has already left was cancelled in that transition: stale).
   */
  async fireDeadline(deadlineId: string, now = new Date(), refused?: string): Promise<Outcome> {
    try {
      const [outcome, effects] = await withRetry(
        () =>
          writeBehindTransaction(this.dataSource, async (m): Promise<[Outcome, Effects]> => {
            const deadline = await this.lockDeadline(m, deadlineId);
            if (!deadline || deadline.status !== 'pending') {
              return ['stale', { outbox: [] }] as [Outcome, Effects];
            }
            if (deadline.dueAt.getTime() > now.getTime() + 1000) {
              return ['not-due', { outbox: [] }] as [Outcome, Effects];
            }
            const payload = {
              deadline: deadline.name,
              dueAt: deadline.dueAt.toISOString(),
              entrySeq: deadline.entrySeq,
            };
            if (deadline.onExpireEvent && refused === undefined) {
              deadline.status = 'fired';
              deadline.firedAt = now;
              await this.markDeadline(m, deadline);
              const [, effects] = await this.applyInTransaction(
                m,
                deadline.caseId,
                { type: deadline.onExpireEvent, ...payload },
                SYSTEM,
              );
              return ['fired', effects] as [Outcome, Effects];
            }
            // No event to send, or the case refused it (e.g. no expert left to redraw): overdue.
            deadline.status = 'overdue';
            deadline.firedAt = now;
            await this.markDeadline(m, deadline);
            if (refused !== undefined) {
              Object.assign(payload, { refused });
            }
            const row = await this.lockCase(m, deadline.caseId);
            const effects: Effects = { outbox: [] };
            await this.recordInTransaction(
              m,
              row,
              `DEADLINE_OVERDUE`,
              SYSTEM,
              payload,
              () => undefined,
              now,
              effects,
            );
            await this.observers.deadlineOverdue({
              ...this.observation(
                m,
                row,
                this.registry.get(row.type, row.machineVersion),
                now,
                effects,
              ),
              deadline,
            });
            return ['overdue', effects] as [Outcome, Effects];
          }),
        { retryIf: retryable() },
      );
      this.afterCommit(effects);
      deadlinesFired.inc({ outcome });
      return outcome;
    } catch (e) {
      if (
        refused === undefined &&
        e instanceof DomainError &&
        (e.code === 'BUSINESS_RULE' || e.code === 'EVENT_NOT_ACCEPTED')
      ) {
        // The deadline's event cannot apply: record the breach rather than retry forever.
        this.logger.warn(
          `deadline ${deadlineId}: its event was refused (${e.message}); marking overdue`,
        );
        return this.fireDeadline(deadlineId, now, e.message);
      }
      throw e;
    }
  }

  /** Pending deadlines that are due by more than `graceMs` (their job never ran): fire them. */
  async reconcileDueDeadlines(graceMs: number, limit = 200): Promise<number> {
    const cutoff = new Date(Date.now() - graceMs);
    const due = await this.dataSource
      .getRepository(CaseDeadlineEntity)
      .createQueryBuilder('d')
      .select(['d.id'])
      .where('d.status = :status AND d.due_at <= :cutoff', { status: 'pending', cutoff })
      .orderBy('d.due_at', 'ASC')
      .limit(limit)
      .getMany();
    let fired = 0;
    for (const d of due) {
      const outcome = await this.fireDeadline(d.id).catch((e: Error) => {
        this.logger.warn(`reconciling deadline ${d.id}: ${e.message}`);
        return 'stale' as const;
      });
      if (outcome === 'fired' || outcome === 'overdue') {
        fired++;
      }
    }
    return fired;
  }

  // ---------------------------------------------------------------- helpers

  /** The events this actor may send now: the state takes them and their role/scope allows it. */
  allowedEventsFor(
    definition: WorkflowDefinition,
    row: Pick<CaseEntity, 'streetCode' | 'data' | 'status'>,
    snapshot: AnyMachineSnapshot,
    actor: Actor,
  ): string[] {
    if (row.status !== 'active') {
      return [];
    }
    return acceptedEventTypes(definition.machine, stateValue(snapshot)).filter((type) =>
      isPermitted(permissionFor(definition, stateValue(snapshot), type), row, actor),
    );
  }

  /** Rebuilds a stored snapshot without starting an actor (keeps history states). */
  rehydrate(machine: AnyStateMachine, persisted: Record<string, unknown>): AnyMachineSnapshot {
    return createActor(machine, {
      snapshot: persisted as never,
    }).getSnapshot() as AnyMachineSnapshot;
  }

  /** A deadline row, locked for this transaction (raw SQL: every deadline firing starts here). */
  private async lockDeadline(m: EntityManager, id: string): Promise<CaseDeadlineEntity | null> {
    const [r] = await m.query<Array<Record<string, unknown>>>(
      'SELECT * FROM case_deadlines WHERE id = ? FOR UPDATE',
      [id],
    );
    return r ? deadlineFromRow(r) : null;
  }

  /** Records a deadline's new status (fired or overdue) with the transition's other writes. */
  private async markDeadline(m: EntityManager, d: CaseDeadlineEntity): Promise<void> {
    await deferWrite(m, 'UPDATE case_deadlines SET status = ?, fired_at = ? WHERE id = ?', [
      d.status,
      d.firedAt,
      d.id,
    ]);
  }

  /** The case row, locked for this transaction (raw SQL: every transition starts here). */
  private async lockCase(m: EntityManager, caseId: string): Promise<CaseEntity> {
    const rows = /^[0-9a-f-]{36}$/i.test(caseId)
      ? await m.query<CaseRow[]>('SELECT * FROM cases WHERE id = ? FOR UPDATE', [caseId])
      : [];
    if (rows.length === 0) {
      throw DomainError.notFound('Case');
    }
    return caseFromRow(rows[0]);
  }

  private payloadOf(event: CaseEvent): Record<string, unknown> {
    const { type: _type, ...payload } = event;
    return payload;
  }

  private async validatePayload(
    event: CaseEvent,
    dto: (new () => object) | undefined,
  ): Promise<Record<string, unknown>> {
    const { type: _type, ...payload } = event;
    if (!dto) {
      const unexpected = Object.keys(payload);
      if (unexpected.length > 0) {
        throw DomainError.validation(
          unexpected.map((field) => ({
            field,
            message: `${field} is not expected for ${event.type}`,
          })),
        );
      }
      return {};
    }
    const instance = plainToInstance(dto, payload);
    const errors = await validate(instance, VALIDATOR_OPTIONS);
    if (errors.length > 0) {
      throw DomainError.validation(flattenValidationErrors(errors));
    }
    return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
  }

  private async persistTransition(
    m: EntityManager,
    row: CaseEntity,
    definition: WorkflowDefinition,
    before: AnyMachineSnapshot,
    after: AnyMachineSnapshot,
    event: { type: string; actor: string; payload: Record<string, unknown>; now: Date },
  ): Promise<Effects> {
    const previousVersion = row.version;
    const fromState = row.state;
    const previousData = row.data;
    row.snapshot = definition.machine.getPersistedSnapshot(after);
    row.data = after.context as Record<string, unknown>;
    row.state = stateToString(stateValue(after));
    row.version = previousVersion + 1;
    row.updatedAt = event.now;
    row.restricted = isConfidential(definition, row.data);
    if (after.status === 'done') {
      row.status = 'closed';
      row.closedAt = event.now;
      row.exclusiveKey = null; // a closed case no longer blocks the next one
    }
    row.lastEventHash = await this.appendEvent(m, row.lastEventHash, {
      caseId: row.id,
      seq: row.version,
      type: event.type,
      actor: event.actor,
      payload: event.payload,
      fromState,
      toState: row.state,
      at: event.now,
    });
    await this.versionedUpdate(m, row, previousVersion);
    await this.syncMembers(m, definition, row, previousData);
    const was = activePaths(stateValue(before));
    const is = row.status === 'closed' ? [] : activePaths(stateValue(after));
    const effects: Effects = { outbox: [] };
    const leftWithDeadlines = was.filter(
      (p) => !is.includes(p) && definition.deadlines[p] !== undefined,
    );
    await this.leaveStates(m, row, leftWithDeadlines, event.now, row.status === 'closed');
    await this.enterStates(m, row, definition, was, is, row.version, event.now, effects);
    await this.runClocks(m, row, definition, event.type, was, is, event.now, effects);
    await this.observers.caseChanged({
      ...this.observation(m, row, definition, event.now, effects),
      eventType: event.type,
      actorId: event.actor,
      fromState,
      assigneeBefore: row.assigneeId,
    });
    return effects;
  }

  private async versionedUpdate(
    m: EntityManager,
    row: CaseEntity,
    previousVersion: number,
  ): Promise<void> {
    await deferWrite(
      m,
      `UPDATE cases SET snapshot = ?, data = ?, state = ?, status = ?, version = ?, assignee_id = ?,
         last_event_hash = ?, updated_at = ?, closed_at = ?, exclusive_key = ?, restricted = ?
       WHERE id = ? AND version = ?`,
      [
        JSON.stringify(row.snapshot),
        JSON.stringify(row.data),
        row.state,
        row.status,
        row.version,
        row.assigneeId,
        row.lastEventHash,
        row.updatedAt,
        row.closedAt,
        row.exclusiveKey,
        row.restricted ? 1 : 0,
        row.id,
        previousVersion,
      ],
      (result) => {
        if ((result as { affectedRows: number }).affectedRows !== 1) {
          throw new DomainError(
            'VERSION_CONFLICT',
            'The case was changed meanwhile: reload it and try again.',
          );
        }
      },
    );
  }

  /** Indexes a new case under the person key of everyone it is about (the person view). */
  private async indexPersons(
    m: EntityManager,
    definition: WorkflowDefinition,
    caseId: string,
    input: Record<string, unknown>,
  ): Promise<void> {
    const ids = definition.persons?.(input) ?? [];
    const keys = [...new Set(ids.filter((id) => typeof id === 'string').map(personKey))];
    if (keys.length > 0) {
      await m.insert(
        CasePersonEntity,
        keys.map((key) => ({ personKey: key, caseId })),
      );
    }
  }

  /** Keeps case_members in step with the member lists in the case's data (team, panel). */
  private async syncMembers(
    m: EntityManager,
    definition: WorkflowDefinition,
    row: CaseEntity,
    previousData: Record<string, unknown>,
  ): Promise<void> {
    const fields = memberFields(definition);
    if (fields.length === 0 && !definition.confidential) {
      return;
    }
    // While a case is confidential its viewers (a FLIGHT plan's owner) are members too, so the
    // SQL scope of lists lets them see it; everyone else's lists skip `restricted` cases.
    const ids = (data: Record<string, unknown>): string[] =>
      [
        ...new Set([
          ...fields.flatMap((f) => membersOf(data, f)),
          ...(isConfidential(definition, data) ? definition.confidential!.viewers(data) : []),
        ]),
      ].sort();
    const before = ids(previousData);
    const after = ids(row.data);
    if (before.join() === after.join()) {
      return;
    }
    await m.delete(CaseMemberEntity, { caseId: row.id });
    if (after.length > 0) {
      await m.insert(
        CaseMemberEntity,
        after.map((userId) => ({ caseId: row.id, userId })),
      );
    }
  }

  /** Inserts the event row chained to `prevHash`; returns the new row's hash. */
  private async appendEvent(
    m: EntityManager,
    prevHash: string,
    e: Omit<CaseEventEntity, 'id' | 'prevHash' | 'hash'>,
  ): Promise<string> {
    const hash = eventHash({ ...e, prevHash });
    await deferWrite(
      m,
      `INSERT INTO case_events (case_id, seq, type, actor, payload, from_state, to_state, at,
         prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        e.caseId,
        e.seq,
        e.type,
        e.actor,
        JSON.stringify(e.payload),
        e.fromState,
        e.toState,
        e.at,
        prevHash,
        hash,
      ],
    );
    return hash;
  }

  /** Leaving a state ends its deadlines: a pending timer becomes stale, an overdue one is closed. */
  private async leaveStates(
    m: EntityManager,
    row: CaseEntity,
    left: string[],
    now: Date,
    closing: boolean,
  ): Promise<void> {
    if (left.length === 0 && !closing) {
      return;
    }
    await this.endDeadlines(m, row.id, closing ? {} : { kind: 'state', names: left }, now);
  }

  /**
   * Ends open deadlines (all of the case's, or those of one kind and names): a pending timer
   * becomes stale (cancelled), a fired or overdue one closes. One statement.
   */
  private async endDeadlines(
    m: EntityManager,
    caseId: string,
    only: { kind?: DeadlineKind; names?: string[] },
    now: Date,
  ): Promise<void> {
    await deferWrite(
      m,
      `UPDATE case_deadlines SET status = IF(status = 'pending', 'cancelled', status), closed_at = ?
        WHERE case_id = ? AND closed_at IS NULL AND status IN ('pending', 'overdue', 'fired')
        ${only.kind ? 'AND kind = ?' : ''} ${only.names ? 'AND name IN (?)' : ''}`,
      [now, caseId, ...(only.kind ? [only.kind] : []), ...(only.names ? [only.names] : [])],
    );
  }

  /** Entering a state with a deadline in the policy: a deadline row and its delayed job (outbox). */
  private async enterStates(
    m: EntityManager,
    row: CaseEntity,
    definition: WorkflowDefinition,
    was: string[],
    is: string[],
    entrySeq: number,
    now: Date,
    effects: Effects,
    restart = 0,
  ): Promise<void> {
    for (const state of is.filter((p) => !was.includes(p))) {
      const declared = definition.deadlines[state];
      const duration =
        definition.durationFromData?.(state, row.data) ??
        this.policy.deadlineFor(definition.type, state);
      if (!declared || !duration) {
        continue;
      }
      await this.insertDeadline(
        m,
        row,
        {
          name: state,
          kind: 'state',
          entrySeq,
          restart,
          duration,
          startedAt: now,
          dueAt: this.calendar.dueAt(now, duration).dueAt,
          onExpireEvent: declared.onExpire === 'overdue' ? null : declared.onExpire.event,
        },
        effects,
      );
    }
  }

  /** A pending deadline row and, in the outbox, the delayed job that will fire it. */
  private async insertDeadline(
    m: EntityManager,
    row: CaseEntity,
    d: Pick<
      CaseDeadlineEntity,
      | 'name'
      | 'kind'
      | 'entrySeq'
      | 'restart'
      | 'duration'
      | 'startedAt'
      | 'dueAt'
      | 'onExpireEvent'
    >,
    effects: Effects,
  ): Promise<void> {
    const inserted = await m.query<{ insertId: number | string }>(
      `INSERT INTO case_deadlines (case_id, name, kind, entry_seq, restart, duration, started_at,
         due_at, on_expire_event, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      [
        row.id,
        d.name,
        d.kind,
        d.entrySeq,
        d.restart,
        d.duration,
        d.startedAt,
        d.dueAt,
        d.onExpireEvent,
      ],
    );
    const deadlineId = String(inserted.insertId);
    await this.observers.deadlineStarted({
      ...this.observation(
        m,
        row,
        this.registry.get(row.type, row.machineVersion),
        d.startedAt,
        effects,
      ),
      deadline: Object.assign(new CaseDeadlineEntity(), {
        ...d,
        id: deadlineId,
        caseId: row.id,
        status: 'pending' as const,
        firedAt: null,
        closedAt: null,
      }),
    });
    // A clock's job id says `clock` so it never meets a state deadline of the same name.
    const kindTag = d.kind === 'state' ? [] : ['clock'];
    effects.outbox.push(
      await this.outboxRow(m, {
        queue: JOBS.fireDeadline.queue,
        jobName: JOBS.fireDeadline.name,
        jobId: jobId('deadline', row.id, d.entrySeq, ...kindTag, d.name, d.restart),
        payload: { deadlineId, caseId: row.id },
        runAt: d.dueAt,
      }),
    );
  }

  /**
   * Case-level clocks (ARCHITECTURE.md): started (or restarted) by their events, stopped when the
   * case enters a stop state or closes, paused in their pause states — a paused clock keeps its
   * remaining time (`due_at − closed_at` of the `paused` row) and resumes with it on leaving.
   */
  private async runClocks(
    m: EntityManager,
    row: CaseEntity,
    definition: WorkflowDefinition,
    eventType: string,
    was: string[],
    is: string[],
    now: Date,
    effects: Effects,
  ): Promise<void> {
    for (const [name, clock] of Object.entries(definition.clocks ?? {})) {
      const open = { caseId: row.id, kind: 'case' as const, name, closedAt: IsNull() };
      const stop = row.status === 'closed' || is.some((p) => clock.stopIn?.includes(p));
      const paused = (paths: string[]): boolean => paths.some((p) => clock.pausedIn?.includes(p));
      if (stop) {
        await this.endDeadlines(m, row.id, { kind: 'case', names: [name] }, now);
        continue;
      }
      if (clock.startOn.includes(eventType)) {
        const duration = this.policy.deadlineFor(definition.type, name);
        if (duration) {
          await this.endDeadlines(m, row.id, { kind: 'case', names: [name] }, now);
          await this.insertDeadline(
            m,
            row,
            {
              name,
              kind: 'case',
              entrySeq: row.version,
              restart: 0,
              duration,
              startedAt: now,
              dueAt: this.calendar.dueAt(now, duration).dueAt,
              onExpireEvent: clock.onExpire === 'overdue' ? null : clock.onExpire.event,
            },
            effects,
          );
        }
      }
      if (paused(is) && !paused(was)) {
        // Time in a pause state is not counted (a penalty hearing): keep the remainder.
        await m.update(
          CaseDeadlineEntity,
          { ...open, status: 'pending' },
          {
            status: 'paused',
            closedAt: now,
          },
        );
      } else if (paused(was) && !paused(is)) {
        const last = await m.findOne(CaseDeadlineEntity, {
          where: { caseId: row.id, kind: 'case', name, status: 'paused' },
          order: { id: 'DESC' },
        });
        const running = await m.count(CaseDeadlineEntity, { where: open });
        if (last && last.closedAt && running === 0) {
          const remaining = Math.max(0, last.dueAt.getTime() - last.closedAt.getTime());
          await this.insertDeadline(
            m,
            row,
            {
              name,
              kind: 'case',
              entrySeq: last.entrySeq,
              restart: last.restart + 1,
              duration: last.duration,
              startedAt: now,
              dueAt: new Date(now.getTime() + remaining),
              onExpireEvent: last.onExpireEvent,
            },
            effects,
          );
        }
      }
    }
  }

  /**
   * `engine.extendClock`: the clock's due date moves by `deadlines.<type>.<clock>_extension`
   * (the penalty decision's +30 days with approval). A paused clock keeps the longer remainder.
   */
  private async extendClock(
    m: EntityManager,
    row: CaseEntity,
    definition: WorkflowDefinition,
    name: string,
    now: Date,
    effects: Effects,
  ): Promise<void> {
    const extension = this.policy.deadlineFor(definition.type, `${name}_extension`);
    if (!extension) {
      throw new DomainError(
        'BUSINESS_RULE',
        `The policy sets no extension for the ${name} clock (deadlines.${definition.type}.${name}_extension).`,
      );
    }
    // A `d`/`wd` duration counts from the day after its start, and a day's due time is 00:00 of
    // the next day: extend from the last instant of the old last day. `h`/`m`/`s` are exact.
    const byDays = ['d', 'wd'].includes(parseDuration(extension).unit);
    const extend = (due: Date): Date =>
      this.calendar.dueAt(new Date(due.getTime() - (byDays ? 1 : 0)), extension).dueAt;
    const current = await m.findOne(CaseDeadlineEntity, {
      where: { caseId: row.id, kind: 'case', name, closedAt: IsNull() },
      order: { id: 'DESC' },
    });
    if (current) {
      await m.update(
        CaseDeadlineEntity,
        { id: current.id },
        { status: current.status === 'pending' ? 'cancelled' : current.status, closedAt: now },
      );
      await this.insertDeadline(
        m,
        row,
        {
          name,
          kind: 'case',
          entrySeq: current.entrySeq,
          restart: current.restart + 1,
          duration: current.duration,
          startedAt: current.startedAt,
          dueAt: extend(current.dueAt),
          onExpireEvent: current.onExpireEvent,
        },
        effects,
      );
      return;
    }
    const paused = await m.findOne(CaseDeadlineEntity, {
      where: { caseId: row.id, kind: 'case', name, status: 'paused' },
      order: { id: 'DESC' },
    });
    if (paused) {
      await m.update(CaseDeadlineEntity, { id: paused.id }, { dueAt: extend(paused.dueAt) });
      return;
    }
    throw new DomainError('BUSINESS_RULE', `The ${name} clock is not running: nothing to extend.`);
  }

  private async activeCaseWithKey(m: EntityManager, key: string): Promise<string | null> {
    const row = await m.findOne(CaseEntity, {
      where: { exclusiveKey: key, status: 'active' },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** What observers get: the transaction, the case, and a way to schedule jobs through the outbox. */
  private observation(
    m: EntityManager,
    row: CaseEntity,
    definition: WorkflowDefinition,
    now: Date,
    effects: Effects,
  ): {
    manager: EntityManager;
    caseRow: CaseEntity;
    definition: WorkflowDefinition;
    now: Date;
    schedule: (job: ScheduledJob) => Promise<void>;
  } {
    return {
      manager: m,
      caseRow: row,
      definition,
      now,
      schedule: async (job) => {
        effects.outbox.push(await this.outboxRow(m, job));
      },
    };
  }

  /**
   * Writes one outbox row in the transaction. When this engine commits the transaction itself,
   * the row carries a lease (OUTBOX_LEASE_MS): afterCommit hands it to BullMQ at once and the
   * periodic relay leaves it alone meanwhile. In a caller's transaction the relay sends it.
   */
  private async outboxRow(
    m: EntityManager,
    job: Pick<OutboxEntity, 'queue' | 'jobName' | 'jobId' | 'payload' | 'runAt'>,
  ): Promise<OutboxEntity> {
    const now = new Date();
    const row = Object.assign(new OutboxEntity(), {
      ...job,
      createdAt: now,
      dispatchedAt: null,
      attempts: 0,
      handovers: 0,
      lastError: null,
      claimedUntil: this.callerCommits.has(m) ? null : new Date(now.getTime() + OUTBOX_LEASE_MS),
    });
    // Raw and deferred: this runs once or twice in every transition. Its id stays unknown (the
    // hand-over finds a leased row by its unique job id).
    await deferWrite(
      m,
      `INSERT INTO outbox (queue, job_name, job_id, payload, run_at, created_at, claimed_until)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        row.queue,
        row.jobName,
        row.jobId,
        JSON.stringify(row.payload),
        row.runAt,
        row.createdAt,
        row.claimedUntil,
      ],
    );
    return row;
  }

  /**
   * Opens a case another case asked for (worker job), at most once: the new case's origin key
   * is unique, so a job run twice (or a relay resend) finds the case already there. Links are
   * recorded both ways and the source logs LINKED.
   */
  async openLinkedCase(
    request: LinkedCaseRequest & { sourceCaseId: string; sourceSeq: number },
  ): Promise<string> {
    const originKey = `${request.sourceCaseId}#${request.sourceSeq}#${request.type}`;
    const [id, effects] = await withRetry(
      () =>
        writeBehindTransaction(this.dataSource, async (m): Promise<[string, Effects]> => {
          const existing = await m.findOne(CaseEntity, {
            where: { originKey },
            select: { id: true },
          });
          if (existing) {
            return [existing.id, { outbox: [] }];
          }
          const source = await this.lockCase(m, request.sourceCaseId);
          const effects: Effects = { outbox: [] };
          // The workflow allows one open case per key (a person's hearing of the year): join it.
          const key = this.registry.latest(request.type).exclusiveKey?.(request.input);
          const joined = key === undefined ? null : await this.activeCaseWithKey(m, key);
          if (joined) {
            await m
              .createQueryBuilder()
              .insert()
              .into(CaseLinkEntity)
              .values([
                { caseId: source.id, rel: request.rel, linkedCaseId: joined },
                { caseId: joined, rel: request.backRel, linkedCaseId: source.id },
              ])
              .orIgnore()
              .execute();
            await this.recordInTransaction(
              m,
              source,
              'LINKED',
              SYSTEM,
              { rel: request.rel, caseId: joined, joinedOpenCase: true },
              () => undefined,
              new Date(),
              effects,
            );
            return [joined, effects];
          }
          const opened = await this.openInTransaction(
            m,
            {
              type: request.type,
              input: request.input,
              actor: SYSTEM,
              streetCode: request.streetCode,
              originKey,
            },
            effects,
          );
          await m.insert(CaseLinkEntity, [
            { caseId: source.id, rel: request.rel, linkedCaseId: opened.id },
            { caseId: opened.id, rel: request.backRel, linkedCaseId: source.id },
          ]);
          await this.recordInTransaction(
            m,
            source,
            'LINKED',
            SYSTEM,
            { rel: request.rel, caseId: opened.id },
            () => undefined,
            new Date(),
            effects,
          );
          return [opened.id, effects];
        }),
      // A duplicate origin key: a racing job opened the case; the next attempt finds it.
      { retryIf: (e) => retryable()(e) || isDuplicateEntry(e) },
    );
    this.afterCommit(effects);
    return id;
  }

  /**
   * Applies a cross-case event (worker job) as actor `system`, at most once per (source case,
   * source seq, target): the applied marker is inserted in the same transaction as the event.
   * A target that refuses the event (it moved on) is logged, not retried.
   */
  async applySignal(job: {
    sourceCaseId: string;
    sourceSeq: number;
    targetCaseId: string;
    event: CaseEvent;
  }): Promise<'applied' | 'duplicate' | 'refused'> {
    try {
      await writeBehindTransaction(this.dataSource, async (m) => {
        await m.insert(CaseSignalEntity, {
          sourceCaseId: job.sourceCaseId,
          sourceSeq: job.sourceSeq,
          targetCaseId: job.targetCaseId,
        });
        const [, effects] = await this.applyInTransaction(
          m,
          job.targetCaseId,
          { ...job.event, source: { caseId: job.sourceCaseId, seq: job.sourceSeq } },
          SYSTEM,
        );
        return effects;
      }).then((effects) => this.afterCommit(effects));
      return 'applied';
    } catch (e) {
      if (isDuplicateEntry(e)) {
        return 'duplicate';
      }
      if (
        e instanceof DomainError &&
        (e.code === 'EVENT_NOT_ACCEPTED' || e.code === 'BUSINESS_RULE' || e.code === 'FORBIDDEN')
      ) {
        this.logger.warn(
          `signal ${job.event.type} from ${job.sourceCaseId} refused by ${job.targetCaseId}: ${e.message}`,
        );
        return 'refused';
      }
      throw e;
    }
  }

  /** Effects a machine asks for with `emit(...)`: the engine carries them out in the transaction. */
  private async applyEmitted(
    m: EntityManager,
    row: CaseEntity,
    definition: WorkflowDefinition,
    emitted: CaseEvent,
    now: Date,
    effects: Effects,
  ): Promise<void> {
    switch (emitted.type) {
      case 'engine.restartDeadline': {
        // The same state entry gets a fresh deadline (e.g. a panel redrawn after no quorum).
        const state = String(emitted.state);
        const current = await m.findOne(CaseDeadlineEntity, {
          where: { caseId: row.id, kind: 'state', name: state, closedAt: IsNull() },
          order: { id: 'DESC' },
        });
        await this.leaveStates(m, row, [state], now, false);
        const restart = (current?.restart ?? -1) + 1;
        await this.enterStates(
          m,
          row,
          definition,
          [],
          [state],
          current?.entrySeq ?? row.version,
          now,
          effects,
          restart,
        );
        return;
      }
      case 'engine.extendClock':
        await this.extendClock(m, row, definition, String(emitted.clock), now, effects);
        return;
      default:
        this.logger.warn(`${row.type}: emitted effect "${emitted.type}" has no engine handler`);
    }
  }

  private afterCommit(effects: Effects): void {
    if (effects.outbox.length > 0) {
      void this.relay.dispatchRows(effects.outbox).catch((e: Error) => {
        this.logger.warn(`outbox dispatch deferred: ${e.message}`);
      });
    }
  }
}
