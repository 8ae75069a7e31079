import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiMoney } from '../../common/money';
import {
  RECOGNISED_STATUSES,
  RELIEF_CATEGORIES,
  RELIEF_RULES,
  type ReliefCalculation,
  type ReliefLine,
  type ReliefStep,
  type ReliefStepName,
} from '../relief-calculator';

const STEP_NAMES = Object.keys(RELIEF_RULES) as ReliefStepName[];

/** The calculation as the document shows it; `implements` keeps it the calculator's shape. */
export class ReliefStepView implements ReliefStep {
  @ApiProperty({ enum: STEP_NAMES }) step!: ReliefStepName;
  @ApiProperty({ description: 'the rule applied (DOMAIN §1, seed 002)' }) rule!: string;
  @ApiMoney({ description: 'the line’s figure after this step' }) amount!: string;
  @ApiProperty({ example: 'in-policy 50000.00 − basic 30000.00 − … = 15000.00' }) detail!: string;
  @ApiProperty({ example: '2026.1' }) policyVersion!: string;
}

export class ReliefLineView implements ReliefLine {
  @ApiProperty({ type: 'integer', description: 'position of the expense in the input' })
  expenseIndex!: number;
  @ApiProperty({ enum: ['INPATIENT', 'OUTPATIENT'] }) kind!: 'INPATIENT' | 'OUTPATIENT';
  @ApiProperty() institution!: string;
  @ApiProperty({ format: 'date' }) decisiveDate!: string;
  @ApiProperty({ description: 'false outside the year or before the look-back: relief 0' })
  counted!: boolean;
  @ApiMoney() insuranceRemainder!: string;
  @ApiMoney() eligibleBase!: string;
  @ApiMoney() reliefAmount!: string;
  @ApiMoney() personalBurdenAfter!: string;
  @ApiProperty({ type: [ReliefStepView] }) steps!: ReliefStepView[];
}

/** 救助计算: per line, insurance first, then the category’s ratio, the sub-cap and the annual cap. */
export class ReliefCalculationView implements ReliefCalculation {
  @ApiProperty({ enum: RELIEF_CATEGORIES }) category!: (typeof RELIEF_CATEGORIES)[number];
  @ApiPropertyOptional({ enum: RECOGNISED_STATUSES, description: 'ILLNESS_POVERTY only' })
  recognisedAs?: (typeof RECOGNISED_STATUSES)[number];
  @ApiProperty({ example: '0.80', pattern: '^\\d+(\\.\\d+)?$' }) ratio!: string;
  @ApiMoney() eligibleBase!: string;
  @ApiMoney() reliefAmount!: string;
  @ApiMoney() outpatientReliefAmount!: string;
  @ApiMoney() inpatientReliefAmount!: string;
  @ApiMoney({ nullable: true, description: 'null: no annual cap (TEKUN)' })
  annualCapRemaining!: string | null;
  @ApiMoney({ nullable: true, description: 'null: no outpatient sub-cap (TEKUN)' })
  outpatientCapRemaining!: string | null;
  @ApiMoney() personalBurdenAfter!: string;
  @ApiProperty({ example: '2026.1' }) policyVersion!: string;
  @ApiProperty({ type: [ReliefLineView] }) lines!: ReliefLineView[];
}
