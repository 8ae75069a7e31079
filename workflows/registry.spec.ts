import { setup } from 'xstate';
import { WORKFLOWS } from './index';
import { migrationProblems, workflowProblems } from './registry-invariants';
import { defineWorkflow, type WorkflowDefinition } from './workflow-definition';

/** Invariants the engine relies on, checked for every registered workflow definition. */
describe.each(WORKFLOWS.map((w) => [`${w.type} v${w.version}`, w] as const))(
  '%s',
  (_name, workflow) => {
    it('should hold every invariant of the registry', () => {
      expect(workflowProblems(workflow)).toEqual([]);
    });

    it('should declare only migrations the migration API can run', () => {
      expect(migrationProblems(workflow, WORKFLOWS)).toEqual([]);
    });
  },
);

/** A two-state machine to break one rule at a time: each check must be able to fail. */
const machine = setup({
  types: { events: {} as { type: 'SEND' } | { type: 'DEADLINE_OPEN' } },
}).createMachine({
  id: 'probe',
  initial: 'open',
  states: {
    open: { on: { SEND: 'done', DEADLINE_OPEN: 'done' } },
    done: { type: 'final' },
  },
});

const sound = defineWorkflow({
  type: 'probe',
  version: 1,
  title: 'Probe',
  machine,
  permissions: {
    open: {
      SEND: { roles: ['STREET_OFFICE'], scope: 'street' },
      DEADLINE_OPEN: { roles: ['system'] },
    },
  },
  deadlines: { open: { onExpire: { event: 'DEADLINE_OPEN' } } },
});

const broken = (change: Partial<WorkflowDefinition>): WorkflowDefinition => ({
  ...sound,
  ...change,
});

describe('workflowProblems', () => {
  it('should find nothing wrong with a sound definition', () => {
    expect(workflowProblems(sound)).toEqual([]);
  });

  it('should name each broken rule', () => {
    expect(
      workflowProblems(broken({ permissions: { open: { DEADLINE_OPEN: { roles: ['system'] } } } })),
    ).toEqual(['permissions.open.SEND: handled by the state, permitted to nobody']);
    expect(
      workflowProblems(
        broken({
          permissions: {
            ...sound.permissions,
            done: { SEND: { roles: ['CASEWORKER'] } },
            gone: { SEND: { roles: ['CASEWORKER'] } },
          },
        }),
      ),
    ).toEqual([
      'permissions.done.SEND: the state does not handle SEND',
      'permissions.gone: no such state',
    ]);
    expect(
      workflowProblems(
        broken({
          permissions: {
            open: {
              SEND: { roles: ['STREET_OFFICE', 'system'] },
              DEADLINE_OPEN: { roles: ['MANAGER'] },
            },
          },
        }),
      ),
    ).toEqual([
      "permissions.open.SEND: 'system' must be the only role",
      "permissions.open.SEND: a street office's event needs scope 'street'",
      "permissions.open.DEADLINE_OPEN: a deadline event is the service's alone",
    ]);
    expect(
      workflowProblems(
        broken({
          deadlines: { done: { onExpire: 'overdue' }, open: { onExpire: { event: 'SEND_LATER' } } },
        }),
      ),
    ).toEqual([
      'deadlines.done: not an existing, non-final state',
      'deadlines.open: the state does not handle SEND_LATER',
    ]);
  });
});

describe('migrationProblems', () => {
  const v2 = (
    states: Record<string, { to: string } | { blocked: string }>,
  ): WorkflowDefinition => ({
    ...sound,
    version: 2,
    migrations: [{ fromVersion: 1, states }],
  });

  it('should accept a total mapping to open states', () => {
    expect(
      migrationProblems(v2({ open: { to: 'open' }, done: { blocked: 'closed' } }), [sound]),
    ).toEqual([]);
  });

  it('should name a forgotten state, a mapping to a final or unknown state, and a missing version', () => {
    expect(
      migrationProblems(v2({ open: { to: 'done' }, gone: { blocked: 'x' } }), [sound]),
    ).toEqual([
      'migrations.from1.done: neither mapped nor blocked',
      'migrations.from1.open: done is not an open state of this version',
      'migrations.from1.gone: version 1 has no such state',
    ]);
    expect(
      migrationProblems(v2({ open: { to: 'open' }, done: { blocked: ' ' } }), [sound]),
    ).toEqual(['migrations.from1.done: a blocked state needs its reason']);
    expect(migrationProblems(v2({}), [])).toEqual([
      'migrations.from1: no older registered version 1',
    ]);
  });
});
