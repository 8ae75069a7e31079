import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import type { Actor } from './actor';
import { CaseQueryService } from './case-query.service';
import { CasesService } from './cases.service';
import {
  CaseEventBody,
  CaseEventView,
  CaseListQuery,
  CaseStatsRow,
  CaseView,
  ChainVerification,
  TasksQuery,
} from './dto/case.dto';

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
  @ApiOkResponse({ type: CaseView })
  @ApiProblems(404)
  get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.query.getCase(id, actor);
  }

  @Post('cases/:id/events')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'sendCaseEvent',
    summary: 'Send an event to a case (ACCEPT, VERIFY, APPROVE, …): the next state',
  })
  @ApiProblems(400, 403, 404, 409, 422)
  @ApiBody({ type: CaseEventBody })
  @ApiOkResponse({ type: CaseView })
  sendEvent(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<CaseView> {
    return this.cases.sendEvent(id, body, actor, ifMatch);
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

  @Get('tasks')
  @ApiOperation({
    operationId: 'listTasks',
    summary: 'The caller’s task inbox: cases waiting on them (待办)',
  })
  @ApiOkResponse({ type: PageOf(CaseView) })
  @ApiProblems(400)
  tasks(@Query() q: TasksQuery, @CurrentActor() actor: Actor): Promise<Page<CaseView>> {
    return this.query.tasks(actor, q.page, q.pageSize, q.assignee);
  }
}
