import type { EntityManager } from 'typeorm';
import { deferWrite, isWriteBehind } from './write-behind';

/**
 * Auto-increment ids of deferred inserts (write-behind.ts), without a round trip to learn them.
 *
 * An insert whose id later statements need (a deadline, named by its job) is
 * deferred like any other write, and followed by `SET @yb_id_<n> = LAST_INSERT_ID()` in the same
 * packet. Until the packet returns, the id is a token, `{{@yb_id_<n>}}`: statements that store it
 * name the session variable instead (`lateIdSql`, `withLateIds`), and what the process keeps in
 * memory (an outbox row handed to BullMQ after the commit) is given the real value when the
 * insert's result comes back, which is before the COMMIT completes. `<n>` counts up for the life
 * of the process, so a variable left on a pooled connection is never read by another transaction.
 */

const TOKEN = /\{\{(@yb_id_\d+)\}\}/g;
let counter = 0;

interface Pending {
  value?: string;
  waiters: Array<(value: string) => void>;
}

const pending = new WeakMap<EntityManager, Map<string, Pending>>();

function slot(m: EntityManager, token: string): Pending {
  let byToken = pending.get(m);
  if (!byToken) {
    byToken = new Map();
    pending.set(m, byToken);
  }
  let p = byToken.get(token);
  if (!p) {
    p = { waiters: [] };
    byToken.set(token, p);
  }
  return p;
}

/**
 * Runs an INSERT into a table with an auto-increment id and returns the id: at once in a
 * transaction that sends statements as they come, as a token in a write-behind transaction.
 */
export async function insertWithLateId(
  m: EntityManager,
  sql: string,
  params: unknown[],
): Promise<string> {
  if (!isWriteBehind(m)) {
    const result = await m.query<{ insertId: number | string }>(sql, params);
    return String(result.insertId);
  }
  counter += 1;
  const variable = `@yb_id_${counter}`;
  const token = `{{${variable}}}`;
  const p = slot(m, token);
  await deferWrite(m, sql, params, (result) => {
    p.value = String((result as { insertId: number | string }).insertId);
    for (const waiter of p.waiters.splice(0)) {
      waiter(p.value);
    }
  });
  await deferWrite(m, `SET ${variable} = LAST_INSERT_ID()`, []);
  return token;
}

/** A value for a statement: the session variable for a late id, else a parameter. */
export function lateIdSql(id: string): { sql: string; params: unknown[] } {
  const variable = /^\{\{(@yb_id_\d+)\}\}$/.exec(id)?.[1];
  return variable ? { sql: variable, params: [] } : { sql: '?', params: [id] };
}

/** The late ids a string mentions (a job id, a JSON payload). */
export function lateIdsIn(text: string): string[] {
  return [...new Set([...text.matchAll(TOKEN)].map((match) => match[0]))];
}

/**
 * The SQL for a string parameter that may mention late ids: `REPLACE(?, token, @var)` for each,
 * so that the stored text carries the real id.
 */
export function withLateIds(text: string): string {
  return lateIdsIn(text).reduce(
    (sql, token) => `REPLACE(${sql}, '${token}', ${token.slice(2, -2)})`,
    '?',
  );
}

/** Calls `then` with the real id of each late id once it is known (at once if it already is). */
export function whenLateIdKnown(
  m: EntityManager,
  token: string,
  then: (value: string) => void,
): void {
  const p = slot(m, token);
  if (p.value !== undefined) {
    then(p.value);
  } else {
    p.waiters.push(then);
  }
}

/** `text` with every late id it mentions replaced by its value (those known so far). */
export function resolveLateIds(m: EntityManager, text: string): string {
  return text.replace(TOKEN, (token) => pending.get(m)?.get(token)?.value ?? token);
}
