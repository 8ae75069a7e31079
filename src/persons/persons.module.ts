import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { HearingsModule } from '../hearings/hearings.module';
import { PenaltiesModule } from '../penalties/penalties.module';
import { ReliefModule } from '../relief/relief.module';
import { PersonsController } from './persons.controller';
import { PersonsService } from './persons.service';

/**
 * The person view: a person's cases and yearly ledgers, through the relief and hearing services,
 * and the sanctions of their art. 41 penalty cases.
 */
@Module({
  imports: [EngineModule, ReliefModule, HearingsModule, PenaltiesModule],
  controllers: [PersonsController],
  providers: [PersonsService],
})
export class PersonsModule {}
