import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsString, Matches, ValidateBy } from 'class-validator';
import { parseDuration } from '../../common/calendar/duration';

/** The same rule the policy's deadlines obey (format and the ~100-year maximum). */
function isDuration(value: unknown): boolean {
  try {
    parseDuration(value as string);
    return true;
  } catch {
    return false;
  }
}

export class DueQuery {
  @ApiProperty({ format: 'date-time', example: '2026-09-28T09:00:00+08:00' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 time with offset' })
  // Without an offset the time would be read in the server's own time zone.
  @Matches(/T.*(Z|[+-]\d{2}(:?\d{2})?)$/i, {
    message: 'from must be an ISO-8601 time with offset',
  })
  from!: string;

  @ApiProperty({ example: '5wd' })
  @IsString()
  @ValidateBy({
    name: 'isDuration',
    validator: {
      validate: isDuration,
      defaultMessage: () =>
        'duration must look like 5wd, 7d, 12h, 30m or 10s (at most about 100 years)',
    },
  })
  duration!: string;
}

export class DueView {
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ type: [String] }) warnings!: string[];
}

/**
 * `PUT /calendar/:year` (documentation: the body is checked by validateYearCalendar, which
 * names each bad entry): the year's holidays as inclusive ranges and its make-up working days.
 */
export class CalendarYearBody {
  @ApiProperty({
    type: 'array',
    items: {
      type: 'array',
      items: { type: 'string', format: 'date' },
      minItems: 2,
      maxItems: 2,
    },
    example: [
      ['2027-01-01', '2027-01-03'],
      ['2027-02-05', '2027-02-12'],
    ],
    description: 'holidays (法定节假日) as [first, last] day ranges, inclusive',
  })
  holidays!: Array<[string, string]>;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'date' },
    example: ['2027-02-14'],
    description: 'weekend days that are working days (调休上班)',
  })
  makeUpWorkdays!: string[];

  @ApiPropertyOptional({ example: '国务院办公厅关于2027年部分节假日安排的通知' })
  source?: string;
}

export class CalendarYearView {
  @ApiProperty({ type: 'integer', example: 2027 }) year!: number;
  @ApiProperty({ type: String, nullable: true }) source!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) loadedAt!: Date;
}

export class CalendarYearLoaded {
  @ApiProperty({ type: 'integer', example: 2027 }) year!: number;
  @ApiProperty({ type: String, format: 'date-time' }) loadedAt!: Date;
}
