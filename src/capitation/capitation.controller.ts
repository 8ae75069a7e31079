import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators';
import { Consumes } from '../common/media-type';
import type { Page } from '../common/pagination/pagination.dto';
import { AcceptsCsv } from '../common/streamed-body';
import type { Actor } from '../engine/actor';
import { CaseView } from '../engine/dto/case.dto';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import { CapitationCasesService } from './capitation-cases.service';
import { importRows, MAX_IMPORT_ROWS } from './capitation-import';
import { CapitationService } from './capitation.service';
import {
  CapitationRateView,
  CapitationReportQuery,
  CapitationReportView,
  OpenReconciliationDto,
  OpenSettlementDto,
  SignUpChangeDto,
  SignUpChangeResult,
  SignUpImportResult,
  SignUpListQuery,
  SignUpRowDto,
  SignUpView,
  SpendingImportResult,
  SpendingRowDto,
} from './dto/capitation.dto';

class YearParam {
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;
}

/** One schema per body type: a row, an array of rows, or a CSV with the same columns. */
function bulkBody(row: Parameters<typeof getSchemaPath>[0], csvExample: string) {
  return {
    required: true,
    description: 'one row, an array of rows, or a CSV file whose header names the fields',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(row) },
            {
              type: 'array',
              items: { $ref: getSchemaPath(row) },
              minItems: 1,
              maxItems: MAX_IMPORT_ROWS,
            },
          ],
        },
      },
      'text/csv': { schema: { type: 'string', example: csvExample } },
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          properties: { file: { type: 'string', format: 'binary', description: 'the CSV file' } },
        },
      },
    },
  };
}

/**
 * Outpatient capitation (门诊按人头付费): the yearly rate, sign-ups (签约), the actual spending,
 * the opening of the monthly settlements and the year-end reconciliations (cases of the generic
 * case API), and the year so far.
 */
@ApiTags('capitation')
@ApiBearerAuth()
@Controller('api/v1/capitation')
export class CapitationController {
  constructor(
    private readonly capitation: CapitationService,
    private readonly cases: CapitationCasesService,
  ) {}

  @Get('rates/:year')
  @Roles('MANAGER', 'CASEWORKER', 'AUDITOR', 'ADMIN')
  @ApiParam({ name: 'year', type: 'integer', example: 2026 })
  @ApiOperation({
    operationId: 'getCapitationRate',
    summary: 'The base capitation of a year (基础人头费) with its steps',
  })
  @ApiOkResponse({ type: CapitationRateView })
  @ApiProblems(400, 403, 404)
  rate(@Param() p: YearParam): CapitationRateView {
    return this.capitation.rateView(p.year);
  }

  @AcceptsCsv()
  @Post('sign-ups')
  @Roles('CASEWORKER', 'MANAGER')
  @Consumes('application/json', 'text/csv', 'multipart/form-data')
  @ApiExtraModels(SignUpRowDto)
  @ApiOperation({
    operationId: 'importCapitationSignUps',
    summary: 'Import sign-ups (签约导入): one, an array, or a CSV; all or none',
    requestBody: bulkBody(
      SignUpRowDto,
      'idNumber,name,institutionCode,year,startDate\n11010519491231002X,张三,P330106001,2026,',
    ),
  })
  @ApiCreatedResponse({ type: SignUpImportResult })
  @ApiProblems(400, 403, 409)
  async importSignUps(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<SignUpImportResult> {
    return this.capitation.importSignUps(await importRows(req, body), actor);
  }

  @Get('sign-ups')
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({
    operationId: 'listCapitationSignUps',
    summary: "An institution's sign-ups of a year, resident IDs masked",
  })
  @ApiOkResponse({ type: PageOf(SignUpView) })
  @ApiProblems(400, 403)
  listSignUps(@Query() q: SignUpListQuery): Promise<Page<SignUpView>> {
    return this.capitation.listSignUps(q);
  }

  @Post('sign-ups/:id/change')
  @HttpCode(200)
  @Roles('CASEWORKER')
  @ApiOperation({
    operationId: 'changeCapitationSignUp',
    summary:
      'Change or end a sign-up within the year (签约变更): moving home, new workplace or death only',
  })
  @ApiOkResponse({ type: SignUpChangeResult })
  @ApiProblems(400, 403, 404, 422)
  changeSignUp(
    @Param('id') id: string,
    @Body() dto: SignUpChangeDto,
    @CurrentActor() actor: Actor,
  ): Promise<SignUpChangeResult> {
    return this.capitation.changeSignUp(id, dto, actor);
  }

  @Post('settlements')
  @Roles('CASEWORKER', 'MANAGER')
  @ApiOperation({
    operationId: 'openCapitationSettlement',
    summary: "Open a month's settlement now (月度结算): a capitation-settlement case in computed",
  })
  @ApiCreatedResponse({ type: CaseView })
  @ApiProblems(400, 403, 409, 422)
  openSettlement(@Body() dto: OpenSettlementDto, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.cases.openSettlement(dto, actor, 'REQUEST');
  }

  @AcceptsCsv()
  @Post('spending')
  @Roles('CASEWORKER', 'MANAGER')
  @Consumes('application/json', 'text/csv', 'multipart/form-data')
  @ApiExtraModels(SpendingRowDto)
  @ApiOperation({
    operationId: 'importCapitationSpending',
    summary: 'Import actual outpatient fund spending per institution and month: all or none',
    requestBody: bulkBody(
      SpendingRowDto,
      'institutionCode,year,month,amount\nP330106001,2026,3,25000.00',
    ),
  })
  @ApiCreatedResponse({ type: SpendingImportResult })
  @ApiProblems(400, 403, 409)
  async importSpending(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<SpendingImportResult> {
    return this.capitation.importSpending(await importRows(req, body), actor);
  }

  @Post('reconciliations')
  @Roles('CASEWORKER', 'MANAGER')
  @ApiOperation({
    operationId: 'openCapitationReconciliation',
    summary: "Reconcile an institution's year (年终清算) with its assessment score",
  })
  @ApiCreatedResponse({ type: CaseView })
  @ApiProblems(400, 403, 409, 422)
  openReconciliation(
    @Body() dto: OpenReconciliationDto,
    @CurrentActor() actor: Actor,
  ): Promise<CaseView> {
    return this.cases.openReconciliation(dto, actor);
  }

  @Get('report')
  @Roles('MANAGER', 'CASEWORKER', 'AUDITOR')
  @ApiOperation({
    operationId: 'getCapitationReport',
    summary: 'The year so far: per institution and month, prepaid, spent, balance',
  })
  @ApiOkResponse({ type: CapitationReportView })
  @ApiProblems(400, 403, 404)
  report(@Query() q: CapitationReportQuery): Promise<CapitationReportView> {
    return this.capitation.report(q.year);
  }
}
