import type { AnyStateMachine } from 'xstate';
import { WORKFLOWS } from './index';
import { deadlineEventName, SYSTEM_ACTOR } from './workflow-definition';

interface Node {
  type: string;
  on: Record<string, unknown>;
  states: Record<string, Node>;
}

/** Every state of a machine by dotted path, with the events it or its ancestors handle. */
function statesOf(machine: AnyStateMachine): Map<string, { final: boolean; events: string[] }> {
  const out = new Map<string, { final: boolean; events: string[] }>();
  const visit = (node: Node, prefix: string, inherited: string[]): void => {
    for (const [key, child] of Object.entries(node.states)) {
      const name = prefix + key;
      const events = [...inherited, ...Object.keys(child.on)];
      out.set(name, { final: child.type === 'final', events });
      visit(child, `${name}.`, events);
    }
  };
  const root = machine.root as unknown as Node;
  visit(root, '', Object.keys(root.on));
  return out;
}

/** Invariants the engine relies on, checked for every registered workflow definition. */
describe.each(WORKFLOWS.map((w) => [`${w.type} v${w.version}`, w] as const))(
  '%s',
  (_name, workflow) => {
    const states = statesOf(workflow.machine);

    it('should grant permissions only for events the state handles, and for every event it handles', () => {
      for (const [state, events] of Object.entries(workflow.permissions)) {
        expect(states.get(state)?.events).toEqual(expect.arrayContaining(Object.keys(events)));
      }
      for (const [state, { final, events }] of states) {
        if (!final) {
          for (const event of events) {
            expect([state, event, workflow.permissions[state]?.[event] !== undefined]).toEqual([
              state,
              event,
              true,
            ]);
          }
        }
      }
    });

    it('should let only the service send DEADLINE_* events, named after their state', () => {
      for (const [state, events] of Object.entries(workflow.permissions)) {
        for (const [event, permission] of Object.entries(events)) {
          // The service's events (deadlines, cross-case signals such as PENALTY_CLOSED) are its alone.
          if (permission.roles.includes(SYSTEM_ACTOR)) {
            expect([event, permission.roles]).toEqual([event, [SYSTEM_ACTOR]]);
          }
          if (event.startsWith('DEADLINE_')) {
            expect(permission.roles).toEqual([SYSTEM_ACTOR]);
            expect(event).toBe(deadlineEventName(state));
          }
        }
      }
    });

    it('should declare deadlines on existing, non-final states whose expiry event the state handles', () => {
      for (const [state, { onExpire }] of Object.entries(workflow.deadlines)) {
        expect(states.get(state)?.final).toBe(false);
        if (onExpire !== 'overdue') {
          expect(states.get(state)?.events).toContain(onExpire.event);
        }
      }
    });

    it("should bind every street office's event to its street", () => {
      for (const events of Object.values(workflow.permissions)) {
        for (const permission of Object.values(events)) {
          if (permission.roles.includes('STREET_OFFICE')) {
            expect(permission.scope).toBe('street');
          }
        }
      }
    });
  },
);
