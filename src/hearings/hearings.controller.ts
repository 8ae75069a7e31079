import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiCreatedResponse({ type: CaseView })
  open(@Body() dto: OpenHearingDto, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.hearings.open(dto.reliefCaseId, actor);
  }
}
