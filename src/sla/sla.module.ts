import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { EngineModule } from '../engine/engine.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsersModule } from '../users/users.module';
import { SlaAlertsService } from './sla-alerts.service';
import { SlaController } from './sla.controller';
import { SlaJournal } from './sla-journal.service';
import { SlaRecorder } from './sla-recorder.service';
import { SlaReportsService } from './sla-reports.service';
import { SlaWorker } from './sla-worker.service';

/** SLA records, reminders / breaches / escalations, and the managers' reports. */
@Module({
  imports: [EngineModule, CalendarModule, NotificationsModule, UsersModule],
  controllers: [SlaController],
  providers: [SlaRecorder, SlaJournal, SlaAlertsService, SlaReportsService, SlaWorker],
  exports: [SlaReportsService, SlaJournal],
})
export class SlaModule {}
