import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EngineModule } from '../engine/engine.module';
import { HealthController, MetricsController } from './health.controller';

@Module({
  imports: [TerminusModule, EngineModule],
  controllers: [HealthController, MetricsController],
})
export class HealthModule {}
