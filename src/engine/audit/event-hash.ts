import { canonicalHash } from '../../common/canonical-hash';

/** The `prev_hash` of a case's first event (审计链 starts from nothing). */
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit row's hash covers: its content and the previous row's hash (a hash chain). */
export interface HashedEvent {
  caseId: string;
  seq: number;
  type: string;
  actor: string;
  payload: unknown;
  fromState: string | null;
  toState: string;
  at: Date;
  prevHash: string;
}

/** The hash of one audit row: canonical JSON of its content, so key order never matters. */
export function eventHash(e: HashedEvent): string {
  return canonicalHash({
    caseId: e.caseId,
    seq: e.seq,
    type: e.type,
    actor: e.actor,
    payload: e.payload,
    from: e.fromState,
    to: e.toState,
    at: e.at.toISOString(),
    prev: e.prevHash,
  });
}
