import { IsOptional, IsString } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { assign, setup } from 'xstate';
import { defineWorkflow } from '../../workflows/workflow-definition';
import { caseData, caseEvent, caseInput, linkedCase } from './case-data';
import { defineHooks } from './define-hooks';
import { CaseEntity } from './entities/case.entity';
import { EventHandlerRegistry, type HookContext } from './event-handlers';
import { eventPayloads } from './event-payloads';
import { WorkflowRegistry } from './workflow-registry';

/** A toy workflow: ASSESS carries an amount (and a note) from the client; its hook adds the score. */
interface ToyContext {
  owner: string;
  amount?: string;
  score?: number;
}

type ToyEvent =
  | { type: 'ASSESS'; amount: string; note?: string; score: number; actor: string; at: string }
  | { type: 'CLOSE'; actor: string; at: string };

const toyMachine = setup({
  types: { context: {} as ToyContext, events: {} as ToyEvent, input: {} as { owner: string } },
}).createMachine({
  id: 'toy',
  context: ({ input }) => ({ owner: input.owner }),
  initial: 'open',
  states: {
    open: {
      on: {
        ASSESS: {
          actions: assign(({ event }) => ({ amount: event.amount, score: event.score })),
        },
        CLOSE: 'closed',
      },
    },
    closed: { type: 'final' },
  },
});

const toyWorkflow = defineWorkflow({
  type: 'toy',
  version: 1,
  title: 'Toy',
  machine: toyMachine,
  permissions: { open: { ASSESS: { roles: ['CASEWORKER'] }, CLOSE: { roles: ['CASEWORKER'] } } },
  deadlines: {},
});

class AssessPayload {
  @IsString()
  amount!: string;

  @IsOptional()
  @IsString()
  note?: string;
}

class NumericAmountPayload {
  amount!: number;
}

class ColourPayload {
  amount!: string;
  colour!: string;
}

const TOY_PAYLOADS = eventPayloads(toyWorkflow, { ASSESS: AssessPayload });

function toyRow(type = 'toy'): CaseEntity {
  return Object.assign(new CaseEntity(), { id: 'c1', type, data: { owner: 'Wang' } });
}

function hookContext(row: CaseEntity, event: HookContext['event']): HookContext {
  return {
    caseRow: row,
    event,
    actor: { id: 'u1', roles: ['CASEWORKER'], streetCode: null },
    manager: {} as EntityManager,
    now: new Date('2026-03-01T00:00:00Z'),
    openLinkedCase: () => undefined,
    signalCase: () => undefined,
  };
}

