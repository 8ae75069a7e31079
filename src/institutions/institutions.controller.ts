import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../auth/decorators';
import { AcceptsCsv } from '../common/streamed-body';
import { DomainError } from '../common/errors/domain-error';
import { PageQuery, type Page } from '../common/pagination/pagination.dto';
import {
  CreditView,
  InstitutionImportResult,
  InstitutionRowDto,
  InstitutionView,
} from './dto/institution.dto';
import { INSTITUTION_TYPES } from './entities/institution.entity';
import { csvToObjects, MAX_IMPORT_ROWS } from './institution-import';
import { InstitutionsService } from './institutions.service';
import { Consumes } from '../common/media-type';

class InstitutionListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INSTITUTION_TYPES })
  @IsOptional()
  @IsIn(INSTITUTION_TYPES)
  type?: string;

  @ApiPropertyOptional({ example: '西湖区' })
  @IsOptional()
  @Type(() => String)
  @IsString()
  @MaxLength(64)
  district?: string;
}

/** The institution directory (检查对象名录库) and each institution's credit grade. */
@ApiTags('institutions')
@ApiBearerAuth()
@Controller('api/v1/institutions')
export class InstitutionsController {
  constructor(private readonly institutions: InstitutionsService) {}

  /**
   * One object, an array, or a CSV with the same columns (`text/csv` body, or a multipart
   * upload's `file`): all rows or none; bad rows are reported with their numbers.
   */
  @AcceptsCsv()
  @Post()
  @Roles('ADMIN', 'MANAGER')
  @Consumes('application/json', 'text/csv', 'multipart/form-data')
  @ApiExtraModels(InstitutionRowDto)
  @ApiOperation({
    operationId: 'importInstitutions',
    summary: 'Import institutions (名录导入): one, an array, or a CSV; all or none',
    // One schema per body type (ApiBody would give the JSON schema to the CSV too).
    requestBody: {
      required: true,
      description: 'an institution, an array of them, or a CSV file with the same columns',
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { $ref: getSchemaPath(InstitutionRowDto) },
              {
                type: 'array',
                items: { $ref: getSchemaPath(InstitutionRowDto) },
                minItems: 1,
                maxItems: MAX_IMPORT_ROWS,
              },
            ],
          },
        },
        'text/csv': {
          schema: {
            type: 'string',
            example: 'code,name,type,level,district\nH330106001,杭州市西溪医院,HOSPITAL,2,西湖区',
          },
        },
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'the CSV file' } },
          },
        },
      },
    },
  })
  @ApiCreatedResponse({ type: InstitutionImportResult })
  @ApiProblems(400, 403, 409)
  async import(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
  ): Promise<InstitutionImportResult> {
    return this.institutions.import(await importRows(req, body));
  }

  @Get()
  @Roles('ADMIN', 'MANAGER', 'CASEWORKER', 'LEGAL', 'AUDITOR', 'INSPECTOR')
  @ApiOperation({
    operationId: 'listInstitutions',
    summary: 'The institution directory, by type or district',
  })
  @ApiOkResponse({ type: PageOf(InstitutionView) })
  @ApiProblems(400, 403)
  list(@Query() q: InstitutionListQuery): Promise<Page<InstitutionView>> {
    return this.institutions.list(q);
  }

  @Get(':id')
  @Roles('ADMIN', 'MANAGER', 'CASEWORKER', 'LEGAL', 'AUDITOR', 'INSPECTOR')
  @ApiOperation({ operationId: 'getInstitution', summary: 'One institution' })
  @ApiOkResponse({ type: InstitutionView })
  @ApiProblems(403, 404)
  get(@Param('id') id: string): Promise<InstitutionView> {
    return this.institutions.get(id);
  }

  @Get(':id/credit')
  @Roles('ADMIN', 'MANAGER', 'CASEWORKER', 'LEGAL', 'AUDITOR', 'INSPECTOR')
  @ApiOperation({
    operationId: 'getInstitutionCredit',
    summary: 'An institution’s credit grade and why (信用评价)',
  })
  @ApiOkResponse({ type: CreditView })
  @ApiProblems(403, 404)
  credit(@Param('id') id: string): Promise<CreditView> {
    return this.institutions.credit(id);
  }
}

/** The rows of the request, whatever form they came in. */
async function importRows(req: FastifyRequest, body: unknown): Promise<unknown> {
  try {
    if (req.isMultipart()) {
      const file = await req.file();
      if (!file) {
        throw DomainError.validation([{ field: 'file', message: 'a CSV file is required' }]);
      }
      return csvToObjects((await file.toBuffer()).toString('utf8'));
    }
    if (typeof body === 'string') {
      return csvToObjects(body);
    }
    return body;
  } catch (e) {
    if (e instanceof DomainError) {
      throw e;
    }
    // csv-parse names the line (e.g. "Invalid Record Length: columns length is 6, got 5 on line 3").
    throw DomainError.validation([{ field: 'file', message: (e as Error).message }]);
  }
}
