import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JsonSchema } from '../../events/event-schemas';

/** Response shapes of `GET /api/v1/workflows*` (docs/api.md, 'Events as data'). */

export class WorkflowSummaryView {
  @ApiProperty({ example: 'relief-application' }) type!: string;
  @ApiProperty({ example: '医疗救助申请 Medical-relief application' }) title!: string;
  @ApiProperty({ description: 'the version new cases open on today' }) version!: number;
}

export class WorkflowVersionView {
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ format: 'date', description: 'first day new cases open on it' })
  from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'the day a later version took over' })
  to?: string;
}

export class WorkflowTransitionView {
  @ApiProperty({ description: 'an event type, or "(always)"' }) event!: string;
  @ApiProperty({ type: [String] }) targets!: string[];
  @ApiPropertyOptional() guard?: string;
}

export class WorkflowEventView {
  @ApiProperty({ example: 'VERIFY' }) type!: string;
  @ApiProperty({ nullable: true, type: String, example: '核实资格' }) label!: string | null;
  @ApiProperty({
    type: [String],
    description: 'roles that may send it; ["system"]: the service only',
  })
  roles!: readonly string[];
  @ApiPropertyOptional({
    description: '"street" (a street office: its own street only) or { members: field }',
    oneOf: [
      { type: 'string', enum: ['street'] },
      {
        type: 'object',
        properties: { members: { type: 'string' } },
        required: ['members'],
      },
    ],
  })
  scope?: 'street' | { members: string };
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'JSON Schema 2020-12 of the request body (`type` and the payload fields, zh-CN titles)',
  })
  schema!: JsonSchema;
}

export class WorkflowDeadlineView {
  @ApiProperty({ nullable: true, type: String, description: 'from the policy, e.g. "5wd"' })
  duration!: string | null;
  @ApiProperty({
    description: '"overdue", or the event the service sends: { event }',
    oneOf: [
      { type: 'string', enum: ['overdue'] },
      { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] },
    ],
  })
  onExpire!: 'overdue' | { event: string };
  @ApiProperty() pausesSla!: boolean;
}

export class WorkflowStateView {
  @ApiProperty({ example: 'eligibility_review' }) name!: string;
  @ApiProperty({ nullable: true, type: String, example: '资格审核中' }) label!: string | null;
  @ApiProperty() final!: boolean;
  @ApiProperty() initial!: boolean;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: [WorkflowTransitionView] }) transitions!: WorkflowTransitionView[];
  @ApiProperty({ type: [WorkflowEventView] }) events!: WorkflowEventView[];
  @ApiProperty({ type: WorkflowDeadlineView, nullable: true })
  deadline!: WorkflowDeadlineView | null;
}

export class WorkflowDescriptionView {
  @ApiProperty() type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: [WorkflowVersionView] }) versions!: WorkflowVersionView[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'zh-CN names of every event type a case history can show',
    example: { CASE_OPENED: '创建案件', VERIFY: '核实资格' },
  })
  eventLabels!: Record<string, string>;
  @ApiProperty({ type: [WorkflowStateView] }) states!: WorkflowStateView[];
}
