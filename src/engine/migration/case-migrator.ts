import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StateValue } from 'xstate';
import {
  SYSTEM_ACTOR,
  type VersionMigration,
  type WorkflowDefinition,
} from '../../../workflows/workflow-definition';
import { PolicyService } from '../../config/policy.service';
import { withRetry } from '../../database/with-retry';
import type { Actor } from '../actor';
import { isConfidential } from '../case-access';
import { DeadlineScheduler } from '../deadlines/deadline-scheduler';
import { EngineObservers } from '../engine-observers';
import type { CaseEntity } from '../entities/case.entity';
import { activePaths, stateToString } from '../machine-introspection';
import { type Effects, noEffects, OutboxWriter } from '../outbox/outbox-writer';
import { CaseRepository } from '../persistence/case-repository';
import { type CaseTx, observationOf } from '../transition/case-tx';
import { syncMembers } from '../transition/case-rules';
import { rehydrate, stateValue } from '../transition/machine-state';
import { retryable } from '../transition/retryable';
import type { BlockedCase, MigratedCase } from './workflow-migration.entity';

/** The two versions of one workflow a migration runs between, and the newer one's declaration. */
export interface MigrationTarget {
  from: WorkflowDefinition;
  to: WorkflowDefinition;
  migration: VersionMigration;
}

/** A case as the listing saw it: the move is refused if it changed since. */
export interface ListedCase {
  caseId: string;
  version: number;
  fromState: string;
  toState: string;
}

/** What moving one case came to. */
export type MoveOutcome = { moved: MigratedCase } | { blocked: BlockedCase };

/**
 * Where a case of the old version would go: the mapped state, or why it stays (pure, for the
 * dry run and again under the row lock of the real one).
 */
export function destinationOf(
  target: MigrationTarget,
  c: Pick<CaseEntity, 'status' | 'state'>,
): { to: string } | { blocked: string } {
  if (c.status !== 'active') {
    return { blocked: 'closed: a closed case stays on the version it finished on' };
  }
  const mapped = target.migration.states[c.state];
  if (mapped === undefined) {
    return {
      blocked: `version ${target.to.version} declares no mapping for state "${c.state}"`,
    };
  }
  return mapped;
}

/** `hearing.scheduled` -> `{ hearing: 'scheduled' }` (stateToString's inverse for one path). */
function stateValueOf(path: string): StateValue {
  const [head, ...rest] = path.split('.');
  return rest.length === 0 ? head : { [head]: stateValueOf(rest.join('.')) };
}

/**
 * Moves one running case to a newer version of its workflow in its own transaction
 * (docs/walkthroughs/workflow-versions.md): the row locked, its version checked against the
 * listing, a snapshot built for the new machine (never the old one's: its history and state
 * nodes belong to the old machine), the case row with its machine version, a `MIGRATED` event
 * in the hash chain as `system` naming the administrator, and the state deadlines recomputed
 * from the new machine — a state the case stays in keeps its running deadline (the same due
 * time), one it leaves has it cancelled. Anything refused leaves the case as it was.
 */
@Injectable()
export class CaseMigrator {
  constructor(
    private readonly cases: CaseRepository,
    private readonly policy: PolicyService,
    private readonly deadlines: DeadlineScheduler,
    private readonly observers: EngineObservers,
    private readonly outbox: OutboxWriter,
  ) {}

  async move(
    target: MigrationTarget,
    listed: ListedCase,
    requestedBy: Actor,
    runId: string,
  ): Promise<MoveOutcome> {
    // A lock conflict is retried as a whole; a case that moved meanwhile is reported, not retried.
    const [outcome, effects] = await withRetry(
      () => this.cases.transaction((m) => this.moveIn(m, target, listed, requestedBy, runId)),
      { retryIf: retryable(listed.version) },
    );
    this.outbox.afterCommit(effects);
    return outcome;
  }

