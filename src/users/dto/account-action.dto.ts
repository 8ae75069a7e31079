import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { ROLES, type Role } from '../../../workflows/workflow-definition';
import { PageQuery } from '../../common/pagination/pagination.dto';
import {
  ACCOUNT_ACTIONS,
  type AccountAction,
  type AccountActionDetail,
} from '../entities/account-action.entity';

/** `GET /audit/account-actions`: the auditor narrows the account log. */
export class AccountActionQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'the account acted on' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a user id (UUID)' })
  userId?: string;

  @ApiPropertyOptional({ description: 'the administrator, or `system`' })
  @IsOptional()
  @Matches(/^(system|[0-9a-fA-F-]{36})$/, { message: 'actorId must be a user id or system' })
  actorId?: string;

  @ApiPropertyOptional({ enum: ACCOUNT_ACTIONS })
  @IsOptional()
  @IsIn(ACCOUNT_ACTIONS, { message: `action must be one of ${ACCOUNT_ACTIONS.join(', ')}` })
  action?: AccountAction;

  @ApiPropertyOptional({ format: 'date-time', description: 'at or after' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'before' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;
}

/** Roles granted and taken, fields changed (mirrors `AccountActionDetail`). */
export class AccountActionDetailView implements AccountActionDetail {
  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: 'USER_CREATED: the roles' })
  roles?: Role[];
  @ApiPropertyOptional({ enum: ROLES, isArray: true }) before?: Role[];
  @ApiPropertyOptional({ enum: ROLES, isArray: true }) after?: Role[];
  @ApiPropertyOptional({ enum: ROLES, isArray: true }) granted?: Role[];
  @ApiPropertyOptional({ enum: ROLES, isArray: true }) taken?: Role[];
  @ApiPropertyOptional({ type: [String], description: 'PROFILE_CHANGED: which fields' })
  fields?: string[];
}

export class AccountActionView {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'the administrator’s user id, or `system`' }) actorId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the administrator’s display name (null for `system`)',
  })
  actorName!: string | null;
  @ApiProperty({ enum: ACCOUNT_ACTIONS }) action!: AccountAction;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({
    type: AccountActionDetailView,
    description: 'roles before/after/granted/taken, or the fields changed; never a password',
  })
  detail!: AccountActionDetailView;
}
