import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ApiMoney } from '../../common/money';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { PageOf } from '../../openapi/page';

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
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiMoney({ nullable: true }) amount!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publicityFrom!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'objections until then',
  })
  objectionDeadline!: string | null;
  @ApiProperty() howToObject!: string;
}

/** The public notice list (公示) and how to object. */
export class ReliefNoticeList extends PageOf(ReliefNotice) {
  @ApiProperty() howToObject!: string;
}