  private async moveIn(
    m: EntityManager,
    target: MigrationTarget,
    listed: ListedCase,
    requestedBy: Actor,
    runId: string,
  ): Promise<[MoveOutcome, Effects]> {
    const { from, to } = target;
    const row = await this.cases.lock(m, listed.caseId);
    const blocked = (reason: string): [MoveOutcome, Effects] => [
      { blocked: { caseId: row.id, state: row.state, reason } },
      noEffects(),
    ];
    if (row.type !== from.type || row.machineVersion !== from.version) {
      return blocked(`changed meanwhile: the case is now on version ${row.machineVersion}`);
    }
    if (row.version !== listed.version) {
      return blocked(
        `changed meanwhile (version ${listed.version} -> ${row.version}): run the migration again`,
      );
    }
    const destination = destinationOf(target, row);
    if ('blocked' in destination) {
      return blocked(destination.blocked);
    }
    const now = new Date();
    const before = rehydrate(from.machine, row.snapshot);
    const data = target.migration.data?.(row.data, this.policy.current()) ?? row.data;
    // A fresh snapshot of the new machine in the mapped state: rehydrating the old one into the
    // new machine would carry state nodes and history the new machine does not have.
    const resolved = to.machine.resolveState({
      value: stateValueOf(destination.to),
      context: data,
    });
    const persisted = to.machine.getPersistedSnapshot(resolved) as Record<string, unknown>;
    const after = rehydrate(to.machine, persisted);
    if (stateToString(stateValue(after)) !== destination.to) {
      return blocked(`version ${to.version} has no state "${destination.to}"`);
    }
    const previousVersion = row.version;
    const previousData = row.data;
    const fromState = row.state;
    row.machineVersion = to.version;
    row.snapshot = persisted;
    row.data = after.context as Record<string, unknown>;
    row.state = destination.to;
    row.version = previousVersion + 1;
    row.updatedAt = now;
    row.restricted = isConfidential(to, row.data);
    row.lastEventHash = await this.cases.appendEvent(m, row.lastEventHash, {
      caseId: row.id,
      seq: row.version,
      type: 'MIGRATED',
      // The service moves the case; the administrator who asked is named in the payload.
      actor: SYSTEM_ACTOR,
      payload: {
        fromVersion: from.version,
        toVersion: to.version,
        fromState,
        toState: row.state,
        requestedBy: requestedBy.id,
        migrationId: runId,
      },
      fromState,
      toState: row.state,
      at: now,
    });
    await this.cases.saveMigrated(m, row, previousVersion);
    await syncMembers(this.cases, m, to, row, previousData);
    const tx: CaseTx = { m, row, definition: to, now, effects: noEffects() };
    await this.recomputeDeadlines(tx, target, {
      was: activePaths(stateValue(before)),
      is: activePaths(stateValue(after)),
    });
    await this.observers.caseChanged({
      ...observationOf(tx, this.outbox),
      eventType: 'MIGRATED',
      actorId: SYSTEM_ACTOR,
      fromState,
      assigneeBefore: row.assigneeId,
    });
    return [{ moved: { caseId: row.id, fromState, toState: row.state } }, tx.effects];
  }

  /**
   * A state the case is in on both versions, with the same deadline declared, keeps its
   * running deadline row and job (the time already spent counts); the others are cancelled, and
   * the new version's deadlines start now.
   */
  private async recomputeDeadlines(
    tx: CaseTx,
    { from, to }: MigrationTarget,
    paths: { was: string[]; is: string[] },
  ): Promise<void> {
    const sameDeadline = (p: string): boolean =>
      from.deadlines[p] !== undefined &&
      JSON.stringify(from.deadlines[p]) === JSON.stringify(to.deadlines[p]);
    const kept = paths.was.filter((p) => paths.is.includes(p) && sameDeadline(p));
    const left = paths.was.filter((p) => !kept.includes(p) && from.deadlines[p] !== undefined);
    await this.deadlines.leaveStates(tx, left, false);
    await this.deadlines.enterStates(tx, { was: kept, is: paths.is }, { seq: tx.row.version });
  }
}
