import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../auth/decorators';
import { AcceptsCsv } from '../common/streamed-body';
import { DomainError } from '../common/errors/domain-error';
import { PageQuery, type Page } from '../common/pagination/pagination.dto';
import type { CreditView, InstitutionView } from './dto/institution.dto';
import { INSTITUTION_TYPES } from './entities/institution.entity';
import { csvToObjects } from './institution-import';
import { InstitutionsService } from './institutions.service';

class InstitutionListQuery extends PageQuery {
  @IsOptional()
  @IsIn(INSTITUTION_TYPES)
  type?: string;

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
  @ApiConsumes('application/json', 'text/csv', 'multipart/form-data')
  @ApiBody({ description: 'an institution, an array of them, or a CSV file' })
  async import(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
  ): Promise<{ created: number; items: Array<{ id: string; code: string }> }> {
    return this.institutions.import(await importRows(req, body));
  }

  @Get()
  @Roles('ADMIN', 'MANAGER', 'CASEWORKER', 'LEGAL', 'AUDITOR', 'INSPECTOR')
  list(@Query() q: InstitutionListQuery): Promise<Page<InstitutionView>> {
    return this.institutions.list(q);
  }

  @Get(':id')
  @Roles('ADMIN', 'MANAGER', 'CASEWORKER', 'LEGAL', 'AUDITOR', 'INSPECTOR')
  get(@Param('id') id: string): Promise<InstitutionView> {
    return this.institutions.get(id);
  }

  @Get(':id/credit')
  @Roles('ADMIN', 'MANAGER', 'CASEWORKER', 'LEGAL', 'AUDITOR', 'INSPECTOR')
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
