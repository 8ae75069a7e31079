import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { WORKFLOW_TYPES } from '../../openapi/workflow-enums';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class SummaryQuery {
  @ApiPropertyOptional({ enum: WORKFLOW_TYPES, description: 'one workflow' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;

  @ApiPropertyOptional({ description: 'first day (Asia/Shanghai), default 29 days before `to`' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'last day, inclusive (Asia/Shanghai), default today' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: 'format must be one of json, csv, xlsx' })
  format?: ReportFormat;
}

export class OverdueQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WORKFLOW_TYPES })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) streetCode?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: 'format must be one of json, csv, xlsx' })
  format?: ReportFormat;
}

export class IndicatorQuery {
  @ApiPropertyOptional({ description: 'the relief (cap) year, default this year' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  @Min(2000)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: 'format must be one of json, csv, xlsx' })
  format?: ReportFormat;
}
