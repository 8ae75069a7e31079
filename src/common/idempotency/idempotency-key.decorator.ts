import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IDEMPOTENCY_KEY_PATTERN, requireIdempotencyKey } from './idempotency.service';

/**
 * The required `Idempotency-Key` header of a creating request: a 400 naming the header when it
 * is missing or malformed, and declared in the OpenAPI document exactly so (required, pattern).
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string => {
    const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
    return requireIdempotencyKey(typeof header === 'string' ? header : undefined);
  },
  [
    (target, key) => {
      const descriptor =
        key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
      if (key !== undefined && descriptor) {
        ApiHeader({
          name: 'Idempotency-Key',
          required: true,
          description:
            'A unique key per new request (1-128 visible ASCII characters, e.g. a UUID). A retry ' +
            'with the same key and body returns the same resource; with another body, 409.',
          schema: {
            type: 'string',
            minLength: 1,
            maxLength: 128,
            pattern: IDEMPOTENCY_KEY_PATTERN.source,
          },
        })(target, key, descriptor);
      }
    },
  ],
);
