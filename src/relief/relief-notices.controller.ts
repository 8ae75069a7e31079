import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { Public } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import { ReliefNotice, ReliefNoticeList, ReliefNoticeQuery } from './dto/relief-notice.dto';
import { ReliefNoticesService } from './relief-notices.service';

@ApiTags('public')
@Controller('api/v1/public/relief-notices')
export class ReliefNoticesController {
  constructor(private readonly notices: ReliefNoticesService) {}

  /** 公示 (no token): relief cases in publicity, with the objection deadline and how to object. */
  @Public()
  @Get()
  @ApiOperation({
    operationId: 'listReliefNotices',
    summary: 'Relief cases in publicity (公示), with the objection deadline; no token',
  })
  @ApiOkResponse({ type: ReliefNoticeList })
  @ApiProblems(400)
  list(@Query() q: ReliefNoticeQuery): Promise<Page<ReliefNotice> & { howToObject: string }> {
    return this.notices.list(q);
  }
}
