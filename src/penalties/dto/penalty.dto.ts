import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  SANCTION_TYPES,
  type SanctionType,
  VIOLATION_ARTICLES,
  type ViolationArticle,
} from '../../../workflows/sanctions';
import {
  APPEAL_KINDS,
  APPEAL_OUTCOMES,
  type AppealKind,
  type AppealOutcome,
} from '../../../workflows/penalty-case.machine';
import { IsResidentId } from '../../common/id-number';
import { IsMoney } from '../../common/money';
import { LEDGERS, type LedgerName } from '../entities/penalty-ledger-entry.entity';

export const PENALTY_SOURCES = ['INSPECTION', 'COMPLAINT', 'DATA_ALERT', 'REFERRAL'] as const;

/** An insured person as the party of an art. 41 case (骗保的参保人). */
export class PenaltyPersonDto {
  @ApiProperty({ example: '330106198001010013', description: '18-digit resident ID (GB 11643)' })
  @IsResidentId()
  idNumber!: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiPropertyOptional({
    example: '13812345678',
    description: 'to serve notices (masked in lists)',
  })
  @IsOptional()
  @Matches(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, {
    message: 'person.phone must be a mobile (11 digits) or landline number',
  })
  phone?: string;
}

/**
 * POST /penalty-cases: a lead checked and filed (立案), against an institution of the directory
 * (arts. 38–40) or an insured person (art. 41): one of `institutionId` and `person`.
 */
export class OpenPenaltyCaseDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the institution of the directory (arts. 38–40); not with `person`',
  })
  @ValidateIf((o: OpenPenaltyCaseDto) => o.person === undefined)
  @IsUUID()
  institutionId?: string;

  @ApiPropertyOptional({
    type: PenaltyPersonDto,
    description: 'an insured person (Decree 735 art. 41); not with `institutionId`',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PenaltyPersonDto)
  person?: PenaltyPersonDto;

  @ApiProperty({ enum: PENALTY_SOURCES })
  @IsIn(PENALTY_SOURCES)
  source!: (typeof PENALTY_SOURCES)[number];

  @ApiProperty({ example: '群众举报：挂床住院' })
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  summary!: string;
}

export class ViolationDto {
  @ApiProperty({ enum: VIOLATION_ARTICLES })
  @IsIn(VIOLATION_ARTICLES)
  article!: ViolationArticle;

  @ApiProperty({ example: '0.00', description: 'fund loss (arts. 38, 41)' })
  @IsMoney()
  lossAmount!: string;

  @ApiProperty({ example: '120000.00', description: 'amount defrauded (arts. 40, 41)' })
  @IsMoney()
  fraudAmount!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class RecordInvestigationPayload {
  @ApiProperty({ type: [ViolationDto] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ViolationDto)
  violations!: ViolationDto[];

  @ApiPropertyOptional({ description: '造成严重后果 (art. 38 suspension, art. 40 termination)' })
  @IsOptional()
  @IsBoolean()
  seriousConsequences?: boolean;
}

export class SanctionDto {
  @ApiProperty({ enum: SANCTION_TYPES })
  @IsIn(SANCTION_TYPES)
  type!: SanctionType;

  @ApiProperty({ enum: VIOLATION_ARTICLES })
  @IsIn(VIOLATION_ARTICLES)
  article!: ViolationArticle;

  @ApiPropertyOptional({ example: '300000.00' })
  @IsOptional()
  @IsMoney()
  amount?: string;

  @ApiPropertyOptional({ example: 6 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  months?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  basis?: string;
}

export class SanctionsPayload {
  @ApiPropertyOptional({ type: [SanctionDto] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => SanctionDto)
  sanctions?: SanctionDto[];
}

export class HearingHeldPayload extends SanctionsPayload {
  @ApiProperty({
    example: '当事人到场陈述，承认部分事实',
    description:
      'what the hearing found; "waived" when the party stayed away without a reason (Law art. 64: 视为放弃听证权利)',
  })
  @IsString()
  @MinLength(2)
  @MaxLength(5000)
  outcome!: string;
}

/** 听证通知 (Law art. 64 (二)): the hearing's day and its presiding officer (主持人). */
export class ScheduleHearingPayload {
  @ApiProperty({
    example: '2026-10-13',
    description:
      'the hearing day (Asia/Shanghai): at least the notice period (7 working days) ahead',
  })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a calendar date YYYY-MM-DD' })
  date!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'a LEGAL user who did not investigate the case (Law art. 64 (四))',
  })
  @IsUUID()
  presidingOfficerId!: string;
}

export class DecidePayload {
  @ApiProperty({ type: [SanctionDto] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => SanctionDto)
  sanctions!: SanctionDto[];

  @ApiPropertyOptional({ description: 'when the decision was served (送达); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  servedAt?: string;
}

export class StatementPayload {
  @ApiProperty({ example: '当事人陈述：系信息系统误操作，已主动退回' })
  @IsString()
  @MinLength(2)
  @MaxLength(10000)
  text!: string;
}

export class PenaltyReasonPayload {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  reason!: string;
}

export class OptionalReasonPayload {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  reason?: string;
}

export class OutcomePayload {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(5000)
  outcome!: string;
}

export class ReturnPayload {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  comment!: string;
}

export class PenaltyPaymentPayload {
  @ApiProperty({ example: '120000.00' })
  @IsMoney()
  amount!: string;

  @ApiProperty({ enum: LEDGERS })
  @IsIn(LEDGERS)
  ledger!: LedgerName;

  @ApiProperty({ example: 'TREASURY-2026-0042' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  reference!: string;
}

/** 行政复议 or 行政诉讼 filed against the decision (Law art. 73: the late fee stops meanwhile). */
export class AppealFiledPayload {
  @ApiProperty({ enum: APPEAL_KINDS })
  @IsIn(APPEAL_KINDS, { message: `kind must be one of ${APPEAL_KINDS.join(', ')}` })
  kind!: AppealKind;

  @ApiProperty({ example: '2026-07-20T10:00:00+08:00', description: 'when the party filed it' })
  @IsISO8601({ strict: true }, { message: 'filedAt must be an ISO 8601 date or date-time' })
  filedAt!: string;

  @ApiPropertyOptional({ example: '西复〔2026〕12号' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference?: string;
}

export class AppealDecidedPayload {
  @ApiProperty({ enum: APPEAL_OUTCOMES, description: 'ANNULLED sends the case back to decision' })
  @IsIn(APPEAL_OUTCOMES, { message: `outcome must be one of ${APPEAL_OUTCOMES.join(', ')}` })
  outcome!: AppealOutcome;

  @ApiPropertyOptional({ description: 'when it was decided; default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'decidedAt must be an ISO 8601 date or date-time' })
  decidedAt?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note?: string;
}
