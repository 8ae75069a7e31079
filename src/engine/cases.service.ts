import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { type Actor, isReadOnly } from './actor';
import { CaseEngine, type CaseEvent } from './case-engine.service';
import { CaseQueryService } from './case-query.service';
import type { CaseView } from './dto/case.dto';

const EVENT_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Parses `If-Match: "3"` (also `3` and `W/"3"`); a malformed header is a 400, not ignored. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '') {
    return undefined;
  }
  const match = /^(?:W\/)?(?:"(\d{1,9})"|(\d{1,9}))$/.exec(header.trim());
  if (!match) {
    throw DomainError.validation([
      { field: 'If-Match', message: 'must be the case version, e.g. "3"' },
    ]);
  }
  return Number(match[1] ?? match[2]);
}

/** The generic case commands behind `/cases/:id/...`: events from HTTP, and claiming. */
@Injectable()
export class CasesService {
  constructor(
    private readonly engine: CaseEngine,
    private readonly query: CaseQueryService,
  ) {}

  async sendEvent(
    id: string,
    body: unknown,
    actor: Actor,
    ifMatch: string | undefined,
  ): Promise<CaseView> {
    const expected = parseIfMatch(ifMatch);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw DomainError.validation([
        { field: 'body', message: 'must be a JSON object { "type": "...", ...payload }' },
      ]);
    }
    const event = body as Record<string, unknown>;
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
      throw DomainError.validation([
        { field: 'type', message: 'must be an event name like APPROVE' },
      ]);
    }
    // Deadlines and signals are the service's own events: the engine refuses them (403) like any
    // other event the caller may not send, after the visibility check (404), so nothing leaks.
    if (isReadOnly(actor)) {
      await this.query.visibleCase(id, actor); // an unknown case is still a 404
      throw DomainError.forbidden('An AUDITOR reads every case and sends no events.');
    }
    // The answer is the case as this event left it: the row the transaction just wrote.
    const row = await this.engine.applyEvent(id, event as CaseEvent, actor, expected, (m, r) =>
      this.query.prefetchRelated(m, r),
    );
    return this.query.viewOf(row, actor);
  }

  /** Assigns the case to the caller, who must be able to act on it now. Logged as CLAIMED. */
  async claim(id: string, actor: Actor): Promise<CaseView> {
    const row = await this.query.visibleCase(id, actor);
    const [view] = await this.query.toViews([row], actor, false);
    if (view.allowedEvents.length === 0) {
      throw new DomainError(
        'BUSINESS_RULE',
        'You can claim only a case you can act on in its current state.',
        {
          allowedEvents: [],
        },
      );
    }
    await this.engine.recordEvent({
      caseId: id,
      type: 'CLAIMED',
      actor,
      payload: { assignee: actor.id },
      change: (r) => {
        r.assigneeId = actor.id;
      },
    });
    return this.query.getCase(id, actor);
  }

  /** Gives back a claimed case (认领后退回): only its assignee may; a manager reassigns instead. */
  async unclaim(id: string, actor: Actor): Promise<CaseView> {
    const row = await this.query.visibleCase(id, actor);
    if (row.assigneeId !== actor.id) {
      throw DomainError.forbidden('Only the user the case is assigned to can give it back.');
    }
    await this.engine.recordEvent({
      caseId: id,
      type: 'UNCLAIMED',
      actor,
      payload: { assignee: null },
      change: (r) => {
        r.assigneeId = null;
      },
    });
    return this.query.getCase(id, actor);
  }
}
