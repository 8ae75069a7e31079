import {
  ENGINE_EVENT_LABELS,
  type EventPermission,
  SYSTEM_ACTOR,
  type WorkflowDefinition,
} from '../../workflows/workflow-definition';
import type { PayloadClass } from '../engine/event-payloads';
import { eventSchema, JSON_SCHEMA_2020_12, type JsonSchema } from './event-schemas';
import { withValueTitles } from './field-titles';

/** One event a state accepts, as `GET /workflows/:type` shows it: enough to draw its form. */
export interface EventDescription {
  type: string;
  label: string | null;
  roles: EventPermission['roles'];
  scope?: EventPermission['scope'];
  /** JSON Schema 2020-12 of the request body: `type` plus the payload's fields. */
  schema: JsonSchema;
}

/** Only the service sends it (a deadline, a signal from another case): not in a request body. */
export function isSystemOnly(permission: EventPermission): boolean {
  return permission.roles.every((r) => r === SYSTEM_ACTOR);
}

/**
 * The events a caller may send in some state of a workflow (user-sendable), in the order the
 * permissions list them: the members of the workflow's request-body union.
 */
export function userEvents(definition: WorkflowDefinition): string[] {
  const out = new Set<string>();
  for (const events of Object.values(definition.permissions)) {
    for (const [event, permission] of Object.entries(events)) {
      if (!isSystemOnly(permission)) {
        out.add(event);
      }
    }
  }
  return [...out];
}

/** Every label a client needs for a case's history: the engine's records and the machine's events. */
export function historyLabels(definition: WorkflowDefinition): Record<string, string> {
  const labels: Record<string, string> = { ...ENGINE_EVENT_LABELS };
  for (const [event, label] of Object.entries(definition.eventLabels ?? {})) {
    if (typeof label === 'string') {
      labels[event] = label;
    }
  }
  return labels;
}

export function eventLabel(definition: WorkflowDefinition, event: string): string | null {
  const labels: Readonly<Record<string, string | undefined>> = definition.eventLabels ?? {};
  return labels[event] ?? null;
}

/** The events of one state with who may send them and the schema of each. */
export function describeStateEvents(
  definition: WorkflowDefinition,
  state: string,
  payloads: Readonly<Record<string, PayloadClass>>,
): EventDescription[] {
  return Object.entries(definition.permissions[state] ?? {}).map(([event, permission]) => {
    const label = eventLabel(definition, event);
    const body = eventSchema(event, payloads[event]);
    const schema: JsonSchema = { $schema: JSON_SCHEMA_2020_12, ...(label ? { title: label } : {}) };
    if (isSystemOnly(permission)) {
      // The service composes these itself (a deadline's name and due time): no caller sends one.
      Object.assign(schema, {
        description: '由系统发送（期限届满、关联案件），不能由用户提交',
        type: 'object',
        properties: { type: body.properties?.type },
        required: ['type'],
      });
    } else {
      Object.assign(schema, withValueTitles(body));
    }
    return {
      type: event,
      label,
      roles: permission.roles,
      ...(permission.scope ? { scope: permission.scope } : {}),
      schema,
    };
  });
}
