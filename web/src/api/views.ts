import type { components } from './schema';

/**
 * Answers the role pages read whose shape the OpenAPI document does not state yet (the SLA
 * reports, inspection plans and draws, public notices, the audit run). Like types.ts, they are
 * taken with `fromApi` (its one cast); delete each entry when the document types it.
 */
type Schemas = components['schemas'];

export type StreetView = Schemas['StreetView'];
export type WorkloadView = Schemas['WorkloadView'];
export type WorkloadLine = Schemas['WorkloadLine'];

/** `GET /sla/summary`: counts and durations per workflow, state, street and assignee. */
export interface SlaFigures {
  open: number;
  overdue: number;
  closedInRange: number;
  breachRate: string | number | null;
  durationP50Ms: number | null;
  durationP90Ms: number | null;
  durationMeanMs?: number | null;
}

export interface SlaSummary {
  range: { from: string; to: string };
  totals: SlaFigures;
  byWorkflow: Array<SlaFigures & { type: string; label: string }>;
  byState: Array<SlaFigures & { type: string; state: string; label: string; pausesSla: boolean }>;
  byStreet: Array<SlaFigures & { streetCode: string | null }>;
  byAssignee: Array<SlaFigures & { assigneeId: string | null; displayName: string | null }>;
}

/** `GET /sla/overdue` items: most overdue first. */
export interface OverdueItem {
  caseId: string;
  type: string;
  typeLabel: string;
  state: string;
  stateLabel: string;
  streetCode: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  dueAt: string;
  overdueMs: number;
}

/** `GET /sla/relief-indicators`: 综合保障率 and 个人负担率 per street. */
export interface IndicatorReport {
  year: number;
  goals: { coverageGoal: string; burdenGoal: string };
  streets: Array<{
    streetCode: string | null;
    cases: number;
    coverageRate: string | null;
    burdenRate: string | null;
    meetsCoverageGoal: boolean | null;
    meetsBurdenGoal: boolean | null;
  }>;
}

export type PlanKind = 'ROUTINE' | 'SPECIAL' | 'FLIGHT';

/** `GET /inspection-plans`. */
export interface PlanView {
  id: string;
  name: string;
  year: number;
  kind: PlanKind;
  sampleRatio: string | null;
  sampleSize: number | null;
  institutionTypes: string[] | null;
  teamSize: number;
  createdAt: string;
  drawnAt: string | null;
}

/** `GET|POST /inspection-plans/:id/draw` (双随机: the seed and lists are published). */
export interface DrawView {
  planId: string;
  seed: string;
  algorithm: string;
  institutions: Array<{ id: string; code: string }>;
  teams: Array<{ institutionId: string; inspectorIds: string[] }>;
  caseIds: string[];
  institutionsHash: string;
  inspectorsHash: string;
  sampleSize: number;
  drawnAt: string;
}

export interface DrawVerification {
  matches: boolean;
  mismatches: string[];
  algorithm: string;
}

/** `GET /public/inspection-results` (一公开): no personal data. */
export interface PublicResult {
  institutionCode: string;
  institutionName: string;
  district: string | null;
  year: number;
  kind: string;
  inspectedOn: string;
  conclusion: string;
  findingsSummary: string;
  sanctions: Array<{ type: string; article?: string; amount?: string; months?: number }>;
  publishedAt: string;
}

/** `GET /public/relief-notices` (公示): the masked name (张*), street, amount. */
export interface ReliefNotice {
  noticeNo: string;
  name: string;
  streetCode: string | null;
  year: number;
  amount: string | null;
  publicityFrom: string | null;
  objectionDeadline: string | null;
  howToObject: string;
}

/** `GET /audit/verify`: every case's hash chain recomputed. */
export interface AuditVerification {
  cases: number;
  events: number;
  valid: boolean;
  broken: number;
  firstBroken: { caseId: string; seq?: number; reason?: string } | null;
  brokenCases: Array<{ caseId: string; seq?: number; reason?: string }>;
  orphanEvents: number;
  checkedAt: string;
  durationMs: number;
}

export interface CalendarYear {
  year: number;
  source: string | null;
  loadedAt: string;
}
