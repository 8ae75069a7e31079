import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Actor } from '../engine/actor';
import { CaseView } from '../engine/dto/case.dto';
import { OpenPenaltyCaseDto } from './dto/penalty.dto';
import { type AmountsDueView, PenaltiesService } from './penalties.service';

@ApiTags('penalties')
@ApiBearerAuth()
@Controller('api/v1/penalty-cases')
export class PenaltiesController {
  constructor(private readonly penalties: PenaltiesService) {}

  @Post()
  @Roles('INSPECTOR', 'CASEWORKER', 'MANAGER', 'LEGAL')
  @ApiCreatedResponse({ type: CaseView })
  open(@Body() dto: OpenPenaltyCaseDto, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.penalties.open(dto, actor);
  }

  /** The two ledgers (RECOVERY to the fund, FINE to the treasury) and the late fee as of now. */
  @Get(':id/amounts-due')
  amountsDue(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<AmountsDueView> {
    return this.penalties.amountsDue(id, actor);
  }
}
