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

/** A case; `data` is workflow-specific JSON (typed per workflow by the document later). */
export type CaseView = Omit<Schemas['CaseView'], 'data'> & { data: Record<string, unknown> };
export type CaseEventView = Omit<Schemas['CaseEventView'], 'payload'> & {
  payload: Record<string, unknown>;
};

/** API.md "Lists are paginated". */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** JSON Schema as the service serves it for an event's payload (2020-12, zh-CN titles). */
export type JsonSchema = Record<string, unknown>;

/** An event as `GET /workflows/:type` describes it per state (issue 15: events as data). */
export interface EventDescription {
  type: string;
  label?: string | null;
  roles?: string[];
  schema?: JsonSchema | null;
}

export interface StateDescription {
  name: string;
  label: string | null;
  final: boolean;
  initial: boolean;
  /** Newer services: a list with labels and schemas; older: event type -> permission. */
  events: EventDescription[] | Record<string, { roles?: string[] }>;
  deadline: { duration: string | null; onExpire: unknown; pausesSla: boolean } | null;
  transitions?: Array<{ event: string; targets: string[]; guard?: string }>;
}

export interface WorkflowDescription {
  type: string;
  title: string;
  version: number;
  states: StateDescription[];
  eventLabels?: Record<string, string>;
}

export interface WorkflowSummary {
  type: string;
  title: string;
  version: number;
}

/** `POST /relief/calculate` (API.md): amounts are decimal strings. */
export interface ReliefCalculation {
  eligibleBase: string;
  reliefAmount: string;
  outpatientReliefAmount?: string;
  inpatientReliefAmount?: string;
  ratio: string;
  annualCapRemaining?: string;
  personalBurdenAfter?: string;
  lines: Array<Record<string, unknown>>;
}

export interface AttachmentView {
  id: string;
  fileName?: string;
  name?: string;
  contentType?: string;
  size?: number;
  kind?: string;
  uploadedBy?: string;
  createdAt?: string;
}

/**
 * The ONE cast of the web app: an answer whose shape the OpenAPI document does not state yet,
 * taken as the type written above (see this file's comment).
 */
export function fromApi<T>(value: unknown): T {
  return value as T;
}
