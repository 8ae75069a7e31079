import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsUUID,
  Max,
  Min,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';
import type { BlockedCase, MigratedCase } from './workflow-migration.entity';

/** The most cases one request may name (a larger batch: leave `caseIds` out, or split it). */
export const MIGRATION_MAX_CASE_IDS = 1000;

/** `POST /workflows/:type/migrations`: which versions, which cases, and whether only to look. */
export class StartMigrationDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'the version cases are on' })
  @IsInt({ message: 'fromVersion must be a version number (1, 2, ...)' })
  @Min(1, { message: 'fromVersion must be a version number (1, 2, ...)' })
  @Max(999999, { message: 'fromVersion must be a version number (1, 2, ...)' })
  fromVersion!: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2, description: 'the version to move to' })
  @IsInt({ message: 'toVersion must be a version number (1, 2, ...)' })
  @Min(1, { message: 'toVersion must be a version number (1, 2, ...)' })
  @Max(999999, { message: 'toVersion must be a version number (1, 2, ...)' })
  toVersion!: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MIGRATION_MAX_CASE_IDS,
    description: 'only these cases; left out: every open case on fromVersion',
  })
  @IsOptional()
  @IsArray({ message: 'caseIds must be an array of case ids' })
  @ArrayMinSize(1, { message: 'caseIds must name at least one case (or be left out)' })
  @ArrayMaxSize(MIGRATION_MAX_CASE_IDS, {
    message: `caseIds may name at most ${MIGRATION_MAX_CASE_IDS} cases`,
  })
  @IsUUID('all', { each: true, message: 'caseIds must be case ids (UUID)' })
  caseIds?: string[];

  @ApiProperty({ description: 'true: only report what would move, change nothing' })
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun!: boolean;
}

export class MigratedCaseView implements MigratedCase {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() fromState!: string;
  @ApiProperty() toState!: string;
}

export class BlockedCaseView implements BlockedCase {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: no such case' })
  state!: string | null;
  @ApiProperty({ description: 'why it stays where it is' }) reason!: string;
}

/** One migration run as answered and as listed. */
export class MigrationRunView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'integer' }) fromVersion!: number;
  @ApiProperty({ type: 'integer' }) toVersion!: number;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'the cases asked for; null: every open case on fromVersion',
  })
  caseIds!: string[] | null;
  @ApiProperty({ description: 'the administrator’s user id' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time' }) finishedAt!: string;
  @ApiProperty({
    type: [MigratedCaseView],
    description: 'moved (a dry run: would move)',
  })
  migratable!: MigratedCaseView[];
  @ApiProperty({ type: [BlockedCaseView], description: 'left where they are, with the reason' })
  blocked!: BlockedCaseView[];
}

/** `GET /workflows/:type/migrations`: the runs, newest first. */
export class MigrationListQuery extends PageQuery {}
