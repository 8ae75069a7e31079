import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../auth/decorators';
import type { Page } from '../../common/pagination/pagination.dto';
import { PageOf } from '../../openapi/page';
import { ApiProblems } from '../../openapi/problems';
import type { Actor } from '../actor';
import { MigrationListQuery, MigrationRunView, StartMigrationDto } from './workflow-migration.dto';
import { WorkflowMigrations } from './workflow-migrations.service';

/** Moving running cases to a newer version of their workflow (版本迁移), dry run first. */
@ApiTags('workflows')
@ApiBearerAuth()
@Controller('api/v1/workflows')
export class WorkflowMigrationsController {
  constructor(private readonly migrations: WorkflowMigrations) {}

  /**
   * `dryRun: true` reports which cases would move to which state and which are blocked, and
   * changes no case; `false` moves each one in its own transaction with a `MIGRATED` event.
   * Every run, dry or real, is kept.
   */
  @Post(':type/migrations')
  @Roles('ADMIN')
  @ApiOperation({
    operationId: 'migrateWorkflowCases',
    summary: 'Move running cases to another version of the workflow, or only report (dry run)',
  })
  @ApiCreatedResponse({ type: MigrationRunView })
  @ApiProblems(400, 403, 404, 422)
  run(
    @Param('type') type: string,
    @Body() dto: StartMigrationDto,
    @CurrentActor() actor: Actor,
  ): Promise<MigrationRunView> {
    return this.migrations.run(type, dto, actor);
  }

  @Get(':type/migrations')
  @Roles('ADMIN', 'AUDITOR')
  @ApiOperation({
    operationId: 'listWorkflowMigrations',
    summary: 'The migration runs of a workflow, dry runs included, newest first',
  })
  @ApiOkResponse({ type: PageOf(MigrationRunView) })
  @ApiProblems(400, 403, 404)
  list(
    @Param('type') type: string,
    @Query() q: MigrationListQuery,
  ): Promise<Page<MigrationRunView>> {
    return this.migrations.list(type, q);
  }
}
