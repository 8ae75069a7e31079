import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: CaseView })
  assign(
    @Param('id') id: string,
    @Body() dto: AssignCaseDto,
    @CurrentActor() actor: Actor,
  ): Promise<CaseView> {
    return this.assignments.assign(id, dto, actor);
  }

  /** The caller's assignment notices, newest first. */
  @Get('assignment-notices')
  notices(
    @Query() q: NoticeQuery,
    @CurrentActor() actor: Actor,
  ): Promise<Page<AssignmentNoticeView>> {
    return this.assignments.notices(actor, q);
  }

  @Post('assignment-notices/:id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: AssignmentNoticeView })
  read(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<AssignmentNoticeView> {
    return this.assignments.markRead(id, actor);
  }

  /** Open and overdue cases per caseworker (and any other holder), and the unassigned ones. */
  @Get('workload')
  @Roles('MANAGER', 'AUDITOR', 'ADMIN')
  @ApiOkResponse({ type: WorkloadView })
  workload(): Promise<WorkloadView> {
    return this.assignments.workload();
  }
}
