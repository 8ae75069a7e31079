import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { EngineModule } from '../engine/engine.module';
import { ReliefLedgerEntity } from './entities/relief-ledger.entity';
import { ReliefLedgerService } from './relief-ledger.service';
import { ReliefNoticesController } from './relief-notices.controller';
import { ReliefNoticesService } from './relief-notices.service';
import { ReliefController } from './relief.controller';
import { YearlyBurdenService } from './yearly-burden.service';
import { ReliefService } from './relief.service';

@Module({
  imports: [TypeOrmModule.forFeature([ReliefLedgerEntity]), EngineModule, IdempotencyModule],
  controllers: [ReliefController, ReliefNoticesController],
  providers: [ReliefService, ReliefLedgerService, ReliefNoticesService, YearlyBurdenService],
  exports: [ReliefLedgerService],
})
export class ReliefModule {}
