/**
 * Keys of a POLICY_FILE that the service does not know. The file is deep-merged over the
 * defaults, so a typo (`enterpriseAvgPension` for `averageEnterprisePension`) would otherwise be
 * merged and silently ignored while the default stays in force: the start is refused instead,
 * naming the key's path, as the environment check does for variables.
 *
 * The defaults are the schema: a key must exist at the same place in DEFAULT_POLICY, except in
 * the maps whose keys are data (workflow types, states, years, event types), whose values are
 * checked against any default entry, and the optional keys the defaults leave unset.
 */
import { isPlainObject } from '../common/checks';

/** Paths (`*` = any key or array index) whose keys are data, not settings. */
const OPEN_MAPS: readonly string[] = [
  'deadlines',
  'deadlines.*',
  'notifications.events',
  'notifications.actorRoles',
  'monitoring.reference',
  'duties.separation',
  // code -> name of each street office
  'streets',
  // sign-up year -> its capitation figures
  'capitation.years',
  // workflow type -> its dated versions (each entry checked by the section's validator)
  'workflowVersions',
];

/** Keys a default may leave unset, by the path of their object. */
const OPTIONAL_KEYS: Readonly<Record<string, readonly string[]>> = {
  'monitoring.reference.*': ['source'],
  'notifications.events.*': ['emailTo'],
  // Special-relief ratios per applicant category (any of them may be set; `default` always is).
  'hearing.ratios': ['TEKUN', 'DIBAO', 'DIBIAN', 'DISABLED', 'ILLNESS_POVERTY', 'OTHER'],
};

export function unknownPolicyKeys(override: unknown, defaults: unknown): string[] {
  const found: string[] = [];
  walk(override, defaults, [], [], found);
  return found;
}

function walk(
  value: unknown,
  shape: unknown,
  path: string[],
  pattern: string[],
  found: string[],
): void {
  if (Array.isArray(value) && Array.isArray(shape)) {
    // Arrays replace the default: each element has the shape of a default element.
    value.forEach((v, i) => walk(v, shape[0], [...path, String(i)], [...pattern, '*'], found));
    return;
  }
  if (!isPlainObject(value) || !isPlainObject(shape)) {
    return; // a scalar, or a type mismatch the policy validation names
  }
  const here = pattern.join('.');
  if (OPEN_MAPS.includes(here)) {
    const sample = Object.values(shape)[0];
    for (const [k, v] of Object.entries(value)) {
      walk(v, shape[k] ?? sample, [...path, k], [...pattern, '*'], found);
    }
    return;
  }
  const optional = OPTIONAL_KEYS[here] ?? [];
  for (const [k, v] of Object.entries(value)) {
    if (Object.prototype.hasOwnProperty.call(shape, k)) {
      walk(v, shape[k], [...path, k], [...pattern, k], found);
    } else if (!optional.includes(k)) {
      found.push([...path, k].join('.'));
    }
  }
}
