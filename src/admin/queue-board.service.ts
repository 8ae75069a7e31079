import { createHmac } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenClaims } from '../auth/auth.guard';
import { DomainError } from '../common/errors/domain-error';
import type { Environment } from '../config/environment';
import type { Actor } from '../engine/actor';
import { JOBS } from '../queue/jobs';
import { QueueService } from '../queue/queue.service';
import { UsersService } from '../users/users.service';

export const QUEUE_BOARD_PATH = '/admin/queues';
/** The cookie the dashboard sets for an ADMIN (POST /api/v1/admin/queues-session). */
export const QUEUE_BOARD_COOKIE = 'yibao_queues';

/** How long a queue-board session lasts (its cookie and its token): 15 minutes. */
export const QUEUE_BOARD_SESSION_SECONDS = 900;

/** The value of one cookie from a Cookie header; undefined when absent or malformed. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined; // a malformed %-escape is no session (401), never a 500
      }
    }
  }
  return undefined;
}

/** The claims of a queue-board session token: an API token's, and what it is for. */
interface BoardClaims extends TokenClaims {
  scope: 'queue-board';
}

/**
 * bull-board at /admin/queues for operators (ADMIN only): every queue of JOBS, its waiting,
 * delayed, failed and completed jobs. It is a browser page whose own requests carry no
 * Authorization header: `POST /api/v1/admin/queues-session` gives it a session of its own, a
 * short-lived token (15 minutes) signed with a key derived for the board alone, in the
 * `yibao_queues` cookie (HttpOnly, SameSite=Strict, Max-Age, path /admin/queues). The cookie is
 * useless as an API token (the API's key does not verify it) and the API token never sits in a
 * cookie. `Authorization: Bearer <API token>` works too.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  private readonly logger = new Logger(QueueBoard.name);

  private readonly boardKey: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: QueueService,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    config: ConfigService<Environment, true>,
  ) {
    // A key of the board's own, derived from JWT_SECRET: one secret to configure, two audiences.
    this.boardKey = createHmac('sha256', config.get('JWT_SECRET', { infer: true }))
      .update('yibao-flow queue-board session')
      .digest('hex');
  }

  /** The Set-Cookie value of a fresh board session for this (ADMIN) user. */
  async sessionCookie(actor: Actor, secure: boolean): Promise<string> {
    const user = await this.users.findActive(actor.id);
    if (!user) {
      throw new DomainError('UNAUTHENTICATED', 'The user is no longer active.');
    }
    const claims: BoardClaims = { sub: user.id, tv: user.tokenVersion, scope: 'queue-board' };
    const token = await this.jwt.signAsync(claims, {
      secret: this.boardKey,
      expiresIn: QUEUE_BOARD_SESSION_SECONDS,
    });
    return (
      `${QUEUE_BOARD_COOKIE}=${encodeURIComponent(token)}; Path=${QUEUE_BOARD_PATH}; ` +
      `Max-Age=${QUEUE_BOARD_SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
    );
  }

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
    const fromHeader = scheme === 'Bearer' && bearer ? bearer : undefined;
    const token = fromHeader ?? cookieValue(request.headers.cookie, QUEUE_BOARD_COOKIE);
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
      // A header carries an API token; the cookie only a board session (its own key and scope).
      claims = fromHeader
        ? await this.jwt.verifyAsync<TokenClaims>(token)
        : await this.jwt.verifyAsync<BoardClaims>(token, { secret: this.boardKey });
      if (!fromHeader && (claims as Partial<BoardClaims>).scope !== 'queue-board') {
        throw new Error('not a board session');
      }
    } catch {
      return void refuse(
        401,
        'The session is invalid or expired: open 队列监控 on /dashboard again.',
      );
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
