import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { WORKFLOW_TYPES } from '../../openapi/workflow-enums';

/** `POST /cases/:id/assign`: a user id, or null to release the case. */
export class AssignCaseDto {
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'the new assignee; null releases it',
  })
  @ValidateIf((o: AssignCaseDto) => o.userId !== null)
  @IsUUID('all', { message: 'userId must be a user id (UUID) or null' })
  userId!: string | null;

  @ApiPropertyOptional({ example: '王科员休假，转李科员办理' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason?: string;
}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class NoticeQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only the notices not yet read' })
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'unread must be true or false' })
  unread?: boolean;
}

export class AssignmentNoticeView {
  @ApiProperty({ pattern: '^[0-9]{1,20}$' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: WORKFLOW_TYPES }) caseType!: string;
  @ApiProperty({ type: 'integer' }) eventSeq!: number;
  @ApiProperty({ format: 'uuid' }) assignedBy!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) previousAssignee!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt!: string | null;
}

export class WorkloadLine {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ nullable: true, type: String }) username!: string | null;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: 'integer', description: 'active cases assigned' }) open!: number;
  @ApiProperty({ type: 'integer', description: 'of which with a deadline passed' })
  overdue!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'open cases per workflow type',
  })
  byType!: Record<string, number>;
}

export class WorkloadView {
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: [WorkloadLine], description: 'every active caseworker, then other holders' })
  assignees!: WorkloadLine[];
  @ApiProperty({
    type: 'object',
    required: ['open', 'overdue'],
    properties: { open: { type: 'integer' }, overdue: { type: 'integer' } },
  })
  unassigned!: { open: number; overdue: number };
}
