import { ApiProperty } from '@nestjs/swagger';
import { ApiMoney } from '../../common/money';
import { WORKFLOW_STATES, WORKFLOW_TYPES } from '../../openapi/workflow-enums';
import type {
  IndicatorReport,
  IndicatorRow,
  OverdueItem,
  SlaFigures,
  SlaSummary,
  StageRecord,
} from '../sla-reports.service';

/** The SLA reports as the document shows them (`implements`: the service's own shapes). */
const RATE = { type: String, nullable: true, pattern: '^\\d+\\.\\d{4}$', example: '0.0833' };

export class StageRecordView implements StageRecord {
  @ApiProperty({ enum: WORKFLOW_STATES }) state!: string;
  @ApiProperty({ example: '待审核' }) stateLabel!: string;
  @ApiProperty({ format: 'date-time' }) enteredAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) leftAt!: string | null;
  @ApiProperty({ type: 'integer', description: 'time not counted (waiting on the applicant)' })
  pausedMs!: number;
  @ApiProperty({ type: 'integer', description: 'left (or now) − entered − paused' })
  durationMs!: number;
  @ApiProperty() breached!: boolean;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) assigneeName!: string | null;
}

export class SlaFiguresView implements SlaFigures {
  @ApiProperty({ type: 'integer' }) open!: number;
  @ApiProperty({ type: 'integer' }) overdue!: number;
  @ApiProperty({ type: 'integer', description: 'finished in the range' }) closedInRange!: number;
  @ApiProperty({ type: 'integer', description: 'of those, finished after their deadline' })
  breached!: number;
  @ApiProperty({ ...RATE, description: 'breached / closedInRange; null when none finished' })
  breachRate!: string | null;
  @ApiProperty({ type: 'number', nullable: true }) durationP50Ms!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) durationP90Ms!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) durationMeanMs!: number | null;
}

export class SlaWorkflowFigures extends SlaFiguresView {
  @ApiProperty({ enum: WORKFLOW_TYPES }) type!: string;
  @ApiProperty() label!: string;
}

export class SlaStateFigures extends SlaFiguresView {
  @ApiProperty({ enum: WORKFLOW_TYPES }) type!: string;
  @ApiProperty({ enum: WORKFLOW_STATES }) state!: string;
  @ApiProperty() label!: string;
  @ApiProperty() pausesSla!: boolean;
}

export class SlaStreetFigures extends SlaFiguresView {
  @ApiProperty({ type: String, nullable: true }) streetCode!: string | null;
}

export class SlaAssigneeFigures extends SlaFiguresView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) displayName!: string | null;
}

export class SlaRange {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ enum: ['Asia/Shanghai'] }) timezone!: 'Asia/Shanghai';
}

export class SlaSummaryView implements SlaSummary {
  @ApiProperty({ type: SlaRange }) range!: SlaRange;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: SlaFiguresView }) totals!: SlaFiguresView;
  @ApiProperty({ type: [SlaWorkflowFigures] }) byWorkflow!: SlaWorkflowFigures[];
  @ApiProperty({ type: [SlaStateFigures] }) byState!: SlaStateFigures[];
  @ApiProperty({ type: [SlaStreetFigures] }) byStreet!: SlaStreetFigures[];
  @ApiProperty({ type: [SlaAssigneeFigures] }) byAssignee!: SlaAssigneeFigures[];
}

export class OverdueItemView implements OverdueItem {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: WORKFLOW_TYPES }) type!: string;
  @ApiProperty() typeLabel!: string;
  @ApiProperty({ enum: WORKFLOW_STATES }) state!: string;
  @ApiProperty() stateLabel!: string;
  @ApiProperty({ type: String, nullable: true }) streetCode!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) assigneeName!: string | null;
  @ApiProperty({ format: 'date-time', description: 'the earliest overdue deadline' })
  dueAt!: string;
  @ApiProperty({ type: 'integer' }) overdueMs!: number;
  @ApiProperty({ type: [String] }) deadlines!: string[];
  @ApiProperty({ example: '/api/v1/cases/…' }) link!: string;
}

export class IndicatorRowView implements IndicatorRow {
  @ApiProperty({ type: String, nullable: true, description: 'null: the whole district' })
  streetCode!: string | null;
  @ApiProperty({ type: 'integer' }) cases!: number;
  @ApiMoney() inPolicyCost!: string;
  @ApiMoney() insurancePaid!: string;
  @ApiMoney() reliefPaid!: string;
  @ApiMoney() personalBurden!: string;
  @ApiProperty({ ...RATE, description: '综合保障率 (insurance + relief) / in-policy cost' })
  coverageRate!: string | null;
  @ApiProperty({ ...RATE, description: '个人负担率 personal burden / in-policy cost' })
  burdenRate!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) meetsCoverageGoal!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) meetsBurdenGoal!: boolean | null;
}

export class IndicatorGoals {
  @ApiProperty({ example: '0.90' }) coverageGoal!: string;
  @ApiProperty({ example: '0.10' }) burdenGoal!: string;
}

export class IndicatorReportView implements IndicatorReport {
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ type: IndicatorGoals }) goals!: IndicatorGoals;
  @ApiProperty({ type: [IndicatorRowView] }) streets!: IndicatorRowView[];
  @ApiProperty({ type: IndicatorRowView }) total!: IndicatorRowView;
}
