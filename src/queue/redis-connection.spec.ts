import { redisConnectionOptions } from './queue.service';

describe('redisConnectionOptions', () => {
  it('should keep REDIS_URL on the single-node path', () => {
    expect(
      redisConnectionOptions({
        REDIS_URL: 'redis://:pw@redis:6380/2',
        REDIS_SENTINELS: undefined,
        REDIS_SENTINEL_NAME: 'mymaster',
      }),
    ).toMatchObject({ host: 'redis', port: 6380, db: 2, password: 'pw' });
  });

  it('should ask the Sentinels for the primary, with the password and db of REDIS_URL', () => {
    const options = redisConnectionOptions({
      REDIS_URL: 'redis://:pw@ignored:6379/3',
      REDIS_SENTINELS: 's1:26379,s2,s3:26380',
      REDIS_SENTINEL_NAME: 'yibao',
    });
    expect(options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: 's3', port: 26380 },
      ],
      name: 'yibao',
      password: 'pw',
      db: 3,
    });
    expect(options).not.toHaveProperty('host');
    // A demoted primary's READONLY answer makes the client reconnect to the new one.
    const reconnect = options.reconnectOnError as (e: Error) => boolean;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(
      true,
    );
    expect(reconnect(new Error('ERR wrong number of arguments'))).toBe(false);
  });
});
