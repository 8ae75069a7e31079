import { DataSource, type DataSourceOptions } from 'typeorm';
import type { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import { type DatabaseHost, failoverDriver, parseDatabaseHosts } from './failover-pool';
import { CaseAccessEntity } from '../audit/entities/case-access.entity';
import { CalendarYearEntity } from '../calendar/entities/calendar-year.entity';
import { IdempotencyKeyEntity } from '../common/idempotency/idempotency-key.entity';
import { CaseDeadlineEntity } from '../engine/entities/case-deadline.entity';
import { CaseEventEntity } from '../engine/entities/case-event.entity';
import { CaseLinkEntity } from '../engine/entities/case-link.entity';
import { CaseMemberEntity } from '../engine/entities/case-member.entity';
import { CaseSignalEntity } from '../engine/entities/case-signal.entity';
import { CaseContextSubscriber, CaseEntity } from '../engine/entities/case.entity';
import { OutboxEntity } from '../engine/entities/outbox.entity';
import { AccountActionEntity } from '../users/entities/account-action.entity';
import { UserEntity } from '../users/entities/user.entity';
import { Foundation1764000000000 } from './migrations/1764000000000-Foundation';
import { CaseAccessLog1764000011000 } from './migrations/1764000011000-CaseAccessLog';
import { OutboxSettled1764000012000 } from './migrations/1764000012000-OutboxSettled';
import { AccountActions1764000015000 } from './migrations/1764000015000-AccountActions';
import { WorkflowMigrations1764000016000 } from './migrations/1764000016000-WorkflowMigrations';
import { WorkflowMigrationEntity } from '../engine/migration/workflow-migration.entity';
import { DeadlineHorizon1764000020000 } from './migrations/1764000020000-DeadlineHorizon';
import { OutboxHeldBack1764000020100 } from './migrations/1764000020100-OutboxHeldBack';
import { SlaJournal1764000021000 } from './migrations/1764000021000-SlaJournal';
import { DeadlineReminders1764000022000 } from './migrations/1764000022000-DeadlineReminders';
import { Capitation1764000014000 } from './migrations/1764000014000-Capitation';
import {
  CapitationMonthEntity,
  CapitationSignUpEntity,
  CapitationSpendingEntity,
} from '../capitation/entities/capitation.entities';
import { PenaltyPersonParty1764000013000 } from './migrations/1764000013000-PenaltyPersonParty';
import { ReliefLedger1764000001000 } from './migrations/1764000001000-ReliefLedger';
import { HearingLedgers1764000002000 } from './migrations/1764000002000-HearingLedgers';
import { Inspections1764000003000 } from './migrations/1764000003000-Inspections';
import { Penalties1764000004000 } from './migrations/1764000004000-Penalties';
import { Monitoring1764000008000 } from './migrations/1764000008000-Monitoring';
import { OutboxHandovers1764000009000 } from './migrations/1764000009000-OutboxHandovers';
import { OutboxLease1764000010000 } from './migrations/1764000010000-OutboxLease';
import { EverydayWork1764000007000 } from './migrations/1764000007000-EverydayWork';
import { AssignmentNoticeEntity } from '../assignments/entities/assignment-notice.entity';
import { AttachmentContentEntity } from '../attachments/entities/attachment-content.entity';
import { CaseAttachmentEntity } from '../attachments/entities/case-attachment.entity';
import { LoginFailureEntity } from '../auth/entities/login-failure.entity';
import { CasePersonEntity } from '../engine/entities/case-person.entity';
import { ManagersView1764000006000 } from './migrations/1764000006000-ManagersView';
import { NotificationDeliveryEntity } from '../notifications/entities/notification-delivery.entity';
import { NotificationEntity } from '../notifications/entities/notification.entity';
import { ReliefIndicatorTotalEntity } from '../sla/entities/relief-indicator-total.entity';
import { SlaAlertEntity } from '../sla/entities/sla-alert.entity';
import { SlaRecordEntity } from '../sla/entities/sla-record.entity';
import { SlaRollupEntity } from '../sla/entities/sla-rollup.entity';
import {
  SpecialReliefLedgerEntity,
  WarmHeartFundLedgerEntity,
} from '../hearings/entities/hearing-ledgers.entity';
import { ReliefLedgerEntity } from '../relief/entities/relief-ledger.entity';
import { InstitutionCreditRecordEntity } from '../institutions/entities/institution-credit-record.entity';
import { InstitutionEntity } from '../institutions/entities/institution.entity';
import { InspectionDrawEntity } from '../inspections/entities/inspection-draw.entity';
import { InspectionPlanEntity } from '../inspections/entities/inspection-plan.entity';
import { InspectionResultEntity } from '../inspections/entities/inspection-result.entity';
import { PenaltyLedgerEntryEntity } from '../penalties/entities/penalty-ledger-entry.entity';
import { ExpenseImportEntity } from '../monitoring/entities/expense-import.entity';
import { ExpenseRecordEntity } from '../monitoring/entities/expense-record.entity';
import { MonitoringFlagEntity } from '../monitoring/entities/monitoring-flag.entity';
import { MonitoringReportEntity } from '../monitoring/entities/monitoring-report.entity';
import { MonitoringRunEntity } from '../monitoring/entities/monitoring-run.entity';

export const ENTITIES = [
  UserEntity,
  CaseEntity,
  CaseEventEntity,
  CaseDeadlineEntity,
  CaseMemberEntity,
  CaseLinkEntity,
  CaseSignalEntity,
  OutboxEntity,
  IdempotencyKeyEntity,
  CalendarYearEntity,
  ReliefLedgerEntity,
  SpecialReliefLedgerEntity,
  WarmHeartFundLedgerEntity,
  InstitutionEntity,
  InstitutionCreditRecordEntity,
  InspectionPlanEntity,
  InspectionDrawEntity,
  InspectionResultEntity,
  PenaltyLedgerEntryEntity,
  CasePersonEntity,
  CaseAttachmentEntity,
  AttachmentContentEntity,
  AssignmentNoticeEntity,
  LoginFailureEntity,
  ExpenseRecordEntity,
  ExpenseImportEntity,
  MonitoringRunEntity,
  MonitoringFlagEntity,
  MonitoringReportEntity,
  SlaRecordEntity,
  SlaAlertEntity,
  SlaRollupEntity,
  ReliefIndicatorTotalEntity,
  NotificationEntity,
  NotificationDeliveryEntity,
  CaseAccessEntity,
  AccountActionEntity,
  CapitationSignUpEntity,
  CapitationSpendingEntity,
  CapitationMonthEntity,
  WorkflowMigrationEntity,
];

/** Migrations are listed, not globbed, so the same list works from ts and from dist. */
export const MIGRATIONS = [
  Foundation1764000000000,
  ReliefLedger1764000001000,
  HearingLedgers1764000002000,
  Inspections1764000003000,
  Penalties1764000004000,
  ManagersView1764000006000,
  EverydayWork1764000007000,
  Monitoring1764000008000,
  OutboxHandovers1764000009000,
  OutboxLease1764000010000,
  CaseAccessLog1764000011000,
  OutboxSettled1764000012000,
  PenaltyPersonParty1764000013000,
  Capitation1764000014000,
  AccountActions1764000015000,
  WorkflowMigrations1764000016000,
  DeadlineHorizon1764000020000,
  OutboxHeldBack1764000020100,
  SlaJournal1764000021000,
  DeadlineReminders1764000022000,
];

/** One place that turns DATABASE_URL into TypeORM options (app, CLI data source, tests). */
export function databaseOptions(
  url: string,
  migrationsRun: boolean,
  hostList?: string,
): DataSourceOptions {
  const base = {
    type: 'mysql' as const,
    url,
    entities: ENTITIES,
    subscribers: [CaseContextSubscriber],
    migrations: MIGRATIONS,
    migrationsRun,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    timezone: 'Z',
    dateStrings: false,
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: 20 },
    // Write-behind transactions (write-behind.ts) send queued writes with the next statement as
    // one packet. Every statement here is parameterised.
    multipleStatements: true,
    // Query errors reach the callers (and the problem filter logs real failures); expected ones
    // such as a duplicate idempotency key must not flood the log.
    logging: false,
  };
  const cluster = clusterHosts(url, hostList);
  if (cluster === null) {
    return base;
  }
  return {
    ...base,
    // The authority of a multi-host URL is not a URL host: TypeORM reads the first one.
    url: url.replace(
      /^(mysql:\/\/(?:[^@/]*@)?)[^/]*\//,
      `$1${cluster[0].host}:${cluster[0].port}/`,
    ),
    // A connection attempt to a dead node gives up soon: the next node is tried.
    connectTimeout: 2000,
    connectorPackage: 'mysql2',
    driver: failoverDriver(cluster, { sessionInit: CLUSTER_SESSION }),
  };
}

