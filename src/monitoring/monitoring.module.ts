import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EngineModule } from '../engine/engine.module';
import { ExpenseImportEntity } from './entities/expense-import.entity';
import { ExpenseRecordEntity } from './entities/expense-record.entity';
import { MonitoringFlagEntity } from './entities/monitoring-flag.entity';
import { MonitoringReportEntity } from './entities/monitoring-report.entity';
import { MonitoringRunEntity } from './entities/monitoring-run.entity';
import { ExpenseImportService } from './expense-import.service';
import { MonitoringController } from './monitoring.controller';
import { MonitoringReportsService } from './monitoring-reports.service';
import { MonitoringRunsService } from './monitoring-runs.service';
import { MonitoringScheduler } from './monitoring-scheduler.service';
import { OutreachCasesService } from './outreach-cases.service';

/** Early warning of illness-caused poverty (因病致贫返贫监测, docs/domain.md §3). */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ExpenseRecordEntity,
      ExpenseImportEntity,
      MonitoringRunEntity,
      MonitoringFlagEntity,
      MonitoringReportEntity,
    ]),
    EngineModule,
  ],
  controllers: [MonitoringController],
  providers: [
    ExpenseImportService,
    OutreachCasesService,
    MonitoringRunsService,
    MonitoringReportsService,
    MonitoringScheduler,
  ],
  exports: [MonitoringRunsService],
})
export class MonitoringModule {}
