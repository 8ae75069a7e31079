import type {
  EventPermission,
  Role,
  WorkflowDefinition,
} from '../../workflows/workflow-definition';
import { type Actor, CASE_READER_ROLES, hasAnyRole, PERSONAL_DATA_ROLES } from './actor';
import { activePaths } from './machine-introspection';

interface CaseLike {
  streetCode: string | null;
  data: Record<string, unknown>;
}

/** The user ids listed in `data[field]`: an array of ids, or of objects with a `userId`. */
export function membersOf(data: Record<string, unknown>, field: string): string[] {
  const value = data[field];
  const list = Array.isArray(value)
    ? value
    : value !== null &&
        typeof value === 'object' &&
        Array.isArray((value as { members?: unknown }).members)
      ? (value as { members: unknown[] }).members
      : [];
  return list
    .map((m: unknown) =>
      typeof m === 'string'
        ? m
        : m !== null && typeof m === 'object'
          ? (m as { userId?: unknown }).userId
          : undefined,
    )
    .filter((m): m is string => typeof m === 'string');
}

/**
 * What `memberFields` and `readerRoles` derive from a workflow's permissions, once per
 * definition (they are read on every request that sees or moves a case; definitions never change).
 */
const derived = new WeakMap<
  WorkflowDefinition,
  { members: readonly string[]; readers: readonly Role[] }
>();

function derivedOf(definition: WorkflowDefinition): {
  members: readonly string[];
  readers: readonly Role[];
} {
  let known = derived.get(definition);
  if (!known) {
    known = { members: collectMemberFields(definition), readers: collectReaderRoles(definition) };
    derived.set(definition, known);
  }
  return known;
}

/** Every `data` field a workflow uses to scope events to members (team, panel). */
export function memberFields(definition: WorkflowDefinition): readonly string[] {
  return derivedOf(definition).members;
}

function collectMemberFields(definition: WorkflowDefinition): string[] {
  const fields = new Set<string>();
  for (const events of Object.values(definition.permissions)) {
    for (const p of Object.values(events)) {
      if (p.scope && typeof p.scope === 'object') {
        fields.add(p.scope.members);
      }
    }
  }
  return [...fields];
}

export function isMember(definition: WorkflowDefinition, c: CaseLike, actor: Actor): boolean {
  return memberFields(definition).some((f) => membersOf(c.data, f).includes(actor.id));
}

/**
 * Roles that read the cases of every workflow in which they act district-wide (docs/api.md,
 * 'Who reads what': CASEWORKER and MANAGER). EXPERT and INSPECTOR read only what they are members of, a
 * street office its street, LEGAL what a workflow names it a reader of (penalty, inspection).
 */
const ACTING_READER_ROLES: readonly Role[] = ['CASEWORKER', 'MANAGER'];

/**
 * Roles that read every case of this workflow: its declared `readers`, plus CASEWORKER and
 * MANAGER where they act without a member scope. ADMIN acts in no workflow and reads no case.
 */
export function readerRoles(definition: WorkflowDefinition): readonly Role[] {
  return derivedOf(definition).readers;
}

function collectReaderRoles(definition: WorkflowDefinition): readonly Role[] {
  const roles = new Set<Role>(definition.readers ?? []);
  for (const events of Object.values(definition.permissions)) {
    for (const p of Object.values(events)) {
      if (p.scope !== undefined && typeof p.scope === 'object') {
        continue;
      }
      for (const r of p.roles) {
        if (r !== 'system' && ACTING_READER_ROLES.includes(r)) {
          roles.add(r);
        }
      }
    }
  }
  return [...roles];
}

/** Does the actor read every (non-secret) case of this workflow? */
export function readsWorkflow(definition: WorkflowDefinition, actor: Actor): boolean {
  return hasAnyRole(actor, CASE_READER_ROLES) || hasAnyRole(actor, readerRoles(definition));
}

/** The workflow's confidentiality holds for this data (e.g. a FLIGHT inspection not yet started). */
export function isConfidential(
  definition: WorkflowDefinition,
  data: Record<string, unknown>,
): boolean {
  return definition.confidential?.while(data) ?? false;
}

/** May the actor see this case at all? Otherwise the case "does not exist" for them (404). */
export function canSeeCase(definition: WorkflowDefinition, c: CaseLike, actor: Actor): boolean {
  if (!actor.system && isConfidential(definition, c.data)) {
    // No role sees a confidential case: only its members and named viewers (飞行检查 must not leak).
    return (
      isMember(definition, c, actor) || definition.confidential!.viewers(c.data).includes(actor.id)
    );
  }
  if (actor.system || readsWorkflow(definition, actor)) {
    return true;
  }
  if (
    actor.roles.includes('STREET_OFFICE') &&
    c.streetCode !== null &&
    c.streetCode === actor.streetCode
  ) {
    return true;
  }
  return isMember(definition, c, actor);
}

/** Full resident IDs and phones: only CASEWORKER, MANAGER, AUDITOR and the case's own street office. */
export function canSeePersonalData(c: CaseLike, actor: Actor): boolean {
  return (
    hasAnyRole(actor, PERSONAL_DATA_ROLES) ||
    (actor.roles.includes('STREET_OFFICE') &&
      c.streetCode !== null &&
      c.streetCode === actor.streetCode)
  );
}

/** The permission for an event in the current state: the deepest state that declares it wins. */
export function permissionFor(
  definition: WorkflowDefinition,
  stateValue: Parameters<typeof activePaths>[0],
  eventType: string,
): EventPermission | undefined {
  const paths = activePaths(stateValue).reverse();
  for (const path of paths) {
    const p = definition.permissions[path]?.[eventType];
    if (p) {
      return p;
    }
  }
  return definition.permissions['*']?.[eventType];
}

/**
 * Is the actor bound to its own street for an action granted to `grantingRoles`? Only a street
 * office is; caseworkers and managers act district-wide. A role that does not grant the action
 * exempts nobody: a STREET_OFFICE user who is also an EXPERT is still bound to its street.
 */
export function isStreetBound(actor: Actor, grantingRoles: readonly string[]): boolean {
  return (
    actor.roles.includes('STREET_OFFICE') &&
    !actor.roles.some((r) => r !== 'STREET_OFFICE' && grantingRoles.includes(r))
  );
}

/** May this actor send an event under this permission, for this case? */
export function isPermitted(
  permission: EventPermission | undefined,
  c: CaseLike,
  actor: Actor,
): boolean {
  if (!permission) {
    return false;
  }
  if (actor.system) {
    return permission.roles.includes('system');
  }
  const roles = permission.roles.filter((r) => r !== 'system');
  if (!hasAnyRole(actor, roles)) {
    return false;
  }
  if (permission.scope === 'street') {
    return (
      !isStreetBound(actor, roles) || (c.streetCode !== null && c.streetCode === actor.streetCode)
    );
  }
  if (permission.scope && typeof permission.scope === 'object') {
    return membersOf(c.data, permission.scope.members).includes(actor.id);
  }
  return true;
}
