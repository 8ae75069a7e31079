import { readFileSync } from 'node:fs';
import deepmerge from 'deepmerge';
import { parseDuration } from '../common/calendar/duration';
import { unknownPolicyKeys } from './policy-keys';
import {
  DEFAULT_DUTIES_POLICY,
  type DutiesPolicy,
  validateDutiesPolicy,
} from '../engine/duties-policy';
import {
  DEFAULT_HEARING_POLICY,
  type HearingPolicy,
  validateHearingPolicy,
} from '../hearings/special-relief';
import {
  DEFAULT_MONITORING_POLICY,
  type MonitoringPolicy,
  validateMonitoringPolicy,
} from '../monitoring/monitoring-policy';
import {
  DEFAULT_PENALTY_POLICY,
  type PenaltyPolicy,
  validatePenaltyPolicy,
} from '../penalties/penalty-policy';
import {
  DEFAULT_NOTIFICATION_POLICY,
  type NotificationPolicy,
  validateNotificationPolicy,
} from '../notifications/notification-policy';
import {
  DEFAULT_REPORT_POLICY,
  type ReportPolicy,
  validateReportPolicy,
} from '../sla/report-policy';
import {
  DEFAULT_RELIEF_POLICY,
  type ReliefPolicy,
  validateReliefPolicy,
} from '../relief/relief-policy';

/** A relief policy with the date from which it applies to new applications. */
export interface ReliefEdition extends ReliefPolicy {
  /** YYYY-MM-DD: applications made on or after this date use this edition. */
  effectiveFrom: string;
}

/**
 * The bureau's policy: numbers that differ by region and year. Built-in defaults reproduce
 * DOMAIN.md; `POLICY_FILE` (JSON) is deep-merged over them (arrays replace, objects merge).
 */
export interface Policy {
  /** Recorded on every case that used it. */
  version: string;
  /** `deadlines.<workflow type>.<state>` = a duration: `5wd`, `7d`, `12h`, `30m`, `10s`. */
  deadlines: Record<string, Record<string, string>>;
  relief: {
    /**
     * Relief numbers by effective date (a new policy year is a new edition): the edition in force
     * on the application date applies, and the case records its version.
     */
    editions: ReliefEdition[];
    /**
     * When a paid case brings the person's yearly burden after relief (in-policy remainder +
     * out-of-policy costs, summed over the year's paid relief cases) to this or above, the person
     * is referred to a special-hardship hearing (特殊医疗救助), docs/domain.md §1.
     */
    hardshipThreshold: string;
    /** The public notice during publicity (公示, `GET /api/v1/public/relief-notices`). */
    publicNotice: {
      /** How to object, shown with every notice (where, how, with what). */
      howToObject: string;
    };
  };
  /** Special-hardship hearings: panel composition, quorum, ratios, caps (DOMAIN.md §2). */
  hearing: HearingPolicy;
  /**
   * Penalties and credit (DOMAIN.md §5, §7): Decree 735 fine ranges, hearing threshold, late
   * fee, joint-punishment list, credit scoring and the draw weights per credit grade (§4).
   */
  penalty: PenaltyPolicy;
  /**
   * Early warning (因病致贫返贫监测, DOMAIN.md §3): the thresholds, the monthly run's day, and the
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
   * (`GET /api/v1/streets`). The defaults are the example district of the tests and the README.
   */
  streets: Record<string, string>;
  /**
   * Separated duties per workflow (不相容职务分离: which events of a case must come from different
   * people) and when an amount needs a stated reason.
   */
  duties: DutiesPolicy;
}

/** DOMAIN.md §7 reference deadlines. */
export const DEFAULT_POLICY: Policy = {
  version: '2026.1',
  deadlines: {
    'relief-application': {
      outreach: '10wd',
      submitted: '2wd',
      awaiting_supplement: '10wd',
      eligibility_review: '5wd',
      amount_review: '3wd',
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
  },
  relief: {
    editions: [{ ...DEFAULT_RELIEF_POLICY, effectiveFrom: '2021-01-01' }],
    hardshipThreshold: '5000.00',
    publicNotice: {
      howToObject:
        '对公示对象或救助金额有异议的，请在异议截止时间前，以书面形式向申请人户籍所在街道办事处或区医疗保障局提出，' +
        '写明异议事项和理由，并提供相关证明材料；请署真实姓名和联系方式，我局依法为反映人保密。',
    },
  },
  hearing: DEFAULT_HEARING_POLICY,
  penalty: DEFAULT_PENALTY_POLICY,
  monitoring: DEFAULT_MONITORING_POLICY,
  notifications: DEFAULT_NOTIFICATION_POLICY,
  reports: DEFAULT_REPORT_POLICY,
  streets: {
    '330106001': '北山街道',
    '330106002': '西溪街道',
    '330106003': '灵隐街道',
    '330106004': '翠苑街道',
    '330106005': '文新街道',
  },
  duties: DEFAULT_DUTIES_POLICY,
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
  problems.push(...validateReliefEditions((p as { relief?: unknown }).relief));
  problems.push(...validateHearingPolicy((p as { hearing?: unknown }).hearing, 'hearing'));
  problems.push(...validatePenaltyPolicy((p as { penalty?: unknown }).penalty, 'penalty'));
  problems.push(...validateMonitoringPolicy((p as { monitoring?: unknown }).monitoring));
  problems.push(
    ...validateNotificationPolicy(
      (p as { notifications?: unknown }).notifications,
      'notifications',
    ),
  );
  problems.push(...validateReportPolicy((p as { reports?: unknown }).reports, 'reports'));
  problems.push(...validateStreets((p as { streets?: unknown }).streets));
  problems.push(...validateDutiesPolicy((p as { duties?: unknown }).duties, 'duties'));
  return problems;
}

function validateStreets(streets: unknown): string[] {
  if (typeof streets !== 'object' || streets === null || Array.isArray(streets)) {
    return ['streets: must be an object of street code -> name'];
  }
  return Object.entries(streets).flatMap(([code, name]) =>
    typeof name === 'string' && name.trim().length > 0
      ? []
      : [`streets.${code}: must be the street office's name`],
  );
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function validateReliefEditions(relief: unknown): string[] {
  const editions = (relief as { editions?: unknown } | undefined)?.editions;
  if (!Array.isArray(editions) || editions.length === 0) {
    return ['relief.editions: must be a non-empty array of relief policies with effectiveFrom'];
  }
  const problems: string[] = [];
  const threshold = (relief as { hardshipThreshold?: unknown }).hardshipThreshold;
  if (typeof threshold !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(threshold)) {
    problems.push('relief.hardshipThreshold: must be an amount string like "5000.00"');
  }
  const howToObject = (relief as { publicNotice?: { howToObject?: unknown } }).publicNotice
    ?.howToObject;
  if (typeof howToObject !== 'string' || howToObject.trim().length === 0) {
    problems.push('relief.publicNotice.howToObject: must be a non-empty text');
  }
  const versions = new Set<string>();
  editions.forEach((edition: unknown, i) => {
    const path = `relief.editions.${i}`;
    problems.push(...validateReliefPolicy(edition, path));
    const e = edition as Partial<ReliefEdition>;
    if (typeof e.effectiveFrom !== 'string' || !DATE.test(e.effectiveFrom)) {
      problems.push(`${path}.effectiveFrom: must be a date YYYY-MM-DD`);
    }
    if (typeof e.version === 'string') {
      if (versions.has(e.version)) {
        problems.push(`${path}.version: "${e.version}" is used by another edition`);
      }
      versions.add(e.version);
    }
  });
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
