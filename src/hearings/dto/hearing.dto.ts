import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { IsMoney } from '../../common/money';

/** `POST /api/v1/hardship-hearings`. */
export class OpenHearingDto {
  @ApiProperty({ format: 'uuid', description: 'the paid relief case the hearing weighs' })
  @IsUUID('all', { message: 'reliefCaseId must be a case id' })
  reliefCaseId!: string;
}

export class OpinionPayload {
  @ApiProperty({ example: '80000.00', description: 'the reasonable and necessary cost (合理必要)' })
  @IsMoney()
  reasonableCost!: string;

  @ApiProperty()
  @IsBoolean()
  support!: boolean;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  comment!: string;
}

export class DecidePayload {
  @ApiProperty({ example: '80000.00' })
  @IsMoney()
  reasonableCost!: string;

  @ApiPropertyOptional({ description: "required when it departs from the panel's figure" })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  reason?: string;
}

export class ResolvePayload {
  @ApiProperty({ example: '25000.00', description: 'paid by the warm-heart fund (暖心无忧基金)' })
  @IsMoney()
  extraAmount!: string;

  @ApiProperty({ example: '2026-11-20' })
  @IsCalendarDate()
  meetingDate!: string;

  @ApiProperty({ example: '联席会议纪要〔2026〕12号' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  minutesRef!: string;
}
