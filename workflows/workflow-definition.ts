import type { AnyStateMachine, EventFromLogic, InputFrom, SnapshotFrom } from 'xstate';

/** The roles of yibao-flow (docs/api.md "Auth and users"). */
export const ROLES = [
  'ADMIN',
  // 安全管理员: grants roles and lifts login locks; apart from ADMIN when policy `duties.accounts` is separated.
  'SECURITY_ADMIN',
  'STREET_OFFICE',
  'CASEWORKER',
  'MANAGER',
  'EXPERT',
  'INSPECTOR',
  'LEGAL',
  'AUDITOR',
] as const;
export type Role = (typeof ROLES)[number];

/** The actor of the service's own events (deadlines, linked cases). */
export const SYSTEM_ACTOR = 'system';

/**
 * Who may send an event in a state.
 * - `roles`: any of these roles; `'system'` alone means only the service itself (deadlines, signals).
 * - `scope: 'street'`: a STREET_OFFICE caller must belong to the case's street (other roles are not street-bound).
 * - `scope: { members: 'field' }`: the caller's id must be listed in `data[field]`
 *   (an array of user ids, or of objects with a `userId`), e.g. an inspection team or an expert panel.
 */
export interface EventPermission {
  roles: readonly (Role | typeof SYSTEM_ACTOR)[];
  scope?: 'street' | { members: string };
}

/**
 * What happens when a state's deadline passes: the service sends the named event
 * (actor `system`), or it only marks the case overdue and tells the managers.
 * The duration itself is policy (`deadlines.<type>.<state>`), never code.
 */
export type DeadlineOnExpire = { event: string } | 'overdue';

export interface StateDeadline {
  onExpire: DeadlineOnExpire;
  /** The SLA clock stops while the case waits on someone outside the bureau (e.g. the applicant). */
  pausesSla?: boolean;
}

/** The pseudo-event a case-level clock can start on: the case's opening (e.g. a penalty's filing, 立案). */
export const CASE_OPENED = 'CASE_OPENED';

/**
 * zh-CN names of what the engine records in every workflow's history besides the machine's
 * events (opening, assignment, attachments, a deadline that only marks the case overdue).
 */
export const ENGINE_EVENT_LABELS: Readonly<Record<string, string>> = {
  [CASE_OPENED]: '创建案件',
  CLAIMED: '认领',
  ASSIGNED: '指派',
  UNASSIGNED: '取消指派',
  ATTACHMENT_ADDED: '上传附件',
  ATTACHMENT_DOWNLOADED: '下载附件',
  DEADLINE_OVERDUE: '期限逾期',
  MIGRATED: '迁移版本',
};

/**
 * A case-level clock (docs/architecture.md "Deadlines and clocks"): it starts when one of `startOn`
 * is applied (a later one restarts it), runs across states, stops when the case enters one of
 * `stopIn` or closes, and stands still in `pausedIn` (the time there is not counted: the
 * remainder resumes on leaving). Its duration is policy, `deadlines.<type>.<clock name>`; an
 * `engine.extendClock` effect adds `deadlines.<type>.<clock name>_extension` once per emit.
 */
export interface CaseClock {
  startOn: readonly string[];
  onExpire: DeadlineOnExpire;
  stopIn?: readonly string[];
  pausedIn?: readonly string[];
}

/**
 * A case that only some may see while a condition holds (a FLIGHT inspection before the team
 * arrives: 飞行检查 must not leak). While `while(data)` is true, the case is visible only to the
 * service, its members (the member-scoped fields, e.g. `team`) and `viewers(data)`; to
 * everyone else it does not exist (404), in lists and counts too.
 */
export interface Confidentiality {
  while: (data: Record<string, unknown>) => boolean;
  viewers: (data: Record<string, unknown>) => readonly string[];
}

/** A field an event's guard refused, for the 422's `errors` (the client can point at it). */
export interface RefusedField {
  field: string;
  message: string;
}

/**
 * Where a running case of an older version goes on this one (docs/walkthroughs/workflow-versions.md):
 * every state of the old machine maps to a state of this one, or is blocked with the reason an
 * administrator reads in the dry run. Declared beside the newer machine, total over the old one.
 */
