import type { Role } from '../../workflows/workflow-definition';
import type { DutiesPolicy } from '../engine/duties-policy';

/** The three administrators of 等保 2.0 (系统管理员, 安全管理员, 审计管理员). */
const ADMINISTRATORS: readonly Role[] = ['ADMIN', 'SECURITY_ADMIN', 'AUDITOR'];

/** What an account change does, as far as the duties of administrators go. */
export interface AccountChange {
  /** Roles before (empty for a new account) and after. */
  rolesBefore: readonly Role[];
  rolesAfter: readonly Role[];
  /** Name, street, field, affiliation, active or password: the account itself, not its powers. */
  touchesAccount: boolean;
  unlock?: boolean;
  /** The account acted on is the caller's own. */
  own: boolean;
  /**
   * No active SECURITY_ADMIN exists yet: the system administrator may then create the first one
   * (an installation starts with the environment's ADMIN alone), and the account log shows it.
   */
  firstSecurityAdmin?: boolean;
}

export type AccountDutyProblem =
  | { kind: 'forbidden'; rule: string; message: string }
  | { kind: 'invalid'; field: 'roles'; message: string };

const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean =>
  a.length === b.length && a.every((r) => b.includes(r));

/**
 * Whether `actorRoles` may make `change` under policy `duties.accounts` (不相容职务分离 for the
 * administrators themselves). Role grants and unlocks are the security administrator's; in a
 * `combined` office the system administrator holds them too. Nobody raises their own powers.
 */
export function accountDutyProblem(
  mode: DutiesPolicy['accounts'],
  actorRoles: readonly Role[],
  change: AccountChange,
): AccountDutyProblem | null {
  const admin = actorRoles.includes('ADMIN');
  const security = actorRoles.includes('SECURITY_ADMIN') || (admin && mode === 'combined');
  const grants = !sameRoles(change.rolesBefore, change.rolesAfter);
  if (change.touchesAccount && !admin) {
    return {
      kind: 'forbidden',
      rule: 'admin-manages-accounts',
      message: 'Only a system administrator (ADMIN) creates, changes or deactivates accounts.',
    };
  }
  const appointsFirst =
    admin &&
    change.firstSecurityAdmin === true &&
    change.rolesBefore.length === 0 &&
    sameRoles(change.rolesAfter, ['SECURITY_ADMIN']);
  if ((grants || change.unlock) && !security && !appointsFirst) {
    const rule = change.unlock ? 'security-admin-unlocks' : 'security-admin-grants-roles';
    return {
      kind: 'forbidden',
      rule,
      message: `Separated administrators (${rule}): only a security administrator (SECURITY_ADMIN) ${
        change.unlock ? 'lifts a login lock' : 'grants or takes roles'
      }.`,
    };
  }
  if (grants && change.own && change.rolesAfter.some((r) => !change.rolesBefore.includes(r))) {
    return {
      kind: 'forbidden',
      rule: 'no-self-grant',
      message: 'Nobody grants a role to themselves.',
    };
  }
  const held = change.rolesAfter.filter((r) => ADMINISTRATORS.includes(r));
  if (mode === 'separated' && held.length > 1) {
    return {
      kind: 'invalid',
      field: 'roles',
      message: `${held.join(' and ')} are separated duties (三员分立): one account holds one of them`,
    };
  }
  return null;
}
