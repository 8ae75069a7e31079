import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class InboxQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only unread notifications' })
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'unread must be true or false' })
  unread?: boolean;
}

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'sent', 'dead'] })
  @IsOptional()
  @IsIn(['pending', 'sent', 'dead'], { message: 'status must be one of pending, sent, dead' })
  status?: 'pending' | 'sent' | 'dead';

  @ApiPropertyOptional({ enum: ['webhook', 'email'] })
  @IsOptional()
  @IsIn(['webhook', 'email'], { message: 'channel must be webhook or email' })
  channel?: 'webhook' | 'email';
}

export class NotificationView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'deadline.reminder' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) readAt!: string | null;
}

export class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['webhook', 'email'] }) channel!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ nullable: true, type: String }) caseId!: string | null;
  @ApiProperty() target!: string;
  @ApiProperty({ enum: ['pending', 'sent', 'dead'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
}
