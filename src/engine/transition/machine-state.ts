import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type StateValue,
} from 'xstate';
import type { WorkflowDefinition } from '../../../workflows/workflow-definition';
import type { Actor } from '../actor';
import { isPermitted, permissionFor } from '../case-access';
import type { CaseEntity } from '../entities/case.entity';
import { acceptedEventTypes } from '../machine-introspection';

/** XState types a generic snapshot's value as `any`; it is always a StateValue. */
export function stateValue(snapshot: AnyMachineSnapshot): StateValue {
  return snapshot.value as StateValue;
}

/**
 * Live snapshots behind persisted ones this process just wrote (a transition's result, read again
 * for its answer): building an actor to revive them costs more than the rest of the answer.
 */
const revived = new WeakMap<object, AnyMachineSnapshot>();

/** `persisted` is `snapshot` persisted: rehydrate() may give `snapshot` back for it. */
export function remember(persisted: object, snapshot: AnyMachineSnapshot): void {
  revived.set(persisted, snapshot);
}

/** Rebuilds a stored snapshot without starting an actor (keeps history states). */
export function rehydrate(
  machine: AnyStateMachine,
  persisted: Record<string, unknown>,
): AnyMachineSnapshot {
  const known = revived.get(persisted);
  if (known && known.machine === machine) {
    return known;
  }
  return createActor(machine, {
    snapshot: persisted as never,
  }).getSnapshot() as AnyMachineSnapshot;
}

/** The events this actor may send now: the state takes them and their role/scope allows it. */
export function allowedEventsFor(
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
