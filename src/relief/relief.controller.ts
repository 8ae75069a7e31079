import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { ReliefCalculationView } from './dto/relief-calculation.view';
import { CurrentActor, Roles } from '../auth/decorators';
import { IdempotencyKey } from '../common/idempotency/idempotency-key.decorator';
import type { Actor } from '../engine/actor';
import { CaseView } from '../engine/dto/case.dto';
import { CalculateReliefDto } from './dto/calculate-relief.dto';
import { CreateReliefApplicationDto } from './dto/create-relief-application.dto';
import type { ReliefCalculation } from './relief-calculator';
import { ReliefService } from './relief.service';

@ApiTags('relief')
@ApiBearerAuth()
@Controller('api/v1')
export class ReliefController {
  constructor(private readonly relief: ReliefService) {}

  @Post('relief-applications')
  @Roles('STREET_OFFICE', 'CASEWORKER')
  @ApiOperation({
    operationId: 'createReliefApplication',
    summary: 'Submit a relief application (救助申请): a new relief case',
  })
  @ApiProblems(400, 403, 409, 422)
  @ApiCreatedResponse({ type: CaseView })
  submit(
    @Body() dto: CreateReliefApplicationDto,
    @IdempotencyKey() key: string,
    @CurrentActor() actor: Actor,
  ): Promise<CaseView> {
    return this.relief.submit(dto, actor, key);
  }

  @Post('relief/calculate')
  @HttpCode(200)
  @Roles('STREET_OFFICE', 'CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({
    operationId: 'calculateRelief',
    summary: 'Calculate relief without a case (救助试算), with the rules applied per line',
  })
  @ApiOkResponse({ type: ReliefCalculationView })
  @ApiProblems(400, 403, 422)
  calculate(@Body() dto: CalculateReliefDto): ReliefCalculation {
    return this.relief.calculate(dto);
  }
}
