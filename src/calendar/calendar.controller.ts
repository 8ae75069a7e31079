import { Body, Controller, Get, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators';
import { DomainError } from '../common/errors/domain-error';
import { CalendarService } from './calendar.service';
import { DueQuery, DueView } from './dto/calendar.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/v1/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** The same computation the deadlines use. */
  @Get('due')
  @ApiOkResponse({ type: DueView })
  due(@Query() q: DueQuery): DueView {
    const { dueAt, warnings } = this.calendar.dueAt(new Date(q.from), q.duration);
    return { dueAt: dueAt.toISOString(), warnings };
  }

  @Get('years')
  years(): Promise<Array<{ year: number; source: string | null; loadedAt: Date }>> {
    return this.calendar.listYears();
  }

  /** Loads a year's holidays and make-up working days (2027 is announced each November). */
  @Put(':year')
  @Roles('ADMIN')
  @ApiBody({
    description: '法定节假日 [from, to, name] and 调休 make-up working days, YYYY-MM-DD',
    schema: {
      type: 'object',
      required: ['holidays', 'makeUpWorkdays'],
      properties: {
        holidays: {
          type: 'array',
          items: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 3 },
          example: [['2027-01-01', '2027-01-01', '元旦']],
        },
        makeUpWorkdays: { type: 'array', items: { type: 'string' }, example: ['2027-02-07'] },
        source: { type: 'string', description: 'where the dates come from (国务院办公厅通知)' },
      },
    },
  })
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
  ): Promise<{ year: number; loadedAt: Date }> {
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
