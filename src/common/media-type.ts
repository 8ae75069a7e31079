import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { DomainError } from './errors/domain-error';

const ACCEPTED_MEDIA_TYPES = 'yibao:acceptedMediaTypes';
const JSON_ONLY: readonly string[] = ['application/json'];
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The body types a route takes besides JSON (CSV, multipart): declared in the OpenAPI document
 * and enforced by MediaTypeInterceptor from the same list, so the two cannot drift apart.
 */
export function Consumes(...types: string[]): MethodDecorator {
  return applyDecorators(ApiConsumes(...types), SetMetadata(ACCEPTED_MEDIA_TYPES, types));
}

/** The media type of a Content-Type header, without parameters (`; charset=utf-8`). */
export function mediaTypeOf(header: string): string {
  return header.split(';')[0].trim().toLowerCase();
}

/**
 * 415 for a body of a type the route does not take (docs/api.md "Conventions"): `text/plain` sent
 * to a JSON endpoint is refused as such, not validated as a string that lacks every field.
 */
@Injectable()
export class MediaTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['content-type'];
    if (header !== undefined && WITH_BODY.has(request.method)) {
      const accepted =
        this.reflector.get<string[] | undefined>(ACCEPTED_MEDIA_TYPES, context.getHandler()) ??
        JSON_ONLY;
      const type = mediaTypeOf(header);
      if (!accepted.includes(type)) {
        throw new DomainError(
          'UNSUPPORTED_MEDIA_TYPE',
          `This endpoint takes ${accepted.join(', ')}, not ${type}.`,
          { errors: [{ field: 'Content-Type', message: `must be ${accepted.join(' or ')}` }] },
        );
      }
    }
    return next.handle();
  }
}
