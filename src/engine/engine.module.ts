import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module';
import { QueueModule } from '../queue/queue.module';
import { CaseEngine } from './case-engine.service';
import { CaseQueryService } from './case-query.service';
import { ChainVerifier } from './audit/chain-verifier.service';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';
import { EngineObservers } from './engine-observers';
import { CrossCaseReconciler } from './cross-case-reconciler.service';
import { EngineWorker } from './engine-worker.service';
import { CaseDeadlineEntity } from './entities/case-deadline.entity';
import { CaseEventEntity } from './entities/case-event.entity';
import { CaseLinkEntity } from './entities/case-link.entity';
import { CaseMemberEntity } from './entities/case-member.entity';
import { CasePersonEntity } from './entities/case-person.entity';
import { CaseEntity } from './entities/case.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { EventHandlerRegistry } from './event-handlers';
import { OutboxRelay } from './outbox-relay.service';
import { WorkflowRegistry } from './workflow-registry';
import { WorkflowsController } from './workflows.controller';

/** The one case engine every workflow runs on. Domain modules use CaseEngine and EventHandlerRegistry. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      CaseEntity,
      CaseEventEntity,
      CaseDeadlineEntity,
      CaseMemberEntity,
      CasePersonEntity,
      CaseLinkEntity,
      OutboxEntity,
    ]),
    CalendarModule,
    QueueModule,
  ],
  controllers: [CasesController, WorkflowsController],
  providers: [
    WorkflowRegistry,
    EventHandlerRegistry,
    CaseEngine,
    CaseQueryService,
    CasesService,
    OutboxRelay,
    EngineWorker,
    CrossCaseReconciler,
    ChainVerifier,
    EngineObservers,
  ],
  exports: [
    WorkflowRegistry,
    EventHandlerRegistry,
    CaseEngine,
    CaseQueryService,
    OutboxRelay,
    ChainVerifier,
    EngineObservers,
  ],
})
export class EngineModule {}