export type StateMapping = Readonly<Record<string, { to: string } | { blocked: string }>>;

/** How cases of `fromVersion` move to this version (`POST /workflows/:type/migrations`). */
export interface VersionMigration {
  fromVersion: number;
  states: StateMapping;
  /**
   * The case's data on this version: what this version reads that the old one never kept,
   * taken from the policy in force at the migration (e.g. a threshold the opening input carries).
   */
  data?: (data: Record<string, unknown>, policy: unknown) => Record<string, unknown>;
}

/** One workflow at one version: the machine plus the data the engine needs around it. */
export interface WorkflowDefinition<TMachine extends AnyStateMachine = AnyStateMachine> {
  type: string;
  version: number;
  title: string;
  machine: TMachine;
  /** state name (dotted for nested states) -> event type -> who may send it there */
  permissions: Record<string, Record<string, EventPermission>>;
  /** states that carry a deadline; the duration comes from the policy */
  deadlines: Record<string, StateDeadline>;
  /**
   * At most one ACTIVE case per key (e.g. one open hearing per person and year): computed from
   * the opening input; a second opening is refused, or a linked opening joins the open case.
   */
  exclusiveKey?: (input: InputFrom<TMachine>) => string;
  /**
   * The resident IDs of the people a case is about (a relief applicant), from the opening input:
   * the engine indexes the case under each person's key (`case_persons`, no ID stored) so the
   * person view finds a person's cases without scanning JSON.
   */
  persons?: (input: InputFrom<TMachine>) => readonly string[];
  /** zh-CN names of the states, for clients to show (`公示中`). */
  stateLabels?: Record<string, string>;
  /**
   * zh-CN names of the machine's events, for buttons and history (`核实资格`); keyed by the
   * machine's own event types, so a label of an event the machine lacks does not compile.
   */
  eventLabels?: { readonly [E in EventFromLogic<TMachine>['type']]?: string };
  /** Clocks that run over several states (clock name -> clock), e.g. a penalty decision's 90 days. */
  clocks?: Record<string, CaseClock>;
  confidential?: Confidentiality;
  /**
   * Roles that see every case of this workflow besides the engine's reader roles (e.g. the
   * bureau's inspectors, who investigate every penalty case; cases without personal data).
   */
  readers?: readonly Role[];
  /**
   * A state's deadline taken from the case instead of the policy (e.g. an inspection plan's own
   * `windowDays`); undefined falls back to `deadlines.<type>.<state>`.
   */
  durationFromData?: (state: string, data: Record<string, unknown>) => string | undefined;
  /**
   * When a guard refuses an event: the fields at fault, computed by the same functions the
   * guards use (e.g. PROPOSE with another amount and no `reason` names `reason`).
   */
  explainRefusal?: (
    snapshot: SnapshotFrom<TMachine>,
    event: EventFromLogic<TMachine>,
  ) => RefusedField[];
  /** How running cases of older versions move to this one; none: they finish where they are. */
  migrations?: readonly VersionMigration[];
}

export function defineWorkflow<TMachine extends AnyStateMachine>(
  definition: WorkflowDefinition<TMachine>,
): WorkflowDefinition<TMachine> {
  return definition;
}

/** The event a state's deadline sends by convention: `DEADLINE_<STATE>` in upper snake case. */
export function deadlineEventName(state: string): string {
  return `DEADLINE_${state.replace(/\./g, '_').toUpperCase()}`;
}

/**
 * Effects a machine asks the engine for with XState's `emit(...)`: `transition()` returns them
 * and executes nothing; the engine carries them out inside the event's transaction.
 * - `engine.restartDeadline`: the state's deadline starts again (same state entry, next restart).
 * - `engine.extendClock`: a case-level clock's due date moves by its policy extension.
 */
export type EngineEffect =
  | { type: 'engine.restartDeadline'; state: string }
  /** A case-level clock's pending deadline moves later by `<clock>_extension` (policy), e.g. +30d. */
  | { type: 'engine.extendClock'; clock: string };
