import type { AnyStateMachine } from 'xstate';
import { caseRowOf, type CaseRowOf } from './case-data';
import type { CloseHook, EventHandler, HookContext } from './event-handlers';
import type {
  EventFieldsOf,
  EventPayloadTable,
  EventTypeOf,
  PayloadClass,
  PayloadOf,
} from './event-payloads';

/**
 * Typed hooks: a domain module declares its hooks for one workflow's events against that
 * workflow's payload table, and the compiler checks each against the machine —
 *
 *     defineHooks(RELIEF_EVENT_PAYLOADS, {
 *       VERIFY: async ({ caseRow, event }) => ({ calculation: ... }),
 *     })
 *
 * - the key is one of the machine's events (a misspelt or foreign event does not compile);
 * - `event` is the payload the engine validated with the event's DTO, typed as the machine types
 *   those fields; `caseRow.data` is the machine's context;
 * - the result is the fields the hook adds to the event, typed as the machine's event: a
 *   required field of the event that the DTO does not (always) send must be returned (VERIFY's
 *   hook cannot leave out the `calculation` the machine records).
 *
 * Several services may hook events of one workflow, each with its own `defineHooks` (one the
 * decisions, another the notices): so the compiler checks each hook it is given, but does not
 * demand one for every event with a field to compute.
 *
 * The result registers through `EventHandlerRegistry.registerHooks`, i.e. the untyped
 * `register(type, event, handler)` every hook ends up in.
 */

type Table = Readonly<Record<string, PayloadClass>>;

/** The keys of T that are not optional. */
type RequiredKeys<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K;
}[keyof T];

/** The DTO fields of event E (nothing for an event without a payload class). */
type DtoOf<P extends Table, E extends string> = E extends keyof P
  ? PayloadOf<P[E]>
  : Record<never, never>;

/** The payload a hook of E sees: the fields its DTO lets through, typed as the machine types them. */
export type HookPayload<M extends AnyStateMachine, P extends Table, E extends string> = {
  [K in keyof DtoOf<P, E>]: K extends keyof EventFieldsOf<M, E>
    ? Required<EventFieldsOf<M, E>>[K]
    : DtoOf<P, E>[K];
};

/** Required fields of event E its DTO may leave out: the hook of E computes them. */
type ComputedKeys<M extends AnyStateMachine, P extends Table, E extends string> = Exclude<
  RequiredKeys<EventFieldsOf<M, E>>,
  RequiredKeys<DtoOf<P, E>>
>;

/** What the hook of E adds to the event: the fields it must compute, and any it rewrites. */
export type HookResult<M extends AnyStateMachine, P extends Table, E extends string> = Pick<
  EventFieldsOf<M, E>,
  ComputedKeys<M, P, E>
> &
  Partial<EventFieldsOf<M, E>>;

/** The hook's context: `HookContext` with the event and the case data typed by the machine. */
export interface EventHookContext<
  M extends AnyStateMachine,
  P extends Table,
  E extends string,
> extends Omit<HookContext, 'caseRow' | 'event'> {
  caseRow: CaseRowOf<M>;
  event: { type: E } & HookPayload<M, P, E>;
}

export type EventHook<M extends AnyStateMachine, P extends Table, E extends string> = (
  ctx: EventHookContext<M, P, E>,
) => Promise<
  [ComputedKeys<M, P, E>] extends [never] ? HookResult<M, P, E> | void : HookResult<M, P, E>
>;

/** Hooks on some of one workflow's events, keyed by the machine's events. */
export type EventHooks<M extends AnyStateMachine, P extends Table> = {
  [E in EventTypeOf<M>]?: EventHook<M, P, E>;
};

/** A close hook's context: `caseRow` as it is after the event that closed the case, typed. */
export type CloseHookContext<M extends AnyStateMachine> = Omit<HookContext, 'caseRow'> & {
  caseRow: CaseRowOf<M>;
};

/** Runs when an event closes a case of the workflow (whatever the event). */
export type TypedCloseHook<M extends AnyStateMachine> = (ctx: CloseHookContext<M>) => Promise<void>;

/** What `defineHooks` hands the registry: plain (untyped) handlers under the workflow's type. */
export interface WorkflowHooks {
  readonly type: string;
  readonly handlers: ReadonlyArray<{ readonly event: string; readonly handler: EventHandler }>;
  readonly onClose?: CloseHook;
}

/** A hook as the adapter stores it, its event type forgotten (each is called for its own event). */
type StoredHook<M extends AnyStateMachine, P extends Table> = (
  ctx: EventHookContext<M, P, EventTypeOf<M>>,
) => Promise<Record<string, unknown> | void>;

export function defineHooks<M extends AnyStateMachine, P extends Table>(
  table: EventPayloadTable<M, P>,
  hooks: EventHooks<M, P>,
  options: { onClose?: TypedCloseHook<M> } = {},
): WorkflowHooks {
  const { workflow } = table;
  const byEvent: Readonly<Record<string, StoredHook<M, P> | undefined>> = hooks;
  const handlers = Object.entries(byEvent).flatMap(([event, hook]) =>
    hook === undefined
      ? []
      : [
          {
            event,
            handler: {
              hook: (ctx: HookContext) =>
                hook({
                  ...ctx,
                  caseRow: caseRowOf(workflow, ctx.caseRow),
                  // The engine checked the payload with the DTO class that `eventPayloads` ties
                  // to this event's fields at compile time (and the service composes its own
                  // events from the machine's types): the payload is the event's HookPayload.
                  event: ctx.event as EventHookContext<M, P, EventTypeOf<M>>['event'],
                }),
            },
          },
        ],
  );
  const { onClose } = options;
  return {
    type: workflow.type,
    handlers,
    ...(onClose
      ? {
          onClose: (ctx: HookContext) =>
            onClose({ ...ctx, caseRow: caseRowOf(workflow, ctx.caseRow) }),
        }
      : {}),
  };
}

/** The machine and payload classes a payload table was declared with. */
type TableParts<T> = T extends EventPayloadTable<infer M, infer P> ? [M, P] : never;

/**
 * A hook's context, named by its payload table: `HookContextOf<typeof RELIEF_EVENT_PAYLOADS,
 * 'VERIFY'>` is what the VERIFY hook of the relief workflow receives.
 */
export type HookContextOf<T, E extends string> = EventHookContext<
  TableParts<T>[0],
  TableParts<T>[1],
  E
>;

/** What a hook returns, named by its payload table (see `HookResult`). */
export type HookResultOf<T, E extends string> = HookResult<TableParts<T>[0], TableParts<T>[1], E>;

/** The close hook's context, named by the workflow's payload table. */
export type CloseHookContextOf<T> = CloseHookContext<TableParts<T>[0]>;
