import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import {
  computeDueAt,
  validateYearCalendar,
  WorkingCalendar,
  type YearCalendar,
} from '../common/calendar';
import { DomainError } from '../common/errors/domain-error';
import { CalendarYearEntity } from './entities/calendar-year.entity';

/** How long a process trusts its copy of the calendar before re-reading the table. */
const REFRESH_MS = 60_000;

/**
 * The working-day calendar (法定节假日, 调休) as data in the database, so an administrator can
 * load next year's schedule (announced each November) without a release. Every process keeps
 * a read-only copy, refreshed once a minute.
 */
@Injectable()
export class CalendarService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CalendarService.name);
  private calendar = new WorkingCalendar({});
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(CalendarYearEntity) private readonly years: Repository<CalendarYearEntity>,
  ) {}

  /**
   * Loaded before the first request and refreshed in the background: a deadline computed inside
   * a case transaction must never wait for a second pool connection.
   */
  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((e: Error) => this.logger.warn(`calendar refresh failed: ${e.message}`));
    }, REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  current(): WorkingCalendar {
    return this.calendar;
  }

  async reload(): Promise<void> {
    const rows = await this.years.find();
    this.calendar = new WorkingCalendar(rows.map((r): [number, YearCalendar] => [r.year, r.data]));
  }

  /** The same computation every deadline uses; logs a warning past the loaded calendar. */
  dueAt(from: Date, duration: string): { dueAt: Date; warnings: string[] } {
    const result = computeDueAt(from, duration, this.calendar);
    for (const w of result.warnings) {
      this.logger.warn(w);
    }
    return result;
  }

  async loadYear(year: number, input: unknown, source: string | null): Promise<CalendarYearEntity> {
    const problems = validateYearCalendar(year, input);
    if (problems.length > 0) {
      throw DomainError.validation(
        problems.map((p) => {
          const [field, ...rest] = p.split(': ');
          return rest.length > 0
            ? { field, message: rest.join(': ') }
            : { field: 'body', message: p };
        }),
      );
    }
    const row = this.years.create({
      year,
      data: input as YearCalendar,
      source,
      loadedAt: new Date(),
    });
    await this.years.save(row);
    await this.reload();
    return row;
  }

  async listYears(): Promise<Array<{ year: number; source: string | null; loadedAt: Date }>> {
    const rows = await this.years.find({ order: { year: 'ASC' } });
    return rows.map((r) => ({ year: r.year, source: r.source, loadedAt: r.loadedAt }));
  }
}
