import { initialTransition, transition } from 'xstate';
import {
  reliefApplicationMachine,
  type ReliefApplicationInput,
} from '../../../workflows/relief-application.machine';
import { pureInitialTransition, pureTransition, stateValue } from './machine-state';

const input: ReliefApplicationInput = {
  applicant: {
    name: '张三',
    idNumber: '11010519491231002X',
    phone: '13812345678',
    category: 'DIBAO',
    insuranceType: 'RESIDENT',
  },
  streetCode: '330106001',
  year: 2026,
  expenses: [
    {
      kind: 'INPATIENT',
      institution: '杭州市西溪医院',
      date: '2026-03-02',
      totalCost: '52000.00',
      inPolicyCost: '50000.00',
      basicInsurancePaid: '30000.00',
      criticalIllnessPaid: '5000.00',
      otherInsurancePaid: '0.00',
    },
  ],
  origin: 'APPLICATION',
};

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
