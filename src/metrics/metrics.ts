import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's Prometheus metrics. One registry per process; gauges that need the database
 * or Redis (outbox backlog, queue depth) are collected on scrape by MetricsService.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const caseTransitions = new Counter({
  name: 'case_transitions_total',
  help: 'Events applied to cases, by workflow type and event',
  labelNames: ['type', 'event'] as const,
  registers: [metricsRegistry],
});

export const eventGroups = new Histogram({
  name: 'case_event_group_size',
  help: 'Events committed together in one transaction (group commit), by outcome: committed, or split (one failed: each ran alone)',
  labelNames: ['outcome'] as const,
  buckets: [2, 4, 8, 16, 32, 64],
  registers: [metricsRegistry],
});

export const deadlinesFired = new Counter({
  name: 'deadlines_fired_total',
  help: 'Deadlines handled, by outcome (fired, overdue, stale)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const deadlineBatchesYielded = new Counter({
  name: 'deadline_batches_yielded_total',
  help: 'Deadline batches prepared ahead that rolled back because another transaction waited for their locks',
  registers: [metricsRegistry],
});
