import { Module } from '@nestjs/common';
import { StreetsController } from './streets.controller';

/** Street offices by name (`GET /api/v1/streets`), for the workbench's pages and filters. */
@Module({ controllers: [StreetsController] })
export class StreetsModule {}
