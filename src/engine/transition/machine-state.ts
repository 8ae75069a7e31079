import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventObject,
  type ExecutableActionObject,
  initialTransition,
  type StateValue,
  transition,
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
  // What `createActor(machine, { snapshot }).getSnapshot()` does, without building the actor
  // (its system, mailbox and inert initial state) only to read the snapshot back.
  const scope = inertScope(machine);
  if (scope) {
    return machine.restoreSnapshot(persisted as never, scope as never) as AnyMachineSnapshot;
  }
  return createActor(machine, {
    snapshot: persisted as never,
  }).getSnapshot() as AnyMachineSnapshot;
}

/** One inert actor scope per machine (null: the machine invokes actors, see pureTransition). */
const inertScopes = new WeakMap<AnyStateMachine, AnyActorScope | null>();

function invokesActors(node: AnyStateMachine['root']): boolean {
  return node.invoke.length > 0 || Object.values(node.states).some(invokesActors);
}

function inertScope(machine: AnyStateMachine): AnyActorScope | null {
  let scope = inertScopes.get(machine);
  if (scope === undefined) {
    const invokes = invokesActors(machine.root);
    // Built once: its eager initial snapshot (no input: an error snapshot) is never used.
    const self = createActor(machine);
    scope = invokes
      ? null
      : {
          self,
          id: '',
          sessionId: '',
          system: self.system,
          defer: () => undefined,
          logger: () => undefined,
          stopChild: () => undefined,
          emit: () => undefined,
          actionExecutor: () => undefined,
        };
    inertScopes.set(machine, scope);
  }
  return scope;
}

/**
 * XState's pure `transition(machine, snapshot, event)`, without building a new inert actor on
 * every call: XState's own builds one per call, which runs the machine's initial transition (its
 * `context` factory and transient start state) only to throw it away — ~5% of the API's CPU per
 * request in the profile (bench/README.md). The scope is shared because these workflows start no
 * actors (nothing registers in its system); a machine that invokes any goes through XState's.
 */
export function pureTransition(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): [AnyMachineSnapshot, ExecutableActionObject[]] {
  const scope = inertScope(machine);
  if (!scope) {
    return transition(machine, snapshot, event);
  }
  const actions: ExecutableActionObject[] = [];
  const next = machine.transition(snapshot, event, {
    ...scope,
    actionExecutor: (action) => {
      actions.push(action);
    },
  }) as AnyMachineSnapshot;
  return [next, actions];
}

/**
 * XState's pure `initialTransition(machine, input)` on the same shared inert scope: XState's own
 * builds an actor per call, whose eager initial snapshot runs the machine's `context` factory
 * without input — the relief machine's throws, and its caught error was 1% of the API's CPU
 * (2.5% for the whole throwaway actor) in the profile of new applications (bench/README.md).
 */
export function pureInitialTransition(
  machine: AnyStateMachine,
  input: unknown,
): [AnyMachineSnapshot, ExecutableActionObject[]] {
  const scope = inertScope(machine);
  if (!scope) {
    return initialTransition(machine, input);
  }
  const actions: ExecutableActionObject[] = [];
  const first = machine.getInitialSnapshot(
    {
      ...scope,
      actionExecutor: (action) => {
        actions.push(action);
      },
    },
    input,
  ) as AnyMachineSnapshot;
  return [first, actions];
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
