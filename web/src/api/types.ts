import type { RJSFSchema } from '@rjsf/utils';
import type { components } from './schema';

/**
 * The API's types for the web app. Most come straight from the generated schema; the few the
 * OpenAPI document does not describe yet (lists without an item schema, `data` as a bare
 * object, the workflow description) are written here, and `fromApi` is the ONE place where an
 * untyped answer is taken as one of them. Delete each entry when the document types it.
 */
type Schemas = components['schemas'];

export type UserView = Schemas['UserView'];
export type Role = UserView['roles'][number];
export type DeadlineView = Schemas['DeadlineView'];
export type ChainVerification = Schemas['ChainVerification'];
export type ReliefApplicationBody = Schemas['CreateReliefApplicationDto'];
export type ExpenseLine = Schemas['ExpenseDto'];
export type Applicant = Schemas['ApplicantDto'];

/** The names the API declares as enums: workflow types, state names, event types. */
export type WorkflowType = Schemas['CaseView']['type'];
export type StateName = Schemas['CaseView']['state'];
export type EventType = Schemas['CaseView']['allowedEvents'][number];
/** A filter's workflow type, as chosen from the service's own workflow list. */
export function asWorkflowType(value: string | undefined): WorkflowType | undefined {
  return value ? fromApi<WorkflowType>(value) : undefined;
}

/** A filter's state name, as chosen from the service's own workflow description. */
export function asStateName(value: string | undefined): StateName | undefined {
  return value ? fromApi<StateName>(value) : undefined;
}

/** An event as `POST /cases/{id}/events` takes it (one of the workflows' event unions). */
export type CaseEventBody = Schemas['CaseEvent'];

/**
 * A generated form's payload as the event body: the form was drawn from the service's own
 * JSON Schema for `type` and the service validates it again, so the union member is taken as
 * given (the one place where a run-time form meets the compile-time union).
 */
export function eventBody(type: EventType, payload: Record<string, unknown>): CaseEventBody {
  return fromApi<CaseEventBody>({ ...payload, type });
}

/** A case; `data` is workflow-specific JSON (typed per workflow by the document later). */
export type CaseView = Omit<Schemas['CaseView'], 'data'> & { data: Record<string, unknown> };
export type CaseEventView = Omit<Schemas['CaseEventView'], 'payload'> & {
  payload: Record<string, unknown>;
};

/** docs/api.md "Conventions", lists are paginated. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** JSON Schema as the service serves it for an event's payload (2020-12, zh-CN titles). */
export type JsonSchema = RJSFSchema;

/** What `GET /workflows/:type` says of a workflow: states, their events with schemas, labels. */
export type WorkflowDescription = Schemas['WorkflowDescriptionView'];
export type StateDescription = Schemas['WorkflowStateView'];
/** An event as the description lists it per state (events as data: label, roles, schema). */
export type EventDescription = Schemas['WorkflowEventView'];
export type WorkflowSummary = Schemas['WorkflowSummaryView'];

/** `POST /relief/calculate` and a relief case's `data.calculation`: amounts are decimal strings. */
export type ReliefCalculation = Schemas['ReliefCalculationView'];
export type ReliefLine = Schemas['ReliefLineView'];
/** One step of a line's calculation, citing its rule (the amount after the step). */
export type ReliefStep = Schemas['ReliefStepView'];

export type AttachmentView = Schemas['AttachmentView'];
export type AttachmentKind = AttachmentView['kind'];

/**
 * The ONE cast of the web app: an answer whose shape the OpenAPI document does not state yet,
 * taken as the type written above (see this file's comment).
 */
export function fromApi<T>(value: unknown): T {
  return value as T;
}
