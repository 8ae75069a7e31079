import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
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
  calculate(@Body() dto: CalculateReliefDto): ReliefCalculation {
    return this.relief.calculate(dto);
  }
}
