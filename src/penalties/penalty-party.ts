import type { PenaltyCaseContext } from '../../workflows/penalty-case.machine';
import { maskIdNumber } from '../common/masking';

/** A case's data is a penalty case's context (what the machine persisted). */
export function isPenaltyContext(data: unknown): data is PenaltyCaseContext {
  return (
    typeof data === 'object' &&
    data !== null &&
    'respondent' in data &&
    'proposedSanctions' in data &&
    typeof data.respondent === 'string' &&
    Array.isArray(data.proposedSanctions)
  );
}

/**
 * How notices name the party (当事人): the institution by name and code, a person by name and
 * masked resident ID (notices leave the case view, where docs/api.md masks).
 */
export function partyLabel(data: Pick<PenaltyCaseContext, 'institution' | 'person'>): string {
  if (data.person !== undefined) {
    return `${data.person.name}（${maskIdNumber(data.person.idNumber)}）`;
  }
  return data.institution ? `${data.institution.name}（${data.institution.code}）` : '当事人';
}
