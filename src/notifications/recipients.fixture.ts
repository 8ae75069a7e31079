import { setup } from 'xstate';
import { defineWorkflow } from '../../workflows/workflow-definition';

/** A tiny workflow for the recipient tests: roles, a member scope and a service-only event. */
export const testFixtureWorkflowForUnits = defineWorkflow({
  type: 'unit-fixture',
  version: 1,
  title: 'unit fixture',
  machine: setup({}).createMachine({
    id: 'unit-fixture',
    initial: 'review',
    states: { review: {} },
  }),
  permissions: {
    review: {
      APPROVE: { roles: ['MANAGER'] },
      REJECT: { roles: ['CASEWORKER', 'MANAGER'] },
      NOTE: { roles: ['INSPECTOR', 'system'], scope: { members: 'team' } },
      DEADLINE_REVIEW: { roles: ['system'] },
    },
  },
  deadlines: { review: { onExpire: 'overdue' } },
});
