import { Controller, Get, Header, Logger } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/decorators';
import { OutboxRelay } from '../engine/outbox/outbox-relay.service';
import { metricsRegistry } from '../metrics/metrics';
import { QueueService } from '../queue/queue.service';
import { SlaJournal } from '../sla/sla-journal.service';

/** @nestjs/terminus's result: per dependency `{ status: 'up' | 'down', … }`. */
export class HealthView {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) info?: object;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) error?: object;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: object;
}

@ApiTags('operations')
@Controller()
@Public()
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    private readonly queues: QueueService,
  ) {}

  /** Database, Redis and queue checks (503 when one is down). */
  @Get('health')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getHealth', summary: 'Database, Redis and queue checks; no token' })
  @ApiOkResponse({ type: HealthView, description: 'every dependency is up' })
  @ApiResponse({ status: 503, type: HealthView, description: 'a dependency is down' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async (): Promise<HealthIndicatorResult> => {
        const redis = this.indicator.check('redis');
        try {
          await this.queues.ping();
          return redis.up();
        } catch (e) {
          // Internals (hosts, ports, driver text) stay in the log, not in a public answer.
          this.logger.warn(`health: redis: ${(e as Error).message}`);
          return redis.down({ message: 'unreachable' });
        }
      },
      async (): Promise<HealthIndicatorResult> => {
        const queue = this.indicator.check('queues');
        try {
          return queue.up(await this.queues.depth());
        } catch (e) {
          this.logger.warn(`health: queues: ${(e as Error).message}`);
          return queue.down({ message: 'unavailable' });
        }
      },
    ]);
  }
}

@ApiTags('operations')
@Controller()
@Public()
export class MetricsController {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly queues: QueueService,
    private readonly journal: SlaJournal,
  ) {}

  /** Prometheus text: HTTP latency, transitions by type/event, outbox and SLA journal backlogs, queue depth. */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics (text exposition format); no token',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', example: 'outbox_backlog 0' } })
  async metrics(): Promise<string> {
    const backlog = await this.relay.backlog().catch(() => -1);
    const depth = await this.queues.depth().catch(() => ({}));
    const unfolded = await this.journal.backlog().catch(() => -1);
    const extra = [
      '# HELP outbox_backlog Outbox rows not yet handed to Redis',
      '# TYPE outbox_backlog gauge',
      `outbox_backlog ${backlog}`,
      '# HELP sla_journal_backlog SLA journal rows not yet folded into the records and rollups',
      '# TYPE sla_journal_backlog gauge',
      `sla_journal_backlog ${unfolded}`,
      '# HELP queue_jobs Jobs per queue and state',
      '# TYPE queue_jobs gauge',
      ...Object.entries(depth).map(([k, n]) => {
        const [queue, state] = k.split(':');
        return `queue_jobs{queue="${queue}",state="${state}"} ${n}`;
      }),
    ];
    return `${await metricsRegistry.metrics()}${extra.join('\n')}\n`;
  }
}