describe('defineHooks', () => {
  it('should hand each hook the case row itself and the validated payload', async () => {
    const seen: Array<[string, string, string | undefined]> = [];
    const hooks = defineHooks(TOY_PAYLOADS, {
      ASSESS: ({ caseRow, event }) => {
        seen.push([caseRow.data.owner, event.amount, event.note]);
        return Promise.resolve({ score: caseRow.data.owner.length + event.amount.length });
      },
    });
    expect(hooks.type).toBe('toy');
    expect(hooks.handlers.map((h) => h.event)).toEqual(['ASSESS']);
    const row = toyRow();
    const result = await hooks.handlers[0].handler.hook(
      hookContext(row, { type: 'ASSESS', amount: '12.00' }),
    );
    expect(result).toEqual({ score: 9 });
    expect(seen).toEqual([['Wang', '12.00', undefined]]);
  });

  it('should refuse a case row of another workflow instead of mistyping its data', () => {
    const hooks = defineHooks(TOY_PAYLOADS, {
      ASSESS: () => Promise.resolve({ score: 1 }),
    });
    expect(() =>
      hooks.handlers[0].handler.hook(hookContext(toyRow('relief-application'), { type: 'ASSESS' })),
    ).toThrow('Case c1 is a relief-application case, not toy');
    expect(() => caseData(toyWorkflow, toyRow('penalty-case'))).toThrow('not toy');
  });

  it('should register through the registry, the close hook too', async () => {
    const workflows = new WorkflowRegistry();
    workflows.register(toyWorkflow);
    const registry = new EventHandlerRegistry(workflows);
    const closed: string[] = [];
    registry.registerHooks(
      defineHooks(
        TOY_PAYLOADS,
        { ASSESS: () => Promise.resolve({ score: 1 }) },
        {
          onClose: ({ caseRow }) => {
            closed.push(caseRow.data.owner);
            return Promise.resolve();
          },
        },
      ),
    );
    expect(registry.get('toy', 'ASSESS')).toBeDefined();
    expect(registry.get('toy', 'CLOSE')).toBeUndefined();
    await registry.onClose('toy')?.(hookContext(toyRow(), { type: 'CLOSE' }));
    expect(closed).toEqual(['Wang']);
    // Registered once: the untyped path refuses a second hook on the same event.
    expect(() => registry.register('toy', 'ASSESS', { hook: () => Promise.resolve() })).toThrow(
      'registered twice',
    );
  });

  it('should hand the engine the typed opening input and signals as they are', () => {
    expect(caseInput(toyWorkflow, { owner: 'Li' })).toEqual({ owner: 'Li' });
    expect(
      linkedCase(toyWorkflow, { rel: 'r', backRel: 'b', input: { owner: 'Li' }, streetCode: null }),
    ).toEqual({ type: 'toy', rel: 'r', backRel: 'b', input: { owner: 'Li' }, streetCode: null });
    expect(caseEvent(toyWorkflow, { type: 'ASSESS', amount: '1.00', score: 2 })).toEqual({
      type: 'ASSESS',
      amount: '1.00',
      score: 2,
    });
  });
});

/**
 * What the compiler refuses (checked by `tsc`, which fails on an unused `@ts-expect-error`;
 * never called): each line below is a mistake the typed tables and hooks catch.
 */
export function compileTimeChecks(): void {
  // @ts-expect-error APROVE is not an event of the toy machine
  eventPayloads(toyWorkflow, { ASSESS: AssessPayload, APROVE: AssessPayload });
  // @ts-expect-error the machine's ASSESS amount is a decimal string, not a number
  eventPayloads(toyWorkflow, { ASSESS: NumericAmountPayload });
  // @ts-expect-error the machine's ASSESS event has no colour
  eventPayloads(toyWorkflow, { ASSESS: ColourPayload });

  defineHooks(TOY_PAYLOADS, {
    // @ts-expect-error the ASSESS hook must return the score
    ASSESS: () => Promise.resolve({}),
  });
  defineHooks(TOY_PAYLOADS, {
    // @ts-expect-error the machine's score is a number
    ASSESS: ({ caseRow, event }) => {
      // @ts-expect-error the payload is what the DTO lets through: no score (the hook computes it)
      const score: number = event.score;
      // @ts-expect-error the case data is the machine's context, which has no colour
      const colour: unknown = caseRow.data.colour;
      return Promise.resolve({ score: `${score}`, colour });
    },
  });
  defineHooks(TOY_PAYLOADS, {
    ASSESS: () => Promise.resolve({ score: 1 }),
    // @ts-expect-error APROVE is not an event of the toy machine
    APROVE: () => Promise.resolve(),
  });
  // @ts-expect-error the opening input is the machine's input: an owner
  caseInput(toyWorkflow, { name: 'Li' });
  // @ts-expect-error a linked case's input is its machine's input: an owner
  linkedCase(toyWorkflow, { rel: 'r', backRel: 'b', input: { name: 'Li' }, streetCode: null });
  // @ts-expect-error a signal carries what the machine's event needs: ASSESS needs a score
  caseEvent(toyWorkflow, { type: 'ASSESS', amount: '1.00' });
  // @ts-expect-error a signal is an event of the target's machine
  caseEvent(toyWorkflow, { type: 'PENALTY_CLOSED' });
}
