import { ConfigurationError, validateEnvironment } from './environment';

/** The smallest environment the service accepts. */
const REQUIRED = {
  DATABASE_URL: 'mysql://yibao:secret@db:3306/yibao',
  REDIS_URL: 'redis://redis:6379/0',
  JWT_SECRET: 'a-secret-of-sixteen-or-more',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'Yibao-root-pw-7',
};

/** The problems validateEnvironment reports for this input (fails the test if it accepts it). */
function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    validateEnvironment(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return (e as ConfigurationError).problems;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('validateEnvironment', () => {
  it('should accept the required variables and fill in the defaults', () => {
    const env = validateEnvironment({ ...REQUIRED });
    expect(env).toMatchObject({
      ...REQUIRED,
      PORT: 3000,
      ROLE: 'all',
      QUEUE_PREFIX: 'yibao',
      MIGRATIONS_RUN: true,
      JWT_EXPIRES_IN: '12h',
      OUTBOX_RELAY_INTERVAL_MS: 1000,
      DEADLINE_RECONCILE_GRACE_MS: 30000,
      LOG_LEVEL: 'info',
      ATTACHMENT_MAX_BYTES: 10 * 1024 * 1024,
      LOGIN_MAX_FAILURES: 5,
      LOGIN_IP_MAX_FAILURES: 50,
      LOGIN_LOCK_SECONDS: 900,
    });
    expect(env.POLICY_FILE).toBeUndefined();
  });

  it('should parse numbers and booleans from their strings', () => {
    const env = validateEnvironment({
      ...REQUIRED,
      PORT: '8080',
      MIGRATIONS_RUN: 'false',
      OUTBOX_RELAY_INTERVAL_MS: '250',
      ROLE: 'worker',
      QUEUE_PREFIX: '{yibao}',
    });
    expect(env.PORT).toBe(8080);
    expect(env.MIGRATIONS_RUN).toBe(false);
    expect(env.OUTBOX_RELAY_INTERVAL_MS).toBe(250);
    expect(env.ROLE).toBe('worker');
    expect(env.QUEUE_PREFIX).toBe('{yibao}');
    expect(validateEnvironment({ ...REQUIRED, MIGRATIONS_RUN: 'true' }).MIGRATIONS_RUN).toBe(true);
  });

  it('should accept each process role', () => {
    for (const role of ['api', 'worker', 'all']) {
      expect(validateEnvironment({ ...REQUIRED, ROLE: role }).ROLE).toBe(role);
    }
  });

  it('should accept rediss:// and a database URL with options', () => {
    expect(() =>
      validateEnvironment({
        ...REQUIRED,
        REDIS_URL: 'rediss://user:pw@redis.example:6380/2',
        DATABASE_URL: 'mysql://u:p@db:3306/yibao?charset=utf8mb4',
      }),
    ).not.toThrow();
  });

  it.each(Object.keys(REQUIRED))('should report %s as missing when absent or empty', (name) => {
    const without: Record<string, unknown> = { ...REQUIRED };
    delete without[name];
    expect(problemsOf(without)).toEqual([`${name} is missing`]);
    expect(problemsOf({ ...REQUIRED, [name]: '' })).toEqual([`${name} is missing`]);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'postgres://u:p@db:5432/yibao'],
    ['DATABASE_URL', 'mysql://db:3306'],
    ['REDIS_URL', 'nope'],
    ['REDIS_URL', 'http://redis:6379'],
    ['JWT_SECRET', 'short'],
    ['JWT_EXPIRES_IN', '12 hours'],
    ['ADMIN_USERNAME', 'a b'],
    ['ADMIN_PASSWORD', 'pw'],
    // The users' password rule: 8 characters were once enough for the administrator.
    ['ADMIN_PASSWORD', 'abcdefgh'],
    ['ADMIN_PASSWORD', 'password1234'],
    ['ADMIN_PASSWORD', 'Admin-strong-9'],
    ['ROLE', 'boss'],
    ['ROLE', 'API'],
    ['QUEUE_PREFIX', 'a b'],
    ['MIGRATIONS_RUN', 'maybe'],
    ['MIGRATIONS_RUN', 'TRUE'],
    ['MIGRATIONS_RUN', '1'],
    ['OUTBOX_RELAY_INTERVAL_MS', '10'],
    ['DEADLINE_RECONCILE_GRACE_MS', 'soon'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_REQUESTS', 'yes'],
    ['ATTACHMENT_MAX_BYTES', '10MB'],
    ['ATTACHMENT_MAX_BYTES', '100'],
    ['ATTACHMENT_MAX_BYTES', String(65 * 1024 * 1024)],
    ['LOGIN_MAX_FAILURES', '0'],
    ['LOGIN_LOCK_SECONDS', 'forever'],
  ])('should name %s when it is %p', (name, value) => {
    const problems = problemsOf({ ...REQUIRED, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`${name}: `)).toBe(true);
  });

  it('should name every bad variable in one error, and say so in its message', () => {
    const raw = { ...REQUIRED, ROLE: 'boss', JWT_SECRET: 'short', REDIS_URL: undefined };
    let error: ConfigurationError | undefined;
    try {
      validateEnvironment(raw);
    } catch (e) {
      error = e as ConfigurationError;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.problems).toHaveLength(3);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        'REDIS_URL is missing',
        expect.stringMatching(/^ROLE: .*api, worker, all/),
        expect.stringMatching(/^JWT_SECRET: .*16/),
      ]),
    );
    for (const name of ['ROLE', 'JWT_SECRET', 'REDIS_URL']) {
      expect(error!.message).toContain(name);
    }
  });

  it('should not echo a secret value in its messages', () => {
    const problems = problemsOf({ ...REQUIRED, JWT_SECRET: 'tiny-secret' });
    expect(problems.join('\n')).not.toContain('tiny-secret');
  });
});

describe('empty optional variables', () => {
  it('should treat an empty optional variable as unset and use its default', () => {
    const env = validateEnvironment({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/yibao',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      JWT_SECRET: 'a-secret-of-sixteen-chars',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'Yibao-root-pw-7',
      PORT: '',
      ROLE: '',
    });
    expect(env.PORT).toBe(3000);
    expect(env.ROLE).toBe('all');
  });

  describe('a cluster (DATABASE_HOSTS, REDIS_SENTINELS)', () => {
    it('should accept the hosts and Sentinels, and no REDIS_URL beside Sentinels', () => {
      const env = validateEnvironment({
        ...REQUIRED,
        REDIS_URL: undefined,
        DATABASE_HOSTS: 'g1:3306,g2:3306,g3',
        REDIS_SENTINELS: 's1:26379,s2:26379,s3:26379',
        REDIS_SENTINEL_NAME: 'yibao',
      });
      expect(env).toMatchObject({
        DATABASE_HOSTS: 'g1:3306,g2:3306,g3',
        REDIS_SENTINEL_NAME: 'yibao',
      });
    });

    it.each([
      ['DATABASE_HOSTS', 'g1:3306;g2:3306'],
      ['DATABASE_HOSTS', 'mysql://g1:3306'],
      ['REDIS_SENTINELS', 's1:26379,,s2'],
      ['REDIS_SENTINEL_NAME', 'a b'],
    ])('should name %s when it is %p', (name, value) => {
      const problems = problemsOf({ ...REQUIRED, [name]: value });
      expect(problems.join('\n')).toContain(name);
    });

    it('should still require REDIS_URL without Sentinels', () => {
      expect(problemsOf({ ...REQUIRED, REDIS_URL: undefined })).toContain('REDIS_URL is missing');
    });
  });
});
