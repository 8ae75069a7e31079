import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError } from './errors/domain-error';

const ACCEPTED_MEDIA_TYPES = 'yibao:acceptedMediaTypes';
const JSON_ONLY: readonly string[] = ['application/json'];
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The body types a route takes besides JSON (CSV, multipart): declared in the OpenAPI document
 * and enforced by MediaTypeGuard from the same list, so the two cannot drift apart.
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
 *
 * A guard, registered after AuthGuard (auth.module.ts), so a caller without a valid token gets 401
 * first. Not an interceptor: with no interceptor at all Nest calls the handler directly, and the
 * Observable chain each interceptor adds (rxjs `defer`, two `AsyncResource.bind` per request) was
 * ~4% of the service's CPU on a transition.
 */
@Injectable()
export class MediaTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
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
    return true;
  }
}
