import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import type { Actor } from '../engine/actor';
import { CaseView } from '../engine/dto/case.dto';
import { AssignmentsService } from './assignments.service';
import {
  AssignCaseDto,
  AssignmentNoticeView,
  NoticeQuery,
  WorkloadView,
} from './dto/assignment.dto';

@ApiTags('assignments')
@ApiBearerAuth()
@Controller('api/v1')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  /** A manager assigns (or reassigns, or with `userId: null` releases) a case; logged as ASSIGNED. */
  @Post('cases/:id/assign')
  @HttpCode(200)
  @Roles('MANAGER')
  @ApiOperation({ operationId: 'assignCase', summary: 'Assign, reassign or release a case (分派)' })
  @ApiOkResponse({ type: CaseView })
  @ApiProblems(400, 403, 404, 422)
  assign(
    @Param('id') id: string,
    @Body() dto: AssignCaseDto,
    @CurrentActor() actor: Actor,
  ): Promise<CaseView> {
    return this.assignments.assign(id, dto, actor);
  }

  /** The caller's assignment notices, newest first. */
  @Get('assignment-notices')
  @ApiOperation({
    operationId: 'listAssignmentNotices',
    summary: 'The caller’s assignment notices',
  })
  @ApiOkResponse({ type: PageOf(AssignmentNoticeView) })
  @ApiProblems(400)
  notices(
    @Query() q: NoticeQuery,
    @CurrentActor() actor: Actor,
  ): Promise<Page<AssignmentNoticeView>> {
    return this.assignments.notices(actor, q);
  }

  @Post('assignment-notices/:id/read')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'markAssignmentNoticeRead',
    summary: 'Mark an assignment notice read',
  })
  @ApiOkResponse({ type: AssignmentNoticeView })
  @ApiProblems(404)
  read(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<AssignmentNoticeView> {
    return this.assignments.markRead(id, actor);
  }

  /** Open and overdue cases per caseworker (and any other holder), and the unassigned ones. */
  @Get('workload')
  @Roles('MANAGER', 'AUDITOR', 'ADMIN')
  @ApiOperation({
    operationId: 'getWorkload',
    summary: 'Open and overdue cases per caseworker (工作量)',
  })
  @ApiOkResponse({ type: WorkloadView })
  @ApiProblems(403)
  workload(): Promise<WorkloadView> {
    return this.assignments.workload();
  }
}
