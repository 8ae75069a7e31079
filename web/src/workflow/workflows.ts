import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import {
  type EventDescription,
  fromApi,
  type JsonSchema,
  type WorkflowDescription,
  type WorkflowSummary,
} from '../api/types';
import { FALLBACK_EVENT_LABELS } from '../labels';
import { fallbackEventSchema } from './fallbackSchemas';

/** Workflow descriptions change only with a deployment: fetched once per session. */
const FOREVER = { staleTime: Infinity, gcTime: Infinity } as const;

export function useWorkflows() {
  return useQuery({
    queryKey: ['workflows'],
    queryFn: async () => fromApi<WorkflowSummary[]>(await unwrap(api.GET('/api/v1/workflows'))),
    ...FOREVER,
  });
}

export function useWorkflow(type: string | undefined) {
  return useQuery({
    queryKey: ['workflow', type],
    enabled: type !== undefined,
    queryFn: async () =>
      fromApi<WorkflowDescription>(
        await unwrap(
          api.GET('/api/v1/workflows/{type}', { params: { path: { type: type ?? '' } } }),
        ),
      ),
    ...FOREVER,
  });
}

/** `医疗救助申请 Medical-relief application` -> `医疗救助申请` (the zh-CN part of a title). */
export function workflowName(title: string | undefined, type: string): string {
  if (!title) {
    return type;
  }
  const zh = title.split(/\s+[A-Za-z]/)[0];
  return zh || title;
}

export function stateLabel(wf: WorkflowDescription | undefined, state: string): string {
  return wf?.states.find((s) => s.name === state)?.label ?? state;
}

/** The events a state lists (type, label, roles and the JSON Schema of each). */
export function stateEvents(
  wf: WorkflowDescription | undefined,
  state: string,
): EventDescription[] {
  return wf?.states.find((s) => s.name === state)?.events ?? [];
}

export function eventLabel(wf: WorkflowDescription | undefined, type: string): string {
  const fromStates = wf?.states
    .flatMap((s) => (Array.isArray(s.events) ? s.events : []))
    .find((e) => e.type === type && e.label)?.label;
  return wf?.eventLabels?.[type] ?? fromStates ?? FALLBACK_EVENT_LABELS[type] ?? type;
}

/** An event with no fields of its own still gets a form: a confirmation with a free remark. */
const EMPTY_PAYLOAD: JsonSchema = { type: 'object', properties: {} };

/** The JSON Schema of an event's payload in a state (the form is drawn from it). */
export function eventSchema(
  wf: WorkflowDescription | undefined,
  state: string,
  type: string,
): JsonSchema {
  const described = stateEvents(wf, state).find((e) => e.type === type)?.schema;
  return (
    (described && withoutEventType(described)) ??
    (wf && fallbackEventSchema(wf.type, type)) ??
    EMPTY_PAYLOAD
  );
}

/**
 * The service describes the whole event body, `type` included; the form draws the payload only
 * (the button chose the type, and the body is sent with it).
 */
function withoutEventType(schema: JsonSchema): JsonSchema {
  const { type: _type, ...properties } = schema.properties ?? {};
  // The dialog's header names the event: no second title above the fields.
  const { title: _title, $schema: _dialect, ...rest } = schema;
  return {
    ...rest,
    properties,
    required: (schema.required ?? []).filter((name) => name !== 'type'),
  };
}
