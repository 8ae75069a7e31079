import { ApiProperty } from '@nestjs/swagger';
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
  @ApiProperty({ example: '2026-09-28T09:00:00+08:00' })
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
  @ApiProperty() dueAt!: string;
  @ApiProperty({ type: [String] }) warnings!: string[];
}
