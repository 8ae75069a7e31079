import { applyDecorators, Controller, Get, Param, Query, Res, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import {
  IndicatorReportView,
  OverdueItemView,
  SlaSummaryView,
  StageRecordView,
} from './dto/sla.view';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Actor } from '../engine/actor';
import { CaseQueryService } from '../engine/case-query.service';
import type { Page } from '../common/pagination/pagination.dto';
import { IndicatorQuery, OverdueQuery, type ReportFormat, SummaryQuery } from './dto/sla.dto';
import {
  indicatorSheet,
  overdueSheet,
  type Sheet,
  summaryCsvSheet,
  summarySheets,
  toCsv,
  toXlsx,
} from './report-export';
import {
  type IndicatorReport,
  type OverdueItem,
  type SlaSummary,
  SlaReportsService,
  type StageRecord,
} from './sla-reports.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 200 as JSON (the view), or the same figures as a CSV or XLSX download (`?format=`). */
function ApiReportResponse(view: Type): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(view),
    ApiOkResponse({
      description: 'JSON by default; `?format=csv` or `?format=xlsx` for a download',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(view) } },
        'text/csv': { schema: { type: 'string' } },
        [XLSX]: { schema: { type: 'string', format: 'binary' } },
      },
    }),
  );
}

/**
 * The managers' reports (MANAGER, AUDITOR, ADMIN; a street office gets 403): JSON by default,
 * `?format=csv` or `?format=xlsx` for a download of the same figures.
 */
@ApiTags('sla')
@ApiBearerAuth()
@Roles('MANAGER', 'AUDITOR', 'ADMIN')
@Controller('api/v1/sla')
export class SlaController {
  constructor(
    private readonly reports: SlaReportsService,
    private readonly cases: CaseQueryService,
  ) {}

  /** A case's SLA records: each stage entered, due, left, paused, breached and who held it. */
  @Get('cases/:id/records')
  @ApiOperation({
    operationId: 'getCaseSlaRecords',
    summary: 'A case’s stages: entered, due, left, paused, breached',
  })
  @ApiOkResponse({ type: [StageRecordView] })
  @ApiProblems(403, 404)
  async records(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<StageRecord[]> {
    const row = await this.cases.visibleCase(id, actor);
    return this.reports.caseRecords(row.id);
  }

  @Get('summary')
  @ApiOperation({
    operationId: 'getSlaSummary',
    summary: 'SLA figures per workflow, state, street and assignee',
  })
  @ApiReportResponse(SlaSummaryView)
  @ApiProblems(400, 403)
  async summary(
    @Query() q: SummaryQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SlaSummary | Buffer> {
    const s = await this.reports.summary(q);
    return this.render(reply, q.format, `sla-summary-${s.range.from}-${s.range.to}`, s, () => ({
      csv: summaryCsvSheet(s),
      xlsx: summarySheets(s),
    }));
  }

  @Get('overdue')
  @ApiOperation({
    operationId: 'listOverdueCases',
    summary: 'Cases past a deadline, most overdue first (超期)',
  })
  @ApiReportResponse(PageOf(OverdueItemView))
  @ApiProblems(400, 403)
  async overdue(
    @Query() q: OverdueQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<OverdueItem> | Buffer> {
    const page = await this.reports.overdue(q);
    const sheet = overdueSheet(page.items);
    return this.render(reply, q.format, 'sla-overdue', page, () => ({ csv: sheet, xlsx: [sheet] }));
  }

  /** 综合保障率 and 个人负担率 per street office for a year (seed 002), with the goals. */
  @Get('relief-indicators')
  @ApiOperation({
    operationId: 'getReliefIndicators',
    summary: 'Coverage and burden rates per street for a year (综合保障率, 个人负担率)',
  })
  @ApiReportResponse(IndicatorReportView)
  @ApiProblems(400, 403)
  async indicators(
    @Query() q: IndicatorQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IndicatorReport | Buffer> {
    const report = await this.reports.indicators(q);
    const sheet = indicatorSheet(report);
    return this.render(reply, q.format, `relief-indicators-${report.year}`, report, () => ({
      csv: sheet,
      xlsx: [sheet],
    }));
  }

  private async render<T>(
    reply: FastifyReply,
    format: ReportFormat | undefined,
    name: string,
    json: T,
    sheets: () => { csv: Sheet; xlsx: Sheet[] },
  ): Promise<T | Buffer> {
    if (format === undefined || format === 'json') {
      return json;
    }
    const built = sheets();
    const file = `${name}.${format}`;
    void reply.header('content-disposition', `attachment; filename="${file}"`);
    if (format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return toCsv(built.csv);
    }
    void reply.header('content-type', XLSX);
    return toXlsx(built.xlsx);
  }
}
