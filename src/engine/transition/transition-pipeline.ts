import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AnyMachineSnapshot } from 'xstate';
import { CASE_OPENED, type WorkflowDefinition } from '../../../workflows/workflow-definition';
import { unknownWorkflowTypes, versionOn } from '../../events/workflow-versions';
import { shanghaiDate } from '../../time/shanghai';
import { DomainError } from '../../common/errors/domain-error';
import { personKey } from '../../common/person-key';
import { PolicyService } from '../../config/policy.service';
import { isDuplicateEntry } from '../../database/with-retry';
import { caseTransitions } from '../../metrics/metrics';
import { JOBS, jobId } from '../../queue/jobs';
import { type Actor } from '../actor';
import { GENESIS_HASH } from '../audit/event-hash';
import { canSeeCase, isConfidential, isPermitted, permissionFor } from '../case-access';
import { barringEvents } from '../duties-policy';
import type { CaseEvent } from '../case-event';
import { DeadlineScheduler } from '../deadlines/deadline-scheduler';
import { EngineObservers } from '../engine-observers';
import { CaseEntity } from '../entities/case.entity';
import { EventHandlerRegistry, type LinkedCaseRequest } from '../event-handlers';
import { acceptedEventTypes, activePaths, stateToString } from '../machine-introspection';
import { type Effects, noEffects, OutboxWriter } from '../outbox/outbox-writer';
import { CaseRepository, type SentByRead } from '../persistence/case-repository';
import { WorkflowRegistry } from '../workflow-registry';
import { type CaseTx, observationOf } from './case-tx';
import { assertSeparatedDuties, syncMembers } from './case-rules';
import { assertVersion, payloadOf, validatePayload } from './event-checks';
import {
  allowedEventsFor,
  pureInitialTransition,
  pureTransition,
  rehydrate,
  remember,
  stateValue,
} from './machine-state';

export interface OpenCaseParams {
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
  /** The new case's id, when the caller names it first (e.g. in its idempotency key's row). */
  id?: string;
}

/** An event recorded without moving the machine (a claim, a reassignment, a breach). */
export interface RecordedEvent {
  type: string;
  actor: Actor;
  payload: Record<string, unknown>;
  /** What the event changes on the case row (its assignee); nothing by default. */
  change?: (row: CaseEntity) => void;
  now: Date;
}

/**
 * The transition pipeline (see docs/architecture.md, 'The transaction'), every step inside the
 * caller's transaction: load and lock the case; check in order — visible (404), If-Match (409),
 * the state accepts the event (422 + allowedEvents), the caller may send it here (403),
 * separated duties (403), the payload (400); the domain hook; XState's pure transition; then
 * persist the case row, its event, deadlines, clocks and outbox rows, and tell the observers.
 */
@Injectable()
export class TransitionPipeline implements OnModuleInit {
  constructor(
    private readonly cases: CaseRepository,
    private readonly registry: WorkflowRegistry,
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
    private readonly observers: EngineObservers,
    private readonly deadlines: DeadlineScheduler,
    private readonly outbox: OutboxWriter,
  ) {}

  /** An edition of a workflow type nobody registered would never apply: refuse the start. */
  onModuleInit(): void {
    const problems = unknownWorkflowTypes(this.policy.current(), this.registry.types());
    if (problems.length > 0) {
      throw new Error(`POLICY_FILE: invalid policy:\n  - ${problems.join('\n  - ')}`);
    }
  }

  /**
   * The version a new case of `type` opens on at `now`: the one the policy's `workflowVersions`
   * puts in force on that Asia/Shanghai day. The case keeps it (`machineVersion`) for good.
   */
  definitionToOpen(type: string, now: Date): WorkflowDefinition {
    const version = versionOn(
      type,
      shanghaiDate(now),
      this.policy.current(),
      this.registry.versions(type),
    );
    return this.registry.get(type, version);
  }

