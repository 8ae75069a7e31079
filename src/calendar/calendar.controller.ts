import { Body, Controller, Get, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { Roles } from '../auth/decorators';
import { DomainError } from '../common/errors/domain-error';
import { CalendarService } from './calendar.service';
import {
  CalendarYearBody,
  CalendarYearLoaded,
  CalendarYearView,
  DueQuery,
  DueView,
} from './dto/calendar.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/v1/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** The same computation the deadlines use. */
  @Get('due')
  @ApiOperation({
    operationId: 'computeDueDate',
    summary: 'When a duration from a time falls due (working days)',
  })
  @ApiOkResponse({ type: DueView })
  @ApiProblems(400)
  due(@Query() q: DueQuery): DueView {
    const { dueAt, warnings } = this.calendar.dueAt(new Date(q.from), q.duration);
    return { dueAt: dueAt.toISOString(), warnings };
  }

  @Get('years')
  @ApiOperation({
    operationId: 'listCalendarYears',
    summary: 'The years whose holidays are loaded',
  })
  @ApiOkResponse({ type: [CalendarYearView] })
  years(): Promise<CalendarYearView[]> {
    return this.calendar.listYears();
  }

  /** Loads a year's holidays and make-up working days (2027 is announced each November). */
  @Put(':year')
  @Roles('ADMIN')
  @ApiOperation({
    operationId: 'loadCalendarYear',
    summary: 'Load a year’s holidays and make-up working days',
  })
  @ApiParam({ name: 'year', schema: { type: 'integer', minimum: 1970, maximum: 9999 } })
  @ApiBody({ type: CalendarYearBody })
  @ApiOkResponse({ type: CalendarYearLoaded })
  @ApiProblems(400, 403)
  async loadYear(
    @Param(
      'year',
      new ParseIntPipe({
        exceptionFactory: () =>
          DomainError.validation([{ field: 'year', message: 'must be a year like 2027' }]),
      }),
    )
    year: number,
    @Body() body: Record<string, unknown> | null | undefined,
  ): Promise<CalendarYearLoaded> {
    // No body or `null`: refused by the validation below (400), not a TypeError (500).
    const { source, ...data } = body ?? {};
    const row = await this.calendar.loadYear(
      year,
      data,
      typeof source === 'string' ? source : null,
    );
    return { year: row.year, loadedAt: row.loadedAt };
  }
}
