import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Actor } from '../engine/actor';
import { QUEUE_BOARD_PATH, QueueBoard } from './queue-board.service';

/**
 * `POST /api/v1/admin/queues-session` (ADMIN, Bearer token): sets the cookie of a short-lived
 * queue-board session that lets the browser open the queue dashboard at /admin/queues.
 */
export class QueueBoardSession {
  @ApiProperty({ example: '/admin/queues' }) url!: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class QueueBoardController {
  constructor(private readonly board: QueueBoard) {}

  @Post('queues-session')
  @HttpCode(200)
  @Roles('ADMIN')
  @ApiOperation({
    operationId: 'openQueueBoardSession',
    summary: 'Set the cookie that opens the queue dashboard (/admin/queues)',
  })
  @ApiOkResponse({ type: QueueBoardSession })
  @ApiProblems(403)
  async session(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ): Promise<QueueBoardSession> {
    // A short-lived session of the board's own, never the API token itself.
    const cookie = await this.board.sessionCookie(actor, request.protocol === 'https');
    void reply.header('set-cookie', cookie);
    return { url: QUEUE_BOARD_PATH };
  }
}
