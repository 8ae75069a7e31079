import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import { ReliefNotice, ReliefNoticeQuery } from './dto/relief-notice.dto';
import { ReliefNoticesService } from './relief-notices.service';

@ApiTags('public')
@Controller('api/v1/public/relief-notices')
export class ReliefNoticesController {
  constructor(private readonly notices: ReliefNoticesService) {}

  /** 公示 (no token): relief cases in publicity, with the objection deadline and how to object. */
  @Public()
  @Get()
  list(@Query() q: ReliefNoticeQuery): Promise<Page<ReliefNotice> & { howToObject: string }> {
    return this.notices.list(q);
  }
}
