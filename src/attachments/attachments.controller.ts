import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor } from '../auth/decorators';
import { DomainError } from '../common/errors/domain-error';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from '../common/errors/validation';
import type { Page } from '../common/pagination/pagination.dto';
import type { Actor } from '../engine/actor';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import { AttachmentsService, type UploadedFile } from './attachments.service';
import {
  AttachmentListQuery,
  AttachmentMetaDto,
  AttachmentUploadBody,
  AttachmentView,
} from './dto/attachment.dto';
import { Consumes } from '../common/media-type';

/** Reads the one file part (named `file`) within the limit, and the form fields before it. */
async function readUpload(
  req: FastifyRequest,
  maxBytes: number,
): Promise<UploadedFile & { fields: Record<string, string> }> {
  const required = [
    { field: 'file', message: 'send multipart/form-data with the file in a part named "file"' },
  ];
  if (!req.isMultipart()) {
    throw DomainError.validation(required);
  }
  const part = await req.file({ limits: { fileSize: maxBytes, files: 1, fields: 10 } });
  if (!part || part.fieldname !== 'file') {
    throw DomainError.validation(required);
  }
  let content: Buffer;
  try {
    content = await part.toBuffer();
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes.`, {
        errors: [{ field: 'file', message: `must be at most ${maxBytes} bytes` }],
      });
    }
    throw e;
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(part.fields)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first && first.type === 'field' && name !== 'file') {
      fields[name] = String(first.value);
    }
  }
  return {
    fileName: part.filename,
    declaredType: part.mimetype || null,
    content,
    fields,
  };
}

/** RFC 6266: an ASCII fallback and the UTF-8 name (中文文件名) for every browser. */
function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('api/v1/cases/:id/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  /**
   * Multipart, one part named `file` (size limit ATTACHMENT_MAX_BYTES); `kind` and `note` as
   * form fields before it or as query parameters. The content type is read from the bytes.
   */
  @Post()
  @HttpCode(201)
  @Consumes('multipart/form-data')
  @ApiOperation({ operationId: 'uploadAttachment', summary: 'Attach a file to a case (上传附件)' })
  @ApiBody({ type: AttachmentUploadBody })
  @ApiCreatedResponse({ type: AttachmentView })
  @ApiProblems(400, 403, 404, 422)
  async upload(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @CurrentActor() actor: Actor,
  ): Promise<AttachmentView> {
    // Visibility, role and case status first: nobody's bytes are read for a case they cannot use.
    await this.attachments.assertCanUpload(id, actor);
    const { fields, ...file } = await readUpload(req, this.attachments.maxBytes());
    const meta = plainToInstance(AttachmentMetaDto, { ...(req.query as object), ...fields });
    const errors = await validate(meta, VALIDATOR_OPTIONS);
    if (errors.length > 0) {
      throw DomainError.validation(flattenValidationErrors(errors));
    }
    return this.attachments.upload(id, actor, file, meta);
  }

  @Get()
  @ApiOperation({ operationId: 'listAttachments', summary: 'The files attached to a case' })
  @ApiOkResponse({ type: PageOf(AttachmentView) })
  @ApiProblems(400, 404)
  list(
    @Param('id') id: string,
    @Query() q: AttachmentListQuery,
    @CurrentActor() actor: Actor,
  ): Promise<Page<AttachmentView>> {
    return this.attachments.list(id, actor, q);
  }

  /** The bytes as uploaded; the download is recorded in the case's history. */
  @Get(':attachmentId')
  @ApiOperation({
    operationId: 'downloadAttachment',
    summary: 'Download an attached file (recorded in the history)',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'the bytes as uploaded, with their detected content type',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiProblems(404)
  async download(
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { attachment, content } = await this.attachments.download(id, attachmentId, actor);
    void reply
      .header('content-type', attachment.contentType)
      .header('content-length', String(content.length))
      .header('content-disposition', contentDisposition(attachment.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('etag', `"${attachment.sha256}"`);
    return content;
  }
}
