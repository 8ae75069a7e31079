/*
 * The domains' sections of the policy, one row each: its defaults and its validator, both owned by
 * the domain (relief's numbers live in ../relief, credit's in ../credit…). The config reads this
 * table to build the defaults and to check a policy file; it knows no rule of any domain. A new
 * section is a new row here and a new key in `Policy` (./policy.ts). Rows are checked in this
 * order, so problems come out in the order of the policy file's usual layout.
 */
import {
  DEFAULT_CAPITATION_POLICY,
  validateCapitationPolicy,
} from '../capitation/capitation-policy';
import { DEFAULT_DUTIES_POLICY, validateDutiesPolicy } from '../engine/duties-policy';
import { DEFAULT_HEARING_POLICY, validateHearingPolicy } from '../hearings/special-relief';
import {
  DEFAULT_MONITORING_POLICY,
  validateMonitoringPolicy,
} from '../monitoring/monitoring-policy';
import {
  DEFAULT_NOTIFICATION_POLICY,
  validateNotificationPolicy,
} from '../notifications/notification-policy';
import { DEFAULT_PENALTY_POLICY, validatePenaltyPolicy } from '../penalties/penalty-policy';
import { DEFAULT_RELIEF_SECTION, validateReliefSection } from '../relief/relief-policy';
import { DEFAULT_REPORT_POLICY, validateReportPolicy } from '../sla/report-policy';
import {
  DEFAULT_WORKFLOW_VERSIONS,
  validateWorkflowVersions,
  type WorkflowVersionPolicy,
} from '../events/workflow-versions';

/** One section: the built-in values and the check of a merged section (`path.key: message`). */
export interface PolicySection<T> {
  defaults: T;
  validate: (value: unknown, path: string) => string[];
}

/**
 * The district's street offices (街道办事处): code -> name. The defaults are the example district
 * of the tests and the walkthroughs (docs/walkthroughs).
 */
const STREETS: PolicySection<Record<string, string>> = {
  defaults: {
    '330106001': '北山街道',
    '330106002': '西溪街道',
    '330106003': '灵隐街道',
    '330106004': '翠苑街道',
    '330106005': '文新街道',
  },
  validate: (streets, path) => {
    if (typeof streets !== 'object' || streets === null || Array.isArray(streets)) {
      return [`${path}: must be an object of street code -> name`];
    }
    return Object.entries(streets).flatMap(([code, name]) =>
      typeof name === 'string' && name.trim().length > 0
        ? []
        : [`${path}.${code}: must be the street office's name`],
    );
  },
};

export const POLICY_SECTIONS = {
  relief: { defaults: DEFAULT_RELIEF_SECTION, validate: validateReliefSection },
  hearing: { defaults: DEFAULT_HEARING_POLICY, validate: validateHearingPolicy },
  penalty: { defaults: DEFAULT_PENALTY_POLICY, validate: validatePenaltyPolicy },
  monitoring: { defaults: DEFAULT_MONITORING_POLICY, validate: validateMonitoringPolicy },
  notifications: { defaults: DEFAULT_NOTIFICATION_POLICY, validate: validateNotificationPolicy },
  reports: { defaults: DEFAULT_REPORT_POLICY, validate: validateReportPolicy },
  streets: STREETS,
  duties: { defaults: DEFAULT_DUTIES_POLICY, validate: validateDutiesPolicy },
  capitation: { defaults: DEFAULT_CAPITATION_POLICY, validate: validateCapitationPolicy },
  // From which day new cases of a workflow open on which of its versions (editions by date).
  workflowVersions: {
    defaults: DEFAULT_WORKFLOW_VERSIONS,
    validate: validateWorkflowVersions,
  } satisfies PolicySection<WorkflowVersionPolicy>,
} satisfies Record<string, PolicySection<unknown>>;

export type PolicySectionName = keyof typeof POLICY_SECTIONS;

/** Each section's defaults, keyed like the policy. */
export type PolicySections = {
  [K in PolicySectionName]: (typeof POLICY_SECTIONS)[K]['defaults'];
};

export function sectionDefaults(): PolicySections {
  return {
    relief: POLICY_SECTIONS.relief.defaults,
    hearing: POLICY_SECTIONS.hearing.defaults,
    penalty: POLICY_SECTIONS.penalty.defaults,
    monitoring: POLICY_SECTIONS.monitoring.defaults,
    notifications: POLICY_SECTIONS.notifications.defaults,
    reports: POLICY_SECTIONS.reports.defaults,
    streets: POLICY_SECTIONS.streets.defaults,
    duties: POLICY_SECTIONS.duties.defaults,
    capitation: POLICY_SECTIONS.capitation.defaults,
    workflowVersions: POLICY_SECTIONS.workflowVersions.defaults,
  };
}

/** Every section's problems, in table order. */
export function validateSections(policy: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(POLICY_SECTIONS).flatMap(([name, section]) =>
    section.validate(policy[name], name),
  );
}
