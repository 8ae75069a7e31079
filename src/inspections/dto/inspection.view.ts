import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CREDIT_GRADES } from '../../institutions/entities/institution.entity';
import { INSTITUTION_TYPES, type InstitutionType } from '../../../workflows/institutions';
import {
  type Sanction,
  SANCTION_TYPES,
  type SanctionType,
  type ViolationArticle,
} from '../../../workflows/sanctions';
import { INSPECTION_DRAW_ALGORITHM, type InspectionDrawRecord } from '../draw-inspection';
import { PLAN_KINDS, type PlanKind } from '../entities/inspection-plan.entity';
import type { DrawView, PlanView, PublicResultView } from '../inspections.service';

/** The views of the inspection API as the document shows them (`implements`: the same shape). */
export class InspectionPlanView implements PlanView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ enum: PLAN_KINDS }) kind!: PlanKind;
  @ApiProperty({ type: String, nullable: true, example: '0.10' }) sampleRatio!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) sampleSize!: number | null;
  @ApiProperty({ enum: INSTITUTION_TYPES, isArray: true, nullable: true })
  institutionTypes!: InstitutionType[] | null;
  @ApiProperty({ type: 'integer' }) teamSize!: number;
  @ApiProperty({ type: 'integer', nullable: true }) windowDays!: number | null;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) drawnAt!: string | null;
}

export class DrawnInstitutionRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
}

export class DrawnTeam {
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty({ type: 'string', format: 'uuid', isArray: true }) inspectorIds!: string[];
}

export class CreditWeights implements Record<(typeof CREDIT_GRADES)[number], string> {
  @ApiProperty({ example: '0.5' }) A!: string;
  @ApiProperty({ example: '1' }) B!: string;
  @ApiProperty({ example: '1.5' }) C!: string;
  @ApiProperty({ example: '2' }) D!: string;
  @ApiProperty({ example: '3' }) E!: string;
}

/** 双随机: the draw, and the whole record anyone can re-run it from (verify-draw). */
export class InspectionDrawView implements DrawView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() seed!: string;
  @ApiProperty({ enum: [INSPECTION_DRAW_ALGORITHM] }) algorithm!: InspectionDrawRecord['algorithm'];
  @ApiProperty({ type: [DrawnInstitutionRef] }) institutions!: DrawnInstitutionRef[];
  @ApiProperty({ type: [DrawnTeam] }) teams!: DrawnTeam[];
  @ApiProperty({ type: 'string', format: 'uuid', isArray: true }) caseIds!: string[];
  @ApiProperty({ description: 'SHA-256 of the canonical candidate list' })
  institutionsHash!: string;
  @ApiProperty() inspectorsHash!: string;
  @ApiProperty() previousHash!: string;
  @ApiProperty({ type: CreditWeights }) weights!: CreditWeights;
  @ApiProperty({ type: 'integer' }) sampleSize!: number;
  @ApiProperty({ format: 'date-time' }) drawnAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'the complete draw record (candidates, previous teams, hashes): re-run it to verify',
  })
  record!: InspectionDrawRecord;
  @ApiProperty({
    description:
      "true when the record's previous teams belong to a flight plan still secret to the caller (left out)",
  })
  previousWithheld!: boolean;
}

export class DrawVerification {
  @ApiProperty() matches!: boolean;
  @ApiProperty({ type: [String] }) mismatches!: string[];
  @ApiProperty() algorithm!: string;
}

export class SanctionView implements Sanction {
  @ApiProperty({ enum: SANCTION_TYPES }) type!: SanctionType;
  @ApiProperty({ enum: [38, 39, 40, 41], type: 'integer' }) article!: ViolationArticle;
  @ApiPropertyOptional({ pattern: '^\\d+\\.\\d{2}$' }) amount?: string;
  @ApiPropertyOptional({ pattern: '^\\d+\\.\\d{2}$' }) minAmount?: string;
  @ApiPropertyOptional({ pattern: '^\\d+\\.\\d{2}$' }) maxAmount?: string;
  @ApiPropertyOptional({ type: 'integer' }) months?: number;
  @ApiPropertyOptional({ type: 'integer' }) minMonths?: number;
  @ApiPropertyOptional({ type: 'integer' }) maxMonths?: number;
  @ApiPropertyOptional() basis?: string;
}

/** 一公开: a published result, without inspectors' names or personal data. */
export class PublicInspectionResult implements PublicResultView {
  @ApiProperty() institutionCode!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty({ type: String, nullable: true }) district!: string | null;
  @ApiProperty({ type: 'integer' }) year!: number;
  @ApiProperty({ enum: PLAN_KINDS }) kind!: string;
  @ApiProperty({ format: 'date' }) inspectedOn!: string;
  @ApiProperty() conclusion!: string;
  @ApiProperty() findingsSummary!: string;
  @ApiProperty({ type: [SanctionView] }) sanctions!: SanctionView[];
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
}
