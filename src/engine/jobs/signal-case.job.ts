import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { isDuplicateEntry } from '../../database/with-retry';
import { QueueService } from '../../queue/queue.service';
import { SYSTEM } from '../actor';
import type { CaseEvent } from '../case-event';
import { OutboxWriter } from '../outbox/outbox-writer';
import { CaseRepository } from '../persistence/case-repository';
import { TransitionPipeline } from '../transition/transition-pipeline';
import { CrossCasePayloads } from './cross-case-payloads';

/** An event one case sends another (PENALTY_CLOSED back to its inspection), once per source event. */
export type SignalCasePayload = {
  sourceCaseId: string;
  sourceSeq: number;
  targetCaseId: string;
  event: CaseEvent;
};

export type SignalOutcome = 'applied' | 'duplicate' | 'refused';

/**
 * Runs `signal-case` jobs: applies the event to the target as actor `system`, at most once per
 * (source case, source seq, target): the applied marker is inserted in the same transaction as
 * the event. A target that refuses the event (it moved on) is logged, not retried.
 */
@Injectable()
export class SignalCaseJob implements OnModuleInit {
  private readonly logger = new Logger(SignalCaseJob.name);

  constructor(
    private readonly queues: QueueService,
    private readonly payloads: CrossCasePayloads,
    private readonly cases: CaseRepository,
    private readonly pipeline: TransitionPipeline,
    private readonly outbox: OutboxWriter,
  ) {}

  onModuleInit(): void {
    // Cross-case jobs carry their outbox row's id only: the payload is read from the database.
    this.queues.handle('signalCase', (job) => this.payloads.process(job, (p) => this.run(p)));
  }

  async run(signal: SignalCasePayload): Promise<SignalOutcome> {
    try {
      const effects = await this.cases.transaction(async (m) => {
        await this.cases.markSignalApplied(m, {
          sourceCaseId: signal.sourceCaseId,
          sourceSeq: signal.sourceSeq,
          targetCaseId: signal.targetCaseId,
        });
        const [, applied] = await this.pipeline.apply(
          m,
          signal.targetCaseId,
          { ...signal.event, source: { caseId: signal.sourceCaseId, seq: signal.sourceSeq } },
          SYSTEM,
        );
        return applied;
      });
      this.outbox.afterCommit(effects);
      return 'applied';
    } catch (e) {
      if (isDuplicateEntry(e)) {
        return 'duplicate';
      }
      if (
        e instanceof DomainError &&
        (e.code === 'EVENT_NOT_ACCEPTED' || e.code === 'BUSINESS_RULE' || e.code === 'FORBIDDEN')
      ) {
        this.logger.warn(
          `signal ${signal.event.type} from ${signal.sourceCaseId} refused by ${signal.targetCaseId}: ${e.message}`,
        );
        return 'refused';
      }
      throw e;
    }
  }
}
