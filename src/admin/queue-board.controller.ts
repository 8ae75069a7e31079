import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '../auth/decorators';
import { QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH } from './queue-board.service';

/**
 * `POST /api/v1/admin/queues-session` (ADMIN, Bearer token): sets the cookie that lets the
 * browser open the queue dashboard at /admin/queues with the same token.
 */
export class QueueBoardSession {
  @ApiProperty({ example: '/admin/queues' }) url!: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class QueueBoardController {
  @Post('queues-session')
  @HttpCode(200)
  @Roles('ADMIN')
  @ApiOperation({
    operationId: 'openQueueBoardSession',
    summary: 'Set the cookie that opens the queue dashboard (/admin/queues)',
  })
  @ApiOkResponse({ type: QueueBoardSession })
  @ApiProblems(403)
  session(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): QueueBoardSession {
    const token = (request.headers.authorization ?? '').split(' ')[1] ?? '';
    const secure = request.protocol === 'https' ? '; Secure' : '';
    void reply.header(
      'set-cookie',
      `${QUEUE_BOARD_COOKIE}=${encodeURIComponent(token)}; Path=${QUEUE_BOARD_PATH}; HttpOnly; SameSite=Strict${secure}`,
    );
    return { url: QUEUE_BOARD_PATH };
  }
}
