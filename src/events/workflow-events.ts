import {
  CAPITATION_RECONCILIATION_EVENT_PAYLOADS,
  CAPITATION_SETTLEMENT_EVENT_PAYLOADS,
} from '../capitation/capitation-events';
import type { WorkflowEventPayloads } from '../engine/event-payloads';
import { HEARING_EVENT_PAYLOADS } from '../hearings/hearing-events';
import { INSPECTION_EVENT_PAYLOADS } from '../inspections/inspection-events';
import { PENALTY_EVENT_PAYLOADS } from '../penalties/penalty-events';
import { RELIEF_EVENT_PAYLOADS } from '../relief/relief-events';

/**
 * The payload tables of the service's workflows, beside `WORKFLOWS` (workflows/index.ts): the
 * engine validates events with them, and `GET /workflows/:type` and the OpenAPI document derive
 * the event schemas from them. Plain imports, no provider: Nest's preview mode reads them too.
 */
export const WORKFLOW_EVENT_PAYLOADS: readonly WorkflowEventPayloads[] = [
  RELIEF_EVENT_PAYLOADS,
  HEARING_EVENT_PAYLOADS,
  INSPECTION_EVENT_PAYLOADS,
  PENALTY_EVENT_PAYLOADS,
  CAPITATION_SETTLEMENT_EVENT_PAYLOADS,
  CAPITATION_RECONCILIATION_EVENT_PAYLOADS,
];
