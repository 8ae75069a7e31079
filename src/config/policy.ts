import { readFileSync } from 'node:fs';
import deepmerge from 'deepmerge';
import { parseDuration } from '../common/calendar/duration';

/**
 * The bureau's policy: numbers that differ by region and year. Built-in defaults reproduce
 * DOMAIN.md; `POLICY_FILE` (JSON) is deep-merged over them (arrays replace, objects merge).
 */
export interface Policy {
  /** Recorded on every case that used it. */
  version: string;
  /** `deadlines.<workflow type>.<state>` = a duration: `5wd`, `7d`, `12h`, `30m`, `10s`. */
  deadlines: Record<string, Record<string, string>>;
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
      legal_review: '10wd',
      notice: '5wd',
      hearing: '20wd',
      execution: '15d',
      referred: '30d',
    },
  },
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
  return problems;
}

/** Built-in defaults deep-merged with an optional override (a file path or an object). */
export function loadPolicy(override?: string | Partial<Policy>): Policy {
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
  const merged = deepmerge(DEFAULT_POLICY, extra as Partial<Policy>, {
    arrayMerge: (_target, source: unknown[]) => source,
  });
  const problems = validatePolicy(merged);
  if (problems.length > 0) {
    throw new Error(`POLICY_FILE: invalid policy:\n  - ${problems.join('\n  - ')}`);
  }
  return merged;
}
