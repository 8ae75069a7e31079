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
  /** SLA reminders (75%), breach alerts and escalations: one job per sla_alerts row. */
  slaAlert: { queue: 'sla', name: 'sla-alert' },
  /** One webhook or e-mail delivery (notification_deliveries row), retried with backoff. */
  deliverNotification: { queue: 'notifications', name: 'deliver-notification' },
} as const;

export type JobKey = keyof typeof JOBS;
export type QueueName = (typeof JOBS)[JobKey]['queue'];

export interface FireDeadlineJob {
  deadlineId: string;
  caseId: string;
}

/** BullMQ 6 refuses `:` in custom job ids: build them from parts joined with `-`. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/[:\s]/g, '_')).join('-');
}
