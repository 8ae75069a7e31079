import { Injectable } from '@nestjs/common';
import type { Role, WorkflowDefinition } from '../../workflows/workflow-definition';
import { PolicyService } from '../config/policy.service';
import { canSeeCase, membersOf } from '../engine/case-access';
import type { CaseEntity } from '../engine/entities/case.entity';
import { UsersService } from '../users/users.service';
import type { RecipientSpec } from './notification-policy';

interface DirectoryUser {
  id: string;
  roles: readonly Role[];
  streetCode: string | null;
}

export interface RecipientContext {
  caseRow?: Pick<CaseEntity, 'type' | 'state' | 'data' | 'streetCode' | 'assigneeId'>;
  definition?: WorkflowDefinition;
  /** User ids the caller names (the `explicit` spec), e.g. the new assignee. */
  userIds?: readonly string[];
}

/** Every active path of a dotted state string: `hearing.scheduled` -> `hearing`, `hearing.scheduled`. */
function pathsOf(state: string): string[] {
  const parts = state.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** Turns the policy's recipient specs into active user ids (sorted, unique). */
@Injectable()
export class RecipientsService {
  constructor(
    private readonly users: UsersService,
    private readonly policy: PolicyService,
  ) {}

  async resolve(specs: readonly RecipientSpec[], context: RecipientContext): Promise<string[]> {
    const directory = await this.users.activeDirectory();
    const active = new Set(directory.map((u) => u.id));
    const out = new Set<string>();
    for (const spec of specs) {
      if (spec === 'explicit') {
        (context.userIds ?? []).filter((id) => active.has(id)).forEach((id) => out.add(id));
      } else if (spec === 'assignee') {
        const assignee = context.caseRow?.assigneeId;
        if (assignee && active.has(assignee)) {
          out.add(assignee);
        }
      } else if (spec === 'actors') {
        if (context.caseRow && context.definition) {
          actorsOf(
            context.caseRow,
            context.definition,
            directory,
            this.actorRoles(context),
          ).forEach((id) => out.add(id));
        }
      } else {
        const role = spec.slice('role:'.length);
        directory.filter((u) => u.roles.includes(role as Role)).forEach((u) => out.add(u.id));
      }
    }
    // Need to know: nobody hears of a case they may not open (a secret flight inspection, a
    // relief case for ADMIN), whatever the policy's recipient specs say.
    const { caseRow, definition } = context;
    const visible =
      caseRow && definition
        ? [...out].filter((id) => {
            const u = directory.find((d) => d.id === id);
            return u !== undefined && canSeeCase(definition, caseRow, u);
          })
        : [...out];
    return visible.sort();
  }

  private actorRoles(context: RecipientContext): readonly Role[] | undefined {
    const c = context.caseRow;
    return c ? this.policy.notifications().actorRoles[`${c.type}.${c.state}`] : undefined;
  }
}

/**
 * Who must act on a case now: its assignee when the assignee may act in this state; otherwise
 * the holders of the roles the workflow permits here (DEADLINE_* and other service-only events
 * aside) — the members for a team- or panel-scoped event, the case's street offices for a
 * street-scoped one (other roles are district-wide). `onlyRoles` narrows the roles (policy).
 */
export function actorsOf(
  c: Pick<CaseEntity, 'state' | 'data' | 'streetCode' | 'assigneeId'>,
  definition: WorkflowDefinition,
  directory: readonly DirectoryUser[],
  onlyRoles?: readonly Role[],
): string[] {
  const permissions = [...pathsOf(c.state), '*'].flatMap((path) =>
    Object.values(definition.permissions[path] ?? {}),
  );
  const out = new Set<string>();
  const byId = new Map(directory.map((u) => [u.id, u]));
  const wanted = (roles: readonly string[]): Role[] =>
    roles.filter((r): r is Role => r !== 'system' && (!onlyRoles || onlyRoles.includes(r as Role)));
  const assignee = c.assigneeId ? byId.get(c.assigneeId) : undefined;
  if (assignee) {
    const mayAct = permissions.some((p) => {
      const roles = wanted(p.roles);
      if (!assignee.roles.some((r) => roles.includes(r))) {
        return false;
      }
      if (p.scope && typeof p.scope === 'object') {
        return membersOf(c.data, p.scope.members).includes(assignee.id);
      }
      return true;
    });
    if (mayAct) {
      return [assignee.id];
    }
  }
  for (const p of permissions) {
    const roles = wanted(p.roles);
    if (roles.length === 0) {
      continue;
    }
    if (p.scope && typeof p.scope === 'object') {
      for (const id of membersOf(c.data, p.scope.members)) {
        const u = byId.get(id);
        if (u && u.roles.some((r) => roles.includes(r))) {
          out.add(id);
        }
      }
      continue;
    }
    for (const u of directory) {
      const held = u.roles.filter((r) => roles.includes(r));
      if (held.length === 0) {
        continue;
      }
      // Street scope binds only a street office; caseworkers and managers act district-wide.
      const streetBound = p.scope === 'street' && held.every((r) => r === 'STREET_OFFICE');
      if (!streetBound || (c.streetCode !== null && u.streetCode === c.streetCode)) {
        out.add(u.id);
      }
    }
  }
  return [...out].sort();
}
