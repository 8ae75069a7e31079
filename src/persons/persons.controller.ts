import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { DomainError } from '../common/errors/domain-error';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Actor } from '../engine/actor';
import { PersonLookupDto, PersonQuery, PersonView } from './dto/person.dto';
import { PersonsService } from './persons.service';

@ApiTags('persons')
@ApiBearerAuth()
@Controller('api/v1/persons')
export class PersonsController {
  constructor(private readonly persons: PersonsService) {}

  /** The same, the ID in the body: nothing personal in the URL (access logs keep URLs). */
  @Post('lookup')
  @HttpCode(200)
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({
    operationId: 'lookUpPerson',
    summary: 'A person’s cases and ledgers, the resident ID in the body (个人视图)',
  })
  @ApiOkResponse({ type: PersonView })
  @ApiProblems(400, 403, 404)
  lookup(@Body() dto: PersonLookupDto, @CurrentActor() actor: Actor): Promise<PersonView> {
    return this.persons.view(dto.idNumber, actor, dto.year);
  }

  /** The same by the person key: a link to a person that carries no resident ID. */
  @Get('by-key/:personKey')
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({
    operationId: 'getPersonByKey',
    summary: 'A person’s cases and ledgers by the person key, no ID in the URL (个人视图)',
  })
  @ApiParam({
    name: 'personKey',
    description: 'the `personKey` of a person view (64 hexadecimal digits)',
    schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
  })
  @ApiOkResponse({ type: PersonView })
  @ApiProblems(400, 403, 404)
  byKey(
    @Param('personKey') key: string,
    @Query() q: PersonQuery,
    @CurrentActor() actor: Actor,
  ): Promise<PersonView> {
    if (!/^[0-9a-fA-F]{64}$/.test(key)) {
      throw DomainError.validation([
        { field: 'personKey', message: 'personKey must be 64 hexadecimal digits' },
      ]);
    }
    return this.persons.viewByKey(key, actor, q.year);
  }

  /**
   * "What is left for this person?": every case of the person and the year's ledgers. Kept for
   * older clients; the ID ends up in access logs, so new ones use `lookup` or `by-key`.
   */
  @Get(':idNumber')
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOperation({
    operationId: 'getPerson',
    summary: 'A person’s cases and the year’s ledgers (个人视图)',
    deprecated: true,
    description:
      'The resident ID in the URL reaches access logs: use `lookUpPerson` or `getPersonByKey`.',
  })
  @ApiParam({
    name: 'idNumber',
    description: '18-digit resident ID (GB 11643)',
    schema: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' },
  })
  @ApiOkResponse({ type: PersonView })
  @ApiProblems(400, 403)
  view(
    @Param('idNumber') idNumber: string,
    @Query() q: PersonQuery,
    @CurrentActor() actor: Actor,
  ): Promise<PersonView> {
    return this.persons.view(idNumber, actor, q.year);
  }
}
