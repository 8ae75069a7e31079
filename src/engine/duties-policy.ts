import Decimal from 'decimal.js';

/**
 * Separated duties (不相容职务分离) and the limits on what one person may decide alone: policy
 * `duties`. A rule names an event and the earlier events of the same case whose actor may not
 * send it (the proposer does not approve, the approver does not record the payment, a panel
 * expert does not decide). The engine refuses a violation with 403 naming the rule.
 */
export interface DutyRule {
  /** Shown in the 403 (`rule`), e.g. `proposer-not-approver`. */
  rule: string;
  /** The event refused. */
  event: string;
  /** Whoever sent any of these events on the same case may not send `event`. */
  notBy: string[];
}

export interface DutiesPolicy {
  /** workflow type -> its rules; a type left out has none (a file may add or replace a type's list). */
  separation: Record<string, DutyRule[]>;
  /**
   * A proposed or decided amount above this (or one that departs from the computed figure) needs a
   * stated reason of at least `reasonMinLength` characters (说明理由).
   */
  reasonRequiredAbove: string;
  reasonMinLength: number;
  /**
   * Account administration (等保 2.0 三员分立). `combined`: ADMIN also grants roles and lifts login
   * locks (a small office with one administrator). `separated`: only SECURITY_ADMIN grants roles
   * and unlocks, ADMIN keeps accounts and configuration, and no account holds two of ADMIN,
   * SECURITY_ADMIN and AUDITOR. Either way every change is in the auditor's account log.
   */
  accounts: 'combined' | 'separated';
}

export const DEFAULT_DUTIES_POLICY: DutiesPolicy = {
  separation: {
    'relief-application': [
      { rule: 'proposer-not-approver', event: 'APPROVE', notBy: ['PROPOSE'] },
      { rule: 'approver-not-payer', event: 'RECORD_PAYMENT', notBy: ['APPROVE'] },
    ],
    'hardship-hearing': [
      { rule: 'panel-expert-not-decider', event: 'DECIDE', notBy: ['OPINION'] },
      { rule: 'approver-not-payer', event: 'RECORD_PAYMENT', notBy: ['DECIDE', 'RESOLVE'] },
    ],
    'penalty-case': [
      // 查审分离: whoever investigated does not review the proposal or decide on it.
      {
        rule: 'investigator-not-reviewer',
        event: 'APPROVE_PROPOSAL',
        notBy: ['RECORD_INVESTIGATION'],
      },
      { rule: 'investigator-not-decider', event: 'DECIDE', notBy: ['RECORD_INVESTIGATION'] },
      { rule: 'approver-not-payer', event: 'RECORD_PAYMENT', notBy: ['DECIDE'] },
    ],
    // 门诊按人头付费: whoever reviewed the figures does not approve them; the approver does not pay.
    'capitation-settlement': [
      { rule: 'reviewer-not-approver', event: 'APPROVE', notBy: ['REVIEW'] },
      { rule: 'approver-not-payer', event: 'RECORD_PAYMENT', notBy: ['APPROVE'] },
    ],
    'capitation-reconciliation': [
      { rule: 'reviewer-not-approver', event: 'APPROVE', notBy: ['REVIEW'] },
      { rule: 'approver-not-payer', event: 'RECORD_PAYMENT', notBy: ['APPROVE'] },
    ],
  },
  reasonRequiredAbove: '50000.00',
  reasonMinLength: 10,
  accounts: 'combined',
};

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function validateDutiesPolicy(value: unknown, path: string): string[] {
  const p = value as Partial<DutiesPolicy> | null;
  const problems: string[] = [];
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    return [`${path}: must be an object`];
  }
  const separation = p.separation as unknown;
  if (typeof separation !== 'object' || separation === null || Array.isArray(separation)) {
    problems.push(`${path}.separation: must be an object of workflow type -> rules`);
  } else {
    for (const [type, rules] of Object.entries(separation as Record<string, unknown>)) {
      if (!Array.isArray(rules)) {
        problems.push(`${path}.separation.${type}: must be an array of { rule, event, notBy }`);
        continue;
      }
      rules.forEach((r: unknown, i) => {
        const at = `${path}.separation.${type}.${i}`;
        const rule = r as Partial<DutyRule> | null;
        if (typeof rule?.rule !== 'string' || !NAME.test(rule.rule)) {
          problems.push(`${at}.rule: must be a name like "proposer-not-approver"`);
        }
        if (typeof rule?.event !== 'string' || !NAME.test(rule.event)) {
          problems.push(`${at}.event: must be an event type like "APPROVE"`);
        }
        if (
          !Array.isArray(rule?.notBy) ||
          rule.notBy.length === 0 ||
          !rule.notBy.every((e) => typeof e === 'string' && NAME.test(e))
        ) {
          problems.push(`${at}.notBy: must be a non-empty array of event types`);
        }
      });
    }
  }
  if (typeof p.reasonRequiredAbove !== 'string' || !AMOUNT.test(p.reasonRequiredAbove)) {
    problems.push(`${path}.reasonRequiredAbove: must be an amount string like "10000.00"`);
  }
  if (
    typeof p.reasonMinLength !== 'number' ||
    !Number.isInteger(p.reasonMinLength) ||
    p.reasonMinLength < 1 ||
    p.reasonMinLength > 500
  ) {
    problems.push(`${path}.reasonMinLength: must be a whole number from 1 to 500`);
  }
  if (p.accounts !== 'combined' && p.accounts !== 'separated') {
    problems.push(`${path}.accounts: must be "combined" or "separated"`);
  }
  return problems;
}

/** The rules that bar some earlier actors of the case from sending `event`. */
export function rulesFor(policy: DutiesPolicy, type: string, event: string): DutyRule[] {
  return (policy.separation[type] ?? []).filter((r) => r.event === event);
}

/**
 * The events whose sender may not send `event` under some workflow type's rules: what to read
 * about the sender before the case's type is known (with its row lock, in one packet).
 */
export function barringEvents(policy: DutiesPolicy, event: string): readonly string[] {
  let byEvent = barringByPolicy.get(policy);
  if (!byEvent) {
    byEvent = new Map();
    barringByPolicy.set(policy, byEvent);
  }
  let barring = byEvent.get(event);
  if (!barring) {
    const notBy = Object.values(policy.separation)
      .flat()
      .filter((r) => r.event === event)
      .flatMap((r) => r.notBy);
    barring = [...new Set(notBy)];
    byEvent.set(event, barring);
  }
  return barring;
}

/** `barringEvents` per policy object (a reloaded policy is a new object) and event. */
const barringByPolicy = new WeakMap<DutiesPolicy, Map<string, readonly string[]>>();

/**
 * A stated reason (说明理由) is needed when an amount departs from the computed figure, or when it
 * is above `reasonRequiredAbove` (when `large` applies): at least `reasonMinLength` characters.
 */
export function reasonProblem(
  policy: DutiesPolicy,
  reason: string | undefined,
  why: { departs: boolean; amount?: string; computed?: string },
): string | null {
  const large = why.amount !== undefined && new Decimal(why.amount).gt(policy.reasonRequiredAbove);
  if (!why.departs && !large) {
    return null;
  }
  const length = [...(reason ?? '').trim()].length;
  if (length >= policy.reasonMinLength) {
    return null;
  }
  const because = why.departs
    ? `the amount departs from the computed one${why.computed ? ` (${why.computed})` : ''}`
    : `the amount is above ${policy.reasonRequiredAbove}`;
  return `must state why in at least ${policy.reasonMinLength} characters: ${because}`;
}
