import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { WORKFLOW_EVENT_PAYLOADS } from '../events/workflow-events';
import type { Actor } from './actor';
import type { WorkflowHooks } from './define-hooks';
import type { CaseEntity } from './entities/case.entity';
import { machineEventTypes, type PayloadClass, type WorkflowEventPayloads } from './event-payloads';
import { WorkflowRegistry } from './workflow-registry';

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
 * A domain's part in one (workflow type, event): a hook that computes what the event needs
 * inside the transaction. The hook's result is merged into the event payload, so the machine
 * stays pure and the event log records the computed values. The payload's DTO class is not
 * here but in the workflow's static payload table (`WORKFLOW_EVENT_PAYLOADS`), which the
 * schemas of `GET /workflows/:type` and of the OpenAPI document are derived from too.
 * Domain modules write typed hooks with `defineHooks` (define-hooks.ts), which ends up here.
 */
export interface EventHandler {
  hook: (ctx: HookContext) => Promise<Record<string, unknown> | void>;
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
  private readonly payloads = new Map<string, Readonly<Record<string, PayloadClass>>>();

  constructor(private readonly workflows: WorkflowRegistry) {
    for (const table of WORKFLOW_EVENT_PAYLOADS) {
      this.registerPayloads(table);
    }
  }

  /** A workflow's payload table; the service's own come from `WORKFLOW_EVENT_PAYLOADS` (tests add theirs). */
  registerPayloads(table: WorkflowEventPayloads): void {
    if (this.payloads.has(table.type)) {
      throw new Error(`Event payloads of ${table.type} registered twice`);
    }
    this.payloads.set(table.type, table.payloads);
  }

  /** The DTO class an event's payload is checked with; undefined: the event carries nothing. */
  payloadOf(type: string, event: string): PayloadClass | undefined {
    return this.payloads.get(type)?.[event];
  }

  /** Event type -> payload class of one workflow (empty when none of its events carries one). */
  payloadsOf(type: string): Readonly<Record<string, PayloadClass>> {
    return this.payloads.get(type) ?? {};
  }

  registerOnClose(type: string, hook: CloseHook): void {
    if (this.closeHooks.has(type)) {
      throw new Error(`Close hook of ${type} registered twice`);
    }
    this.closeHooks.set(type, hook);
  }

  onClose(type: string): CloseHook | undefined {
    return this.closeHooks.get(type);
  }

  /** A workflow's typed hooks (`defineHooks`): each goes through `register`, the close hook too. */
  registerHooks(hooks: WorkflowHooks): void {
    for (const { event, handler } of hooks.handlers) {
      this.register(hooks.type, event, handler);
    }
    if (hooks.onClose) {
      this.registerOnClose(hooks.type, hooks.onClose);
    }
  }

  /** The untyped path every hook takes (tests and `registerHooks` use it directly). */
  register(type: string, event: string, handler: EventHandler): void {
    const key = `${type}/${event}`;
    // A hook on an event no version's machine knows would never run: refuse it at start-up.
    const versions = this.workflows.versions(type);
    if (
      !versions.some((v) => machineEventTypes(this.workflows.get(type, v).machine).includes(event))
    ) {
      throw new Error(`Event handler ${key}: the ${type} machine has no event ${event}`);
    }
    if (this.handlers.has(key)) {
      throw new Error(`Event handler ${key} registered twice`);
    }
    this.handlers.set(key, handler);
  }

  get(type: string, event: string): EventHandler | undefined {
    return this.handlers.get(`${type}/${event}`);
  }
}
