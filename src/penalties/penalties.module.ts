import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { InstitutionsModule } from '../institutions/institutions.module';
import { PenaltiesController } from './penalties.controller';
import { PenaltiesService } from './penalties.service';

@Module({
  imports: [EngineModule, InstitutionsModule],
  controllers: [PenaltiesController],
  providers: [PenaltiesService],
})
export class PenaltiesModule {}
