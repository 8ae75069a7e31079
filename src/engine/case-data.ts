import type { AnyStateMachine, ContextFrom, InputFrom } from 'xstate';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import type { CaseEntity } from './entities/case.entity';
import type { LinkedCaseRequest } from './event-handlers';
import type { EventFieldsOf, EventTypeOf } from './event-payloads';

/** A case row whose `data` is typed as its workflow's machine context. */
export type CaseRowOf<M extends AnyStateMachine> = Omit<CaseEntity, 'data'> & {
  data: ContextFrom<M>;
};

/**
 * The case row, typed by its workflow: the one place where the stored JSON becomes the
 * machine's context type. The compiler cannot see through a JSON column, but the engine is
 * the only writer of `data` and writes nothing but the snapshot's context after each
 * `transition()`, so the narrowing is sound for a row of this workflow's type (checked here, at
 * run time). A second version of a workflow with another context type would type its rows by
 * the definition of that version.
 */
export function caseRowOf<M extends AnyStateMachine>(
  workflow: WorkflowDefinition<M>,
  row: CaseEntity,
): CaseRowOf<M> {
  if (row.type !== workflow.type) {
    throw new Error(`Case ${row.id} is a ${row.type} case, not ${workflow.type}`);
  }
  return row as CaseRowOf<M>;
}

/** A case's data typed as its workflow's machine context (see `caseRowOf`). */
export function caseData<M extends AnyStateMachine>(
  workflow: WorkflowDefinition<M>,
  row: CaseEntity,
): ContextFrom<M> {
  return caseRowOf(workflow, row).data;
}

/**
 * A workflow's opening input as the engine takes it: checked against the machine's input type
 * here, then handed over as the JSON record the engine stores in the opening event.
 */
export function caseInput<M extends AnyStateMachine>(
  _workflow: WorkflowDefinition<M>,
  input: InputFrom<M>,
): Record<string, unknown> {
  return input;
}

/**
 * A case of `workflow` another case asks for (`openLinkedCase`): the type is the workflow's and
 * the input is checked against its machine's input type, so the two cannot disagree.
 */
export function linkedCase<M extends AnyStateMachine>(
  workflow: WorkflowDefinition<M>,
  request: Omit<LinkedCaseRequest, 'type' | 'input'> & { input: InputFrom<M> },
): LinkedCaseRequest {
  return { ...request, type: workflow.type, input: caseInput(workflow, request.input) };
}

/**
 * An event for a case of `workflow`, composed by the service (a closing penalty case's signal to
 * its inspection): checked against that machine's event union here, handed over as the record
 * `signalCase` takes (the engine adds the actor and the time).
 */
export function caseEvent<M extends AnyStateMachine>(
  _workflow: WorkflowDefinition<M>,
  event: { [E in EventTypeOf<M>]: { type: E } & EventFieldsOf<M, E> }[EventTypeOf<M>],
): Record<string, unknown> & { type: string } {
  return event;
}
