import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths that belong to the service itself: never answered with the web app's index.html. */
export const NON_SPA_PREFIXES = ['/api/', '/docs', '/health', '/metrics', '/admin/queues'];

/** Vite names every built asset by its content hash, so a year's caching is safe for them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: browsers revalidate it on every visit. */
const NO_CACHE = 'no-cache';
/**
 * antd writes its styles at run time (CSS-in-JS), hence 'unsafe-inline' for styles only;
 * scripts come from this origin alone.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** The project root: the nearest directory above this file holding package.json (src/ or dist/src/). */
function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) {
    dir = dirname(dir);
  }
  return dir;
}

/** Where `npm run build` (vite build) writes the web app; WEB_DIST overrides it. */
export function webDistDirectory(): string {
  return process.env.WEB_DIST ?? join(projectRoot(__dirname), 'dist', 'web');
}

/** A browser navigating to an SPA route (not a script asking the API for JSON). */
export function isSpaNavigation(url: string, accept: string | undefined): boolean {
  const path = url.split('?')[0];
  if (NON_SPA_PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))) {
    return false;
  }
  // An asset that is not there is a 404, not the app.
  if (path.startsWith('/assets/')) {
    return false;
  }
  return (accept ?? '').includes('text/html');
}

/**
 * The workbench (web/, built to dist/web) served at `/` (工作台): hashed assets cached for a
 * year, index.html revalidated, and every other GET from a browser under a non-API path
 * answered with index.html so the app's router shows the page. Everything else falls through
 * to Nest's 404 problem document.
 */
@Injectable()
export class WebAppService implements OnModuleInit {
  private readonly logger = new Logger(WebAppService.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const root = webDistDirectory();
    if (!existsSync(join(root, 'index.html'))) {
      this.logger.warn(`web app not built (${root}/index.html missing): run npm run build`);
      return;
    }
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        // One route per built file (read at start-up), so the catch-all below can be ours.
        wildcard: false,
        index: false,
        cacheControl: false,
        setHeaders: (reply, path) => {
          void reply.header('cache-control', path.includes('/assets/') ? IMMUTABLE : NO_CACHE);
        },
      });
      const sendIndex = (reply: FastifyReply): FastifyReply =>
        reply
          .header('cache-control', NO_CACHE)
          .header('content-security-policy', CSP)
          .header('x-content-type-options', 'nosniff')
          .sendFile('index.html');
      scope.get('/', (_request, reply) => sendIndex(reply));
      scope.get('/*', (request: FastifyRequest, reply: FastifyReply) =>
        isSpaNavigation(request.url, request.headers.accept)
          ? sendIndex(reply)
          : reply.callNotFound(),
      );
    });
  }
}
