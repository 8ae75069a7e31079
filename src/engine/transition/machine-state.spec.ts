import { initialTransition, transition } from 'xstate';
import {
  reliefApplicationMachine,
  type ReliefApplicationInput,
} from '../../../workflows/relief-application.machine';
import { reliefApplication } from '../../../test/factories/relief';
import { pureInitialTransition, pureTransition, stateValue } from './machine-state';

// The worked application of docs/domain.md §1, as the relief module hands it to the engine.
const input = { ...reliefApplication(), origin: 'APPLICATION' } as ReliefApplicationInput;

const accept = {
  type: 'ACCEPT' as const,
  actor: 'u-caseworker-1',
  at: '2026-04-01T08:00:01.000Z',
};

describe('machine-state (XState on one shared inert scope)', () => {
  it('should open a case as XState initialTransition does, settled in submitted', () => {
    const [ours, ourActions] = pureInitialTransition(reliefApplicationMachine, input);
    const [xstates, xstateActions] = initialTransition(reliefApplicationMachine, input);

    expect(stateValue(ours)).toBe('submitted');
    expect(ours.status).toBe('active');
    expect(ours.value).toEqual(xstates.value);
    expect(ours.context).toEqual(xstates.context);
    expect(ourActions.map((a) => a.type)).toEqual(xstateActions.map((a) => a.type));
    expect(reliefApplicationMachine.getPersistedSnapshot(ours)).toEqual(
      reliefApplicationMachine.getPersistedSnapshot(xstates),
    );
  });

  it('should give each opening its own snapshot, the next transition as XState computes it', () => {
    const [first] = pureInitialTransition(reliefApplicationMachine, input);
    const [second] = pureInitialTransition(reliefApplicationMachine, {
      ...input,
      streetCode: '330106002',
    });
    const [accepted] = pureTransition(reliefApplicationMachine, first, accept);

    expect((first.context as { streetCode: string }).streetCode).toBe('330106001');
    expect((second.context as { streetCode: string }).streetCode).toBe('330106002');
    expect(stateValue(accepted)).toBe('eligibility_review');
    expect(accepted.context).toEqual(
      transition(reliefApplicationMachine, first, accept)[0].context,
    );
    expect(stateValue(first)).toBe('submitted'); // the snapshot it started from is unchanged
  });
});
