import type { EntityManager } from 'typeorm';
import type { WorkflowDefinition } from '../../../workflows/workflow-definition';
import { DomainError } from '../../common/errors/domain-error';
import { isConfidential, memberFields, membersOf } from '../case-access';
import { type DutiesPolicy, rulesFor } from '../duties-policy';
import type { CaseEntity } from '../entities/case.entity';
import type { CaseRepository } from '../persistence/case-repository';

/**
 * 不相容职务分离: a rule of policy `duties.separation.<type>` bars whoever sent one of its
 * `notBy` events on this case from sending its event (403 naming the rule). `sent`: the events
 * of `barringEvents` the sender has sent on this case, read in the case's transaction under its
 * row lock (CaseRepository.lockReadingSent): two events of one case never race past each other.
 */
export function assertSeparatedDuties(
  duties: DutiesPolicy,
  row: CaseEntity,
  eventType: string,
  sent: ReadonlySet<string>,
): void {
  const rules = rulesFor(duties, row.type, eventType);
  const broken = rules.find((r) => r.notBy.some((e) => sent.has(e)));
  if (broken) {
    const did = broken.notBy.filter((e) => sent.has(e)).join(', ');
    throw new DomainError(
      'FORBIDDEN',
      `Separated duties (${broken.rule}): you sent ${did} on this case, so someone else sends ${eventType}.`,
      { rule: broken.rule },
    );
  }
}

/**
 * Keeps case_members in step with the member lists in the case's data (team, panel). While a
 * case is confidential its viewers (a FLIGHT plan's owner) are members too, so the SQL scope of
 * lists lets them see it; everyone else's lists skip `restricted` cases.
 */
export async function syncMembers(
  cases: CaseRepository,
  m: EntityManager,
  definition: WorkflowDefinition,
  row: CaseEntity,
  previousData: Record<string, unknown>,
): Promise<void> {
  const fields = memberFields(definition);
  if (fields.length === 0 && !definition.confidential) {
    return;
  }
  const ids = (data: Record<string, unknown>): string[] =>
    [
      ...new Set([
        ...fields.flatMap((f) => membersOf(data, f)),
        ...(isConfidential(definition, data) ? definition.confidential!.viewers(data) : []),
      ]),
    ].sort();
  const before = ids(previousData);
  const after = ids(row.data);
  if (before.join() !== after.join()) {
    await cases.replaceMembers(m, row.id, after);
  }
}
