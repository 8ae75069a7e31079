import type { ClassConstructor } from 'class-transformer';
import type { AnyStateMachine, EventFromLogic } from 'xstate';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';

/** A payload's DTO class: class-validator checks an event with it (400 naming each bad field). */
export type PayloadClass = ClassConstructor<object>;

/** The event types of a machine, e.g. `'VERIFY' | 'APPROVE' | ...`. */
export type EventTypeOf<M extends AnyStateMachine> = EventFromLogic<M>['type'] & string;

/**
 * What the engine itself puts on every machine event (`type`, the actor, the time, and a
 * deadline's row): never part of a payload, whether a client sends it or a hook computes it.
 */
type EngineEventKey = 'type' | 'actor' | 'at' | 'deadline' | 'dueAt' | 'entrySeq';

/**
 * The fields of one machine event besides the engine's: what the client sends (its DTO) plus
 * what the domain hook computes, as the machine's own event union declares them.
 */
export type EventFieldsOf<M extends AnyStateMachine, E extends string> = Omit<
  Extract<EventFromLogic<M>, { type: E }>,
  EngineEventKey
>;

/** The instance type of a payload class (`VerifyPayload` -> its fields). */
export type PayloadOf<C> = C extends abstract new (...args: never[]) => infer I ? I : never;

/**
 * Why a DTO does not fit its machine event (never when it fits): a field the event lacks, or a
 * type the machine would not accept. Optionality may differ on purpose: a hook can fill in a
 * field the client may leave out (a penalty's `servedAt`).
 */
type PayloadMismatch<E extends string, Dto, Fields> = {
  [K in keyof Dto & string]-?: K extends keyof Fields
    ? Required<Dto>[K] extends Required<Fields>[K]
      ? never
      : `${E}.${K}: the DTO's type is not the machine event's`
    : `${E}.${K}: the machine's ${E} event has no such field`;
}[keyof Dto & string];

/**
 * The compile-time tie between a payload table and its machine: a key that is not an event of
 * the machine, or a DTO whose fields differ from the event's, turns the entry into an error
 * message type (the class is "not assignable to" the message, which names the field).
 */
type CheckedPayloads<M extends AnyStateMachine, P> = {
  readonly [E in keyof P]: E extends EventTypeOf<M>
    ? [PayloadMismatch<E, PayloadOf<P[E]>, EventFieldsOf<M, E>>] extends [never]
      ? P[E]
      : PayloadMismatch<E, PayloadOf<P[E]>, EventFieldsOf<M, E>>
    : `${E & string} is not an event of this workflow's machine`;
};

/**
 * What a workflow's events carry: event type -> payload DTO class. An event absent from the
 * table carries no payload (only `type`). Static data, so the OpenAPI export (Nest preview mode,
 * no provider instantiated) and the running engine read the same table.
 */
export interface WorkflowEventPayloads {
  readonly type: string;
  readonly payloads: Readonly<Record<string, PayloadClass>>;
}

/**
 * A payload table that still knows its machine and its classes, so `defineHooks` can type
 * each hook's event and case data from it (the engine reads it as a `WorkflowEventPayloads`).
 */
export interface EventPayloadTable<
  M extends AnyStateMachine,
  P extends Readonly<Record<string, PayloadClass>>,
> extends WorkflowEventPayloads {
  readonly workflow: WorkflowDefinition<M>;
  readonly payloads: Readonly<P>;
}

/**
 * One declaration per event: the DTO class validates the payload and gives the OpenAPI schema;
 * the machine's event union types the machine. The two are tied at compile time: a key that
 * is not an event of the machine (a misspelt `APROVE`), a DTO field the event lacks, or a DTO
 * field typed otherwise than the event's does not compile. A required event field no DTO
 * sends is the hook's to compute: `defineHooks` types the hook's result so that it must.
 */
export function eventPayloads<
  M extends AnyStateMachine,
  const P extends Readonly<Record<string, PayloadClass>>,
>(workflow: WorkflowDefinition<M>, payloads: P & CheckedPayloads<M, P>): EventPayloadTable<M, P> {
  return { type: workflow.type, workflow, payloads };
}

/** Every event type a machine handles in some state (XState's own list, internal ones left out). */
export function machineEventTypes(machine: AnyStateMachine): string[] {
  return [...new Set(machine.events.map(String))].filter(
    (t) => !t.startsWith('xstate.') && t !== '*',
  );
}
