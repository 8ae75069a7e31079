import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { VIOLATION_ARTICLES, type ViolationArticle } from '../../../workflows/sanctions';
import { IsMoney } from '../../common/money';
import { PageQuery } from '../../common/pagination/pagination.dto';
import {
  INSTITUTION_TYPES,
  type InstitutionType,
} from '../../institutions/entities/institution.entity';
import { PLAN_KINDS, type PlanKind } from '../entities/inspection-plan.entity';

/** POST /inspection-plans: exactly one of `sampleRatio` and `sampleSize`. */
export class CreateInspectionPlanDto {
  @ApiProperty({ example: '2026年度定点医药机构双随机抽查' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ enum: PLAN_KINDS })
  @IsIn(PLAN_KINDS)
  kind!: PlanKind;

  @ApiPropertyOptional({ example: '0.10', description: 'share of the candidates, in (0, 1]' })
  @ValidateIf((o: CreateInspectionPlanDto) => o.sampleSize === undefined)
  @IsString()
  @Matches(/^(0\.\d{1,6}|1(\.0{1,6})?)$/, {
    message: 'sampleRatio must be a decimal string in (0, 1] such as "0.10" (or give sampleSize)',
  })
  @Matches(/[1-9]/, { message: 'sampleRatio must be above 0' })
  sampleRatio?: string;

  @ApiPropertyOptional({ example: 20 })
  @ValidateIf(
    (o: CreateInspectionPlanDto) => o.sampleRatio === undefined || o.sampleSize !== undefined,
  )
  @IsInt({ message: 'sampleSize must be a whole number (or give sampleRatio)' })
  @Min(1)
  @Max(1_000_000)
  sampleSize?: number;

  @ApiPropertyOptional({ enum: INSTITUTION_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(INSTITUTION_TYPES.length)
  @IsIn(INSTITUTION_TYPES, { each: true })
  institutionTypes?: InstitutionType[];

  @ApiProperty({ example: 2, description: 'at least 2 inspectors (Decree 735 art. 29)' })
  @IsInt()
  @Min(2, { message: 'teamSize must be at least 2 (Decree 735 art. 29)' })
  @Max(20)
  teamSize!: number;

  @ApiPropertyOptional({ example: 30, description: 'days to visit; default the policy' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366)
  windowDays?: number;
}

export class DrawDto {
  @ApiPropertyOptional({
    example: '2026-11-24 福利彩票3D 第2026312期 开奖号码 517',
    description:
      'a public string announced before the draw; without it the seed is derived from the plan id and the draw time, and recorded',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  seed?: string;
}

export class PublicResultsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ example: '西湖区' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  district?: string;
}

// ------------------------------------------------------------ event payloads

export class FindingDto {
  @ApiProperty({ enum: VIOLATION_ARTICLES })
  @IsIn(VIOLATION_ARTICLES)
  article!: ViolationArticle;

  @ApiProperty({ example: '串换药品，将自费药品串换为医保目录内药品结算' })
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  description!: string;

  @ApiProperty({ example: '12800.00', description: 'the amount concerned' })
  @IsMoney()
  amount!: string;
}

export class RecordFindingsPayload {
  @ApiProperty({ enum: ['NO_ISSUE', 'ISSUES', 'SUSPECTED_FRAUD'] })
  @IsIn(['NO_ISSUE', 'ISSUES', 'SUSPECTED_FRAUD'])
  conclusion!: 'NO_ISSUE' | 'ISSUES' | 'SUSPECTED_FRAUD';

  @ApiProperty({ type: [FindingDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => FindingDto)
  findings!: FindingDto[];
}

export class CommentPayload {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  comment!: string;
}

export class OptionalCommentPayload {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  comment?: string;
}

export class RectificationPayload {
  @ApiProperty({ example: '已退回违规费用并完成内部培训' })
  @IsString()
  @MinLength(2)
  @MaxLength(5000)
  report!: string;
}

export class PublishPayload {
  @ApiPropertyOptional({
    description: 'the public summary; default one is built from the findings',
  })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  summary?: string;
}
