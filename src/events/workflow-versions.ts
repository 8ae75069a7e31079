import { isPlainObject } from '../common/checks';

/**
 * The policy's `workflowVersions` (docs/api.md): on which version new cases of a type open, from
 * when, e.g. `{ "relief-application": [{ "version": 2, "from": "2027-01-01" }] }`. A procedure
 * changes on a date (a new year's rule); cases already open keep the version they opened on.
 */
export type WorkflowVersionPolicy = Readonly<
  Record<string, ReadonlyArray<{ version: number; from: string }>>
>;

/** No dated edition: every workflow opens on its first version. */
export const DEFAULT_WORKFLOW_VERSIONS: WorkflowVersionPolicy = {};

/** A version of a workflow as `GET /workflows/:type` lists it; `from`/`to` when the policy dates it. */
export interface WorkflowVersionView {
  version: number;
  /** The first day new cases open on it (YYYY-MM-DD). */
  from?: string;
  /** The day a later version took over (new cases no longer open on it). */
  to?: string;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The version new cases of `type` open on, on `date` (YYYY-MM-DD, the Asia/Shanghai day): the
 * latest dated edition that has begun; before any, the first registered version. A newer
 * machine runs only from the day the policy gives it, so registering one changes nothing until
 * the policy says so. A policy entry for a version that is not registered is left out.
 */
export function versionOn(
  type: string,
  date: string,
  policy: { workflowVersions?: WorkflowVersionPolicy },
  registered: readonly number[],
): number {
  const begun = datedVersions(type, policy, registered).filter((d) => d.from <= date);
  return begun.length > 0 ? begun[begun.length - 1].version : Math.min(...registered);
}

function datedVersions(
  type: string,
  policy: { workflowVersions?: WorkflowVersionPolicy },
  registered: readonly number[],
): Array<{ version: number; from: string }> {
  return [...(policy.workflowVersions?.[type] ?? [])]
    .filter((v) => registered.includes(v.version))
    .sort((a, b) => a.from.localeCompare(b.from));
}

/**
 * The registered versions of a type with the dates the policy gives them, oldest first, and
 * the one in force on `today` (`versionOn`).
 */
export function workflowVersions(
  type: string,
  registered: readonly number[],
  policy: { workflowVersions?: WorkflowVersionPolicy },
  today: string,
): { versions: WorkflowVersionView[]; inForce: number } {
  const dated = datedVersions(type, policy, registered);
  const first = dated[0]?.from;
  const versions: WorkflowVersionView[] = registered.map((version) => {
    const i = dated.findIndex((d) => d.version === version);
    if (i < 0) {
      // The first version runs until the first dated edition begins.
      return version === Math.min(...registered) && first !== undefined
        ? { version, to: first }
        : { version };
    }
    const next = dated[i + 1];
    return { version, from: dated[i].from, ...(next ? { to: next.from } : {}) };
  });
  return { versions, inForce: versionOn(type, today, policy, registered) };
}

/**
 * Problems of the policy's `workflowVersions` (`path.key: message`): a version number, a date,
 * each version and each date once, and no other key. Whether the type is registered is the
 * engine's check at start-up (`unknownWorkflowTypes`): the config does not know the registry.
 */
export function validateWorkflowVersions(value: unknown, path: string): string[] {
  if (!isPlainObject(value)) {
    return [`${path}: must be an object of workflow type -> [{ version, from }]`];
  }
  return Object.entries(value).flatMap(([type, editions]) => {
    const at = `${path}.${type}`;
    if (!Array.isArray(editions)) {
      return [`${at}: must be an array of { version, from }`];
    }
    const problems: string[] = [];
    const versions = new Set<number>();
    const dates = new Set<string>();
    editions.forEach((edition: unknown, i) => {
      const e = `${at}.${i}`;
      if (!isPlainObject(edition)) {
        problems.push(`${e}: must be { version, from }`);
        return;
      }
      for (const key of Object.keys(edition)) {
        if (key !== 'version' && key !== 'from') {
          problems.push(`${e}.${key}: unknown key (expected version, from)`);
        }
      }
      const { version, from } = edition;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        problems.push(`${e}.version: must be a version number (1, 2, ...)`);
      } else if (versions.has(version)) {
        problems.push(`${e}.version: ${version} is dated twice`);
      } else {
        versions.add(version);
      }
      if (typeof from !== 'string' || !DATE.test(from)) {
        problems.push(`${e}.from: must be a date YYYY-MM-DD`);
      } else if (dates.has(from)) {
        problems.push(`${e}.from: two versions cannot begin on ${from}`);
      } else {
        dates.add(from);
      }
    });
    return problems;
  });
}

/** The policy's `workflowVersions` types that no registered workflow has (a typo is refused). */
export function unknownWorkflowTypes(
  policy: { workflowVersions?: WorkflowVersionPolicy },
  types: readonly string[],
): string[] {
  return Object.keys(policy.workflowVersions ?? {})
    .filter((type) => !types.includes(type))
    .map((type) => `workflowVersions.${type}: no such workflow type`);
}
