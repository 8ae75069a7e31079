import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module';
import { UsersModule } from '../users/users.module';
import { QueueModule } from '../queue/queue.module';
import { CaseEngine } from './case-engine.service';
import { CaseQueryService } from './case-query.service';
import { PublicNoticeQuery } from './public-notice-query';
import { CaseLookup } from './case-lookup';
import { ChainVerifier } from './audit/chain-verifier.service';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';
import { EngineObservers } from './engine-observers';
import { EngineWorker } from './engine-worker.service';
import { CaseDeadlineEntity } from './entities/case-deadline.entity';
import { CaseEventEntity } from './entities/case-event.entity';
import { CaseLinkEntity } from './entities/case-link.entity';
import { CaseMemberEntity } from './entities/case-member.entity';
import { CasePersonEntity } from './entities/case-person.entity';
import { CaseEntity } from './entities/case.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { EventHandlerRegistry } from './event-handlers';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { WorkflowRegistry } from './workflow-registry';
import { WorkflowsController } from './workflows.controller';
import { CaseMigrator } from './migration/case-migrator';
import { KnownRelated } from './persistence/related-rows';
import { WorkflowMigrationEntity } from './migration/workflow-migration.entity';
import { WorkflowMigrationsController } from './migration/workflow-migrations.controller';
import { WorkflowMigrations } from './migration/workflow-migrations.service';
import { DeadlineFiring } from './deadlines/deadline-firing';
import { DeadlinePromotion } from './deadlines/deadline-promotion';
import { DeadlineScheduler } from './deadlines/deadline-scheduler';
import { CrossCasePayloads } from './jobs/cross-case-payloads';
import { CrossCaseReconciler } from './jobs/cross-case-reconciler.service';
import { FireDeadlineJob } from './jobs/fire-deadline.job';
import { OpenLinkedCaseJob } from './jobs/open-linked-case.job';
import { SignalCaseJob } from './jobs/signal-case.job';
import { OutboxWriter } from './outbox/outbox-writer';
import { CaseRepository } from './persistence/case-repository';
import { DeadlineRepository } from './persistence/deadline-repository';
import { OutboxRepository } from './persistence/outbox-repository';
import { TransitionPipeline } from './transition/transition-pipeline';

/**
 * The one case engine every workflow runs on. Domain modules use CaseEngine (the facade) and
 * EventHandlerRegistry; the parts behind the facade: transition/ (the pipeline), persistence/
 * (the SQL of cases, events and deadlines), deadlines/, outbox/, jobs/ and audit/.
 */
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
      WorkflowMigrationEntity,
    ]),
    CalendarModule,
    QueueModule,
    UsersModule,
  ],
  controllers: [CasesController, WorkflowsController, WorkflowMigrationsController],
  providers: [
    WorkflowRegistry,
    EventHandlerRegistry,
    CaseRepository,
    DeadlineRepository,
    // One per process: what the answers of its transitions worked out (related-rows.ts).
    { provide: KnownRelated, useValue: new KnownRelated() },
    OutboxRepository,
    OutboxRelay,
    OutboxWriter,
    DeadlineScheduler,
    TransitionPipeline,
    DeadlineFiring,
    DeadlinePromotion,
    CrossCasePayloads,
    FireDeadlineJob,
    OpenLinkedCaseJob,
    SignalCaseJob,
    CaseEngine,
    CaseQueryService,
    PublicNoticeQuery,
    CaseLookup,
    CasesService,
    EngineWorker,
    CrossCaseReconciler,
    ChainVerifier,
    EngineObservers,
    CaseMigrator,
    WorkflowMigrations,
  ],
  exports: [
    WorkflowRegistry,
    EventHandlerRegistry,
    CaseEngine,
    CaseQueryService,
    PublicNoticeQuery,
    CaseLookup,
    OutboxRelay,
    ChainVerifier,
    EngineObservers,
  ],
})
export class EngineModule {}
