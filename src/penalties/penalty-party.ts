import type { PenaltyCaseContext } from '../../workflows/penalty-case.machine';

/** A case's data is a penalty case's context (what the machine persisted). */
export function isPenaltyContext(
  data: Record<string, unknown>,
): data is Record<string, unknown> & PenaltyCaseContext {
  return (
    typeof data.respondent === 'string' &&
    Array.isArray(data.proposedSanctions) &&
    typeof data.summary === 'string'
  );
}

/** How notices name the party (当事人): the institution by name and code. */
export function partyLabel(data: PenaltyCaseContext): string {
  return `${data.institution.name}（${data.institution.code}）`;
}
