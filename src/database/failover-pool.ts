import { EventEmitter } from 'node:events';
import {
  createPoolCluster,
  type PoolCluster,
  type PoolConnection,
  type PoolOptions,
  type QueryError,
} from 'mysql2';

/**
 * Several database hosts, one written to at a time (a MariaDB Galera cluster; see
 * docs/operations.md, 'Failover').
 *
 * mysql2's PoolCluster keeps one pool per node. TypeORM's own `replication` option has a single
 * fixed master, so it cannot fail over; this pool is handed to TypeORM through its `driver`
 * option instead (`createPool` below) and gives out connections of the FIRST node that is up and
 * ready, in the order of DATABASE_HOSTS:
 * - a node that refuses connections is skipped for `offlineMs`, then tried again (it is first
 *   again once it is back, so writes return to one node);
 * - a node that accepts connections but is not ready (a Galera node joining, or cut off from the
 *   primary component: `wsrep_ready` OFF) is skipped the same way. Readiness is checked on each
 *   new connection and again when a node's last check is older than `probeEveryMs`.
 * Each new connection first runs the session statements (READ COMMITTED; on Galera
 * `wsrep_sync_wait`, so that a read sees every write the cluster committed before it).
 */
export interface DatabaseHost {
  host: string;
  port: number;
}

/** `host:port,host:port` (DATABASE_HOSTS, or the authority of a multi-host DATABASE_URL). */
export function parseDatabaseHosts(list: string): DatabaseHost[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(s);
      if (!m) {
        throw new Error(`not a host:port: ${s}`);
      }
      return { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 3306 };
    });
}

/** Allowed even on a node cut off from the primary component (a SELECT would get 1047 there). */
const READINESS = "SHOW VARIABLES LIKE 'wsrep_on';\nSHOW STATUS LIKE 'wsrep_ready'";

/** Ready unless Galera is on and the node says it is not (a server without Galera: ready). */
function isReady(results: unknown): boolean {
  const value = (rows: unknown): string | undefined =>
    Array.isArray(rows) ? (rows as Array<{ Value?: string }>)[0]?.Value : undefined;
  if (!Array.isArray(results) || results.length < 2) {
    return true;
  }
  const statements: unknown[] = results;
  const [wsrepOn, wsrepReady] = statements.slice(-2);
  return value(wsrepOn) !== 'ON' || value(wsrepReady) === 'ON';
}

type GetConnectionCallback = (err: Error | null, connection?: PoolConnection) => void;

interface FailoverPoolOptions {
  /** Statements every new connection runs first (one multi-statement string). */
  sessionInit: string;
  /** How long a failed node is skipped (ms). */
  offlineMs?: number;
  /** How often a node's readiness is checked again while it is in use (ms). */
  probeEveryMs?: number;
}

class NoNodeError extends Error {
  readonly code = 'NO_DATABASE_NODE';
  readonly fatal = false;
  constructor(readonly causes: string[]) {
    super(`No database node is available (${causes.join('; ')})`);
  }
}

export class FailoverPool extends EventEmitter {
  private readonly cluster: PoolCluster;
  private readonly ids: string[];
  private readonly offlineUntil = new Map<string, number>();
  private readonly probedAt = new Map<string, number>();
  private readonly initialised = new WeakSet<PoolConnection>();
  private readonly offlineMs: number;
  private readonly probeEveryMs: number;
  /** The node new connections come from (logged when it changes). */
  current?: string;

  constructor(
    private readonly hosts: DatabaseHost[],
    base: PoolOptions,
    private readonly options: FailoverPoolOptions,
  ) {
    super();
    this.offlineMs = options.offlineMs ?? 2000;
    this.probeEveryMs = options.probeEveryMs ?? 1000;
    // PoolCluster's own node eviction is off: the order and the skipping are done here.
    this.cluster = createPoolCluster({ canRetry: false, removeNodeErrorCount: Infinity });
    this.ids = hosts.map((h, i) => {
      const id = `DB${i}`;
      this.cluster.add(id, { ...base, host: h.host, port: h.port });
      return id;
    });
  }

  /** The first ready node's connection (TypeORM's MysqlDriver calls this for every runner). */
  getConnection(cb: GetConnectionCallback): void {
    const now = Date.now();
    const up = this.ids.filter((id) => (this.offlineUntil.get(id) ?? 0) <= now);
    // All marked down: try them all anyway (one may be back before its pause ends).
    this.tryNodes(up.length > 0 ? up : [...this.ids], [], cb);
  }

  /** One statement on some connection (kept for callers of mysql2's Pool API). */
  query(sql: string, done?: (e: Error | null) => void): void {
    this.getConnection((err, connection) => {
      if (err || !connection) {
        done?.(err);
        return;
      }
      connection.query(sql, (e: QueryError | null) => {
        connection.release();
        done?.(e);
      });
    });
  }

  end(cb?: (err: Error | null) => void): void {
    this.cluster.end((e) => cb?.(e ?? null));
  }

  private tryNodes(ids: string[], causes: string[], cb: GetConnectionCallback): void {
    const [id, ...rest] = ids;
    if (id === undefined) {
      cb(new NoNodeError(causes));
      return;
    }
    const skip = (reason: string): void => {
      this.offlineUntil.set(id, Date.now() + this.offlineMs);
      this.emit('offline', id, reason);
      this.tryNodes(rest, [...causes, `${this.describe(id)}: ${reason}`], cb);
    };
    this.cluster.of(id).getConnection((err, connection) => {
      if (err) {
        skip(err.code ?? err.message);
        return;
      }
      this.prepare(id, connection, (e) => {
        if (e) {
          connection.destroy();
          skip(e.code ?? e.message);
          return;
        }
        this.offlineUntil.delete(id);
        if (this.current !== id) {
          this.current = id;
          this.emit('switch', id, this.describe(id));
        }
        cb(null, connection);
      });
    });
  }

  /** Session statements on a new connection; the node's readiness when it is due a check. */
  private prepare(
    id: string,
    connection: PoolConnection,
    done: (e: (Error & { code?: string }) | null) => void,
  ): void {
    const fresh = !this.initialised.has(connection);
    const probe = fresh || Date.now() - (this.probedAt.get(id) ?? 0) > this.probeEveryMs;
    if (!probe) {
      done(null);
      return;
    }
    const sql = `${fresh ? `${this.options.sessionInit};\n` : ''}${READINESS}`;
    connection.query(sql, (e: QueryError | null, results: unknown) => {
      if (e) {
        done(e);
        return;
      }
      this.initialised.add(connection);
      if (!isReady(results)) {
        done(Object.assign(new Error('wsrep_ready is OFF'), { code: 'WSREP_NOT_READY' }));
        return;
      }
      this.probedAt.set(id, Date.now());
      done(null);
    });
  }

  private describe(id: string): string {
    const h = this.hosts[this.ids.indexOf(id)];
    return `${h.host}:${h.port}`;
  }
}

/**
 * A stand-in for the mysql2 module, given to TypeORM as its `driver`: TypeORM builds the pool
 * options (user, database, charset, timezone, `extra`) and calls `createPool`; the host and port
 * it passes are replaced by the list.
 */
export function failoverDriver(
  hosts: DatabaseHost[],
  options: FailoverPoolOptions,
  onCreate?: (pool: FailoverPool) => void,
): { createPool(config: PoolOptions): FailoverPool } {
  return {
    createPool(config: PoolOptions): FailoverPool {
      const pool = new FailoverPool(hosts, config, options);
      onCreate?.(pool);
      return pool;
    },
  };
}
