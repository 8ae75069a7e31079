import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  CREDIT_GRADES,
  type CreditGrade,
  INSTITUTION_TYPES,
  type InstitutionType,
} from '../entities/institution.entity';

/** One row of the institution directory: a JSON object, an array item or a CSV line. */
export class InstitutionRowDto {
  @ApiProperty({ example: 'H330106001', description: 'the institution code (定点医药机构编码)' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
    message: 'code must be 1-64 letters, digits, "-" or "_"',
  })
  code!: string;

  @ApiProperty({ example: '杭州市西溪医院' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: INSTITUTION_TYPES })
  @IsIn(INSTITUTION_TYPES)
  type!: InstitutionType;

  @ApiPropertyOptional({ enum: [1, 2, 3] })
  @IsOptional()
  @IsInt()
  @IsIn([1, 2, 3])
  level?: number;

  @ApiPropertyOptional({ example: '西湖区' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  district?: string;

  @ApiPropertyOptional({ enum: CREDIT_GRADES, description: 'the starting grade (imported)' })
  @IsOptional()
  @IsIn(CREDIT_GRADES)
  creditGrade?: CreditGrade;
}

export class InstitutionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'H330106001' }) code!: string;
  @ApiProperty({ example: '杭州市西溪医院' }) name!: string;
  @ApiProperty({ enum: INSTITUTION_TYPES }) type!: InstitutionType;
  @ApiProperty({ type: 'integer', enum: [1, 2, 3], nullable: true }) level!: number | null;
  @ApiProperty({ type: String, nullable: true }) district!: string | null;
  @ApiProperty({ enum: CREDIT_GRADES }) creditGrade!: CreditGrade;
}

/** 信用评价: the grade now, its score and the records that moved it. */
export class CreditView {
  @ApiProperty({ format: 'uuid' }) institutionId!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ enum: CREDIT_GRADES }) grade!: CreditGrade;
  @ApiProperty({ type: 'number', description: 'two decimals at most' }) score!: number;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ enum: CREDIT_GRADES, nullable: true }) importedGrade!: CreditGrade | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  blacklistedUntil!: string | null;
}

export class ImportedInstitution {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
}

/** All rows or none: the institutions created, in the order given. */
export class InstitutionImportResult {
  @ApiProperty({ type: 'integer' }) created!: number;
  @ApiProperty({ type: [ImportedInstitution] }) items!: ImportedInstitution[];
}
