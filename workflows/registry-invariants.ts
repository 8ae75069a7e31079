import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { deadlineEventName, SYSTEM_ACTOR, type WorkflowDefinition } from './workflow-definition';

/**
 * What the engine relies on in every workflow definition, as a list of problems (empty when it
 * holds). `workflows/registry.spec.ts` runs it on every definition in `WORKFLOWS`, so a new
 * workflow is checked the moment it is registered there:
 * - permissions name only events their state handles, and every event a live state handles has a
 *   permission (nothing reachable that nobody may send, nothing permitted that cannot happen);
 * - `system` is a role on its own (the service's events are nobody else's), and a `DEADLINE_*`
 *   event is the service's alone and named after its state;
 * - deadlines sit on existing, non-final states that handle their expiry event;
 * - a street office's event is bound to its street.
 */
export function workflowProblems(workflow: WorkflowDefinition): string[] {
  const states = statesOf(workflow.machine);
  const problems: string[] = [];
  for (const [state, events] of Object.entries(workflow.permissions)) {
    const handled = states.get(state);
    if (!handled) {
      problems.push(`permissions.${state}: no such state`);
      continue;
    }
    for (const event of Object.keys(events)) {
      if (!handled.events.includes(event)) {
        problems.push(`permissions.${state}.${event}: the state does not handle ${event}`);
      }
    }
  }
  for (const [state, { final, events }] of states) {
    for (const event of final ? [] : events) {
      if (workflow.permissions[state]?.[event] === undefined) {
        problems.push(`permissions.${state}.${event}: handled by the state, permitted to nobody`);
      }
    }
  }
  for (const [state, events] of Object.entries(workflow.permissions)) {
    for (const [event, permission] of Object.entries(events)) {
      const at = `permissions.${state}.${event}`;
      if (permission.roles.includes(SYSTEM_ACTOR) && permission.roles.length > 1) {
        problems.push(`${at}: '${SYSTEM_ACTOR}' must be the only role`);
      }
      if (event.startsWith('DEADLINE_')) {
        if (permission.roles.join() !== SYSTEM_ACTOR) {
          problems.push(`${at}: a deadline event is the service's alone`);
        }
        if (event !== deadlineEventName(state)) {
          problems.push(`${at}: a deadline event is named ${deadlineEventName(state)}`);
        }
      }
      if (permission.roles.includes('STREET_OFFICE') && permission.scope !== 'street') {
        problems.push(`${at}: a street office's event needs scope 'street'`);
      }
    }
  }
  for (const [state, { onExpire }] of Object.entries(workflow.deadlines)) {
    const handled = states.get(state);
    if (!handled || handled.final) {
      problems.push(`deadlines.${state}: not an existing, non-final state`);
    } else if (onExpire !== 'overdue' && !handled.events.includes(onExpire.event)) {
      problems.push(`deadlines.${state}: the state does not handle ${onExpire.event}`);
    }
  }
  return problems;
}

/**
 * What the migration API relies on in every declared migration (`migrations` of a definition,
 * checked against the registered older version): it comes from an older registered version, it
 * is total over that version's states (each maps or is blocked with a reason), and it maps only
 * to non-final states of the newer one.
 */
export function migrationProblems(
  workflow: WorkflowDefinition,
  registered: readonly WorkflowDefinition[],
): string[] {
  const problems: string[] = [];
  const targets = statesOf(workflow.machine);
  for (const migration of workflow.migrations ?? []) {
    const at = `migrations.from${migration.fromVersion}`;
    const from = registered.find(
      (w) => w.type === workflow.type && w.version === migration.fromVersion,
    );
    if (!from || migration.fromVersion >= workflow.version) {
      problems.push(`${at}: no older registered version ${migration.fromVersion}`);
      continue;
    }
    const sources = [...statesOf(from.machine).keys()];
    for (const state of sources.filter((s) => migration.states[s] === undefined)) {
      problems.push(`${at}.${state}: neither mapped nor blocked`);
    }
    for (const [state, mapped] of Object.entries(migration.states)) {
      if (!sources.includes(state)) {
        problems.push(`${at}.${state}: version ${from.version} has no such state`);
      } else if ('to' in mapped && (targets.get(mapped.to)?.final ?? true)) {
        problems.push(`${at}.${state}: ${mapped.to} is not an open state of this version`);
      } else if ('blocked' in mapped && mapped.blocked.trim() === '') {
        problems.push(`${at}.${state}: a blocked state needs its reason`);
      }
    }
  }
  return problems;
}

/** Every state of a machine by dotted path, with the events it or its ancestors handle. */
function statesOf(machine: AnyStateMachine): Map<string, { final: boolean; events: string[] }> {
  const out = new Map<string, { final: boolean; events: string[] }>();
  const visit = (node: AnyStateNode, prefix: string, inherited: string[]): void => {
    for (const [key, child] of Object.entries(node.states)) {
      const name = prefix + key;
      const events = [...inherited, ...Object.keys(child.on)];
      out.set(name, { final: child.type === 'final', events });
      visit(child, `${name}.`, events);
    }
  };
  visit(machine.root, '', Object.keys(machine.root.on));
  return out;
}
