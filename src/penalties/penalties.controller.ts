import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { PenaltyAmountsDue } from './dto/amounts-due.view';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Actor } from '../engine/actor';
import { CaseView } from '../engine/dto/case.dto';
import { OpenPenaltyCaseDto } from './dto/penalty.dto';
import { PenaltiesService } from './penalties.service';

@ApiTags('penalties')
@ApiBearerAuth()
@Controller('api/v1/penalty-cases')
export class PenaltiesController {
  constructor(private readonly penalties: PenaltiesService) {}

  @Post()
  @Roles('INSPECTOR', 'CASEWORKER', 'MANAGER', 'LEGAL')
  @ApiOperation({
    operationId: 'openPenaltyCase',
    summary: 'Open an administrative penalty case (立案)',
  })
  @ApiCreatedResponse({ type: CaseView })
  @ApiProblems(400, 403, 409, 422)
  open(@Body() dto: OpenPenaltyCaseDto, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.penalties.open(dto, actor);
  }

  /** The two ledgers (RECOVERY to the fund, FINE to the treasury) and the late fee as of now. */
  @Get(':id/amounts-due')
  @ApiOperation({
    operationId: 'getPenaltyAmountsDue',
    summary: 'The fine and recovery ledgers and the late fee as of now (滞纳金)',
  })
  @ApiOkResponse({ type: PenaltyAmountsDue })
  @ApiProblems(404)
  amountsDue(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<PenaltyAmountsDue> {
    return this.penalties.amountsDue(id, actor);
  }
}
