import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type MonitoringReferral,
  type ReliefApplicationInput,
} from '../../workflows/relief-application.machine';
import { reliefApplicationV2Workflow } from '../../workflows/relief-application.v2.machine';
import { shanghaiDate } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import { PolicyService } from '../config/policy.service';
import { isDuplicateEntry, withRetry } from '../database/with-retry';
import type { Actor } from '../engine/actor';
import { caseInput } from '../engine/case-data';
import { CaseEngine } from '../engine/case-engine.service';
import { RELIEF_TYPE } from '../relief/relief.service';
import { MonitoringFlagEntity } from './entities/monitoring-flag.entity';
import type { MonitoringReportEntity } from './entities/monitoring-report.entity';
import { displayAmount } from './monitoring-thresholds';

/** Proactive cases opened at once by one run: a few transactions in flight, not one per flag. */
const OPEN_CONCURRENCY = 4;

/** The case's origin key: one proactive case per person and year, ever (unique in `cases`). */
export function outreachOriginKey(flag: Pick<MonitoringFlagEntity, 'personKey' | 'year'>): string {
  return `monitoring#${flag.personKey}#${flag.year}`;
}

/** What the proactive case starts with: what the record (or the report) knew, and why. */
export function outreachInput(
  flag: MonitoringFlagEntity,
  report?: MonitoringReportEntity,
): ReliefApplicationInput {
  const referral: MonitoringReferral = {
    rule: flag.rule,
    year: flag.year,
    flagId: String(flag.id),
    source: flag.source,
    flaggedBy: flag.flaggedBy,
    flaggedAt: flag.flaggedAt.toISOString(),
    ...(flag.burden !== null && flag.threshold !== null
      ? { burden: displayAmount(flag.burden), threshold: displayAmount(flag.threshold) }
      : {}),
    ...(flag.runId !== null ? { runId: flag.runId } : {}),
    ...(flag.inPolicyCost !== null
      ? {
          record: {
            inPolicyCost: displayAmount(flag.inPolicyCost),
            insurancePaid: displayAmount(flag.insurancePaid ?? '0'),
            reliefPaid: displayAmount(flag.reliefPaid ?? '0'),
            outOfPolicyCost: displayAmount(flag.outOfPolicyCost ?? '0'),
            inPolicyBurden: displayAmount(flag.inPolicyBurden ?? '0'),
            totalBurden: displayAmount(flag.totalBurden ?? '0'),
          },
        }
      : {}),
    ...(report
      ? {
          reportId: report.id,
          reason: report.reason,
          reporter: {
            type: report.reporterType,
            name: report.reporterName,
            ...(report.reporterPhone !== null ? { phone: report.reporterPhone } : {}),
          },
        }
      : {}),
  };
  const phone = flag.phone ?? report?.phone ?? null;
  return {
    applicant: {
      name: flag.name,
      idNumber: flag.idNumber,
      ...(phone !== null ? { phone } : {}),
      category: (flag.category ?? 'OTHER') as ReliefApplicationInput['applicant']['category'],
      insuranceType: flag.insuranceType as ReliefApplicationInput['applicant']['insuranceType'],
    },
    streetCode: flag.streetCode,
    year: flag.year,
    // The street office gathers the expense lines with the person before SUBMIT.
    expenses: [],
    origin: 'OUTREACH',
    monitoring: referral,
  };
}

/**
 * Opens the proactive relief case (主动发现) of a flagged person in `outreach`, for the street
 * office of residence. Once per person and year however many runs overlap: the flag row is
 * locked and must still have no case, and the case's origin key is unique besides.
 */
@Injectable()
export class OutreachCasesService {
  private readonly logger = new Logger(OutreachCasesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: CaseEngine,
    private readonly policy: PolicyService,
  ) {}

  /** The relief edition in force today: the case is bound to it, as an application would be. */
  private reliefEditionVersion(now: Date): string {
    const today = shanghaiDate(now);
    const edition = this.policy.reliefEditionOn(today);
    if (!edition) {
      throw new DomainError('BUSINESS_RULE', `No relief policy is in force on ${today}.`);
    }
    return edition.version;
  }

  /**
   * Inside the caller's transaction: the flag's case, opened now unless it already has one. The
   * case's history starts with CASE_OPENED by `actor` carrying the whole input (who flagged, why).
   */
  async openForFlag(
    m: EntityManager,
    flagId: string,
    actor: Actor,
    report?: MonitoringReportEntity,
  ): Promise<{ caseId: string; opened: boolean }> {
    const flag = await m.findOne(MonitoringFlagEntity, {
      where: { id: flagId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!flag) {
      throw new Error(`monitoring flag ${flagId} vanished`);
    }
    if (flag.caseId !== null) {
      return { caseId: flag.caseId, opened: false };
    }
    const row = await this.engine.openCase({
      type: RELIEF_TYPE,
      input: caseInput(reliefApplicationV2Workflow, {
        ...outreachInput(flag, report),
        collectiveReviewAbove: this.policy.current().relief.collectiveReviewAbove,
      }),
      actor,
      streetCode: flag.streetCode,
      policyVersion: this.reliefEditionVersion(new Date()),
      originKey: outreachOriginKey(flag),
      manager: m,
    });
    await m.update(
      MonitoringFlagEntity,
      { id: flag.id },
      { caseId: row.id, caseOpenedAt: row.createdAt },
    );
    return { caseId: row.id, opened: true };
  }

  /**
   * Opens the case of every flag of the year that has none yet (this run's, and any an earlier
   * run flagged but did not get to open), one transaction each, a few at a time.
   */
  async openPending(year: number, actor: Actor): Promise<{ opened: number; failed: number }> {
    const pending: Array<{ id: string }> = await this.dataSource.query(
      'SELECT id FROM monitoring_flags WHERE year = ? AND case_id IS NULL ORDER BY id',
      [year],
    );
    let next = 0;
    let opened = 0;
    let failed = 0;
    const worker = async (): Promise<void> => {
      while (next < pending.length) {
        const id = String(pending[next++].id);
        try {
          if (await this.openOne(id, actor)) {
            opened++;
          }
        } catch (e) {
          // Logged and counted; the flag keeps no case, and the next run opens it.
          failed++;
          this.logger.error(
            `flag ${id}: the proactive case was not opened: ${(e as Error).message}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
    return { opened, failed };
  }

  private async openOne(flagId: string, actor: Actor): Promise<boolean> {
    try {
      const { opened } = await withRetry(() =>
        this.dataSource.transaction((m) => this.openForFlag(m, flagId, actor)),
      );
      return opened;
    } catch (e) {
      if (isDuplicateEntry(e)) {
        return false; // the person's case of the year exists (unique origin key)
      }
      throw e;
    }
  }
}
