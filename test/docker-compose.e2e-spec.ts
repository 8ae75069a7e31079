/**
 * The production Docker files are checked without a Docker engine: the compose file is
 * validated by docker-compose (v1, Debian's package; `npm test` installs it) and the
 * Dockerfile is read as text.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const composeFile = join(root, 'docker', 'compose.yml');
const dockerfile = join(root, 'docker', 'Dockerfile');

const requiredVars: Record<string, string> = {
  MYSQL_USER: 'yibao',
  MYSQL_PASSWORD: 'dummy-db-password',
  MYSQL_ROOT_PASSWORD: 'dummy-root-password',
  JWT_SECRET: 'dummy-jwt-secret',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'dummy-admin-password',
};

/** The parent environment without any variable the compose file reads. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...Object.keys(requiredVars), 'API_PORT', 'YIBAO_IMAGE_TAG']) {
    delete env[name];
  }
  return env;
}

function composeConfig(env: NodeJS.ProcessEnv, file = composeFile): SpawnSyncReturns<string> {
  const result = spawnSync('docker-compose', ['-f', file, 'config', '-q'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const error = result.error;
  if (error && 'code' in error && error.code === 'ENOENT') {
    throw new Error(
      'docker-compose is not installed: `npm test` installs it (apt-get install ' +
        '--no-install-recommends docker-compose); install it to run this test by hand.',
    );
  }
  if (error) {
    throw error;
  }
  return result;
}

describe('docker/compose.yml', () => {
  it('is valid when every required variable is set', () => {
    const result = composeConfig({ ...baseEnv(), ...requiredVars });
    // stderr in the object so that a failure shows docker-compose's message.
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({
      status: 0,
      stderr: '',
    });
  });

  it.each(['JWT_SECRET', 'ADMIN_PASSWORD', 'MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD'])(
    'refuses to run without %s and names it',
    (name) => {
      const env: NodeJS.ProcessEnv = { ...baseEnv(), ...requiredVars };
      delete env[name];
      const result = composeConfig(env);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(name);
    },
  );

  it('defines the mysql, redis, api and worker services with health-gated start-up', () => {
    const text = readFileSync(composeFile, 'utf8');
    for (const service of ['mysql', 'redis', 'api', 'worker']) {
      expect(text).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
    expect(text).toContain('image: mysql:8.4');
    expect(text).toContain('image: redis:7-alpine');
    // The application user gets PROCESS (lock-wait tables) at the database's first start.
    expect(text).toContain('- ./db-init:/docker-entrypoint-initdb.d:ro');
    expect(readFileSync(join(root, 'docker', 'db-init', 'grant-process.sh'), 'utf8')).toContain(
      "GRANT PROCESS ON *.* TO '${MYSQL_USER:-$MARIADB_USER}'@'%'",
    );
    expect(text).toContain('condition: service_healthy');
    expect(text).toMatch(/ROLE: worker\n(?:.*\n)*?\s+MIGRATIONS_RUN: ['"]false['"]/);
  });
});

const clusterFile = join(root, 'docker', 'compose.cluster.yml');
const clusterVars: Record<string, string> = {
  MARIADB_USER: 'yibao',
  MARIADB_PASSWORD: 'dummy-db-password',
  MARIADB_ROOT_PASSWORD: 'dummy-root-password',
  JWT_SECRET: 'dummy-jwt-secret',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'dummy-admin-password',
};

function clusterEnv(): NodeJS.ProcessEnv {
  const env = baseEnv();
  for (const name of [
    ...Object.keys(clusterVars),
    'GALERA_1_ADDRESS',
    'API_PORT_1',
    'API_PORT_2',
  ]) {
    delete env[name];
  }
  return env;
}

describe('docker/compose.cluster.yml (Galera + Redis Sentinel)', () => {
  it('is valid when every required variable is set', () => {
    const result = composeConfig({ ...clusterEnv(), ...clusterVars }, clusterFile);
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({
      status: 0,
      stderr: '',
    });
  });

  it.each(['JWT_SECRET', 'MARIADB_PASSWORD', 'MARIADB_ROOT_PASSWORD'])(
    'refuses to run without %s and names it',
    (name) => {
      const env: NodeJS.ProcessEnv = { ...clusterEnv(), ...clusterVars };
      delete env[name];
      const result = composeConfig(env, clusterFile);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(name);
    },
  );

  it('defines three Galera nodes, a Redis primary and replica, three Sentinels, two APIs and two workers', () => {
    const text = readFileSync(clusterFile, 'utf8');
    for (const service of [
      'galera-1',
      'galera-2',
      'galera-3',
      'redis-primary',
      'redis-replica',
      'sentinel-1',
      'sentinel-2',
      'sentinel-3',
      'api-1',
      'api-2',
      'worker-1',
      'worker-2',
    ]) {
      expect(text).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
    expect(text).toContain('image: mariadb:10.11');
    expect(text.match(/- \.\/db-init:\/docker-entrypoint-initdb\.d:ro/g)).toHaveLength(3);
    expect(text).toContain('--wsrep-provider=/usr/lib/galera/libgalera_smm.so');
    expect(text).toContain('--galera_online');
    expect(text).toContain('sentinel monitor yibao redis-primary 6379 2');
    // The service reaches every node and every Sentinel.
    expect(text).toContain("DATABASE_HOSTS: 'galera-1:3306,galera-2:3306,galera-3:3306'");
    expect(text).toContain("REDIS_SENTINELS: 'sentinel-1:26379,sentinel-2:26379,sentinel-3:26379'");
    expect(text).toContain('REDIS_SENTINEL_NAME: yibao');
  });
});

describe('docker/Dockerfile', () => {
  const lines = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('is a multi-stage build on a supported Node LTS', () => {
    const froms = lines.filter((line) => /^FROM\s/i.test(line));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      expect(from).toMatch(/^FROM node:(22|24)-/);
    }
    expect(lines.some((line) => /^COPY\s+--from=/i.test(line))).toBe(true);
  });

  it('runs as a non-root user in the final stage', () => {
    const lastFrom = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
    const users = lines
      .slice(lastFrom)
      .filter((line) => /^USER\s/i.test(line))
      .map((line) => line.split(/\s+/)[1]);
    expect(users.length).toBeGreaterThan(0);
    const finalUser = users[users.length - 1];
    expect(['root', '0', '0:0']).not.toContain(finalUser);
  });

  it('has a health check and starts the compiled service', () => {
    expect(lines.some((line) => /^HEALTHCHECK\s/i.test(line))).toBe(true);
    expect(lines).toContain('CMD ["node", "dist/src/main.js"]');
  });
});
