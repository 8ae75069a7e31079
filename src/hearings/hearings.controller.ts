import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Actor } from '../engine/actor';
import { CaseView } from '../engine/dto/case.dto';
import { OpenHearingDto } from './dto/hearing.dto';
import { HearingsService } from './hearings.service';

@ApiTags('hearings')
@ApiBearerAuth()
@Controller('api/v1/hardship-hearings')
export class HearingsController {
  constructor(private readonly hearings: HearingsService) {}

  @Post()
  @Roles('CASEWORKER')
  @ApiOperation({
    operationId: 'openHardshipHearing',
    summary: 'Open a special-hardship hearing for a paid relief case (特殊医疗救助评审)',
  })
  @ApiCreatedResponse({ type: CaseView })
  @ApiProblems(400, 403, 404, 409, 422)
  open(@Body() dto: OpenHearingDto, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.hearings.open(dto.reliefCaseId, actor);
  }
}
