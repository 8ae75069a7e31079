import type { FireDeadlineJobData, FireDeadlinePayload } from '../engine/jobs/fire-deadline.job';
import type { OpenLinkedCasePayload } from '../engine/jobs/open-linked-case.job';
import type { SignalCasePayload } from '../engine/jobs/signal-case.job';

/**
 * Every queue and job name, declared once. Each job name has exactly one handler; the worker
 * refuses to start when one is missing. Job payloads carry ids only: the database holds the truth.
 */
export const JOBS = {
  fireDeadline: { queue: 'deadlines', name: 'fire-deadline' },
  openLinkedCase: { queue: 'case-signals', name: 'open-linked-case' },
  signalCase: { queue: 'case-signals', name: 'signal-case' },
  /** The monthly early-warning run (a BullMQ job scheduler; the day is policy). */
  monitoringRun: { queue: 'monitoring', name: 'monthly-run' },
  /** The monthly opening of the capitation settlements (a BullMQ job scheduler; the day is policy). */
  capitationOpening: { queue: 'capitation', name: 'monthly-opening' },
  /** SLA breach alerts and escalations: one job per sla_alerts row (reminders have none). */
  slaAlert: { queue: 'sla', name: 'sla-alert' },
  /** One webhook or e-mail delivery (notification_deliveries row), retried with backoff. */
  deliverNotification: { queue: 'notifications', name: 'deliver-notification' },
} as const;

export type JobKey = keyof typeof JOBS;
export type QueueName = (typeof JOBS)[JobKey]['queue'];

/** A cross-case job names its outbox row; the payload (personal data) stays in the database. */
export type OutboxReference = { outbox: string };

/**
 * An SLA alert by its row id, or by its natural key (a reminder written with the transition that
 * started its deadline carries the key: its insert then needs no round trip for the id).
 */
export type SlaAlertPayload =
  | { alertId: string }
  | { deadlineId: string; kind: 'reminder' | 'breach' | 'escalation'; level: number };
export type DeliverNotificationPayload = { deliveryId: string };

/** What each job's outbox row stores, by job. */
export interface OutboxPayloads {
  fireDeadline: FireDeadlinePayload;
  openLinkedCase: OpenLinkedCasePayload;
  signalCase: SignalCasePayload;
  monitoringRun: Record<string, never>;
  capitationOpening: Record<string, never>;
  slaAlert: SlaAlertPayload;
  deliverNotification: DeliverNotificationPayload;
}

/**
 * What each job carries to Redis (its processor's `job.data`): the outbox payload, except the
 * cross-case jobs, which carry a reference to their row, and a deadline's, which carries its due
 * moment only (outbox-relay.service.ts `jobData`); a job queued before that carried its payload
 * itself.
 */
export interface JobPayloads extends Omit<
  OutboxPayloads,
  'fireDeadline' | 'openLinkedCase' | 'signalCase'
> {
  fireDeadline: FireDeadlineJobData;
  openLinkedCase: OutboxReference | OpenLinkedCasePayload;
  signalCase: OutboxReference | SignalCasePayload;
}

/** A job to write to the outbox in a transaction (sent after the commit), typed by its name. */
export type OutboxJob = {
  [K in JobKey]: {
    queue: (typeof JOBS)[K]['queue'];
    jobName: (typeof JOBS)[K]['name'];
    /** Deterministic (names the case, the row and the kind): a resend never makes a second job. */
    jobId: string;
    payload: OutboxPayloads[K];
    runAt: Date;
  };
}[JobKey];

/** BullMQ 6 refuses `:` in custom job ids: build them from parts joined with `-`. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/[:\s]/g, '_')).join('-');
}
