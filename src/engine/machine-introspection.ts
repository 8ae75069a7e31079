import type { AnyStateMachine, StateValue } from 'xstate';

interface StateNodeLike {
  key: string;
  type: string;
  states: Record<string, StateNodeLike>;
  on: Record<string, Array<{ target?: ReadonlyArray<{ path: string[] }>; guard?: unknown }>>;
  /** Eventless transitions (`always`), taken as soon as the state is entered. */
  always?: Array<{ target?: ReadonlyArray<{ path: string[] }>; guard?: unknown }>;
  initial?: { target: ReadonlyArray<{ key: string }> };
  description?: string;
}

/** `{ hearing: 'scheduled' }` -> `hearing.scheduled` (docs/api.md: nested states use dots). */
export function stateToString(value: StateValue): string {
  if (typeof value === 'string') {
    return value;
  }
  return Object.entries(value)
    .map(([k, v]) =>
      v === undefined || (typeof v === 'object' && Object.keys(v).length === 0)
        ? k
        : `${k}.${stateToString(v)}`,
    )
    .join(',');
}

/** Every active state path, parents first: `{ hearing: 'scheduled' }` -> `hearing`, `hearing.scheduled`. */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') {
    return [prefix + value];
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    out.push(prefix + k);
    if (v !== undefined) {
      out.push(...activePaths(v, `${prefix}${k}.`));
    }
  }
  return out;
}

function root(machine: AnyStateMachine): StateNodeLike {
  return machine.root;
}

function nodeAt(machine: AnyStateMachine, path: string): StateNodeLike | undefined {
  let node: StateNodeLike | undefined = root(machine);
  for (const key of path.split('.')) {
    node = node?.states[key];
  }
  return node;
}

/** The event types some transition of the active states handles (guards not evaluated). */
export function acceptedEventTypes(machine: AnyStateMachine, value: StateValue): string[] {
  const types = new Set<string>(Object.keys(root(machine).on));
  for (const path of activePaths(value)) {
    for (const type of Object.keys(nodeAt(machine, path)?.on ?? {})) {
      types.add(type);
    }
  }
  return [...types].filter((t) => !t.startsWith('xstate.') && t !== '*');
}

export interface StateDescription {
  name: string;
  final: boolean;
  initial: boolean;
  description?: string;
  transitions: Array<{ event: string; targets: string[]; guard?: string }>;
}

/** Every state (dotted path) of a machine with its transitions: the data behind docs and diagrams. */
export function describeStates(machine: AnyStateMachine): StateDescription[] {
  const out: StateDescription[] = [];
  const visit = (node: StateNodeLike, prefix: string, initialKey: string | undefined): void => {
    for (const [key, child] of Object.entries(node.states)) {
      const name = prefix + key;
      const transitions = [
        ...Object.entries(child.on),
        ['(always)', child.always ?? []] as const,
      ].flatMap(([event, list]) =>
        list.map((t) => ({
          event,
          targets: (t.target ?? []).map((s) => s.path.join('.')),
          guard: typeof t.guard === 'string' ? t.guard : undefined,
        })),
      );
      out.push({
        name,
        final: child.type === 'final',
        initial: key === initialKey,
        description: child.description,
        transitions,
      });
      visit(child, `${name}.`, child.initial?.target[0]?.key);
    }
  };
  const r = root(machine);
  visit(r, '', r.initial?.target[0]?.key);
  return out;
}

/** A Mermaid state diagram generated from the machine itself (never drawn by hand). */
export function toMermaid(machine: AnyStateMachine): string {
  const id = (path: string): string => path.replace(/\./g, '__');
  const lines = ['stateDiagram-v2'];
  for (const state of describeStates(machine)) {
    if (state.initial && !state.name.includes('.')) {
      lines.push(`  [*] --> ${id(state.name)}`);
    }
    for (const t of state.transitions) {
      const label = t.guard ? `${t.event} [${t.guard}]` : t.event;
      for (const target of t.targets.length > 0 ? t.targets : [state.name]) {
        lines.push(`  ${id(state.name)} --> ${id(target)} : ${label}`);
      }
    }
    if (state.final) {
      lines.push(`  ${id(state.name)} --> [*]`);
    }
  }
  return lines.join('\n') + '\n';
}
