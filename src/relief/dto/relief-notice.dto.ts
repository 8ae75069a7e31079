import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';

export class ReliefNoticeQuery extends PageQuery {
  @ApiPropertyOptional({ example: '330106001' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z]{1,32}$/, { message: 'streetCode must be 1-32 letters or digits' })
  streetCode?: string;
}

/** One line of the public relief notice (公示): nothing personal beyond the masked name. */
export class ReliefNotice {
  @ApiProperty({ description: 'quote it when objecting' }) noticeNo!: string;
  @ApiProperty({ example: '张*' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) streetCode!: string | null;
  @ApiProperty() year!: number;
  @ApiProperty({ nullable: true, type: String, example: '12000.00' }) amount!: string | null;
  @ApiProperty({ nullable: true, type: String }) publicityFrom!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'objections until then' })
  objectionDeadline!: string | null;
  @ApiProperty() howToObject!: string;
}
