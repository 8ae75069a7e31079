import type { Role } from '../../workflows/workflow-definition';
import { type AccountChange, accountDutyProblem } from './account-duties';

const change = (over: Partial<AccountChange>): AccountChange => ({
  rolesBefore: ['CASEWORKER'],
  rolesAfter: ['CASEWORKER'],
  touchesAccount: false,
  own: false,
  ...over,
});
const grant = change({ rolesAfter: ['CASEWORKER', 'MANAGER'] });
const rule = (mode: 'combined' | 'separated', roles: Role[], c: AccountChange) => {
  const p = accountDutyProblem(mode, roles, c);
  return p === null ? null : p.kind === 'forbidden' ? p.rule : `invalid:${p.field}`;
};

describe('accountDutyProblem (三员分立)', () => {
  it('lets a combined office’s ADMIN grant roles and unlock', () => {
    expect(rule('combined', ['ADMIN'], grant)).toBeNull();
    expect(rule('combined', ['ADMIN'], change({ unlock: true }))).toBeNull();
  });

  it('keeps grants and unlocks from ADMIN when separated', () => {
    expect(rule('separated', ['ADMIN'], grant)).toBe('security-admin-grants-roles');
    expect(rule('separated', ['ADMIN'], change({ unlock: true }))).toBe('security-admin-unlocks');
    expect(rule('separated', ['ADMIN'], change({ touchesAccount: true }))).toBeNull();
  });

  it('lets ADMIN appoint the first security administrator, and only that', () => {
    const first = change({ rolesBefore: [], rolesAfter: ['SECURITY_ADMIN'], touchesAccount: true });
    expect(rule('separated', ['ADMIN'], { ...first, firstSecurityAdmin: true })).toBeNull();
    expect(rule('separated', ['ADMIN'], first)).toBe('security-admin-grants-roles');
    expect(
      rule('separated', ['ADMIN'], {
        ...first,
        rolesAfter: ['SECURITY_ADMIN', 'MANAGER'],
        firstSecurityAdmin: true,
      }),
    ).toBe('security-admin-grants-roles');
  });

  it('lets SECURITY_ADMIN grant and unlock but not manage the account itself', () => {
    expect(rule('separated', ['SECURITY_ADMIN'], grant)).toBeNull();
    expect(rule('separated', ['SECURITY_ADMIN'], change({ unlock: true }))).toBeNull();
    expect(rule('combined', ['SECURITY_ADMIN'], change({ touchesAccount: true }))).toBe(
      'admin-manages-accounts',
    );
  });

  it('refuses a grant to oneself, allows giving one up', () => {
    const own = { own: true, rolesBefore: ['SECURITY_ADMIN'] as Role[] };
    expect(
      rule(
        'separated',
        ['SECURITY_ADMIN'],
        change({ ...own, rolesAfter: ['SECURITY_ADMIN', 'MANAGER'] }),
      ),
    ).toBe('no-self-grant');
    expect(
      rule('combined', ['ADMIN', 'SECURITY_ADMIN'], change({ ...own, rolesAfter: [] as Role[] })),
    ).toBeNull();
  });

  it('refuses two administrator roles on one account only when separated', () => {
    const both = change({ rolesBefore: [], rolesAfter: ['ADMIN', 'AUDITOR'] });
    expect(rule('separated', ['SECURITY_ADMIN'], both)).toBe('invalid:roles');
    expect(rule('combined', ['ADMIN'], both)).toBeNull();
  });
});
