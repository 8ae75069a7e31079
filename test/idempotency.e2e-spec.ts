import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../src/engine/actor';
import { CaseEngine } from '../src/engine/case-engine.service';
import { IdempotencyService } from '../src/common/idempotency/idempotency.service';
import { DomainError } from '../src/common/errors/domain-error';
import { testFixtureWorkflow } from './fixtures/test-fixture.workflow';
import { startTestApp, type TestApp } from './support/test-app';

describe('idempotency keys (real MariaDB)', () => {
  let t: TestApp;
  let idempotency: IdempotencyService;
  let engine: CaseEngine;

  beforeAll(async () => {
    t = await startTestApp({ workflows: [testFixtureWorkflow] });
    idempotency = t.app.get(IdempotencyService);
    engine = t.app.get(CaseEngine);
  });

  afterAll(async () => {
    await t?.close();
  });

  const body = {
    applicant: { name: '赵六', idNumber: '110105194912310029', phone: '13812345678' },
  };
  const createCase =
    (input: typeof body) => async (m: Parameters<Parameters<IdempotencyService['run']>[2]>[0]) =>
      (
        await engine.openCase({
          type: 'test-fixture',
          input,
          actor: SYSTEM,
          streetCode: '330106001',
          manager: m,
        })
      ).id;

  async function countCases(): Promise<number> {
    const [{ n }] = await t.app
      .get(DataSource)
      .query("SELECT COUNT(*) AS n FROM cases WHERE type = 'test-fixture'");
    return Number(n);
  }

  it('should create one case for concurrent retries with one key, and give all of them that case', async () => {
    const before = await countCases();
    const scope = { userId: 'u1', endpoint: 'POST /test', key: 'retry-key-1' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => idempotency.run(scope, body, createCase(body))),
    );
    expect(new Set(results.map((r) => r.resourceId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await countCases()).toBe(before + 1);
  });

  it('should write the key with the id its creation planned, and give concurrent retries that case', async () => {
    const before = await countCases();
    const scope = { userId: 'u1', endpoint: 'POST /test', key: 'planned-key-1' };
    // Each retry plans an id of its own, as a request does: only the one that creates keeps it.
    const results = await Promise.all(
      Array.from({ length: 4 }, () => {
        const planned = randomUUID();
        return idempotency.run(
          scope,
          body,
          async (m) =>
            (
              await engine.openCase({
                id: planned,
                type: 'test-fixture',
                input: body,
                actor: SYSTEM,
                streetCode: '330106001',
                manager: m,
              })
            ).id,
          planned,
        );
      }),
    );
    expect(new Set(results.map((r) => r.resourceId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await countCases()).toBe(before + 1);
    const [key] = await t.app
      .get(DataSource)
      .query(
        'SELECT resource_id FROM idempotency_keys WHERE user_id = ? AND endpoint = ? AND `key` = ?',
        ['u1', 'POST /test', 'planned-key-1'],
      );
    expect(key.resource_id).toBe(results[0].resourceId);
    const [opened] = await t.app
      .get(DataSource)
      .query('SELECT id FROM cases WHERE id = ?', [results[0].resourceId]);
    expect(opened).toBeDefined();
  });

  it('should still record the id created when it is not the one planned', async () => {
    const scope = { userId: 'u1', endpoint: 'POST /test', key: 'planned-key-2' };
    const first = await idempotency.run(scope, body, createCase(body), randomUUID());
    const again = await idempotency.run(scope, body, createCase(body), randomUUID());
    expect(again).toEqual({ resourceId: first.resourceId, replayed: true });
  });

  it('should answer the same key with a different body with an idempotency mismatch', async () => {
    const scope = { userId: 'u1', endpoint: 'POST /test', key: 'key-2' };
    await idempotency.run(scope, body, createCase(body));
    const other = { applicant: { ...body.applicant, name: '钱七' } };
    await expect(idempotency.run(scope, other, createCase(other))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_MISMATCH',
    });
  });

  it('should compare bodies canonically (key order does not matter)', async () => {
    const scope = { userId: 'u1', endpoint: 'POST /test', key: 'key-3' };
    const first = await idempotency.run(scope, { a: 1, b: { c: 2, d: 3 } }, createCase(body));
    const again = await idempotency.run(scope, { b: { d: 3, c: 2 }, a: 1 }, createCase(body));
    expect(again).toEqual({ resourceId: first.resourceId, replayed: true });
  });

  it('should scope keys per user and endpoint', async () => {
    const a = await idempotency.run(
      { userId: 'u1', endpoint: 'POST /test', key: 'shared' },
      body,
      createCase(body),
    );
    const b = await idempotency.run(
      { userId: 'u2', endpoint: 'POST /test', key: 'shared' },
      body,
      createCase(body),
    );
    const c = await idempotency.run(
      { userId: 'u1', endpoint: 'POST /other', key: 'shared' },
      body,
      createCase(body),
    );
    expect(new Set([a.resourceId, b.resourceId, c.resourceId]).size).toBe(3);
  });

  it('should leave no key behind when the creation fails, so a retry can succeed', async () => {
    const scope = { userId: 'u1', endpoint: 'POST /test', key: 'fails-first' };
    await expect(
      idempotency.run(scope, body, () =>
        Promise.reject(DomainError.validation([{ field: 'x', message: 'bad' }])),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const ok = await idempotency.run(scope, body, createCase(body));
    expect(ok.replayed).toBe(false);
  });

  it('should require a well-formed key', async () => {
    await expect(
      idempotency.run(
        { userId: 'u1', endpoint: 'POST /test', key: undefined },
        body,
        createCase(body),
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: { errors: [expect.objectContaining({ field: 'Idempotency-Key' })] },
    });
  });

  it('should purge expired keys and keep live ones', async () => {
    const live = { userId: 'u9', endpoint: 'POST /test', key: 'live' };
    await idempotency.run(live, body, createCase(body));
    const ds = t.app.get(DataSource);
    await ds.query(
      "INSERT INTO idempotency_keys (user_id, endpoint, `key`, request_hash, resource_id, created_at, expires_at) VALUES ('u9', 'POST /test', 'old', ?, 'x', ?, ?)",
      ['0'.repeat(64), new Date(Date.now() - 2 * 86400000), new Date(Date.now() - 86400000)],
    );
    expect(await idempotency.purgeExpired()).toBe(1);
    const rows: Array<{ key: string }> = await ds.query(
      "SELECT `key` FROM idempotency_keys WHERE user_id = 'u9'",
    );
    expect(rows.map((r) => r.key)).toEqual(['live']);
  });
});
