import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from './environment';
import { loadPolicy, type Policy, type ReliefEdition, reliefEditionOn } from './policy';

/** The policy in force: built-in defaults deep-merged with POLICY_FILE, validated at start-up. */
@Injectable()
export class PolicyService {
  private readonly policy: Policy;

  constructor(config: ConfigService<Environment, true>) {
    this.policy = loadPolicy(config.get('POLICY_FILE', { infer: true }));
  }

  current(): Policy {
    return this.policy;
  }

  /** The relief edition in force on a date (YYYY-MM-DD). */
  reliefEditionOn(date: string): ReliefEdition | undefined {
    return reliefEditionOn(this.policy, date);
  }

  /** A relief edition by its version: a case keeps the edition it was calculated with. */
  reliefEdition(version: string): ReliefEdition | undefined {
    return this.policy.relief.editions.find((e) => e.version === version);
  }

  hearing(): Policy['hearing'] {
    return this.policy.hearing;
  }

  penalty(): Policy['penalty'] {
    return this.policy.penalty;
  }

  monitoring(): Policy['monitoring'] {
    return this.policy.monitoring;
  }

  notifications(): Policy['notifications'] {
    return this.policy.notifications;
  }

  reports(): Policy['reports'] {
    return this.policy.reports;
  }

  duties(): Policy['duties'] {
    return this.policy.duties;
  }

  capitation(): Policy['capitation'] {
    return this.policy.capitation;
  }

  hardshipThreshold(): string {
    return this.policy.relief.hardshipThreshold;
  }

  /** The duration of a state's deadline, or undefined when the state has none. */
  deadlineFor(type: string, state: string): string | undefined {
    return this.policy.deadlines[type]?.[state];
  }
}
