import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import type { Actor } from './actor';
import { CaseQueryService } from './case-query.service';
import { CasesService } from './cases.service';
import {
  CaseEventView,
  CaseListQuery,
  CaseStatsRow,
  CaseView,
  ChainVerification,
  TasksQuery,
} from './dto/case.dto';

/** A case's version is its entity tag: send it back as If-Match with the next event. */
const ETAG_HEADER = {
  ETag: {
    description: 'The case version, quoted (e.g. "3"): the If-Match of the next event.',
    schema: { type: 'string', example: '"3"' },
  },
};

function withETag(reply: FastifyReply, view: CaseView): CaseView {
  void reply.header('ETag', `"${view.version}"`);
  return view;
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly query: CaseQueryService,
  ) {}

  @Get('cases')
  @ApiOperation({
    operationId: 'listCases',
    summary: 'List the cases the caller may see (案件列表)',
  })
  @ApiOkResponse({ type: PageOf(CaseView) })
  @ApiProblems(400)
  list(@Query() q: CaseListQuery, @CurrentActor() actor: Actor): Promise<Page<CaseView>> {
    return this.query.list(q, actor);
  }

  /** Open and overdue counts per workflow and state (declared before `cases/:id`). */
  @Get('cases/stats')
  @ApiOperation({
    operationId: 'getCaseStats',
    summary: 'Open and overdue counts per workflow and state',
  })
  @ApiOkResponse({ type: [CaseStatsRow] })
  stats(@CurrentActor() actor: Actor): Promise<CaseStatsRow[]> {
    return this.query.stats(actor);
  }

  @Get('cases/:id')
  @ApiOperation({ operationId: 'getCase', summary: 'One case with its data and allowed events' })
  @ApiOkResponse({ type: CaseView, headers: ETAG_HEADER })
  @ApiProblems(404)
  async get(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseView> {
    return withETag(reply, await this.query.getCase(id, actor));
  }

  /** The body is one of the workflow's events (schema `CaseEvent`, added by src/openapi). */
  @Post('cases/:id/events')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'sendCaseEvent',
    summary: 'Send an event to a case (ACCEPT, VERIFY, APPROVE, …): the next state',
  })
  @ApiProblems(400, 403, 404, 409, 422)
  @ApiBody({ schema: { $ref: '#/components/schemas/CaseEvent' } })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The case version the event is meant for (its ETag, e.g. "3"; 3 is accepted too): ' +
      'when the case has moved on, 409 /version-conflict and nothing is applied.',
    schema: { type: 'string', pattern: '^(W/)?("\\d{1,9}"|\\d{1,9})$', example: '"3"' },
  })
  @ApiOkResponse({ type: CaseView, headers: ETAG_HEADER })
  async sendEvent(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseView> {
    return withETag(reply, await this.cases.sendEvent(id, body, actor, ifMatch));
  }

  @Get('cases/:id/history')
  @ApiOperation({
    operationId: 'getCaseHistory',
    summary: 'The case’s events, oldest first (历史)',
  })
  @ApiProblems(404)
  @ApiOkResponse({ type: [CaseEventView] })
  history(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseEventView[]> {
    return this.query.history(id, actor);
  }

  @Get('cases/:id/history/verify')
  @ApiOperation({
    operationId: 'verifyCaseHistory',
    summary: 'Recompute the case history’s hash chain',
  })
  @ApiProblems(404)
  @ApiOkResponse({ type: ChainVerification })
  verify(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<ChainVerification> {
    return this.query.verifyHistory(id, actor);
  }

  @Post('cases/:id/claim')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'claimCase',
    summary: 'Take an unassigned case as one’s own (认领)',
  })
  @ApiProblems(403, 404, 409)
  @ApiOkResponse({ type: CaseView })
  claim(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.cases.claim(id, actor);
  }

  /** The assignee gives the case back to the pool (the inbox's 取消认领). */
  @Delete('cases/:id/claim')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'unclaimCase',
    summary: 'Give a claimed case back to the pool (取消认领)',
  })
  @ApiOkResponse({ type: CaseView })
  @ApiProblems(403, 404, 409)
  unclaim(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.cases.unclaim(id, actor);
  }

  @Get('tasks')
  @ApiOperation({
    operationId: 'listTasks',
    summary: 'The caller’s task inbox: cases waiting on them (待办)',
  })
  @ApiOkResponse({ type: PageOf(CaseView) })
  @ApiProblems(400)
  tasks(@Query() q: TasksQuery, @CurrentActor() actor: Actor): Promise<Page<CaseView>> {
    return this.query.tasks(actor, q);
  }
}
