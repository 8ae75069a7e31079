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

export interface InstitutionView {
  id: string;
  code: string;
  name: string;
  type: InstitutionType;
  level: number | null;
  district: string | null;
  creditGrade: CreditGrade;
}

export interface CreditView {
  institutionId: string;
  code: string;
  grade: CreditGrade;
  score: number;
  reasons: string[];
  importedGrade: CreditGrade | null;
  blacklistedUntil: string | null;
}
