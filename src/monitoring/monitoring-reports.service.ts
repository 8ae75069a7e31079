import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { shanghaiYear } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import { withRetry } from '../database/with-retry';
import { normaliseResidentId } from '../common/id-number';
import { maskIdNumber, maskPhone } from '../common/masking';
import type { Role } from '../../workflows/workflow-definition';
import type { Actor } from '../engine/actor';
import { isStreetBound } from '../engine/case-access';
import { personKey } from '../relief/relief-ledger.service';
import type { CreateReportDto, ReportView } from './dto/monitoring.dto';
import { MonitoringFlagEntity } from './entities/monitoring-flag.entity';
import { MonitoringReportEntity } from './entities/monitoring-report.entity';
import { OutreachCasesService } from './outreach-cases.service';

/** The roles granted POST /monitoring/reports: only these exempt a street office from its street. */
export const REPORTER_ROLES: readonly Role[] = ['STREET_OFFICE', 'CASEWORKER', 'MANAGER'];

function toView(r: MonitoringReportEntity): ReportView {
  return {
    id: r.id,
    year: r.year,
    idNumber: maskIdNumber(r.idNumber),
    name: r.name,
    streetCode: r.streetCode,
    reporter: {
      type: r.reporterType,
      name: r.reporterName,
      ...(r.reporterPhone !== null ? { phone: maskPhone(r.reporterPhone) } : {}),
    },
    reason: r.reason,
    reportedBy: r.reportedBy,
    reportedAt: r.reportedAt.toISOString(),
    flagId: String(r.flagId),
    caseId: r.caseId ?? '',
    caseOpened: r.caseOpened,
  };
}

/**
 * 畅通个人、单位或组织申报渠道 (seed 002): a person, employer or organisation reports someone below
 * the thresholds but in real difficulty. The report flags the person for the year (source REPORT)
 * unless a run or an earlier report already did, and the person's proactive case is opened the
 * same way as a run's — once per person and year; a later report joins the open case. The report,
 * the reporter and the user who recorded it are kept, and travel in the opened case's input.
 */
@Injectable()
export class MonitoringReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outreach: OutreachCasesService,
  ) {}

  async report(dto: CreateReportDto, actor: Actor): Promise<ReportView> {
    if (isStreetBound(actor, REPORTER_ROLES) && dto.streetCode !== actor.streetCode) {
      throw DomainError.forbidden(
        `A street office reports residents of its own street (${actor.streetCode ?? 'none'}) only.`,
      );
    }
    const now = new Date();
    const currentYear = shanghaiYear(now);
    const year = dto.year ?? currentYear;
    if (year > currentYear) {
      throw DomainError.validation([
        { field: 'year', message: `year must not be after ${currentYear}` },
      ]);
    }
    const streetBound = isStreetBound(actor, REPORTER_ROLES);
    if (streetBound && year < currentYear - 1) {
      // A street office reports this year's (or last year's) hardship, not decades of history.
      throw DomainError.validation([
        { field: 'year', message: `a street office reports ${currentYear - 1} or ${currentYear}` },
      ]);
    }
    const idNumber = normaliseResidentId(dto.idNumber);
    const report: MonitoringReportEntity = Object.assign(new MonitoringReportEntity(), {
      id: randomUUID(),
      personKey: personKey(idNumber),
      year,
      idNumber,
      name: dto.name,
      phone: dto.phone ?? null,
      streetCode: dto.streetCode,
      insuranceType: dto.insuranceType,
      category: dto.category ?? null,
      reason: dto.reason,
      reporterType: dto.reporter.type,
      reporterName: dto.reporter.name,
      reporterPhone: dto.reporter.phone ?? null,
      reportedBy: actor.id,
      reportedAt: now,
      flagId: '0',
      caseId: null,
      caseOpened: false,
    });
    return withRetry(async () => {
      await this.dataSource.transaction(async (m) => {
        await m.query(
          `INSERT IGNORE INTO monitoring_flags
           (person_key, year, source, rule, id_number, name, phone, street_code, insurance_type,
            category, report_id, flagged_by, flagged_at)
         VALUES (?, ?, 'REPORT', 'REPORTED', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            report.personKey,
            year,
            idNumber,
            report.name,
            report.phone,
            report.streetCode,
            report.insuranceType,
            report.category,
            report.id,
            actor.id,
            now,
          ],
        );
        const flag = await m.findOneOrFail(MonitoringFlagEntity, {
          where: { personKey: report.personKey, year },
          select: { id: true },
        });
        const { caseId, opened } = await this.outreach.openForFlag(m, flag.id, actor, report);
        Object.assign(report, { flagId: flag.id, caseId, caseOpened: opened });
        await m.insert(MonitoringReportEntity, report);
      });
      // A street office gets the same receipt whether the person was flagged elsewhere or not
      // at all (the flag and case ids would tell): its street's outreach case shows in its tasks.
      return streetBound
        ? { ...toView(report), flagId: '', caseId: '', caseOpened: false }
        : toView(report);
    });
  }
}
