import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { IsMoney } from '../../common/money';
import { ExpenseDto, IsExpenseList, RELIEF_CATEGORIES } from './create-relief-application.dto';

export class AlreadyPaidDto {
  @ApiProperty({ example: '0.00' }) @IsMoney() total!: string;
  @ApiProperty({ example: '0.00' }) @IsMoney() outpatient!: string;
}

/** `POST /api/v1/relief/calculate`: the calculation alone, no case created. */
export class CalculateReliefDto {
  @ApiProperty({ enum: RELIEF_CATEGORIES })
  @IsIn(RELIEF_CATEGORIES, { message: `category must be one of ${RELIEF_CATEGORIES.join(', ')}` })
  category!: (typeof RELIEF_CATEGORIES)[number];

  @ApiPropertyOptional({ enum: ['DIBAO', 'DIBIAN'] })
  @IsOptional()
  @IsIn(['DIBAO', 'DIBIAN'], { message: 'recognisedAs must be DIBAO or DIBIAN' })
  recognisedAs?: 'DIBAO' | 'DIBIAN';

  @ApiPropertyOptional({ example: '2026-02-01' })
  @IsOptional()
  @IsCalendarDate()
  recognitionDate?: string;

  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ type: [ExpenseDto] })
  @IsExpenseList()
  expenses!: ExpenseDto[];

  @ApiPropertyOptional({ type: AlreadyPaidDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AlreadyPaidDto)
  alreadyPaidThisYear?: AlreadyPaidDto;
}
