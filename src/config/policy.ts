import { readFileSync } from 'node:fs';
import deepmerge from 'deepmerge';
import { parseDuration } from '../common/calendar/duration';
import { unknownPolicyKeys } from './policy-keys';
import type { CapitationPolicy } from '../capitation/capitation-policy';
import type { DutiesPolicy } from '../engine/duties-policy';
import type { HearingPolicy } from '../hearings/special-relief';
import type { MonitoringPolicy } from '../monitoring/monitoring-policy';
import type { NotificationPolicy } from '../notifications/notification-policy';
import type { PenaltyPolicy } from '../penalties/penalty-policy';
import type { ReliefEdition, ReliefSection } from '../relief/relief-policy';
import type { ReportPolicy } from '../sla/report-policy';
import type { WorkflowVersionPolicy } from '../events/workflow-versions';
import { sectionDefaults, validateSections } from './policy-sections';

export type { ReliefEdition } from '../relief/relief-policy';

/**
 * The bureau's policy: numbers that differ by region and year. Built-in defaults reproduce
 * docs/domain.md; `POLICY_FILE` (JSON) is deep-merged over them (arrays replace, objects merge).
 */
export interface Policy {
  /** Recorded on every case that used it. */
  version: string;
  /** `deadlines.<workflow type>.<state>` = a duration: `5wd`, `7d`, `12h`, `30m`, `10s`. */
  deadlines: Record<string, Record<string, string>>;
  /** Relief numbers by edition, the hardship threshold and the public notice (../relief). */
  relief: ReliefSection;
  /** Special-hardship hearings: panel composition, quorum, ratios, caps (docs/domain.md §2). */
  hearing: HearingPolicy;
  /**
   * Penalties and credit (docs/domain.md §5, §7): Decree 735 fine ranges, hearing threshold, late
   * fee, joint-punishment list, credit scoring and the draw weights per credit grade (§4).
   */
  penalty: PenaltyPolicy;
  /**
   * Early warning (因病致贫返贫监测, docs/domain.md §3): the thresholds, the monthly run's day, and the
   * reference incomes per run year (`monitoring.reference.<Y>`: the figures published for Y−1).
   */
  monitoring: MonitoringPolicy;
  /**
   * Reminders (at 75% of a deadline), escalation after a breach, and per event type the channels
   * (inapp, webhook, email) and recipients of notifications.
   */
  notifications: NotificationPolicy;
  /** The managers' reports: seed 002's goals for the relief indicators. */
  reports: ReportPolicy;
  /**
   * The district's street offices (街道办事处): code -> name, so pages and reports show names
   * (`GET /api/v1/streets`). The defaults are the example district of the tests and the walkthroughs.
   */
  streets: Record<string, string>;
  /**
   * Separated duties per workflow (不相容职务分离: which events of a case must come from different
   * people) and when an amount needs a stated reason.
   */
  duties: DutiesPolicy;
  /**
   * Outpatient capitation (门诊按人头付费, docs/domain.md §6): per sign-up year the fund figures of
   * the base capitation, the sign-up fee, the cap and the assessment bands; the monthly opening.
   */
  capitation: CapitationPolicy;
  /**
   * Editions by date: `workflowVersions.<type>` = `[{ version, from }]`, the day from which new
   * cases open on a version (cases already open keep theirs). Unlisted: the first version.
   */
  workflowVersions: WorkflowVersionPolicy;
}

