import type { ChainVerification } from '../dto/case.dto';
import type { CaseEventEntity } from '../entities/case-event.entity';
import type { CaseEntity } from '../entities/case.entity';
import { eventHash, GENESIS_HASH } from './event-hash';

/**
 * Recomputes one case's hash chain (docs/architecture.md, 'Audit'): seqs 1..n without a gap, each
 * row's `prev_hash` equal to the previous row's hash, each hash over the row's own content, as
 * many rows as the case's version, and the case pointing at its newest row. `events` are the
 * case's rows ordered by seq.
 */
export function verifyChain(
  row: Pick<CaseEntity, 'version' | 'lastEventHash'>,
  events: readonly CaseEventEntity[],
): ChainVerification {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) {
      return { valid: false, checked: i, brokenAt: i + 1, reason: `event ${i + 1} is missing` };
    }
    if (e.prevHash !== prev) {
      return {
        valid: false,
        checked: i,
        brokenAt: e.seq,
        reason: 'prev_hash does not match the previous event',
      };
    }
    if (eventHash({ ...e, prevHash: e.prevHash }) !== e.hash) {
      return {
        valid: false,
        checked: i,
        brokenAt: e.seq,
        reason: 'the event content does not match its hash',
      };
    }
    prev = e.hash;
  }
  if (events.length !== row.version) {
    return {
      valid: false,
      checked: events.length,
      brokenAt: events.length + 1,
      reason: `the case is at version ${row.version} but has ${events.length} events`,
    };
  }
  if (events.length > 0 && row.lastEventHash !== prev) {
    return {
      valid: false,
      checked: events.length,
      brokenAt: events.length,
      reason: 'the case does not point at its newest event',
    };
  }
  return { valid: true, checked: events.length };
}
