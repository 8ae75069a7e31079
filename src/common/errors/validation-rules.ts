import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Rules = ReturnType<Storage['getTargetValidationMetadatas']>;

let remembered = false;

/**
 * class-validator looks up a class's rules on every object it validates, and does so by walking
 * every class that has rules (an `instanceof` per class, for inherited ones): on a transition's
 * two validations (the body, then the event's payload) that lookup was ~1.6% of the service's
 * busy time. The rules are the decorators' and do not change once the modules are loaded, so a
 * class's lookup is remembered; a rule registered later (a class loaded late) forgets them all.
 * Idempotent: the storage is one per process.
 */
export function rememberValidationRules(): void {
  if (remembered) {
    return;
  }
  remembered = true;
  const storage = getMetadataStorage();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  // By class (or schema name), then by the options that select rules.
  let known = new Map<unknown, Map<string, Rules>>();
  storage.addValidationMetadata = (metadata) => {
    known = new Map();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byOptions = known.get(target);
    if (!byOptions) {
      byOptions = new Map();
      known.set(target, byOptions);
    }
    let rules = byOptions.get(key);
    if (!rules) {
      rules = lookup(target, schema, always, strictGroups, groups);
      byOptions.set(key, rules);
    }
    return rules;
  };
}
