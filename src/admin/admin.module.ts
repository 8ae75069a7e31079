import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { QueueBoardController } from './queue-board.controller';
import { QueueBoard } from './queue-board.service';

/** Operators' pages: the BullMQ queue dashboard (bull-board) at /admin/queues, ADMIN only. */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [QueueBoardController],
  providers: [QueueBoard],
})
export class AdminModule {}
