import { ApiProperty } from '@nestjs/swagger';
import { ApiMoney } from '../../common/money';
import type { AmountsDueView } from '../penalties.service';

/** What a caseworker collects (`implements`: the service's own shape). */
export class LateFeeView {
  @ApiProperty({ type: 'integer' }) days!: number;
  @ApiMoney() amount!: string;
  @ApiProperty({ type: 'integer', description: 'late days an appeal ran, not counted (art. 73)' })
  pausedDays!: number;
}

export class RunningAppealView {
  @ApiProperty() kind!: string;
  @ApiProperty({ format: 'date-time' }) filedAt!: string;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
}

export class LedgerAmounts {
  @ApiMoney() due!: string;
  @ApiMoney() paid!: string;
  @ApiMoney() outstanding!: string;
}

export class PenaltyLedgers {
  @ApiProperty({ type: LedgerAmounts, description: 'the fine, to the treasury (罚款)' })
  FINE!: LedgerAmounts;
  @ApiProperty({ type: LedgerAmounts, description: 'recovered to the fund (追回)' })
  RECOVERY!: LedgerAmounts;
}

export class PenaltyPaymentView {
  @ApiProperty({ enum: ['FINE', 'RECOVERY'] }) ledger!: string;
  @ApiMoney() amount!: string;
  @ApiMoney() lateFee!: string;
  @ApiProperty() reference!: string;
  @ApiProperty({ format: 'date-time' }) paidAt!: string;
}

export class PenaltyAmountsDue implements AmountsDueView {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) fineDueAt!: string | null;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: LateFeeView }) lateFee!: LateFeeView;
  @ApiProperty({ type: RunningAppealView, nullable: true, description: 'the appeal running now' })
  appeal!: RunningAppealView | null;
  @ApiProperty({ type: PenaltyLedgers }) ledgers!: PenaltyLedgers;
  @ApiProperty({ type: [PenaltyPaymentView] }) payments!: PenaltyPaymentView[];
}