/** docs/domain.md §7 reference deadlines. */
export const DEFAULT_POLICY: Policy = {
  version: '2026.1',
  deadlines: {
    'relief-application': {
      outreach: '10wd',
      submitted: '2wd',
      awaiting_supplement: '10wd',
      eligibility_review: '5wd',
      amount_review: '3wd',
      // Version 2 only: the bureau's collective review (集体审议) of a large proposal.
      collective_review: '10wd',
      approval: '3wd',
      publicity: '7d',
      objection_review: '5wd',
      disbursement: '10wd',
    },
    'hardship-hearing': {
      referred: '5wd',
      panel_review: '5wd',
      decision: '3wd',
      joint_meeting: '20wd',
      publicity: '7d',
      disbursement: '10wd',
    },
    inspection: {
      scheduled: '30d',
      on_site: '10wd',
      findings_review: '5wd',
      rectification: '30d',
      recheck: '10wd',
      publication: '20wd',
    },
    'penalty-case': {
      // The case-level clock: decide within 90 days of filing (Law art. 60), +30 once with approval.
      decision: '90d',
      decision_extension: '30d',
      legal_review: '10wd',
      notice: '5wd',
      hearing: '20wd',
      execution: '15d',
      // Court application within 3 months (Administrative Compulsion Law art. 53): 90 days.
      enforcement: '90d',
      referred: '30d',
    },
    'capitation-settlement': {
      computed: '3wd',
      approval: '3wd',
      publicity: '7d',
      disbursement: '10wd',
    },
    'capitation-reconciliation': {
      computed: '5wd',
      approval: '5wd',
      publicity: '7d',
      disbursement: '15wd',
    },
  },
  ...sectionDefaults(),
};

/** Returns a list of problems (`path: message`); empty when the policy is usable. */
export function validatePolicy(policy: unknown): string[] {
  const problems: string[] = [];
  if (typeof policy !== 'object' || policy === null) {
    return ['policy: must be a JSON object'];
  }
  const p = policy as Record<string, unknown>;
  if (typeof p.version !== 'string' || p.version.length === 0) {
    problems.push('version: must be a non-empty string');
  }
  // An array is an object too, but merged over the defaults it would silently drop them.
  if (typeof p.deadlines !== 'object' || p.deadlines === null || Array.isArray(p.deadlines)) {
    problems.push('deadlines: must be an object of workflow type -> state -> duration');
    return problems;
  }
  for (const [type, states] of Object.entries(p.deadlines as Record<string, unknown>)) {
    if (typeof states !== 'object' || states === null || Array.isArray(states)) {
      problems.push(`deadlines.${type}: must be an object of state -> duration`);
      continue;
    }
    for (const [state, duration] of Object.entries(states as Record<string, unknown>)) {
      try {
        parseDuration(String(duration));
        if (typeof duration !== 'string') {
          throw new Error('not a string');
        }
      } catch {
        problems.push(
          `deadlines.${type}.${state}: "${String(duration)}" is not a duration like 5wd, 7d, 12h, 30m, 10s`,
        );
      }
    }
  }
  problems.push(...validateSections(p));
  return problems;
}

/** The relief edition in force on a date (YYYY-MM-DD), or undefined before the first one. */
export function reliefEditionOn(policy: Policy, date: string): ReliefEdition | undefined {
  return [...policy.relief.editions]
    .filter((e) => e.effectiveFrom <= date)
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
    .at(-1);
}

/** Built-in defaults deep-merged with an optional override (a file path or an object). */
export function loadPolicy(override?: string | Record<string, unknown>): Policy {
  let extra: unknown = {};
  if (typeof override === 'string') {
    try {
      extra = JSON.parse(readFileSync(override, 'utf8'));
    } catch (e) {
      throw new Error(`POLICY_FILE: cannot read ${override}: ${(e as Error).message}`);
    }
  } else if (override) {
    extra = override;
  }
  const unknown = unknownPolicyKeys(extra, DEFAULT_POLICY);
  if (unknown.length > 0) {
    throw new Error(
      `POLICY_FILE: unknown key${unknown.length > 1 ? 's' : ''} (not a policy setting: check the spelling):\n  - ${unknown.join('\n  - ')}`,
    );
  }
  const merged = deepmerge(DEFAULT_POLICY, extra as Partial<Policy>, {
    arrayMerge: (_target, source: unknown[]) => source,
  });
  const problems = validatePolicy(merged);
  if (problems.length > 0) {
    throw new Error(`POLICY_FILE: invalid policy:\n  - ${problems.join('\n  - ')}`);
  }
  return merged;
}
