import { clusterHosts, databaseOptions } from './database-options';
import { FailoverPool, parseDatabaseHosts } from './failover-pool';

describe('several database hosts', () => {
  it('should read DATABASE_HOSTS in order, 3306 when no port is given', () => {
    expect(parseDatabaseHosts('db1:3307, db2 ,[::1]:3309')).toEqual([
      { host: 'db1', port: 3307 },
      { host: 'db2', port: 3306 },
      { host: '::1', port: 3309 },
    ]);
  });

  it('should take the hosts from DATABASE_HOSTS, or from a multi-host DATABASE_URL', () => {
    expect(clusterHosts('mysql://u:p@db:3306/yibao', 'g1:3306,g2:3306')).toEqual([
      { host: 'g1', port: 3306 },
      { host: 'g2', port: 3306 },
    ]);
    expect(clusterHosts('mysql://u:p@g1:3306,g2:3307/yibao')).toEqual([
      { host: 'g1', port: 3306 },
      { host: 'g2', port: 3307 },
    ]);
  });

  it('should leave one host on the single-node path (mysql2 pool, no driver stand-in)', () => {
    expect(clusterHosts('mysql://u:p@db:3306/yibao')).toBeNull();
    expect(clusterHosts('mysql://u:p@db:3306/yibao', '')).toBeNull();
    const options = databaseOptions('mysql://u:p@db:3306/yibao', false);
    expect(options).not.toHaveProperty('driver');
    expect(options).toMatchObject({ url: 'mysql://u:p@db:3306/yibao' });
  });

  it('should give TypeORM a driver whose pool fails over, and a URL with one host', () => {
    const options = databaseOptions('mysql://u:p@g1:3306,g2:3306/yibao', false);
    expect(options).toMatchObject({ url: 'mysql://u:p@g1:3306/yibao', connectorPackage: 'mysql2' });
    const driver = (options as { driver: { createPool(o: object): FailoverPool } }).driver;
    const pool = driver.createPool({ user: 'u', database: 'yibao' });
    expect(pool).toBeInstanceOf(FailoverPool);
    pool.end();
  });

  it('should answer NO_DATABASE_NODE, naming each node, when none can be reached', async () => {
    // Ports 1 and 2 on this machine refuse connections.
    const pool = new FailoverPool(
      parseDatabaseHosts('127.0.0.1:1,127.0.0.1:2'),
      { user: 'u', connectTimeout: 1000 },
      { sessionInit: 'SELECT 1' },
    );
    const error = await new Promise<Error & { code?: string }>((resolve) =>
      pool.getConnection((e) => resolve(e!)),
    );
    expect(error.code).toBe('NO_DATABASE_NODE');
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).toContain('127.0.0.1:2');
    await new Promise((r) => pool.end(r));
  });
});
