import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EngineModule } from '../engine/engine.module';
import { SlaModule } from '../sla/sla.module';
import { HealthController, MetricsController } from './health.controller';

@Module({
  imports: [TerminusModule, EngineModule, SlaModule],
  controllers: [HealthController, MetricsController],
})
export class HealthModule {}
