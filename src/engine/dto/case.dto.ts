import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';

export class DeadlineView {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['state', 'case'] }) kind!: 'state' | 'case';
  @ApiProperty() dueAt!: string;
  @ApiProperty() overdue!: boolean;
}

export class CaseView {
  @ApiProperty() id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() machineVersion!: number;
  @ApiProperty({ example: 'eligibility_review' }) state!: string;
  @ApiProperty({ enum: ['active', 'closed'] }) status!: 'active' | 'closed';
  @ApiProperty() version!: number;
  @ApiProperty({ nullable: true, type: String }) streetCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) assignee!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the assignee's display name" })
  assigneeName!: string | null;
  @ApiProperty({ type: [String] }) allowedEvents!: string[];
  @ApiProperty({ type: [DeadlineView] }) deadlines!: DeadlineView[];
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
  @ApiProperty() policyVersion!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CaseEventView {
  @ApiProperty() seq!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'user id, or "system"' }) actor!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "the acting user's display name (null for system)",
  })
  actorName!: string | null;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty() to!: string;
  @ApiProperty({ type: Object }) payload!: Record<string, unknown>;
}

export class ChainVerification {
  @ApiProperty() valid!: boolean;
  @ApiProperty() checked!: number;
  @ApiPropertyOptional({ description: 'the first seq whose hash does not hold' }) brokenAt?: number;
  @ApiPropertyOptional() reason?: string;
}

/** `POST /cases/:id/events`: `{ "type": "APPROVE", ...payload }`; the payload is checked per event. */
export class CaseEventBody {
  @ApiProperty({ example: 'APPROVE' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, { message: 'type must be an event name like APPROVE' })
  type!: string;

  [field: string]: unknown;
}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class CaseListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(191) state?: string;
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
  @ApiPropertyOptional({ description: 'a user id' })
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
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(191) state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) streetCode?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'overdue must be true or false' })
  overdue?: boolean;
}
