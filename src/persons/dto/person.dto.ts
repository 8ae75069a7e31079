import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PersonQuery {
  @ApiPropertyOptional({ description: 'the ledger year; default this year (Asia/Shanghai)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

/**
 * `POST /persons/lookup`: the resident ID in the body, not in the URL (URLs end up in access
 * logs, proxies and browser histories).
 */
export class PersonLookupDto extends PersonQuery {
  @ApiProperty({ example: '330106198001010013', description: 'resident ID (GB 11643)' })
  @IsString()
  @MaxLength(32)
  idNumber!: string;
}

/** One ledger of the person's year; `cap` and `remaining` null when there is no cap. */
export class LedgerLine {
  @ApiProperty({ nullable: true, type: String }) cap!: string | null;
  @ApiProperty() paid!: string;
  @ApiProperty({ description: 'approved, not yet paid' }) reserved!: string;
  @ApiProperty({ nullable: true, type: String, description: 'cap − paid − reserved' })
  remaining!: string | null;
}

export class PersonLedgers {
  @ApiProperty({ type: LedgerLine, description: '医疗救助 (outpatient and inpatient together)' })
  relief!: LedgerLine;
  @ApiProperty({ type: LedgerLine, description: 'of which ordinary outpatient relief' })
  outpatientRelief!: LedgerLine;
  @ApiProperty({ type: LedgerLine, description: '特殊医疗救助' })
  specialRelief!: LedgerLine;
  @ApiProperty({ type: LedgerLine, description: '暖心无忧基金 (no yearly cap: the joint meeting)' })
  warmHeartFund!: LedgerLine;
}

export class PersonCaseSummary {
  @ApiProperty() id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ nullable: true, type: String }) stateLabel!: string | null;
  @ApiProperty({ enum: ['active', 'closed'] }) status!: 'active' | 'closed';
  @ApiProperty({ nullable: true, type: Number }) year!: number | null;
  @ApiProperty({ nullable: true, type: String }) streetCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) assignee!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'approved or decided amount' })
  amount!: string | null;
  @ApiProperty({ nullable: true, type: String }) paid!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/** 暂停联网结算 (Decree 735 art. 41): from the decision's service, `until` exclusive. */
export class PersonSuspension {
  @ApiProperty({ type: 'integer' }) months!: number;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time', description: 'the suspension ends at this instant' })
  until!: string;
  @ApiProperty({ description: 'runs now' }) running!: boolean;
}

/** A decided penalty case against the person (Decree 735 art. 41). */
export class PersonSanction {
  @ApiProperty() caseId!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ enum: [38, 39, 40, 41] }) article!: number;
  @ApiProperty({ type: [String], description: 'the sanction types decided' })
  sanctions!: string[];
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ type: PersonSuspension, nullable: true }) suspension!: PersonSuspension | null;
  @ApiProperty({ nullable: true, type: String, description: 'the fine decided' })
  fine!: string | null;
}

export class PersonView {
  @ApiProperty() idNumber!: string;
  @ApiProperty({
    description:
      'the person key (SHA-256 of the normalised ID): `GET /persons/by-key/{personKey}` names no ID',
    pattern: '^[0-9a-f]{64}$',
  })
  personKey!: string;
  @ApiProperty({ nullable: true, type: String, description: 'from the newest case' })
  name!: string | null;
  @ApiProperty() year!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the relief category whose caps apply (the newest verified one of the year)',
  })
  category!: string | null;
  @ApiProperty({ type: PersonLedgers }) ledgers!: PersonLedgers;
  @ApiProperty({ type: [PersonCaseSummary], description: 'every case of the person, newest first' })
  cases!: PersonCaseSummary[];
  @ApiProperty({
    type: [PersonSanction],
    description:
      'decided penalty cases against the person (art. 41) the caller may see, newest first',
  })
  sanctions!: PersonSanction[];
  @ApiProperty({
    type: PersonSuspension,
    nullable: true,
    description: 'a suspension of networked settlement (暂停联网结算) running now',
  })
  runningSuspension!: PersonSuspension | null;
}
