import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountLogController } from './account-log.controller';
import { AccountLogService } from './account-log.service';
import { AccountActionEntity } from './entities/account-action.entity';
import { UserEntity } from './entities/user.entity';
import { UsersController } from './users.controller';
import { IdentityCache } from './identity-cache';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AccountActionEntity])],
  controllers: [UsersController, AccountLogController],
  providers: [UsersService, AccountLogService, IdentityCache],
  exports: [UsersService],
})
export class UsersModule {}
