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
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import type { Actor } from './actor';
import { CaseQueryService } from './case-query.service';
import { CasesService } from './cases.service';
import {
  CaseEventBody,
  CaseEventView,
  CaseListQuery,
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
  list(@Query() q: CaseListQuery, @CurrentActor() actor: Actor): Promise<Page<CaseView>> {
    return this.query.list(q, actor);
  }

  /** Open and overdue counts per workflow and state (declared before `cases/:id`). */
  @Get('cases/stats')
  stats(
    @CurrentActor() actor: Actor,
  ): Promise<Array<{ type: string; state: string; open: number; overdue: number }>> {
    return this.query.stats(actor);
  }

  @Get('cases/:id')
  @ApiOkResponse({ type: CaseView })
  get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.query.getCase(id, actor);
  }

  @Post('cases/:id/events')
  @HttpCode(200)
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
  @ApiOkResponse({ type: [CaseEventView] })
  history(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseEventView[]> {
    return this.query.history(id, actor);
  }

  @Get('cases/:id/history/verify')
  @ApiOkResponse({ type: ChainVerification })
  verify(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<ChainVerification> {
    return this.query.verifyHistory(id, actor);
  }

  @Post('cases/:id/claim')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseView })
  claim(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.cases.claim(id, actor);
  }

  /** The assignee gives the case back to the pool (the inbox's 取消认领). */
  @Delete('cases/:id/claim')
  @HttpCode(200)
  @ApiOkResponse({ type: CaseView })
  unclaim(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.cases.unclaim(id, actor);
  }

  @Get('tasks')
  tasks(@Query() q: TasksQuery, @CurrentActor() actor: Actor): Promise<Page<CaseView>> {
    return this.query.tasks(actor, q);
  }
}
