/**
 * `npm run openapi`: writes the OpenAPI document the service serves at `/docs-json` to
 * `docs/openapi.json` (or the path given), and the types a generated client sees to
 * `test/fixtures/typed-client/api.d.ts`, without a database or Redis: the application is
 * built in Nest's preview mode, which reads controllers and DTOs but instantiates nothing.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument } from '../src/openapi/openapi-document';
import { CLIENT_TYPES_FILE, clientTypes } from './openapi-client-types';

// Preview mode connects to nothing, but the configuration check still runs: placeholders only.
const PLACEHOLDER_ENV: Record<string, string> = {
  DATABASE_URL: 'mysql://openapi:openapi@127.0.0.1:1/openapi',
  REDIS_URL: 'redis://127.0.0.1:1/0',
  JWT_SECRET: 'openapi-export-placeholder-secret-0123456789',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'Openapi-export-placeholder-1',
};

async function main(): Promise<void> {
  for (const [key, value] of Object.entries(PLACEHOLDER_ENV)) {
    process.env[key] ??= value;
  }
  const out = resolve(process.argv[2] ?? 'docs/openapi.json');
  const app = await NestFactory.create(AppModule.forRoot(), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  const document = buildOpenApiDocument(app);
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  writeFileSync(CLIENT_TYPES_FILE, await clientTypes(document));
  process.stdout.write(`${out}\n${CLIENT_TYPES_FILE}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
