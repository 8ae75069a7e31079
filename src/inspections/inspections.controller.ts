import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import {
  DrawVerification,
  InspectionDrawView,
  InspectionPlanView,
  PublicInspectionResult,
} from './dto/inspection.view';
import { CurrentActor, Public, Roles } from '../auth/decorators';
import { PageQuery, type Page } from '../common/pagination/pagination.dto';
import type { Actor } from '../engine/actor';
import { CreateInspectionPlanDto, DrawDto, PublicResultsQuery } from './dto/inspection.dto';
import {
  type DrawView,
  InspectionsService,
  type PlanView,
  type PublicResultView,
} from './inspections.service';

@ApiTags('inspections')
@ApiBearerAuth()
@Controller('api/v1/inspection-plans')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Post()
  @Roles('MANAGER')
  @ApiOperation({
    operationId: 'createInspectionPlan',
    summary: 'Create an inspection plan (检查计划)',
  })
  @ApiCreatedResponse({ type: InspectionPlanView })
  @ApiProblems(400, 403)
  create(@Body() dto: CreateInspectionPlanDto, @CurrentActor() actor: Actor): Promise<PlanView> {
    return this.inspections.createPlan(dto, actor);
  }

  @Get()
  @Roles('MANAGER', 'CASEWORKER', 'INSPECTOR', 'LEGAL', 'AUDITOR', 'ADMIN')
  @ApiOperation({
    operationId: 'listInspectionPlans',
    summary: 'The inspection plans, newest first',
  })
  @ApiOkResponse({ type: PageOf(InspectionPlanView) })
  @ApiProblems(400, 403)
  list(@Query() q: PageQuery): Promise<Page<PlanView>> {
    return this.inspections.listPlans(q);
  }

  @Get(':id')
  @Roles('MANAGER', 'CASEWORKER', 'INSPECTOR', 'LEGAL', 'AUDITOR', 'ADMIN')
  @ApiOperation({ operationId: 'getInspectionPlan', summary: 'One inspection plan' })
  @ApiOkResponse({ type: InspectionPlanView })
  @ApiProblems(403, 404)
  get(@Param('id') id: string): Promise<PlanView> {
    return this.inspections.getPlan(id);
  }

  @Post(':id/draw')
  @Roles('MANAGER')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'drawInspection',
    summary: 'Draw institutions and teams at random (双随机): one inspection case each',
  })
  @ApiCreatedResponse({ type: InspectionDrawView })
  @ApiProblems(400, 403, 404, 409, 422)
  draw(
    @Param('id') id: string,
    @Body() dto: DrawDto,
    @CurrentActor() actor: Actor,
  ): Promise<DrawView> {
    return this.inspections.draw(id, dto.seed, actor);
  }

  @Get(':id/draw')
  @ApiOperation({ operationId: 'getInspectionDraw', summary: 'A plan’s draw with its full record' })
  @ApiOkResponse({ type: InspectionDrawView })
  @ApiProblems(403, 404)
  getDraw(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<DrawView> {
    return this.inspections.getDraw(id, actor);
  }

  @Post(':id/verify-draw')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyInspectionDraw',
    summary: 'Re-run a plan’s draw and compare',
  })
  @ApiOkResponse({ type: DrawVerification })
  @ApiProblems(403, 404)
  verify(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<DrawVerification> {
    return this.inspections.verifyDraw(id, actor);
  }
}

/** 一公开: what anyone may read without an account. */
@ApiTags('public')
@Public()
@Controller('api/v1/public')
export class PublicInspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Get('inspection-results')
  @ApiOperation({
    operationId: 'listPublicInspectionResults',
    summary: 'Published inspection results (一公开); no token',
  })
  @ApiOkResponse({ type: PageOf(PublicInspectionResult) })
  @ApiProblems(400)
  results(@Query() q: PublicResultsQuery): Promise<Page<PublicResultView>> {
    return this.inspections.publicResults(q);
  }

  /** The published draw (seed, algorithm, weights, canonical lists and hashes, result). */
  @Get('inspection-plans/:id/draw')
  @ApiOperation({ operationId: 'getPublicInspectionDraw', summary: 'A published draw; no token' })
  @ApiOkResponse({ type: InspectionDrawView })
  @ApiProblems(404)
  draw(@Param('id') id: string): Promise<DrawView> {
    return this.inspections.getDraw(id, null);
  }

  @Post('inspection-plans/:id/verify-draw')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyPublicInspectionDraw',
    summary: 'Re-run a published draw and compare; no token',
  })
  @ApiOkResponse({ type: DrawVerification })
  @ApiProblems(404)
  verify(@Param('id') id: string): Promise<DrawVerification> {
    return this.inspections.verifyDraw(id, null);
  }
}
