import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/pagination.dto';
import { ATTACHMENT_KINDS, type AttachmentKind } from '../entities/case-attachment.entity';

/** The form fields of an upload (before the file part), or the same as query parameters. */
export class AttachmentMetaDto {
  @ApiPropertyOptional({ enum: ATTACHMENT_KINDS, default: 'OTHER' })
  @IsOptional()
  @IsIn(ATTACHMENT_KINDS, { message: `kind must be one of ${ATTACHMENT_KINDS.join(', ')}` })
  kind?: AttachmentKind;

  @ApiPropertyOptional({ example: '补正：住院发票原件扫描件' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note?: string;
}

export class AttachmentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ATTACHMENT_KINDS })
  @IsOptional()
  @IsIn(ATTACHMENT_KINDS, { message: `kind must be one of ${ATTACHMENT_KINDS.join(', ')}` })
  kind?: AttachmentKind;
}

export class AttachmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: ATTACHMENT_KINDS }) kind!: AttachmentKind;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'detected from the bytes' }) contentType!: string;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
  @ApiProperty({ description: 'SHA-256 of the content, hex' }) sha256!: string;
  @ApiProperty({ description: 'the case state when the file came' }) caseState!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ format: 'uuid', description: 'user id' }) uploadedBy!: string;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty({ type: 'integer', description: 'the ATTACHMENT_ADDED event of the case history' })
  eventSeq!: number;
  @ApiProperty() downloadUrl!: string;
}

/** The multipart body of an upload, for the OpenAPI page. */
export class AttachmentUploadBody {
  @ApiPropertyOptional({ enum: ATTACHMENT_KINDS }) kind?: AttachmentKind;
  @ApiPropertyOptional() note?: string;
  @ApiProperty({ type: 'string', format: 'binary' }) file!: unknown;
}
