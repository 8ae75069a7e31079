import { setup } from 'xstate';
import {
  acceptedEventTypes,
  activePaths,
  describeStates,
  stateToString,
  toMermaid,
} from './machine-introspection';

const machine = setup({ guards: { hasQuorum: () => true } }).createMachine({
  id: 'm',
  initial: 'draft',
  states: {
    draft: { on: { SUBMIT: 'hearing' } },
    hearing: {
      initial: 'scheduled',
      on: { WITHDRAW: 'closed' },
      states: {
        scheduled: { on: { HOLD: { target: 'held', guard: 'hasQuorum' } } },
        held: {},
      },
    },
    closed: { type: 'final' },
  },
});

describe('machine introspection', () => {
  it('should write nested state values with dots', () => {
    expect(stateToString({ hearing: 'scheduled' })).toBe('hearing.scheduled');
    expect(stateToString('draft')).toBe('draft');
  });

  it('should list every active path, parents first', () => {
    expect(activePaths({ hearing: 'scheduled' })).toEqual(['hearing', 'hearing.scheduled']);
  });

  it('should collect the events of a nested state and of its parents', () => {
    expect(acceptedEventTypes(machine, { hearing: 'scheduled' }).sort()).toEqual([
      'HOLD',
      'WITHDRAW',
    ]);
    expect(acceptedEventTypes(machine, 'closed')).toEqual([]);
  });

  it('should describe states with their transitions, guards and final flags', () => {
    const states = describeStates(machine);
    expect(states.map((s) => s.name)).toEqual([
      'draft',
      'hearing',
      'hearing.scheduled',
      'hearing.held',
      'closed',
    ]);
    expect(states.find((s) => s.name === 'hearing.scheduled')?.transitions).toEqual([
      { event: 'HOLD', targets: ['hearing.held'], guard: 'hasQuorum' },
    ]);
    expect(states.find((s) => s.name === 'closed')?.final).toBe(true);
  });

  it('should generate a Mermaid state diagram from the machine', () => {
    expect(toMermaid(machine)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> draft',
        '  draft --> hearing : SUBMIT',
        '  hearing --> closed : WITHDRAW',
        '  hearing__scheduled --> hearing__held : HOLD [hasQuorum]',
        '  closed --> [*]',
        '',
      ].join('\n'),
    );
  });
});
