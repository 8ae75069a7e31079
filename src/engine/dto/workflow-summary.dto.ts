import { ApiProperty } from '@nestjs/swagger';
import { WORKFLOW_TYPES } from '../../openapi/workflow-enums';

/** `GET /workflows`: one line per workflow, at its newest version. */
export class WorkflowSummary {
  @ApiProperty({ enum: WORKFLOW_TYPES }) type!: string;
  @ApiProperty({ example: '医疗救助申请 Medical-relief application' }) title!: string;
  @ApiProperty({ type: 'integer', example: 1 }) version!: number;
}
