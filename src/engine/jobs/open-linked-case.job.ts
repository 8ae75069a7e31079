import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isDuplicateEntry, withRetry } from '../../database/with-retry';
import { QueueService } from '../../queue/queue.service';
import { SYSTEM } from '../actor';
import type { LinkedCaseRequest } from '../event-handlers';
import { type Effects, noEffects, OutboxWriter } from '../outbox/outbox-writer';
import { CaseRepository } from '../persistence/case-repository';
import { retryable } from '../transition/retryable';
import { TransitionPipeline } from '../transition/transition-pipeline';
import { CrossCasePayloads } from './cross-case-payloads';

/** A case another case asked for, with the event that asked (its origin, one case per origin). */
export type OpenLinkedCasePayload = LinkedCaseRequest & { sourceCaseId: string; sourceSeq: number };

/** `<source id>#<event seq>#<type>`: unique in `cases`, so a job run twice opens one case. */
export function linkedOriginKey(p: OpenLinkedCasePayload): string {
  return `${p.sourceCaseId}#${p.sourceSeq}#${p.type}`;
}

/**
 * Runs `open-linked-case` jobs (a paid relief case's hearing, an inspection's penalty case):
 * opens the case at most once, links it both ways and logs LINKED on the source. A workflow that
 * allows one open case per key (a person's hearing of the year) joins the open one instead.
 */
@Injectable()
export class OpenLinkedCaseJob implements OnModuleInit {
  constructor(
    private readonly queues: QueueService,
    private readonly payloads: CrossCasePayloads,
    private readonly cases: CaseRepository,
    private readonly pipeline: TransitionPipeline,
    private readonly outbox: OutboxWriter,
  ) {}

  onModuleInit(): void {
    // Cross-case jobs carry their outbox row's id only: the payload is read from the database.
    this.queues.handle('openLinkedCase', (job) => this.payloads.process(job, (p) => this.run(p)));
  }

  /** Opens (or joins) the linked case; returns its id. Safe to run twice. */
  async run(request: OpenLinkedCasePayload): Promise<string> {
    const [id, effects] = await withRetry(
      () => this.cases.transaction((m) => this.runIn(m, request)),
      // A duplicate origin key: a racing job opened the case; the next attempt finds it.
      { retryIf: (e) => retryable()(e) || isDuplicateEntry(e) },
    );
    this.outbox.afterCommit(effects);
    return id;
  }

  private async runIn(
    m: EntityManager,
    request: OpenLinkedCasePayload,
  ): Promise<[string, Effects]> {
    const originKey = linkedOriginKey(request);
    const existing = await this.cases.caseWithOriginKey(m, originKey);
    if (existing) {
      return [existing, noEffects()];
    }
    const source = await this.cases.lock(m, request.sourceCaseId);
    const effects = noEffects();
    const key = this.pipeline
      .definitionToOpen(request.type, new Date())
      .exclusiveKey?.(request.input);
    const joined = key === undefined ? null : await this.cases.activeCaseWithKey(m, key);
    if (joined) {
      await this.cases.link(
        m,
        [
          { caseId: source.id, rel: request.rel, linkedCaseId: joined },
          { caseId: joined, rel: request.backRel, linkedCaseId: source.id },
        ],
        true,
      );
      await this.pipeline.record(
        m,
        source,
        {
          type: 'LINKED',
          actor: SYSTEM,
          payload: { rel: request.rel, caseId: joined, joinedOpenCase: true },
          now: new Date(),
        },
        effects,
      );
      return [joined, effects];
    }
    const opened = await this.pipeline.open(
      m,
      {
        type: request.type,
        input: request.input,
        actor: SYSTEM,
        streetCode: request.streetCode,
        originKey,
      },
      effects,
    );
    await this.cases.link(m, [
      { caseId: source.id, rel: request.rel, linkedCaseId: opened.id },
      { caseId: opened.id, rel: request.backRel, linkedCaseId: source.id },
    ]);
    await this.pipeline.record(
      m,
      source,
      {
        type: 'LINKED',
        actor: SYSTEM,
        payload: { rel: request.rel, caseId: opened.id },
        now: new Date(),
      },
      effects,
    );
    return [opened.id, effects];
  }
}
