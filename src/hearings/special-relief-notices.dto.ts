import { ApiProperty } from '@nestjs/swagger';
import { ApiMoney } from '../common/money';
import { PageOf } from '../openapi/page';
import { ReliefNoticeQuery } from '../relief/dto/relief-notice.dto';

/** `?page=&pageSize=&streetCode=`, as the relief notices. */
export class SpecialReliefNoticeQuery extends ReliefNoticeQuery {}

/**
 * One line of the public notice of special relief (特殊医疗救助公示, 一公开): nothing personal
 * beyond the masked name, as the relief notice.
 */
export class SpecialReliefNotice {
  @ApiProperty({ description: 'quote it when objecting' }) noticeNo!: string;
  @ApiProperty({ example: '张*' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) streetCode!: string | null;
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiMoney({
    nullable: true,
    description: 'the special relief decided, with the joint meeting’s extra amount (暖心无忧基金)',
  })
  amount!: string | null;
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

/** The public notice list of special relief and how to object. */
export class SpecialReliefNoticeList extends PageOf(SpecialReliefNotice) {
  @ApiProperty() howToObject!: string;
}
