import type { Readable } from 'node:stream';
import { RouteConfig } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyRequest } from 'fastify';

const STREAMED_BODY = 'yibaoStreamedBody';
const ACCEPTS_CSV = 'yibaoAcceptsCsv';

// The two route flags, set by the decorators below, typed on Fastify's route config.
declare module 'fastify' {
  interface FastifyContextConfig {
    [STREAMED_BODY]?: boolean;
    [ACCEPTS_CSV]?: boolean;
  }
}

/**
 * The route reads a `text/csv` body as it arrives: `request.body` is the raw request stream, not a
 * string, so an import of millions of rows never sits in memory whole. Other routes get the text.
 */
export const StreamedBody = (): MethodDecorator => RouteConfig({ [STREAMED_BODY]: true });

export function isStreamedBodyRoute(request: FastifyRequest): boolean {
  return request.routeOptions.config?.[STREAMED_BODY] === true;
}

/** The route imports a `text/csv` body read whole (a streamed route accepts CSV too). */
export const AcceptsCsv = (): MethodDecorator => RouteConfig({ [ACCEPTS_CSV]: true });

/** Does this route take a `text/csv` body at all? Every other route refuses one unread (415). */
export function acceptsCsv(request: FastifyRequest): boolean {
  return request.routeOptions.config?.[ACCEPTS_CSV] === true || isStreamedBodyRoute(request);
}

/** The whole body as UTF-8 text, refused with Fastify's own 413 past `limit` bytes. */
export function readTextBody(
  payload: Readable,
  declaredLength: string | undefined,
  limit: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(declaredLength) > limit) {
      payload.resume();
      reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        payload.off('data', onData);
        payload.resume(); // discard the rest
        reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      chunks.push(chunk);
    };
    payload.on('data', onData);
    payload.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    payload.once('error', (e: Error & { statusCode?: number }) => {
      e.statusCode ??= 400;
      reject(e);
    });
  });
}
