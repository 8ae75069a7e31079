import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EngineModule } from '../engine/engine.module';
import { UsersModule } from '../users/users.module';
import { NotificationsModule } from '../notifications/notifications.module';
import {
  AssignmentNoticeWriter,
  AssignmentNotifier,
  InboxAssignmentNotifier,
} from './assignment-notifier';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsService } from './assignments.service';
import { AssignmentNoticeEntity } from './entities/assignment-notice.entity';

/** Reassignment, the new assignee's notice (AssignmentNotifier) and the workload per caseworker. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AssignmentNoticeEntity]),
    EngineModule,
    UsersModule,
    NotificationsModule,
  ],
  controllers: [AssignmentsController],
  providers: [
    AssignmentsService,
    AssignmentNoticeWriter,
    { provide: AssignmentNotifier, useClass: InboxAssignmentNotifier },
  ],
})
export class AssignmentsModule {}
