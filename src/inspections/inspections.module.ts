import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { InstitutionsModule } from '../institutions/institutions.module';
import { UsersModule } from '../users/users.module';
import { InspectionsController, PublicInspectionsController } from './inspections.controller';
import { InspectionsService } from './inspections.service';

@Module({
  imports: [EngineModule, UsersModule, InstitutionsModule],
  controllers: [InspectionsController, PublicInspectionsController],
  providers: [InspectionsService],
})
export class InspectionsModule {}
