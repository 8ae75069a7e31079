import { capitationReconciliationWorkflow } from './capitation-reconciliation.machine';
import { capitationSettlementWorkflow } from './capitation-settlement.machine';
import { hardshipHearingWorkflow } from './hardship-hearing.machine';
import { inspectionWorkflow } from './inspection.machine';
import { penaltyCaseWorkflow } from './penalty-case.machine';
import { reliefApplicationWorkflow } from './relief-application.machine';
import { reliefApplicationV2Workflow } from './relief-application.v2.machine';
import type { WorkflowDefinition } from './workflow-definition';

/**
 * The registry of workflow definitions: type -> machine, version, roles per event, deadlines.
 * Each domain issue adds its machine here (relief-application, hardship-hearing, inspection,
 * penalty-case, capitation-settlement, capitation-reconciliation); older versions stay listed so running cases keep their machine.
 */
export const WORKFLOWS: readonly WorkflowDefinition[] = [
  reliefApplicationWorkflow,
  reliefApplicationV2Workflow,
  hardshipHearingWorkflow,
  inspectionWorkflow,
  penaltyCaseWorkflow,
  capitationSettlementWorkflow,
  capitationReconciliationWorkflow,
];

export * from './workflow-definition';
