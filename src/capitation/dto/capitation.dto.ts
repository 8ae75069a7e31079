import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { IsResidentId } from '../../common/id-number';
import { ApiMoney, IsMoney } from '../../common/money';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { CHANGE_REASONS } from '../sign-up-rules';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const CODE_MESSAGE = 'institutionCode must be 1-64 letters, digits, "-" or "_"';

/** A sign-up year the policy may configure. */
function YearProperty(): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    ApiProperty({ type: 'integer', minimum: 2000, maximum: 2100, example: 2026 })(target, key);
    Type(() => Number)(target, key);
    IsInt()(target, key);
    Min(2000)(target, key);
    Max(2100)(target, key);
  };
}

// ---------------------------------------------------------------- the rate

export class CapitationStepView {
  @ApiProperty({ example: 'BUDGET' }) step!: string;
  @ApiProperty() rule!: string;
  @ApiProperty({ example: '10000000.00' }) amount!: string;
  @ApiProperty() detail!: string;
}

/** 基础人头费 of a year, with how it was computed. */
export class CapitationRateView {
  @ApiProperty({ type: 'integer', example: 2026 }) year!: number;
  @ApiMoney({ description: '基础人头费 a person a year, after the cap' })
  baseCapitation!: string;
  @ApiProperty() capped!: boolean;
  @ApiMoney({ description: "the fund's share of the sign-up fee a person a year" })
  fundSignUpFee!: string;
  @ApiProperty({ format: 'date', description: 'first day of the sign-up year' })
  startDate!: string;
  @ApiProperty({ example: '2026.1' }) policyVersion!: string;
  @ApiProperty({ type: [CapitationStepView] }) steps!: CapitationStepView[];
}

// ---------------------------------------------------------------- sign-ups

/** One sign-up (签约): a JSON object, an array item or a CSV line. */
export class SignUpRowDto {
  @ApiProperty({ example: '11010519491231002X', description: '18-digit resident ID' })
  @IsString()
  @IsResidentId()
  idNumber!: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    example: 'P330106001',
    description: 'a primary-care institution of the directory',
  })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode!: string;

  @YearProperty()
  year!: number;

  @ApiPropertyOptional({
    format: 'date',
    description: "first day covered; default: the sign-up year's first day",
  })
  @IsOptional()
  @IsCalendarDate()
  startDate?: string;
}

export class ImportedSignUp {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '110105********002X' }) idNumber!: string;
}

/** All rows or none: the sign-ups created, in the order given. */
export class SignUpImportResult {
  @ApiProperty({ type: 'integer' }) created!: number;
  @ApiProperty({ type: [ImportedSignUp] }) items!: ImportedSignUp[];
}

export class SignUpView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ example: '110105********002X', description: 'masked' }) idNumber!: string;
  @ApiProperty() name!: string;
  @ApiProperty() institutionCode!: string;
  @ApiProperty({ format: 'date' }) startDate!: string;
  @ApiProperty({ format: 'date' }) endDate!: string;
  @ApiProperty({ enum: CHANGE_REASONS, nullable: true, description: 'why it ended early' })
  endedReason!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the sign-up it replaced',
  })
  previousId!: string | null;
}

export class SignUpListQuery extends PageQuery {
  @ApiProperty({ example: 'P330106001' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode!: string;

  @YearProperty()
  year!: number;
}

/**
 * 签约变更: `reason` is one of MOVED_HOME, CHANGED_WORKPLACE, DEATH; anything else (or none) is
 * refused with 422 naming the one-institution-a-year rule. `date` is the first day the old
 * sign-up no longer covers; DEATH takes no new institution.
 */
export class SignUpChangeDto {
  @ApiPropertyOptional({ example: 'P330106002' })
  @IsOptional()
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode?: string;

  @ApiPropertyOptional({ enum: CHANGE_REASONS })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  reason?: string;

  @ApiProperty({ format: 'date', example: '2026-05-01' })
  @IsCalendarDate()
  date!: string;
}

/** The old sign-up as it ends, and the new one (none after a death). */
export class SignUpChangeResult {
  @ApiProperty({ type: SignUpView }) ended!: SignUpView;
  @ApiProperty({ type: SignUpView, nullable: true }) current!: SignUpView | null;
}

// ---------------------------------------------------------------- settlements

export class OpenSettlementDto {
  @ApiProperty({ example: 'P330106001' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode!: string;

  @YearProperty()
  year!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 12, example: 3 })
  @IsInt()
  @Min(1)
  @Max(12)
  month!: number;
}

// ---------------------------------------------------------------- spending

/** 实际发生的门诊统筹基金支出 of an institution's signed persons in one month. */
export class SpendingRowDto {
  @ApiProperty({ example: 'P330106001' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode!: string;

  @YearProperty()
  year!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 12, example: 3 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  month!: number;

  @IsMoney()
  amount!: string;
}

/** All rows or none; a month imported again replaces its figure. */
export class SpendingImportResult {
  @ApiProperty({ type: 'integer' }) imported!: number;
  @ApiProperty({ type: 'integer', description: 'months that replaced an earlier figure' })
  replaced!: number;
}

// ---------------------------------------------------------------- reconciliations

/** 考核指标, each a score from 0 to 100 under the county's assessment method. */
export class AssessmentIndicatorsDto {
  @ApiProperty({ minimum: 0, maximum: 100, description: '转诊率' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  referralRate!: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: '两病管理' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  twoDiseaseManagement!: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: '签约服务' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  signUpService!: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: '履行服务协议' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  agreementCompliance!: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: '参保人员满意度' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  satisfaction!: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: '投诉情况' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  complaints!: number;
}

export class OpenReconciliationDto {
  @ApiProperty({ example: 'P330106001' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  institutionCode!: string;

  @YearProperty()
  year!: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 85, description: '考核得分' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  score!: number;

  @ApiProperty({ type: AssessmentIndicatorsDto })
  @ValidateNested()
  @Type(() => AssessmentIndicatorsDto)
  indicators!: AssessmentIndicatorsDto;
}

// ---------------------------------------------------------------- the report

export class CapitationMonthView {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 12 }) month!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'paid' }) state!: string | null;
  @ApiMoney({ description: 'base capitation settled for the month (paid or not)' })
  settled!: string;
  @ApiMoney({ description: 'base capitation paid (预付)' }) prepaid!: string;
  @ApiMoney({ description: "the fund's sign-up fee share paid" }) signUpFeePaid!: string;
  @ApiMoney({ description: 'actual outpatient fund spending imported' }) spent!: string;
  @ApiMoney({ description: 'prepaid − spent' }) balance!: string;
}

export class CapitationInstitutionReport {
  @ApiProperty() institutionCode!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty({ type: 'integer', description: 'sign-ups covering today or the year end' })
  signedPersons!: number;
  @ApiProperty({ type: [CapitationMonthView] }) months!: CapitationMonthView[];
  @ApiMoney() prepaid!: string;
  @ApiMoney() spent!: string;
  @ApiMoney() balance!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) reconciliationCaseId!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) reconciliationState!: string | null;
}

/** The year so far: per institution and month, prepaid, spent, balance. */
export class CapitationReportView {
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ type: CapitationRateView }) rate!: CapitationRateView;
  @ApiProperty({ type: [CapitationInstitutionReport] })
  institutions!: CapitationInstitutionReport[];
  @ApiMoney() prepaid!: string;
  @ApiMoney() spent!: string;
  @ApiMoney() balance!: string;
}

export class CapitationReportQuery {
  @YearProperty()
  year!: number;
}
