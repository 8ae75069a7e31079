import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Roles } from '../auth/decorators';
import { type AuditVerification, ChainVerifier } from '../engine/chain-verifier.service';

export class AuditVerifyQuery {
  @ApiPropertyOptional({ description: 'only the cases of one workflow type' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
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
  verify(@Query() q: AuditVerifyQuery): Promise<AuditVerification> {
    return this.verifier.verifyAll({ type: q.type });
  }
}
