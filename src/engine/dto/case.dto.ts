import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { WORKFLOW_EVENTS, WORKFLOW_STATES, WORKFLOW_TYPES } from '../../openapi/workflow-enums';

export class DeadlineView {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['state', 'case'] }) kind!: 'state' | 'case';
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty() overdue!: boolean;
}

export class CaseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: WORKFLOW_TYPES }) type!: string;
  @ApiProperty({ type: 'integer' }) machineVersion!: number;
  @ApiProperty({ enum: WORKFLOW_STATES, example: 'eligibility_review' })
  state!: string;
  @ApiProperty({ enum: ['active', 'closed'] }) status!: 'active' | 'closed';
  @ApiProperty({ type: 'integer', description: 'the version to send as If-Match' })
  version!: number;
  @ApiProperty({ nullable: true, type: String }) streetCode!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'a user id' })
  assignee!: string | null;
  @ApiProperty({
    enum: WORKFLOW_EVENTS,
    isArray: true,
    description: 'the events the caller may send now',
  })
  allowedEvents!: string[];
  @ApiProperty({ nullable: true, type: String, description: "the assignee's display name" })
  assigneeName!: string | null;
  @ApiProperty({ type: [DeadlineView] }) deadlines!: DeadlineView[];
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
  @ApiProperty() policyVersion!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** `GET /cases/stats`: one row per workflow and state with open cases. */
export class CaseStatsRow {
  @ApiProperty({ enum: WORKFLOW_TYPES }) type!: string;
  @ApiProperty({ enum: WORKFLOW_STATES }) state!: string;
  @ApiProperty({ type: 'integer' }) open!: number;
  @ApiProperty({ type: 'integer' }) overdue!: number;
}

export class CaseEventView {
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({
    description: 'a workflow event, or one the service records (CLAIMED, ASSIGNED, …)',
  })
  type!: string;
  @ApiProperty({ description: 'user id, or "system"' }) actor!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "the acting user's display name (null for system)",
  })
  actorName!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty() to!: string;
  @ApiProperty({ type: Object }) payload!: Record<string, unknown>;
}

export class ChainVerification {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: 'integer' }) checked!: number;
  @ApiPropertyOptional({ type: 'integer', description: 'the first seq whose hash does not hold' })
  brokenAt?: number;
  @ApiPropertyOptional() reason?: string;
}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class CaseListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WORKFLOW_TYPES })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
  @ApiPropertyOptional({ enum: WORKFLOW_STATES })
  @IsOptional()
  @IsString()
  @MaxLength(191)
  state?: string;
  @ApiPropertyOptional({ enum: ['active', 'closed'] })
  @IsOptional()
  @IsIn(['active', 'closed'])
  status?: 'active' | 'closed';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) streetCode?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'overdue must be true or false' })
  overdue?: boolean;
  @ApiPropertyOptional({ description: 'a user id', format: 'uuid' })
  @IsOptional()
  @IsString()
  @MaxLength(36)
  assignee?: string;
}

/**
 * `GET /tasks`: the inbox, optionally only the cases assigned to the caller, or to nobody,
 * and narrowed like the case list (workflow, state, street, overdue).
 */
export class TasksQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['me', 'unassigned'] })
  @IsOptional()
  @IsIn(['me', 'unassigned'], { message: 'assignee must be me or unassigned' })
  assignee?: 'me' | 'unassigned';
  @ApiPropertyOptional({ enum: WORKFLOW_TYPES })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
  @ApiPropertyOptional({ enum: WORKFLOW_STATES })
  @IsOptional()
  @IsString()
  @MaxLength(191)
  state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) streetCode?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'overdue must be true or false' })
  overdue?: boolean;
}
