import { Readable } from 'node:stream';
import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators';
import { DomainError } from '../common/errors/domain-error';
import type { Page } from '../common/pagination/pagination.dto';
import { StreamedBody } from '../common/streamed-body';
import type { Actor } from '../engine/actor';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import {
  CreateReportDto,
  CSV_COLUMNS,
  ExpenseRecordDto,
  FlagListQuery,
  FlagView,
  ImportResultView,
  RunDto,
  RunListQuery,
  ReportView,
  RunView,
} from './dto/monitoring.dto';
import { ExpenseImportService, type RecordSource } from './expense-import.service';
import { MonitoringReportsService } from './monitoring-reports.service';
import { MonitoringRunsService } from './monitoring-runs.service';
import { Consumes } from '../common/media-type';

/**
 * A streamed CSV is bounded by rows and by this many bytes (it never sits in memory: the limit
 * bounds the work and the transaction, ~4 million rows of ~120 bytes).
 */
export const RECORDS_UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;

/** The rows of the request: a JSON array, a `text/csv` body, or a multipart upload's file. */
async function recordSource(req: FastifyRequest, body: unknown): Promise<RecordSource> {
  if (req.isMultipart()) {
    const file = await req.file({ limits: { fileSize: RECORDS_UPLOAD_LIMIT_BYTES } });
    if (!file) {
      throw DomainError.validation([{ field: 'file', message: 'a CSV file is required' }]);
    }
    return { format: 'CSV', stream: file.file, byteLimit: RECORDS_UPLOAD_LIMIT_BYTES };
  }
  if (body instanceof Readable) {
    return { format: 'CSV', stream: body, byteLimit: RECORDS_UPLOAD_LIMIT_BYTES };
  }
  return { format: 'JSON', rows: body };
}

/**
 * 因病致贫返贫监测: expense totals in, thresholds applied, proactive cases out (docs/api.md "Early
 * warning").
 */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('api/v1/monitoring')
export class MonitoringController {
  constructor(
    private readonly imports: ExpenseImportService,
    private readonly runs: MonitoringRunsService,
    private readonly reports: MonitoringReportsService,
  ) {}

  /**
   * Yearly per-person totals as a JSON array, or a CSV (`text/csv` body or multipart `file`,
   * parsed as it arrives) with the header `idNumber,name,streetCode,insuranceType,category,year,
   * inPolicyCost,insurancePaid,reliefPaid,outOfPolicyCost`. Good rows are kept, bad rows reported.
   */
  @Post('expense-records')
  @Roles('CASEWORKER', 'MANAGER')
  @StreamedBody()
  @Consumes('application/json', 'text/csv', 'multipart/form-data')
  @ApiExtraModels(ExpenseRecordDto)
  @ApiOperation({
    operationId: 'importExpenseRecords',
    summary: 'Import yearly expense totals per person (JSON array or CSV); bad rows reported',
    // One schema per body type (ApiBody would give the JSON schema to the CSV too).
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { type: 'array', items: { $ref: getSchemaPath(ExpenseRecordDto) } },
        },
        'text/csv': { schema: { type: 'string', description: `header: ${CSV_COLUMNS}` } },
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'the CSV' } },
          },
        },
      },
    },
  })
  @ApiCreatedResponse({ type: ImportResultView })
  @ApiProblems(400, 403, 409)
  async importRecords(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<ImportResultView> {
    return this.imports.import(await recordSource(req, body), actor);
  }

  /** Applies the year's thresholds and opens one proactive case per newly flagged person. */
  @Post('runs')
  @Roles('CASEWORKER', 'MANAGER')
  @ApiOperation({
    operationId: 'startMonitoringRun',
    summary: 'Apply the year’s thresholds: flag people, open cases',
  })
  @ApiCreatedResponse({ type: RunView })
  @ApiProblems(400, 403, 409, 422)
  run(@Body() dto: RunDto, @CurrentActor() actor: Actor): Promise<RunView> {
    return this.runs.run(dto.year, actor);
  }

  @Get('runs')
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({ operationId: 'listMonitoringRuns', summary: 'The monitoring runs, newest first' })
  @ApiOkResponse({ type: PageOf(RunView) })
  @ApiProblems(400, 403)
  listRuns(@Query() q: RunListQuery): Promise<Page<RunView>> {
    return this.runs.listRuns(q);
  }

  @Get('runs/:id')
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({ operationId: 'getMonitoringRun', summary: 'One monitoring run and its figures' })
  @ApiOkResponse({ type: RunView })
  @ApiProblems(403, 404)
  getRun(@Param('id') id: string): Promise<RunView> {
    return this.runs.getRun(id);
  }

  /** Who was flagged, by which rule, with their case; IDs and phones masked. */
  @Get('flags')
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({
    operationId: 'listMonitoringFlags',
    summary: 'Who was flagged, by which rule, with their case',
  })
  @ApiOkResponse({ type: PageOf(FlagView) })
  @ApiProblems(400, 403)
  flags(@Query() q: FlagListQuery): Promise<Page<FlagView>> {
    return this.runs.listFlags(q);
  }

  /** A person, employer or organisation reports someone below the thresholds (补充申报). */
  @Post('reports')
  @Roles('STREET_OFFICE', 'CASEWORKER', 'MANAGER')
  @ApiOperation({
    operationId: 'reportHardship',
    summary: 'Report someone in difficulty (补充申报): a relief case',
  })
  @ApiCreatedResponse({ type: ReportView })
  @ApiProblems(400, 403)
  report(@Body() dto: CreateReportDto, @CurrentActor() actor: Actor): Promise<ReportView> {
    return this.reports.report(dto, actor);
  }
}
