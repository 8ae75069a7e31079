import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { WORKFLOW_TYPES } from '../openapi/workflow-enums';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Roles } from '../auth/decorators';
import {
  type AuditVerification,
  type BrokenChain,
  ChainVerifier,
} from '../engine/audit/chain-verifier.service';

export class AuditVerifyQuery {
  @ApiPropertyOptional({
    enum: WORKFLOW_TYPES,
    description: 'only the cases of one workflow type',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
}

export class BrokenChainView implements BrokenChain {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'integer', description: 'the first event row that breaks the chain' })
  seq!: number;
  @ApiProperty() reason!: string;
}

export class AuditVerificationView implements AuditVerification {
  @ApiProperty({ type: 'integer' }) cases!: number;
  @ApiProperty({ type: 'integer' }) events!: number;
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: 'integer' }) broken!: number;
  @ApiProperty({ type: BrokenChainView, nullable: true }) firstBroken!: BrokenChainView | null;
  @ApiProperty({ type: [BrokenChainView], description: 'up to 100, oldest first' })
  brokenCases!: BrokenChainView[];
  @ApiProperty({ type: 'integer', description: 'event rows whose case is gone' })
  orphanEvents!: number;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
  @ApiProperty({ type: 'integer' }) durationMs!: number;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly verifier: ChainVerifier) {}

  /**
   * Recomputes the hash chain of every case: counts, the first broken chain (case, seq, reason)
   * and up to 100 broken cases. An edited, deleted or inserted event row shows here.
   */
  @Get('verify')
  @Roles('AUDITOR', 'ADMIN')
  @ApiOperation({
    operationId: 'verifyAuditChains',
    summary: 'Recompute every case’s hash chain (审计校验)',
  })
  @ApiOkResponse({ type: AuditVerificationView })
  @ApiProblems(400, 403)
  verify(@Query() q: AuditVerifyQuery): Promise<AuditVerification> {
    return this.verifier.verifyAll({ type: q.type });
  }
}
