import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnection } from 'mysql2/promise';
import { createApp } from '../../src/bootstrap';
import { WorkflowRegistry } from '../../src/engine/workflow-registry';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';

export const ADMIN = { username: 'admin', password: 'Yibao-test-pw-123' };

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests with \`npm test\` (scripts/with-services.sh starts MariaDB and Redis)`,
    );
  }
  return value;
}

/** A fresh, empty database on the test server (one per test file: parallel files never collide). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = new URL(requireEnv('DATABASE_URL'));
  const name = `yibao_t_${randomBytes(5).toString('hex')}`;
  const serverUrl = `${base.protocol}//${base.username}${base.password ? `:${base.password}` : ''}@${base.host}/`;
  const admin = await createConnection(serverUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = await createConnection(serverUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export interface TestAppOptions {
  policy?: Record<string, unknown>;
  env?: Record<string, string>;
  workflows?: WorkflowDefinition[];
  database?: TestDatabase;
}

export interface TestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The environment a test app (or a child process of the service) runs with. */
export function testEnvironment(
  db: TestDatabase,
  options: TestAppOptions = {},
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-policy-'));
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(options.policy ?? {}));
  return {
    DATABASE_URL: db.url,
    REDIS_URL: requireEnv('REDIS_URL'),
    JWT_SECRET: 'test-secret-that-is-long-enough',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ROLE: 'all',
    POLICY_FILE: policyFile,
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    MIGRATIONS_RUN: 'true',
    OUTBOX_RELAY_INTERVAL_MS: '200',
    DEADLINE_RECONCILE_GRACE_MS: '60000',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
}

/** Boots the real application (Fastify, TypeORM on MariaDB, BullMQ on Redis) on a fresh database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const env = testEnvironment(db, options);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const app = await createApp();
    const registry = app.get(WorkflowRegistry);
    for (const w of options.workflows ?? []) {
      registry.register(w);
    }
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return {
      app,
      db,
      env,
      async close() {
        await app.close();
        if (!options.database) {
          await db.drop();
        }
      },
    };
  } finally {
    process.env = saved;
  }
}
