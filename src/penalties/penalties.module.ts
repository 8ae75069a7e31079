import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { UsersModule } from '../users/users.module';
import { EngineModule } from '../engine/engine.module';
import { InstitutionsModule } from '../institutions/institutions.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { HearingNoticeService } from './hearing-notice.service';
import { PersonPartyService } from './person-party';
import { PenaltiesController } from './penalties.controller';
import { PenaltiesService } from './penalties.service';

@Module({
  imports: [EngineModule, InstitutionsModule, CalendarModule, NotificationsModule, UsersModule],
  controllers: [PenaltiesController],
  providers: [PenaltiesService, HearingNoticeService, PersonPartyService],
  exports: [PersonPartyService],
})
export class PenaltiesModule {}
