import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ROLES, type Role } from '../../../workflows/workflow-definition';
import { PageQuery } from '../../common/pagination/pagination.dto';
import type { ExpertField } from '../entities/user.entity';
import { IsAcceptablePassword } from '../password-strength';

export const EXPERT_FIELDS: readonly ExpertField[] = ['MEDICAL', 'INSURANCE', 'FINANCE'];

export class CreateUserDto {
  @ApiProperty({ example: 'jiedao-001' })
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, { message: 'username must be 3-64 letters, digits, _ . -' })
  username!: string;

  @ApiProperty({
    minLength: 10,
    description: 'at least 10 characters of 3 of: lower-case, upper-case, digits, other',
  })
  @IsString()
  @MaxLength(200)
  @IsAcceptablePassword()
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
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ nullable: true, type: String }) streetCode!: string | null;
  @ApiProperty({ nullable: true, type: String, enum: EXPERT_FIELDS })
  expertField!: ExpertField | null;
  @ApiProperty({ nullable: true, type: String }) affiliation!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

/** Validated when present; unlike @IsOptional, null is not skipped (it is no name, role or password). */
const given = (_o: object, value: unknown): boolean => value !== undefined;

/**
 * `PATCH /users/:id` (ADMIN): only what is given changes; null clears a street, field or
 * affiliation. `active: false` deactivates (the user's tokens stop working at once);
 * `password` sets a new one (an administrator's reset; older tokens stop working).
 */
export class UpdateUserDto {
  @ApiPropertyOptional()
  @ValidateIf(given)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @ValidateIf(given)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles?: Role[];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Matches(/^[0-9A-Za-z]{1,32}$/, { message: 'streetCode must be 1-32 letters or digits, or null' })
  streetCode?: string | null;

  @ApiPropertyOptional({ enum: EXPERT_FIELDS, nullable: true })
  @IsOptional()
  @IsIn(EXPERT_FIELDS, {
    message: `expertField must be one of ${EXPERT_FIELDS.join(', ')}, or null`,
  })
  expertField?: ExpertField | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  affiliation?: string | null;

  @ApiPropertyOptional({ description: 'false deactivates the user' })
  @ValidateIf(given)
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ description: "an administrator's reset" })
  @ValidateIf(given)
  @IsString()
  @MaxLength(200)
  @IsAcceptablePassword()
  password?: string;
}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'active must be true or false' })
  active?: boolean;
}

/** `POST /users/me/password`: one's own password, with the current one. */
export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  currentPassword!: string;

  @ApiProperty({ description: 'at least 10 characters of 3 of: lower, upper, digits, other' })
  @IsString()
  @MaxLength(200)
  @IsAcceptablePassword()
  newPassword!: string;
}
