import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueService } from '../../queue/queue.service';
import { DeadlineFiring } from '../deadlines/deadline-firing';

/** The delayed job of a deadline row: names the row; the database decides whether it fires. */
export type FireDeadlinePayload = { deadlineId: string; caseId: string };

/** Runs `fire-deadline` jobs: fires the deadline at most once (deadline-firing.ts). */
@Injectable()
export class FireDeadlineJob implements OnModuleInit {
  constructor(
    private readonly queues: QueueService,
    private readonly firing: DeadlineFiring,
  ) {}

  onModuleInit(): void {
    this.queues.handle('fireDeadline', (job) => this.firing.fireFromJob(job.data.deadlineId));
  }
}
