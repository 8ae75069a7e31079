import type { EntityManager } from 'typeorm';
import type { WorkflowDefinition } from '../../../workflows/workflow-definition';
import type { Observation } from '../engine-observers';
import type { CaseEntity } from '../entities/case.entity';
import type { Effects, OutboxWriter } from '../outbox/outbox-writer';

/**
 * One change of one case in progress: the transaction, the locked case row, its workflow, the
 * time of the change and what is left for after the commit. Passed whole instead of five
 * parameters to every step of a transition.
 */
export interface CaseTx {
  m: EntityManager;
  row: CaseEntity;
  definition: WorkflowDefinition;
  now: Date;
  effects: Effects;
}

/** What observers get: the transaction, the case, and a way to schedule jobs through the outbox. */
export function observationOf(tx: CaseTx, outbox: OutboxWriter, now = tx.now): Observation {
  return {
    manager: tx.m,
    caseRow: tx.row,
    definition: tx.definition,
    now,
    schedule: outbox.scheduler(tx.m, tx.effects),
  };
}
