import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { IsMoney } from '../../common/money';
import { ExpenseDto, IsExpenseList, RELIEF_CATEGORIES } from './create-relief-application.dto';

/**
 * Payloads of the relief workflow's events (docs/domain.md §7), checked by the engine before the
 * hook.
 */

export class ReasonPayload {
  @ApiProperty({ example: '不符合救助条件' })
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  reason!: string;
}

export class OptionalReasonPayload {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class RequestSupplementPayload {
  /** 补正: everything missing is named at once. */
  @ApiProperty({ example: ['低保证复印件', '住院发票'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  items!: string[];
}

export class SupplementPayload {
  @ApiPropertyOptional({ type: [ExpenseDto], description: 'replaces the expense list when given' })
  @IsOptional()
  @IsExpenseList()
  expenses?: ExpenseDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class OutreachSubmitPayload {
  @ApiProperty({ type: [ExpenseDto] })
  @IsExpenseList()
  expenses!: ExpenseDto[];
}

export class VerifyPayload {
  @ApiProperty({ enum: RELIEF_CATEGORIES })
  @IsIn(RELIEF_CATEGORIES, {
    message: `verifiedCategory must be one of ${RELIEF_CATEGORIES.join(', ')}`,
  })
  verifiedCategory!: (typeof RELIEF_CATEGORIES)[number];

  @ApiProperty({ example: '民低保字第2026-0001号' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  certificateNo!: string;

  @ApiPropertyOptional({ enum: ['DIBAO', 'DIBIAN'], description: 'ILLNESS_POVERTY only' })
  @IsOptional()
  @IsIn(['DIBAO', 'DIBIAN'], { message: 'recognisedAs must be DIBAO or DIBIAN' })
  recognisedAs?: 'DIBAO' | 'DIBIAN';

  @ApiPropertyOptional({ example: '2026-02-01', description: 'ILLNESS_POVERTY only' })
  @IsOptional()
  @IsCalendarDate()
  recognitionDate?: string;
}

export class ProposePayload {
  @ApiPropertyOptional({ example: '12000.00', description: 'defaults to the computed relief' })
  @IsOptional()
  @IsMoney()
  amount?: string;

  @ApiPropertyOptional({ description: 'required when the amount differs from the computed one' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  reason?: string;
}

export class CommentPayload {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  comment!: string;
}

export class ObjectionPayload {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  details!: string;
}

export class RecordPaymentPayload {
  @ApiProperty({ example: '12000.00' })
  @IsMoney()
  amount!: string;

  @ApiProperty({ example: 'BANK-2026-000123' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference!: string;
}

/** 集体审议 (version 2): the manager records the bureau's meeting on a proposal above the threshold. */
export class CollectiveReviewPayload {
  @ApiProperty({ example: '2027-03-02' })
  @IsCalendarDate()
  meetingDate!: string;

  @ApiProperty({ example: '局务会议纪要〔2027〕5号' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  minutesRef!: string;

  /** User ids of those present: at least three (the machine counts distinct ones). */
  @ApiProperty({ example: ['u-manager-1', 'u-manager-2', 'u-caseworker-1'] })
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  attendees!: string[];

  @ApiProperty({ enum: ['AGREE', 'RETURN'] })
  @IsIn(['AGREE', 'RETURN'])
  decision!: 'AGREE' | 'RETURN';

  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  comment!: string;
}
