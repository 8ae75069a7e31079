import type { Policy } from '../config/policy';

/**
 * The policy's `workflowVersions` (docs/api.md): on which version new cases of a type open, from
 * when.
 */
export type WorkflowVersionPolicy = Readonly<
  Record<string, ReadonlyArray<{ version: number; from: string }>>
>;

/** A version of a workflow as `GET /workflows/:type` lists it; `from`/`to` when the policy dates it. */
export interface WorkflowVersionView {
  version: number;
  /** The first day new cases open on it (YYYY-MM-DD). */
  from?: string;
  /** The day a later version took over (new cases no longer open on it). */
  to?: string;
}

/**
 * The registered versions of a type with the dates the policy gives them, oldest first, and
 * the one in force on `today`: the latest dated one that has begun, else the newest registered.
 * A policy entry for a version that is not registered is left out (it cannot run).
 */
export function workflowVersions(
  type: string,
  registered: readonly number[],
  policy: Policy & { workflowVersions?: WorkflowVersionPolicy },
  today: string,
): { versions: WorkflowVersionView[]; inForce: number } {
  const dated = [...(policy.workflowVersions?.[type] ?? [])]
    .filter((v) => registered.includes(v.version))
    .sort((a, b) => a.from.localeCompare(b.from));
  const versions: WorkflowVersionView[] = registered.map((version) => {
    const i = dated.findIndex((d) => d.version === version);
    if (i < 0) {
      return { version };
    }
    const next = dated[i + 1];
    return { version, from: dated[i].from, ...(next ? { to: next.from } : {}) };
  });
  const begun = dated.filter((d) => d.from <= today);
  const inForce =
    begun.length > 0 ? begun[begun.length - 1].version : registered[registered.length - 1];
  return { versions, inForce };
}
