import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Actor } from '../engine/actor';
import { CaseQueryService } from '../engine/case-query.service';
import { CaseAccessLog } from './case-access-log.service';

export class CaseAccessView {
  @ApiProperty({ description: 'user id' }) actor!: string;
  @ApiProperty({ example: 'ATTACHMENT_DOWNLOADED' }) action!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** Who read what of a case (downloads), oldest first: the auditor's review of reads. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/cases')
export class AccessLogController {
  constructor(
    private readonly accessLog: CaseAccessLog,
    private readonly cases: CaseQueryService,
  ) {}

  @Get(':id/access-log')
  @Roles('AUDITOR')
  @ApiOperation({
    operationId: 'getCaseAccessLog',
    summary: 'Who read what of a case (downloads), oldest first (访问日志)',
  })
  @ApiOkResponse({ type: [CaseAccessView] })
  @ApiProblems(403, 404)
  async caseAccessLog(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
  ): Promise<CaseAccessView[]> {
    const row = await this.cases.visibleCase(id, actor);
    const entries = await this.accessLog.of(row.id);
    return entries.map((e) => ({
      actor: e.actor,
      action: e.action,
      detail: e.detail,
      at: e.at.toISOString(),
    }));
  }
}
