import type { ClassConstructor } from 'class-transformer';
import type { AnyStateMachine, EventFromLogic } from 'xstate';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';

/** A payload's DTO class: class-validator checks an event with it (400 naming each bad field). */
export type PayloadClass = ClassConstructor<object>;

/** The event types of a workflow's machine, e.g. `'VERIFY' | 'APPROVE' | ...`. */
export type EventTypeOf<W extends WorkflowDefinition> =
  W extends WorkflowDefinition<infer M extends AnyStateMachine>
    ? EventFromLogic<M>['type'] & string
    : string;

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
 * Ties a payload table to its workflow: a key that is not an event of the machine does not
 * compile (a misspelt `APROVE` cannot get a payload nobody sends).
 */
export function eventPayloads<W extends WorkflowDefinition>(
  workflow: W,
  payloads: { readonly [E in EventTypeOf<W>]?: PayloadClass },
): WorkflowEventPayloads {
  const table: Record<string, PayloadClass> = {};
  const entries: Array<[string, PayloadClass | undefined]> = Object.entries(payloads);
  for (const [event, payload] of entries) {
    if (payload) {
      table[event] = payload;
    }
  }
  return { type: workflow.type, payloads: table };
}

/** Every event type a machine handles in some state (XState's own list, internal ones left out). */
export function machineEventTypes(machine: AnyStateMachine): string[] {
  return [...new Set(machine.events.map(String))].filter(
    (t) => !t.startsWith('xstate.') && t !== '*',
  );
}