  /** Opens a case: its first event (CASE_OPENED), members, person index, deadlines and clocks. */
  async open(
    m: EntityManager,
    params: Omit<OpenCaseParams, 'manager'>,
    effects: Effects,
  ): Promise<CaseEntity> {
    const now = new Date();
    const definition = this.definitionToOpen(params.type, now);
    const [snapshot] = pureInitialTransition(definition.machine, params.input);
    const id = params.id ?? randomUUID();
    const data = snapshot.context as Record<string, unknown>;
    const row = m.create(CaseEntity, {
      id,
      type: definition.type,
      machineVersion: definition.version,
      state: stateToString(stateValue(snapshot)),
      status: snapshot.status === 'done' ? 'closed' : 'active',
      version: 1,
      snapshot: definition.machine.getPersistedSnapshot(snapshot) as Record<string, unknown>,
      data,
      streetCode: params.streetCode ?? null,
      assigneeId: params.assigneeId ?? null,
      policyVersion: params.policyVersion ?? this.policy.current().version,
      createdBy: params.actor.id,
      createdAt: now,
      updatedAt: now,
      closedAt: snapshot.status === 'done' ? now : null,
      originKey: params.originKey ?? null,
      exclusiveKey: definition.exclusiveKey?.(params.input) ?? null,
      restricted: isConfidential(definition, data),
    });
    row.lastEventHash = await this.cases.appendEvent(m, GENESIS_HASH, {
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
      const open = await this.cases.activeCaseWithKey(m, row.exclusiveKey);
      if (open) {
        throw new DomainError(
          'CONFLICT',
          `An open ${definition.type} case already exists for this (${open}).`,
          { caseId: open },
        );
      }
    } else {
      row.exclusiveKey = null;
    }
    try {
      await this.cases.insert(m, row);
    } catch (e) {
      if (isDuplicateEntry(e) && row.exclusiveKey !== null) {
        throw new DomainError(
          'CONFLICT',
          `An open ${definition.type} case already exists for this.`,
        );
      }
      throw e;
    }
    await syncMembers(this.cases, m, definition, row, {});
    const persons = (definition.persons?.(params.input) ?? []).filter((p) => typeof p === 'string');
    await this.cases.indexPersons(m, id, [...new Set(persons.map(personKey))]);
    const tx: CaseTx = { m, row, definition, now, effects };
    const entered = { was: [], is: activePaths(stateValue(snapshot)) };
    await this.deadlines.enterStates(tx, entered, { seq: 1 });
    await this.deadlines.runClocks(tx, CASE_OPENED, entered);
    await this.observers.caseChanged({
      ...observationOf(tx, this.outbox),
      eventType: 'CASE_OPENED',
      actorId: params.actor.id,
      fromState: null,
      assigneeBefore: null,
    });
    caseTransitions.inc({ type: definition.type, event: 'CASE_OPENED' });
    return row;
  }

  /**
   * Applies one event to one case in this transaction (HTTP, timers and other modules alike).
   * `at`: the moment it takes effect, when not now (a deadline prepared ahead of its due time).
   */
  async apply(
    m: EntityManager,
    caseId: string,
    rawEvent: CaseEvent,
    actor: Actor,
    expectedVersion?: number,
    at?: Date,
  ): Promise<[CaseEntity, Effects]> {
    // Who sent what on the case (separated duties) is read with the row lock, in one packet.
    const barring = this.sentByRead(caseId, rawEvent.type, actor).types;
    const [row, sentByActor] = await this.cases.lockReadingSent(m, caseId, actor.id, barring);
    const definition = this.registry.get(row.type, row.machineVersion);
    if (!canSeeCase(definition, row, actor)) {
      throw DomainError.notFound('Case');
    }
    assertVersion(row, expectedVersion);
    const snapshot = rehydrate(definition.machine, row.snapshot);
    const allowed = (): string[] => allowedEventsFor(definition, row, snapshot, actor);
    const accepted = acceptedEventTypes(definition.machine, stateValue(snapshot));
    if (row.status !== 'active' || !accepted.includes(rawEvent.type)) {
      throw new DomainError(
        'EVENT_NOT_ACCEPTED',
        `A ${row.type} case in state "${row.state}" does not accept ${rawEvent.type}.`,
        { allowedEvents: allowed() },
      );
    }
    if (!isPermitted(permissionFor(definition, stateValue(snapshot), rawEvent.type), row, actor)) {
      throw DomainError.forbidden(
        `Your role or scope may not send ${rawEvent.type} to this case in state "${row.state}".`,
      );
    }
    if (!actor.system) {
      assertSeparatedDuties(this.policy.duties(), row, rawEvent.type, sentByActor);
    }
    const handler = this.handlers.get(row.type, rawEvent.type);
    // The service's own events (deadlines, linked cases) carry payloads the engine composed itself.
    const payload = actor.system
      ? payloadOf(rawEvent)
      : await validatePayload(rawEvent, this.handlers.payloadOf(row.type, rawEvent.type));
    const now = at ?? new Date();
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
          // caller may send now (docs/api.md, 'Errors'), which the hook does not know.
          if (e instanceof DomainError && e.code === 'BUSINESS_RULE' && !e.extra.allowedEvents) {
            e.extra.allowedEvents = allowed();
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
        { ...(errors.length > 0 ? { errors } : {}), allowedEvents: allowed() },
      );
    }
    const [next, actions] = pureTransition(definition.machine, snapshot, machineEvent);
    const tx: CaseTx = { m, row, definition, now, effects: noEffects() };
    await this.persist(tx, snapshot, next, { type: rawEvent.type, actor, payload: recorded });
    if (next.status === 'done') {
      await this.handlers.onClose(row.type)?.({ ...hookContext, caseRow: row });
    }
    for (const request of linkedCases) {
      tx.effects.outbox.push(
        await this.outbox.write(m, {
          queue: JOBS.openLinkedCase.queue,
          jobName: JOBS.openLinkedCase.name,
          jobId: jobId('open', row.id, row.version, request.type),
          payload: { sourceCaseId: row.id, sourceSeq: row.version, ...request },
          runAt: now,
        }),
      );
    }
    for (const signal of signals) {
      tx.effects.outbox.push(
        await this.outbox.write(m, {
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
        await this.deadlines.applyEmitted(tx, (action.params as { event: CaseEvent }).event);
      }
    }
    caseTransitions.inc({ type: row.type, event: rawEvent.type });
    return [row, tx.effects];
  }

  /**
   * The separated-duties read an event needs: which of the events that would bar this one
   * (`duties` policy) the actor has sent on the case; none for the service's own events.
   */
  sentByRead(caseId: string, eventType: string, actor: Actor): SentByRead {
    const types = actor.system ? [] : barringEvents(this.policy.duties(), eventType);
    return { caseId, actorId: actor.id, types };
  }

  /**
   * Records an event that does not move the machine on a locked case: versioned and
   * hash-chained like any other, observers told.
   */
  async record(
    m: EntityManager,
    row: CaseEntity,
    event: RecordedEvent,
    effects: Effects = noEffects(),
  ): Promise<CaseEntity> {
    const previous = row.version;
    const assigneeBefore = row.assigneeId;
    const data = row.data;
    event.change?.(row);
    row.version = previous + 1;
    row.updatedAt = event.now;
    await this.save(m, row, previous, { ...event, fromState: row.state }, row.data !== data);
    const definition = this.registry.get(row.type, row.machineVersion);
    await this.observers.caseChanged({
      ...observationOf({ m, row, definition, now: event.now, effects }, this.outbox),
      eventType: event.type,
      actorId: event.actor.id,
      fromState: row.state,
      assigneeBefore,
    });
    return row;
  }

  /** The event row chained to the case's last one, then the case row under its version. */
  private async save(
    m: EntityManager,
    row: CaseEntity,
    previousVersion: number,
    event: Pick<RecordedEvent, 'type' | 'actor' | 'payload' | 'now'> & { fromState: string },
    dataChanged: boolean,
  ): Promise<void> {
    row.lastEventHash = await this.cases.appendEvent(m, row.lastEventHash, {
      caseId: row.id,
      seq: row.version,
      type: event.type,
      actor: event.actor.id,
      payload: event.payload,
      fromState: event.fromState,
      toState: row.state,
      at: event.now,
    });
    await this.cases.saveVersioned(m, row, previousVersion, dataChanged);
  }

  /** Writes a transition: the case row, its event, members, deadlines left and entered, clocks. */
  private async persist(
    tx: CaseTx,
    before: AnyMachineSnapshot,
    after: AnyMachineSnapshot,
    event: { type: string; actor: Actor; payload: Record<string, unknown> },
  ): Promise<void> {
    const { m, row, definition, now } = tx;
    const previousVersion = row.version;
    const fromState = row.state;
    const previousData = row.data;
    row.snapshot = definition.machine.getPersistedSnapshot(after);
    remember(row.snapshot, after);
    row.data = after.context as Record<string, unknown>;
    row.state = stateToString(stateValue(after));
    row.version = previousVersion + 1;
    row.updatedAt = now;
    row.restricted = isConfidential(definition, row.data);
    if (after.status === 'done') {
      row.status = 'closed';
      row.closedAt = now;
      row.exclusiveKey = null; // a closed case no longer blocks the next one
    }
    // XState keeps the context object when no action assigned to it.
    await this.save(
      m,
      row,
      previousVersion,
      { ...event, fromState, now },
      after.context !== before.context,
    );
    await syncMembers(this.cases, m, definition, row, previousData);
    const closing = row.status === 'closed';
    const states = {
      was: activePaths(stateValue(before)),
      is: closing ? [] : activePaths(stateValue(after)),
    };
    const left = states.was.filter(
      (p) => !states.is.includes(p) && definition.deadlines[p] !== undefined,
    );
    await this.deadlines.leaveStates(tx, left, closing);
    await this.deadlines.enterStates(tx, states, { seq: row.version });
    await this.deadlines.runClocks(tx, event.type, states);
    await this.observers.caseChanged({
      ...observationOf(tx, this.outbox),
      eventType: event.type,
      actorId: event.actor.id,
      fromState,
      assigneeBefore: row.assigneeId,
    });
  }
}
