import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EngineModule } from '../engine/engine.module';
import { InstitutionsModule } from '../institutions/institutions.module';
import { CapitationCasesService } from './capitation-cases.service';
import { CapitationScheduler } from './capitation-scheduler.service';
import { CapitationController } from './capitation.controller';
import { CapitationService } from './capitation.service';
import {
  CapitationMonthEntity,
  CapitationSignUpEntity,
  CapitationSpendingEntity,
} from './entities/capitation.entities';

/** Outpatient capitation (门诊按人头付费, docs/domain.md §6). */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      CapitationSignUpEntity,
      CapitationSpendingEntity,
      CapitationMonthEntity,
    ]),
    EngineModule,
    InstitutionsModule,
  ],
  controllers: [CapitationController],
  providers: [CapitationService, CapitationCasesService, CapitationScheduler],
})
export class CapitationModule {}
