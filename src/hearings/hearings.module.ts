import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EngineModule } from '../engine/engine.module';
import { UsersModule } from '../users/users.module';
import {
  SpecialReliefLedgerEntity,
  WarmHeartFundLedgerEntity,
} from './entities/hearing-ledgers.entity';
import { HearingLedgersService } from './hearing-ledgers.service';
import { HearingsController } from './hearings.controller';
import { HearingsService } from './hearings.service';
import { SpecialReliefNoticesController } from './special-relief-notices.controller';
import { SpecialReliefNoticesService } from './special-relief-notices.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SpecialReliefLedgerEntity, WarmHeartFundLedgerEntity]),
    EngineModule,
    UsersModule,
  ],
  controllers: [HearingsController, SpecialReliefNoticesController],
  providers: [HearingsService, HearingLedgersService, SpecialReliefNoticesService],
  exports: [HearingLedgersService],
})
export class HearingsModule {}
