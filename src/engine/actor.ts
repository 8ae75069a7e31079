import type { Role } from '../../workflows/workflow-definition';

/** Who acts: a signed-in user, or the service itself (deadlines, linked cases). */
export interface Actor {
  id: string;
  roles: readonly Role[];
  streetCode: string | null;
  system?: true;
}

export const SYSTEM: Actor = Object.freeze({
  id: 'system',
  roles: [],
  streetCode: null,
  system: true,
});

/**
 * Roles that see every case of every workflow (docs/api.md, 'Who reads what': AUDITOR reads
 * everything, sends nothing). Everyone else reads on a need-to-know basis (case-access.ts `readerRoles`):
 * ADMIN manages accounts and configuration and reads no case content (等保 2.0 三员分立).
 */
export const CASE_READER_ROLES: readonly Role[] = ['AUDITOR'];

/** Roles that may see full resident ID numbers and phones in a case (besides its own street office). */
export const PERSONAL_DATA_ROLES: readonly Role[] = ['CASEWORKER', 'MANAGER', 'AUDITOR'];

export function hasAnyRole(actor: Actor, roles: readonly string[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

/** Roles that read and never act (docs/api.md: AUDITOR reads everything and sends no events). */
export const READ_ONLY_ROLES: readonly Role[] = ['AUDITOR'];

/** A user whose every role only reads (an auditor): refused on every event and every write. */
export function isReadOnly(actor: Actor): boolean {
  return (
    actor.system !== true &&
    actor.roles.length > 0 &&
    actor.roles.every((r) => READ_ONLY_ROLES.includes(r))
  );
}
