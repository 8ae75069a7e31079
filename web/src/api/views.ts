import type { components } from './schema';

/**
 * The answers the role pages read, named as the pages know them: every one is the generated
 * schema of the service's OpenAPI document (no hand-copied shapes).
 */
type Schemas = components['schemas'];

export type StreetView = Schemas['StreetView'];
export type WorkloadView = Schemas['WorkloadView'];
export type WorkloadLine = Schemas['WorkloadLine'];

/** `GET /sla/summary`: counts and durations per workflow, state, street and assignee. */
export type SlaFigures = Schemas['SlaFiguresView'];
export type SlaSummary = Schemas['SlaSummaryView'];
/** `GET /sla/overdue`: one overdue case, most overdue first. */
export type OverdueItem = Schemas['OverdueItemView'];
/** `GET /sla/indicators`: the year's relief indicators per street against the goals. */
export type IndicatorReport = Schemas['IndicatorReportView'];

/** 双随机: plans, their draw and its verification. */
export type PlanView = Schemas['InspectionPlanView'];
export type PlanKind = PlanView['kind'];
export type DrawView = Schemas['InspectionDrawView'];
export type DrawVerification = Schemas['DrawVerification'];

/** 一公开 and 公示: what the public pages show. */
export type PublicResult = Schemas['PublicInspectionResult'];
export type ReliefNotice = Schemas['ReliefNotice'];
export type SpecialReliefNotice = Schemas['SpecialReliefNotice'];

/** `GET /audit/verify`: every case's chain at once. */
export type AuditVerification = Schemas['AuditVerificationView'];
export type AccountActionView = Schemas['AccountActionView'];

/** `GET /calendar/years`: the loaded working-day calendars. */
export type CalendarYear = Schemas['CalendarYearView'];
export type MigrationRun = Schemas['MigrationRunView'];

/** 门诊按人头付费: the year's rate with its steps, and the year so far per institution and month. */
export type CapitationRate = Schemas['CapitationRateView'];
export type CapitationReport = Schemas['CapitationReportView'];
export type CapitationInstitutionReport = Schemas['CapitationInstitutionReport'];
export type CapitationMonth = Schemas['CapitationMonthView'];
