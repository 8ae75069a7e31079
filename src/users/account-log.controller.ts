import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import { AccountLogService } from './account-log.service';
import { AccountActionQuery, AccountActionView } from './dto/account-action.dto';

/** The auditor's review of account administration: role grants, unlocks, deactivations. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit/account-actions')
export class AccountLogController {
  constructor(private readonly log: AccountLogService) {}

  @Get()
  @Roles('AUDITOR')
  @ApiOperation({
    operationId: 'listAccountActions',
    summary: 'Role grants, unlocks and other account changes, newest first (账号管理日志)',
  })
  @ApiOkResponse({ type: PageOf(AccountActionView) })
  @ApiProblems(400, 403)
  async list(@Query() q: AccountActionQuery): Promise<Page<AccountActionView>> {
    return { ...(await this.log.list(q)), page: q.page, pageSize: q.pageSize };
  }
}