/**
 * The hosts of a cluster: DATABASE_HOSTS (`host:port,host:port`), or several hosts in the
 * authority of DATABASE_URL (`mysql://user:pass@h1:3306,h2:3306/yibao`); null for one host, the
 * single-node path, which stays mysql2's own pool.
 */
export function clusterHosts(url: string, hostList?: string): DatabaseHost[] | null {
  if (hostList !== undefined && hostList.trim() !== '') {
    return parseDatabaseHosts(hostList);
  }
  const authority = /^mysql:\/\/(?:[^@/]*@)?([^/]*)\//.exec(url)?.[1] ?? '';
  return authority.includes(',') ? parseDatabaseHosts(authority) : null;
}

/**
 * Every transaction here runs READ COMMITTED (the case row lock and versioned update serialise a
 * case; READ COMMITTED spares the deadline and outbox tables InnoDB's gap locks). It is made the
 * session default of every pooled connection once, so no transaction pays a `SET TRANSACTION`
 * round trip of its own.
 */
export const READ_COMMITTED_SESSION = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

/**
 * On a Galera cluster, besides: `wsrep_sync_wait = 1` makes every read wait until the node has
 * applied what the cluster committed before it (causal reads: a read after a failover, or on
 * another node than the write, still sees the write). With one writing node it costs nothing
 * measurable.
 */
export const CLUSTER_SESSION = `${READ_COMMITTED_SESSION};\nSET SESSION wsrep_sync_wait = 1`;

interface CallbackPool {
  on(event: 'connection', listener: (c: CallbackPool) => void): void;
  query(sql: string, done?: (e: Error | null) => void): void;
}

/** The app's DataSource: initialised (migrations run) with every connection READ COMMITTED. */
export async function createDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const pool = (dataSource.driver as MysqlDriver).pool as CallbackPool;
  // Connections opened from now on get it first (mysql2 runs a connection's commands in order);
  // the one TypeORM opened while initialising is idle in the pool and takes the query below.
  pool.on('connection', (c) => c.query(READ_COMMITTED_SESSION, () => undefined));
  await new Promise<void>((resolve, reject) =>
    pool.query(READ_COMMITTED_SESSION, (e) => (e ? reject(e) : resolve())),
  );
  return dataSource;
}
