import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
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
import { IsMoney, IsMoneyAtMost } from '../../common/money';

export const RELIEF_CATEGORIES = [
  'TEKUN',
  'DIBAO',
  'DIBIAN',
  'DISABLED',
  'ILLNESS_POVERTY',
  'OTHER',
] as const;
export type ApplicantCategory = (typeof RELIEF_CATEGORIES)[number];
export const INSURANCE_TYPES = ['EMPLOYEE', 'RETIREE', 'RESIDENT'] as const;
export const EXPENSE_KINDS = ['INPATIENT', 'OUTPATIENT'] as const;

/** A non-empty list of expense lines, each checked field by field. */
export function IsExpenseList(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(500),
    ValidateNested({ each: true }),
    Type(() => ExpenseDto),
  );
}

export class ApplicantDto {
  @ApiProperty({ example: '张三' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiProperty({ example: '11010519491231002X', description: '18-digit resident ID (GB 11643)' })
  @IsResidentId()
  idNumber!: string;

  @ApiPropertyOptional({ example: '13812345678' })
  @IsOptional()
  @Matches(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, {
    message: 'phone must be a mobile (11 digits) or landline number',
  })
  phone?: string;

  @ApiProperty({ enum: RELIEF_CATEGORIES })
  @IsIn(RELIEF_CATEGORIES, { message: `category must be one of ${RELIEF_CATEGORIES.join(', ')}` })
  category!: ApplicantCategory;

  @ApiProperty({ enum: INSURANCE_TYPES })
  @IsIn(INSURANCE_TYPES, { message: `insuranceType must be one of ${INSURANCE_TYPES.join(', ')}` })
  insuranceType!: (typeof INSURANCE_TYPES)[number];
}

export class ExpenseDto {
  @ApiProperty({ enum: EXPENSE_KINDS })
  @IsIn(EXPENSE_KINDS, { message: 'kind must be INPATIENT or OUTPATIENT' })
  kind!: (typeof EXPENSE_KINDS)[number];

  @ApiProperty({ example: '杭州市西溪医院' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  institution!: string;

  @ApiProperty({ example: '2026-03-02' })
  @IsCalendarDate()
  date!: string;

  @ApiPropertyOptional({
    example: '2026-03-12',
    description: 'for a hospital stay: the discharge date decides the look-back',
  })
  @IsOptional()
  @IsCalendarDate()
  dischargeDate?: string;

  @ApiProperty({ example: '52000.00' }) @IsMoney() totalCost!: string;

  @ApiProperty({ example: '50000.00', description: 'at most totalCost (政策范围内费用)' })
  @IsMoney()
  @IsMoneyAtMost('totalCost')
  inPolicyCost!: string;

  // The insurers pay on the in-policy cost (先保险后救助): together they cannot pay more than it.
  @ApiProperty({ example: '30000.00', description: 'at most inPolicyCost' })
  @IsMoney()
  @IsMoneyAtMost('inPolicyCost')
  basicInsurancePaid!: string;

  @ApiProperty({ example: '5000.00', description: 'basic + critical illness at most inPolicyCost' })
  @IsMoney()
  @IsMoneyAtMost('inPolicyCost', ['basicInsurancePaid'])
  criticalIllnessPaid!: string;

  @ApiProperty({ example: '0.00', description: 'all three insurers together at most inPolicyCost' })
  @IsMoney()
  @IsMoneyAtMost('inPolicyCost', ['basicInsurancePaid', 'criticalIllnessPaid'])
  otherInsurancePaid!: string;
}

/** `POST /api/v1/relief-applications` (docs/api.md). */
export class CreateReliefApplicationDto {
  @ApiProperty({ type: ApplicantDto })
  // Without it a missing applicant passes ValidateNested and fails later as a 500.
  @IsObject({ message: 'applicant must be an object { name, idNumber, category, insuranceType }' })
  @ValidateNested()
  @Type(() => ApplicantDto)
  applicant!: ApplicantDto;

  @ApiProperty({ example: '330106001' })
  @Matches(/^[0-9A-Za-z]{1,32}$/, { message: 'streetCode must be 1-32 letters or digits' })
  streetCode!: string;

  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ type: [ExpenseDto] })
  @IsExpenseList()
  expenses!: ExpenseDto[];
}
