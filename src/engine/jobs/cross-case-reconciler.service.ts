import { Injectable, Logger } from '@nestjs/common';
import { jsonColumn } from '../../database/json-column';
import { JOBS } from '../../queue/jobs';
import { CaseRepository } from '../persistence/case-repository';
import { OutboxRepository } from '../persistence/outbox-repository';
import {
  linkedOriginKey,
  type OpenLinkedCasePayload,
  OpenLinkedCaseJob,
} from './open-linked-case.job';
import { type SignalCasePayload, SignalCaseJob } from './signal-case.job';

/**
 * Nothing cross-case is lost (like deadlines, reconciled from the database): a linked case to
 * open (a paid relief case's hearing, an inspection's penalty case) or a signal to another case
 * (PENALTY_CLOSED back to its inspection) is written to the outbox in the transaction of the
 * event that asks for it. Its job has a few attempts over seconds; after a longer Redis or worker
 * outage, or a job removed from Redis, nothing would send it again. A row handed over more than
 * the grace ago and not settled by its job is carried out here, directly, once its effect is
 * checked against the case rows, `case_links` and `case_signals` (the truth): opening is keyed by
 * the origin (one case per source event), a signal by (source, seq, target), so a late job and
 * the reconciler never do it twice.
 */
@Injectable()
export class CrossCaseReconciler {
  private readonly logger = new Logger(CrossCaseReconciler.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly cases: CaseRepository,
    private readonly openLinkedCase: OpenLinkedCaseJob,
    private readonly signalCase: SignalCaseJob,
  ) {}

  async reconcile(graceMs: number, limit = 100): Promise<number> {
    const rows = await this.outbox.unsettled(
      JOBS.openLinkedCase.queue,
      new Date(Date.now() - graceMs),
      limit,
    );
    let done = 0;
    for (const row of rows) {
      try {
        if (row.job_name === JOBS.openLinkedCase.name) {
          const job = jsonColumn<OpenLinkedCasePayload>(
            row.payload as string | OpenLinkedCasePayload,
          );
          if (
            !(await this.cases.linkedCaseExists(linkedOriginKey(job), job.sourceCaseId, job.rel))
          ) {
            await this.openLinkedCase.run(job);
            this.logger.warn(
              `opened the lost linked ${job.type} case of ${job.sourceCaseId}#${job.sourceSeq}`,
            );
          }
        } else if (row.job_name === JOBS.signalCase.name) {
          const job = jsonColumn<SignalCasePayload>(row.payload as string | SignalCasePayload);
          // Keyed by (source, seq, target): applied once; a refusal by the target is final too.
          const outcome = await this.signalCase.run(job);
          if (outcome === 'applied') {
            this.logger.warn(`applied the lost ${job.event.type} signal to ${job.targetCaseId}`);
          }
        }
        await this.outbox.settle({ id: row.id });
        done++;
      } catch (e) {
        this.logger.warn(`reconciling outbox row ${row.id}: ${(e as Error).message}`);
      }
    }
    return done;
  }
}
