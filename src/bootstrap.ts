import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import { JwtService } from '@nestjs/jwt';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { PROBLEM_BASE } from './common/errors/problem-details.filter';
import { createValidationPipe } from './common/errors/validation';
import { acceptsCsv, isStreamedBodyRoute, readTextBody } from './common/streamed-body';
import { httpRequestDuration } from './metrics/metrics';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** Request bodies above this are refused with 413 (uploads get their own limit). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** CSV imports (a `text/csv` body or a multipart file): a directory of ~100,000 rows. */
export const UPLOAD_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Fastify's `trustProxy`: only the configured proxies (TRUSTED_PROXIES, validated with the rest
 * of the environment), never "any hop": otherwise anyone sets X-Forwarded-For and is a new client.
 */
export function trustedProxies(value: string | undefined): string[] | false {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return list.length > 0 ? list : false;
}

/**
 * A `text/csv` body (an import, up to 16 MiB) is read only by the routes that import one, and
 * only for a caller with a valid token: checked in `onRequest`, before a byte of the body is
 * read, so nobody makes the service buffer megabytes without an account or on a route that
 * never wanted them (the guard still checks the user and roles afterwards).
 */
function guardCsvBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const jwt = app.get(JwtService, { strict: false });
  const problem = (status: number, slug: string, title: string, detail: string) => ({
    type: `${PROBLEM_BASE}/${slug}`,
    title,
    status,
    detail,
  });
  fastify.addHook('onRequest', async (request, reply) => {
    const type = String(request.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('text/csv')) {
      return;
    }
    if (!acceptsCsv(request)) {
      return reply
        .code(415)
        .type('application/problem+json')
        .send({
          ...problem(
            415,
            'unsupported-media-type',
            'Unsupported media type',
            'This route takes no text/csv body.',
          ),
          errors: [{ field: 'Content-Type', message: 'must not be text/csv on this route' }],
        });
    }
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    const valid =
      scheme === 'Bearer' && token
        ? await jwt.verifyAsync(token).then(
            () => true,
            () => false,
          )
        : false;
    if (!valid) {
      return reply
        .code(401)
        .type('application/problem+json')
        .send(
          problem(
            401,
            'unauthenticated',
            'Authentication required',
            'A CSV import needs a valid Bearer token.',
          ),
        );
    }
  });
}

/** Routes anyone may call without an account: rate-limited per client address. */
export const PUBLIC_PREFIX = '/api/v1/public/';

/**
 * The public routes (results, notices, re-running a draw: no account needed) are rate-limited
 * per client address (`PUBLIC_RATE_LIMIT_PER_MINUTE`, default 60; each process counts its own):
 * 429 with Retry-After as a problem document. Signed-in routes are not: they have accounts.
 */
async function limitPublicRoutes(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyRateLimit, { global: false });
  const fastify = app.getHttpAdapter().getInstance();
  const perMinute = Number(process.env.PUBLIC_RATE_LIMIT_PER_MINUTE || 60);
  const limiter = fastify.rateLimit({
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(PUBLIC_PREFIX)) {
      return;
    }
    try {
      await limiter.call(fastify, request, reply);
    } catch {
      const retryAfter = Number(reply.getHeader('retry-after') ?? 60);
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .type('application/problem+json')
        .send({
          type: `${PROBLEM_BASE}/rate-limited`,
          title: 'Too many requests',
          status: 429,
          detail: `At most ${perMinute} public requests a minute from one address: try again in ${retryAfter} s.`,
        });
    }
  });
}

/** Builds the application (HTTP and, by ROLE, the worker) without listening: main and tests share it. */
export async function createApp(): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustedProxies(process.env.TRUSTED_PROXIES),
    // A body that trickles in is cut off (408) instead of holding a socket and its work for ever.
    requestTimeout: Number(process.env.REQUEST_TIMEOUT_MS ?? 120_000),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  guardCsvBodies(app);
  // CSV imports: a raw `text/csv` body arrives as a string (as a stream on @StreamedBody()
  // routes, which set their own limit); a multipart upload as one file.
  fastify.addContentTypeParser('text/csv', (request, payload, done) => {
    if (isStreamedBodyRoute(request)) {
      done(null, payload);
      return;
    }
    readTextBody(payload, request.headers['content-length'], UPLOAD_LIMIT_BYTES).then(
      (text) => done(null, text),
      (e: Error) => done(e, undefined),
    );
  });
  await limitPublicRoutes(app);
  await app.register(fastifyMultipart, {
    limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1, fields: 10 },
    throwFileSizeLimit: true,
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app));
  return app;
}
