import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsResidentId } from '../../common/id-number';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { FieldErrorView } from '../../openapi/problems';
import { REPORTER_TYPES, type ReporterType } from '../entities/monitoring-report.entity';
import type { FlagSource } from '../entities/monitoring-flag.entity';
import type { RunStatus } from '../entities/monitoring-run.entity';
import { RECORD_CATEGORIES, RECORD_FIELDS } from '../expense-record';
import {
  type FlagRule,
  INSURANCE_TYPES,
  MONITORING_RULES,
  type YearThresholds,
} from '../monitoring-thresholds';

const STREET_CODE = /^[0-9A-Za-z]{1,32}$/;
const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;
const FLAG_RULES = [...MONITORING_RULES, 'REPORTED'] as const;

/** One row of `POST /monitoring/expense-records` (documentation: rows are checked by checkExpenseRecord). */
export class ExpenseRecordDto {
  @ApiProperty({ example: '330106198001010013' }) idNumber!: string;
  @ApiProperty({ example: '张三' }) name!: string;
  @ApiProperty({ example: '330106001' }) streetCode!: string;
  @ApiProperty({ enum: INSURANCE_TYPES }) insuranceType!: string;
  @ApiPropertyOptional({ enum: RECORD_CATEGORIES }) category?: string;
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ example: '62000.00' }) inPolicyCost!: string;
  @ApiProperty({ example: '40000.00' }) insurancePaid!: string;
  @ApiProperty({ example: '8000.00' }) reliefPaid!: string;
  @ApiProperty({ example: '3000.00' }) outOfPolicyCost!: string;
}

export const CSV_COLUMNS = RECORD_FIELDS.join(',');

export class RejectedRowView {
  @ApiProperty({ type: 'integer', description: 'numbered from 1 (CSV: the data lines)' })
  row!: number;
  @ApiProperty({ type: [FieldErrorView] })
  errors!: FieldErrorView[];
}

export class ImportResultView {
  @ApiProperty({ pattern: '^[0-9]{1,20}$' }) importId!: string;
  @ApiProperty({ type: 'integer' }) accepted!: number;
  @ApiProperty({ type: [RejectedRowView] }) rejected!: RejectedRowView[];
  @ApiProperty({
    type: 'integer',
    description: 'all refused rows (rejected lists the first 1,000)',
  })
  rejectedCount!: number;
}

export class RunDto {
  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;
}

export class RunListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class FlagListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(STREET_CODE, { message: 'streetCode must be 1-32 letters or digits' })
  streetCode?: string;

  @ApiPropertyOptional({ enum: FLAG_RULES })
  @IsOptional()
  @IsIn(FLAG_RULES, { message: `rule must be one of ${FLAG_RULES.join(', ')}` })
  rule?: FlagRule;

  @ApiPropertyOptional({ enum: ['RUN', 'REPORT'] })
  @IsOptional()
  @IsIn(['RUN', 'REPORT'], { message: 'source must be RUN or REPORT' })
  source?: FlagSource;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'runId must be a run id' })
  runId?: string;
}

export class RunView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: RunStatus;
  @ApiProperty({ description: 'the user who ran it, or system' }) startedBy!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty() policyVersion!: string;
  @ApiProperty({ nullable: true, type: 'integer' }) scanned!: number | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'records over their threshold' })
  flagged!: number | null;
  @ApiProperty({
    nullable: true,
    type: 'integer',
    description: 'flagged for the first time this year',
  })
  newlyFlagged!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) casesOpened!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) casesFailed!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) scanMs!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) casesMs!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the thresholds applied and the reference incomes they come from',
  })
  thresholds!: YearThresholds;
  @ApiPropertyOptional() error?: string;
}

export class FlagView {
  @ApiProperty({ pattern: '^[0-9]{1,20}$' }) id!: string;
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ enum: ['RUN', 'REPORT'] }) source!: FlagSource;
  @ApiProperty({ enum: FLAG_RULES }) rule!: FlagRule;
  @ApiProperty({ example: '330106********0013', description: 'masked' }) idNumber!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'masked' }) phone!: string | null;
  @ApiProperty() streetCode!: string;
  @ApiProperty({ enum: INSURANCE_TYPES }) insuranceType!: string;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'what the rule measured' })
  burden!: string | null;
  @ApiProperty({ nullable: true, type: String }) threshold!: string | null;
  @ApiProperty({ nullable: true, type: String }) inPolicyBurden!: string | null;
  @ApiProperty({ nullable: true, type: String }) totalBurden!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) runId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) reportId!: string | null;
  @ApiProperty() flaggedBy!: string;
  @ApiProperty({ format: 'date-time' }) flaggedAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'the proactive relief case',
  })
  caseId!: string | null;
}

export class ReporterDto {
  @ApiProperty({ enum: REPORTER_TYPES, description: '个人, 单位 or 组织' })
  @IsIn(REPORTER_TYPES, { message: `reporter.type must be one of ${REPORTER_TYPES.join(', ')}` })
  type!: ReporterType;

  @ApiProperty({ example: '翠苑社区居委会' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: '057188001234' })
  @IsOptional()
  @Matches(PHONE, { message: 'reporter.phone must be a mobile (11 digits) or landline number' })
  phone?: string;
}

/** `POST /monitoring/reports`: a person below the thresholds but in real difficulty (补充申报). */
export class CreateReportDto {
  @ApiProperty({ example: '330106198001010013' })
  @IsResidentId()
  idNumber!: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiPropertyOptional({ example: '13812345678' })
  @IsOptional()
  @Matches(PHONE, { message: 'phone must be a mobile (11 digits) or landline number' })
  phone?: string;

  @ApiProperty({ example: '330106001' })
  @Matches(STREET_CODE, { message: 'streetCode must be 1-32 letters or digits' })
  streetCode!: string;

  @ApiProperty({ enum: INSURANCE_TYPES })
  @IsIn(INSURANCE_TYPES, { message: `insuranceType must be one of ${INSURANCE_TYPES.join(', ')}` })
  insuranceType!: (typeof INSURANCE_TYPES)[number];

  @ApiPropertyOptional({ enum: RECORD_CATEGORIES })
  @IsOptional()
  @IsIn(RECORD_CATEGORIES, { message: `category must be one of ${RECORD_CATEGORIES.join(', ')}` })
  category?: string;

  @ApiPropertyOptional({ example: 2026, description: 'default: the current year' })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  @ApiProperty({ example: '长期透析，家庭收入骤减' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  @ApiProperty({ type: ReporterDto })
  @IsObject({ message: 'reporter must be an object { type, name, phone? }' })
  @ValidateNested()
  @Type(() => ReporterDto)
  reporter!: ReporterDto;
}

export class ReporterView {
  @ApiProperty({ enum: REPORTER_TYPES }) type!: ReporterType;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ description: 'masked' }) phone?: string;
}

export class ReportView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ description: 'masked' }) idNumber!: string;
  @ApiProperty() name!: string;
  @ApiProperty() streetCode!: string;
  @ApiProperty({ type: ReporterView }) reporter!: ReporterView;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid' }) reportedBy!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiProperty({ pattern: '^[0-9]{1,20}$' }) flagId!: string;
  @ApiProperty({ format: 'uuid', description: "the person's proactive relief case of the year" })
  caseId!: string;
  @ApiProperty({ description: 'false: the case was already open (one per person and year)' })
  caseOpened!: boolean;
}
