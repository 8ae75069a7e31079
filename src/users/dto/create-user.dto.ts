import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ROLES, type Role } from '../../../workflows/workflow-definition';
import type { ExpertField } from '../entities/user.entity';

export const EXPERT_FIELDS: readonly ExpertField[] = ['MEDICAL', 'INSURANCE', 'FINANCE'];

export class CreateUserDto {
  @ApiProperty({ example: 'jiedao-001' })
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, { message: 'username must be 3-64 letters, digits, _ . -' })
  username!: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password!: string;

  @ApiProperty({ example: '翠苑街道办事处' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles!: Role[];

  @ApiPropertyOptional({ description: 'required for STREET_OFFICE' })
  @ValidateIf(
    (o: CreateUserDto) =>
      (Array.isArray(o.roles) && o.roles.includes('STREET_OFFICE')) || o.streetCode !== undefined,
  )
  @Matches(/^[0-9A-Za-z]{1,32}$/, {
    message: 'streetCode is required for STREET_OFFICE: 1-32 letters or digits',
  })
  streetCode?: string;

  @ApiPropertyOptional({ enum: EXPERT_FIELDS, description: 'required for EXPERT' })
  @ValidateIf(
    (o: CreateUserDto) =>
      (Array.isArray(o.roles) && o.roles.includes('EXPERT')) || o.expertField !== undefined,
  )
  @IsIn(EXPERT_FIELDS, {
    message: `expertField is required for EXPERT: one of ${EXPERT_FIELDS.join(', ')}`,
  })
  expertField?: ExpertField;

  @ApiPropertyOptional({ description: 'institution code an expert or inspector works for' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  affiliation?: string;
}

export class UserView {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ nullable: true, type: String }) streetCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) expertField!: ExpertField | null;
  @ApiProperty({ nullable: true, type: String }) affiliation!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: Date;
}
