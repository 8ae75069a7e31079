import { Injectable } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import type { EntityManager } from 'typeorm';
import type { Actor } from './actor';
import type { CaseEntity } from './entities/case.entity';

export interface HookContext {
  /** The case as loaded (locked) in this transaction, before the event. */
  caseRow: CaseEntity;
  /** The validated event: `type` plus its payload. */
  event: Record<string, unknown> & { type: string };
  actor: Actor;
  /** The transaction every write of the hook must use (ledgers: SELECT … FOR UPDATE). */
  manager: EntityManager;
  now: Date;
  /** Cases to open, linked to this one, once this event commits (carried out by the worker). */
  openLinkedCase: (request: LinkedCaseRequest) => void;
  /** An event for another case (e.g. PENALTY_CLOSED to its inspection), applied by the worker as `system`. */
  signalCase: (caseId: string, event: Record<string, unknown> & { type: string }) => void;
}

/**
 * A case another case asks for (a paid relief case opening a hearing). Opened by the worker as
 * actor `system`, at most once per (source case, event seq, type), and linked both ways.
 */
export interface LinkedCaseRequest {
  type: string;
  /** How the source names the new case in its links, and how the new case names the source. */
  rel: string;
  backRel: string;
  input: Record<string, unknown>;
  streetCode: string | null;
}

/**
 * A domain's part in one (workflow type, event): the payload's DTO class (checked with
 * class-validator, 400 naming each bad field) and a hook that computes what the event needs
 * inside the transaction. The hook's result is merged into the event payload, so the machine
 * stays pure and the event log records the computed values.
 */
export interface EventHandler {
  payload?: ClassConstructor<object>;
  hook?: (ctx: HookContext) => Promise<Record<string, unknown> | void>;
}

/**
 * Runs in the transaction of the event that closed a case of its type (whatever the event),
 * with `caseRow` as it is after the event: e.g. a closing penalty case signals its inspection.
 */
export type CloseHook = (ctx: HookContext) => Promise<void>;

@Injectable()
export class EventHandlerRegistry {
  private readonly handlers = new Map<string, EventHandler>();
  private readonly closeHooks = new Map<string, CloseHook>();

  registerOnClose(type: string, hook: CloseHook): void {
    if (this.closeHooks.has(type)) {
      throw new Error(`Close hook of ${type} registered twice`);
    }
    this.closeHooks.set(type, hook);
  }

  onClose(type: string): CloseHook | undefined {
    return this.closeHooks.get(type);
  }

  register(type: string, event: string, handler: EventHandler): void {
    const key = `${type}/${event}`;
    if (this.handlers.has(key)) {
      throw new Error(`Event handler ${key} registered twice`);
    }
    this.handlers.set(key, handler);
  }

  get(type: string, event: string): EventHandler | undefined {
    return this.handlers.get(`${type}/${event}`);
  }
}
