import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  create(@Body() dto: CreateInspectionPlanDto, @CurrentActor() actor: Actor): Promise<PlanView> {
    return this.inspections.createPlan(dto, actor);
  }

  @Get()
  @Roles('MANAGER', 'CASEWORKER', 'INSPECTOR', 'LEGAL', 'AUDITOR', 'ADMIN')
  list(@Query() q: PageQuery): Promise<Page<PlanView>> {
    return this.inspections.listPlans(q);
  }

  @Get(':id')
  @Roles('MANAGER', 'CASEWORKER', 'INSPECTOR', 'LEGAL', 'AUDITOR', 'ADMIN')
  get(@Param('id') id: string): Promise<PlanView> {
    return this.inspections.getPlan(id);
  }

  @Post(':id/draw')
  @Roles('MANAGER')
  @HttpCode(201)
  draw(
    @Param('id') id: string,
    @Body() dto: DrawDto,
    @CurrentActor() actor: Actor,
  ): Promise<DrawView> {
    return this.inspections.draw(id, dto.seed, actor);
  }

  @Get(':id/draw')
  getDraw(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<DrawView> {
    return this.inspections.getDraw(id, actor);
  }

  @Post(':id/verify-draw')
  @HttpCode(200)
  verify(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ matches: boolean; mismatches: string[]; algorithm: string }> {
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
  results(@Query() q: PublicResultsQuery): Promise<Page<PublicResultView>> {
    return this.inspections.publicResults(q);
  }

  /** The published draw (seed, algorithm, weights, canonical lists and hashes, result). */
  @Get('inspection-plans/:id/draw')
  draw(@Param('id') id: string): Promise<DrawView> {
    return this.inspections.getDraw(id, null);
  }

  @Post('inspection-plans/:id/verify-draw')
  @HttpCode(200)
  verify(
    @Param('id') id: string,
  ): Promise<{ matches: boolean; mismatches: string[]; algorithm: string }> {
    return this.inspections.verifyDraw(id, null);
  }
}
