import { WORKFLOWS } from '../../workflows';
import { describeStates } from '../engine/machine-introspection';

/**
 * Enums for the document, read from the workflow definitions themselves (a new state or event
 * appears in the document without a second list to keep).
 */
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** `relief-application`, `hardship-hearing`, `inspection`, `penalty-case`. */
export const WORKFLOW_TYPES: string[] = sorted(WORKFLOWS.map((w) => w.type));

/** Every state of every workflow (nested states dotted, `hearing.scheduled`, parents too). */
export const WORKFLOW_STATES: string[] = sorted(
  WORKFLOWS.flatMap((w) => describeStates(w.machine).map((s) => s.name)),
);

/** Every event someone may send to a case of some workflow (what `allowedEvents` lists). */
export const WORKFLOW_EVENTS: string[] = sorted(
  WORKFLOWS.flatMap((w) => Object.values(w.permissions).flatMap((events) => Object.keys(events))),
);
