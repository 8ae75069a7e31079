import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import { ApiProblems } from '../openapi/problems';
import {
  SpecialReliefNotice,
  SpecialReliefNoticeList,
  SpecialReliefNoticeQuery,
} from './special-relief-notices.dto';
import { SpecialReliefNoticesService } from './special-relief-notices.service';

@ApiTags('public')
@Controller('api/v1/public/special-relief-notices')
export class SpecialReliefNoticesController {
  constructor(private readonly notices: SpecialReliefNoticesService) {}

  /** 公示 (no token): special relief in publicity, with the objection deadline and how to object. */
  @Public()
  @Get()
  @ApiOperation({
    operationId: 'listSpecialReliefNotices',
    summary:
      'Special relief in publicity (特殊医疗救助公示), with the objection deadline; no token',
  })
  @ApiOkResponse({ type: SpecialReliefNoticeList })
  @ApiProblems(400)
  list(
    @Query() q: SpecialReliefNoticeQuery,
  ): Promise<Page<SpecialReliefNotice> & { howToObject: string }> {
    return this.notices.list(q);
  }
}
