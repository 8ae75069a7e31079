import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueService } from '../../queue/queue.service';
import { DeadlineFiring } from '../deadlines/deadline-firing';

/**
 * What the outbox row of a deadline's hand-over records: the moment it is due and the job of that
 * moment it joins (deadline-scheduler.ts `momentJobId`), and the deadline (its late id resolved
 * after the commit) and its case, for whoever reads the outbox.
 */
export type FireDeadlinePayload = {
  dueAt: string;
  momentJob: string;
  deadlineId: string;
  caseId: string;
};

/**
 * What a fire-deadline job carries to Redis: the due moment its deadlines share (one job per
 * moment, deadline-scheduler.ts `momentJobId`), or, in a job queued before that, the deadline.
 */
export type FireDeadlineJobData = { dueAt: string } | { deadlineId: string; caseId: string };

/** Runs `fire-deadline` jobs: the deadlines due by the job's moment fire, each at most once. */
@Injectable()
export class FireDeadlineJob implements OnModuleInit {
  constructor(
    private readonly queues: QueueService,
    private readonly firing: DeadlineFiring,
  ) {}

  onModuleInit(): void {
    this.queues.handle('fireDeadline', (job) =>
      'dueAt' in job.data
        ? this.firing.awaitMoment(new Date(job.data.dueAt))
        : this.firing.fireFromJob(job.data.deadlineId),
    );
  }
}
