import { parseDuration } from '../common/calendar/duration';
import { ROLES, type Role } from '../../workflows/workflow-definition';

export const NOTIFICATION_CHANNELS = ['inapp', 'webhook', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The events the service notifies about; other modules may add their own (policy `events`). */
export const NOTIFICATION_EVENTS = [
  'deadline.reminder',
  'deadline.breached',
  'deadline.escalated',
  'case.assigned',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];

/**
 * Who receives an event: `actors` (whoever must act on the case now: its assignee, else the
 * holders of the roles permitted in its state, the members for a team or panel, the street's
 * offices for a street-scoped state), `assignee` (the case's assignee), `role:<ROLE>` (every
 * active user with the role, e.g. `role:MANAGER`), `explicit` (the user ids the caller names).
 */
export type RecipientSpec = 'actors' | 'assignee' | 'explicit' | `role:${Role}`;

export interface NotificationRoute {
  channels: NotificationChannel[];
  recipients: RecipientSpec[];
  /** Addresses for the `email` channel (users carry no e-mail address: a team mailbox). */
  emailTo?: string[];
}

export interface NotificationPolicy {
  reminder: {
    /** Share of a deadline's time after which whoever must act is reminded (DOMAIN §7: 0.75). */
    at: number;
    /**
     * Deadlines that fire an event (rather than mark the case overdue) but still wait on someone,
     * as `<type>.<state>`: they are reminded too. Overdue deadlines are always reminded.
     */
    alsoFor: string[];
  };
  escalation: {
    /** A case still overdue this long after the breach escalates (a duration: `2wd`, `1d`, `10s`). */
    after: string;
    /** How many times it escalates (each `after` apart). */
    max: number;
  };
  /**
   * `<type>.<state>` -> the roles that must act there, when not every permitted role should be
   * reminded (a submitted relief case waits on the caseworker, not on the street's withdrawal).
   */
  actorRoles: Record<string, Role[]>;
  /** Channels and recipients per event type. */
  events: Record<string, NotificationRoute>;
}

export const DEFAULT_NOTIFICATION_POLICY: NotificationPolicy = {
  reminder: {
    at: 0.75,
    alsoFor: ['relief-application.awaiting_supplement', 'hardship-hearing.panel_review'],
  },
  escalation: { after: '2wd', max: 1 },
  actorRoles: { 'relief-application.submitted': ['CASEWORKER'] },
  events: {
    'deadline.reminder': { channels: ['inapp'], recipients: ['actors'] },
    'deadline.breached': {
      channels: ['inapp', 'webhook', 'email'],
      recipients: ['role:MANAGER'],
      emailTo: [],
    },
    'deadline.escalated': {
      channels: ['inapp', 'webhook', 'email'],
      recipients: ['role:MANAGER'],
      emailTo: [],
    },
    'case.assigned': { channels: ['inapp'], recipients: ['explicit'] },
    // 听证通知 (Law art. 64): the presiding officer and the caseworkers who deal with the party
    // in-app; the webhook and e-mail carry it to the bureau's channel to the party (送达).
    'hearing.notice': {
      channels: ['inapp', 'webhook', 'email'],
      recipients: ['explicit', 'role:CASEWORKER'],
      emailTo: [],
    },
  },
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isRecipientSpec(value: unknown): value is RecipientSpec {
  return (
    value === 'actors' ||
    value === 'assignee' ||
    value === 'explicit' ||
    (typeof value === 'string' &&
      value.startsWith('role:') &&
      (ROLES as readonly string[]).includes(value.slice(5)))
  );
}

/** Problems as `path: message`; empty when usable. */
export function validateNotificationPolicy(value: unknown, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${path}: must be an object`];
  }
  const p = value as Partial<NotificationPolicy>;
  const problems: string[] = [];
  const at = p.reminder?.at;
  if (typeof at !== 'number' || !(at > 0 && at < 1)) {
    problems.push(`${path}.reminder.at: must be a number between 0 and 1 (0.75 = at 75%)`);
  }
  if (
    !Array.isArray(p.reminder?.alsoFor) ||
    !p.reminder.alsoFor.every((s) => typeof s === 'string' && /^[\w-]+\.[\w.-]+$/.test(s))
  ) {
    problems.push(`${path}.reminder.alsoFor: must be an array of "<type>.<state>"`);
  }
  try {
    if (typeof p.escalation?.after !== 'string') {
      throw new Error('missing');
    }
    parseDuration(p.escalation.after);
  } catch {
    problems.push(`${path}.escalation.after: must be a duration like 2wd, 1d, 12h, 10s`);
  }
  const max = p.escalation?.max;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 10) {
    problems.push(`${path}.escalation.max: must be an integer from 0 to 10`);
  }
  if (typeof p.actorRoles !== 'object' || p.actorRoles === null || Array.isArray(p.actorRoles)) {
    problems.push(`${path}.actorRoles: must be an object of "<type>.<state>" -> roles`);
  } else {
    for (const [key, roles] of Object.entries(p.actorRoles)) {
      if (
        !Array.isArray(roles) ||
        roles.length === 0 ||
        !roles.every((r) => (ROLES as readonly string[]).includes(r))
      ) {
        problems.push(`${path}.actorRoles.${key}: must be a non-empty array of roles`);
      }
    }
  }
  if (typeof p.events !== 'object' || p.events === null || Array.isArray(p.events)) {
    problems.push(`${path}.events: must be an object of event type -> { channels, recipients }`);
    return problems;
  }
  for (const [type, route] of Object.entries(p.events)) {
    const at = `${path}.events.${type}`;
    const r = route as Partial<NotificationRoute> | null;
    if (
      !Array.isArray(r?.channels) ||
      !r.channels.every((c) => (NOTIFICATION_CHANNELS as readonly string[]).includes(c))
    ) {
      problems.push(`${at}.channels: must be an array of ${NOTIFICATION_CHANNELS.join(', ')}`);
    }
    if (!Array.isArray(r?.recipients) || !r.recipients.every(isRecipientSpec)) {
      problems.push(
        `${at}.recipients: must be an array of actors, assignee, explicit or role:<ROLE>`,
      );
    }
    if (
      r?.emailTo !== undefined &&
      (!Array.isArray(r.emailTo) || !r.emailTo.every((e) => typeof e === 'string' && EMAIL.test(e)))
    ) {
      problems.push(`${at}.emailTo: must be an array of e-mail addresses`);
    }
  }
  return problems;
}
