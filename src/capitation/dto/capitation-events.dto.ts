import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsMoney } from '../../common/money';

/** Payloads of the capitation workflows' events, checked by the engine before the hook. */

export class CapitationReviewPayload {
  @ApiPropertyOptional({ example: '签约名单与结算人数已核对' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

/** RETURN: why the figures go back; the service recomputes them. */
export class CapitationReturnPayload {
  @ApiProperty({ example: '签约变更未计入，请重新计算' })
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  comment!: string;
}

/** RECORD_PAYMENT: the transfer (paid to, or for a reconciliation also recovered from, the institution). */
export class CapitationPaymentPayload {
  @ApiProperty({ example: '27000.00' })
  @IsMoney()
  amount!: string;

  @ApiProperty({ example: 'BANK-2026-000456' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference!: string;
}
