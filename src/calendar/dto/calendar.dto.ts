import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsString, Matches } from 'class-validator';

export class DueQuery {
  @ApiProperty({ example: '2026-09-28T09:00:00+08:00' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 time with offset' })
  from!: string;

  @ApiProperty({ example: '5wd' })
  @IsString()
  @Matches(/^[1-9]\d*(wd|d|h|m|s)$/, {
    message: 'duration must look like 5wd, 7d, 12h, 30m or 10s',
  })
  duration!: string;
}

export class DueView {
  @ApiProperty() dueAt!: string;
  @ApiProperty({ type: [String] }) warnings!: string[];
}
