import type { OpenAPIObject } from '@nestjs/swagger';
import { WORKFLOWS } from '../../workflows';
import { eventLabel, userEvents } from '../events/event-catalog';
import { eventSchema, type JsonSchema } from '../events/event-schemas';
import { WORKFLOW_EVENT_PAYLOADS } from '../events/workflow-events';
import { CASE_DATA, CASE_DATA_COMMON, CASE_DATA_SCHEMAS, CASE_LINK } from './case-data-schemas';

/** `relief-application` -> `ReliefApplication`: readable component names. */
export function schemaName(type: string): string {
  return type
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/**
 * The workflows' events in the OpenAPI document, from the same static tables the engine
 * validates with (no provider needed, so `npm run openapi` in preview mode writes what the
 * service serves):
 * - `<Workflow>_<EVENT>`: one user-sendable event, `type` with its one value plus its payload;
 * - `<Workflow>Event`: a `oneOf` of them with a `type` discriminator;
 * - `CaseEvent` (the body of `POST /cases/{id}/events`): `anyOf` the workflows' unions; the
 *   same event name has different payloads in different workflows, so it cannot be one
 *   discriminated `oneOf`. System-only events (deadlines, signals) are not in it.
 * and the shapes of `CaseView.data` per workflow (`CaseData`).
 */
export function addEventSchemas(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  const schemas: Record<string, JsonSchema> = (components.schemas ??= {}) as Record<
    string,
    JsonSchema
  >;
  const unions: Array<{ $ref: string }> = [];
  for (const workflow of WORKFLOWS) {
    const payloads = WORKFLOW_EVENT_PAYLOADS.find((p) => p.type === workflow.type)?.payloads ?? {};
    const base = schemaName(workflow.type);
    const mapping: Record<string, string> = {};
    for (const event of userEvents(workflow)) {
      const name = `${base}_${event}`;
      const label = eventLabel(workflow, event);
      schemas[name] = {
        ...(label ? { title: label } : {}),
        ...eventSchema(event, payloads[event]),
      };
      mapping[event] = ref(name).$ref;
    }
    schemas[`${base}Event`] = {
      description: `An event a caller may send to a ${workflow.type} case (${workflow.title}).`,
      oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
      discriminator: { propertyName: 'type', mapping },
    };
    unions.push(ref(`${base}Event`));
  }
  schemas.CaseEvent = {
    description:
      "`{ type, ...payload }`: one of the case's workflow's events (GET /api/v1/workflows/{type} " +
      "lists them per state, with their JSON Schemas); the case's `allowedEvents` says which now.",
    anyOf: unions,
  };
  schemas.CaseLink = CASE_LINK;
  schemas.CaseDataCommon = CASE_DATA_COMMON;
  Object.assign(schemas, CASE_DATA_SCHEMAS);
  schemas.CaseData = CASE_DATA;
  retype(schemas.CaseView, 'data', ref('CaseData'));
  retype(schemas.CaseEventView, 'payload', {
    type: 'object',
    description:
      'What the event carried: the fields of its schema (`CaseEvent`), plus what the service ' +
      'computed for it (e.g. the relief calculation of VERIFY); masked like the case data.',
    additionalProperties: true,
  });
  return document;
}

/** Replaces one property's schema of a component the DTO classes declared loosely (`object`). */
function retype(component: JsonSchema | undefined, property: string, schema: JsonSchema): void {
  if (component?.properties?.[property]) {
    component.properties[property] = schema;
  }
}
