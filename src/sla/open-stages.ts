import type { EntityManager } from 'typeorm';
import { whenCommitted } from '../database/write-behind';

/** The open stage of a case (its `sla_records` row with `open_key` set), as the hot path needs it. */
export interface OpenStage {
  caseType: string;
  state: string;
  assigneeId: string | null;
  enteredAt: Date;
  dueAt: Date | null;
  pausesSla: boolean;
  duty: boolean;
  breached: boolean;
  breachedAt: Date | null;
}

interface Known {
  /** The case's version at which `stage` is its open stage. */
  version: number;
  stage: OpenStage | null;
}

/** How many cases a process remembers; the oldest are forgotten first. */
const CAPACITY = 20_000;

/**
 * What this process knows of each case's open stage, so that a transition need not read it back
 * (a round trip and a SELECT on every state change). Only the SLA recorder writes stage records,
 * always inside a change of the case that bumps its version under the case's row lock; so what a
 * process remembers at version v is the truth for as long as the case is still at v. A change by
 * another process (or anything the recorder did not see) moves the version and the entry is not
 * used. Entries become known only when their transaction has committed; until then they live in
 * the transaction's own overlay (several changes of one case in one transaction).
 */
export class OpenStages {
  private readonly committed = new Map<string, Known>();
  private readonly pending = new WeakMap<EntityManager, Map<string, Known>>();

  /** The open stage of the case at `version`, if this process knows it (undefined: read it). */
  at(m: EntityManager, caseId: string, version: number): OpenStage | null | undefined {
    const known = this.pending.get(m)?.get(caseId) ?? this.committed.get(caseId);
    return known?.version === version ? known.stage : undefined;
  }

  /** The case's open stage after this transaction's change (at `version`). */
  set(m: EntityManager, caseId: string, version: number, stage: OpenStage | null): void {
    let overlay = this.pending.get(m);
    if (!overlay) {
      const fresh = new Map<string, Known>();
      // A transaction whose commit the caller owns: nothing is remembered beyond it.
      whenCommitted(m, () => this.remember(fresh));
      this.pending.set(m, fresh);
      overlay = fresh;
    }
    overlay.set(caseId, { version, stage: stage && { ...stage } });
  }

  /** This transaction changed the stage's record some other way: the next change reads it back. */
  forget(m: EntityManager, caseId: string): void {
    this.set(m, caseId, -1, null);
  }

  private remember(overlay: Map<string, Known>): void {
    for (const [caseId, known] of overlay) {
      this.committed.delete(caseId); // re-inserted last: the newest are kept longest
      this.committed.set(caseId, known);
    }
    while (this.committed.size > CAPACITY) {
      const oldest = this.committed.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.committed.delete(oldest);
    }
  }
}
