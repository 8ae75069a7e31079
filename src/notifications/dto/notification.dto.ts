import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { PageOf } from '../../openapi/page';

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
  @ApiProperty({ pattern: '^[0-9]{1,20}$' }) id!: string;
  @ApiProperty({ example: 'deadline.reminder' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) caseId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt!: string | null;
}

/** The inbox: a page of notifications and how many are unread in all. */
export class NotificationInbox extends PageOf(NotificationView) {
  @ApiProperty({ type: 'integer' }) unread!: number;
}

export class ReadAllResult {
  @ApiProperty({ type: 'integer', description: 'notifications marked read' }) updated!: number;
}

export class DeliveryView {
  @ApiProperty({ pattern: '^[0-9]{1,20}$' }) id!: string;
  @ApiProperty({ enum: ['webhook', 'email'] }) channel!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) caseId!: string | null;
  @ApiProperty() target!: string;
  @ApiProperty({ enum: ['pending', 'sent', 'dead'] }) status!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt!: string | null;
}
