import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenClaims } from '../auth/auth.guard';
import { JOBS } from '../queue/jobs';
import { QueueService } from '../queue/queue.service';
import { UsersService } from '../users/users.service';

export const QUEUE_BOARD_PATH = '/admin/queues';
/** The cookie the dashboard sets for an ADMIN (POST /api/v1/admin/queues-session). */
export const QUEUE_BOARD_COOKIE = 'yibao_queues';

/** The value of one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return undefined;
}

/**
 * bull-board at /admin/queues for operators (ADMIN only): every queue of JOBS, its waiting,
 * delayed, failed and completed jobs. It is a browser page whose own requests carry no
 * Authorization header, so the same JWT is accepted from the `yibao_queues` cookie (HttpOnly,
 * SameSite=Strict, path /admin/queues) as well as from `Authorization: Bearer`.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  private readonly logger = new Logger(QueueBoard.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: QueueService,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const board = new FastifyAdapter();
    board.setBasePath(QUEUE_BOARD_PATH);
    const names = [...new Set<string>(Object.values(JOBS).map((j) => j.queue))].sort();
    createBullBoard({
      queues: names.map((name) => new BullMQAdapter(this.queues.queue(name))),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'yibao-flow 队列' } },
    });
    void fastify.register(
      async (scope) => {
        scope.addHook('onRequest', async (request, reply) => this.authorize(request, reply));
        await scope.register(board.registerPlugin());
      },
      { prefix: QUEUE_BOARD_PATH },
    );
  }

  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const [scheme, bearer] = (request.headers.authorization ?? '').split(' ');
    const token =
      scheme === 'Bearer' && bearer
        ? bearer
        : cookieValue(request.headers.cookie, QUEUE_BOARD_COOKIE);
    const refuse = (status: number, detail: string): FastifyReply =>
      reply
        .code(status)
        .type('application/problem+json')
        .send({
          type: `https://yibao-flow.example/problems/${status === 401 ? 'unauthenticated' : 'forbidden'}`,
          title: status === 401 ? 'Authentication required' : 'Not permitted',
          status,
          detail,
        });
    if (!token) {
      return void refuse(
        401,
        'Sign in at / as an ADMIN and open 队列监控, or send Authorization: Bearer <token>.',
      );
    }
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      return void refuse(401, 'The token is invalid or expired.');
    }
    const user = await this.users.findActive(claims.sub).catch((e: Error) => {
      this.logger.warn(`queue board: ${e.message}`);
      return null;
    });
    if (!user || user.tokenVersion !== claims.tv) {
      return void refuse(401, 'The token is no longer valid.');
    }
    if (!user.roles.includes('ADMIN')) {
      return void refuse(403, 'The queue dashboard is for ADMIN users.');
    }
  }
}
