import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: PersonView })
  lookup(@Body() dto: PersonLookupDto, @CurrentActor() actor: Actor): Promise<PersonView> {
    return this.persons.view(dto.idNumber, actor, dto.year);
  }

  /** "What is left for this person?": every case of the person and the year's ledgers. */
  @Get(':idNumber')
  @Roles('CASEWORKER', 'MANAGER', 'AUDITOR')
  @ApiOkResponse({ type: PersonView })
  view(
    @Param('idNumber') idNumber: string,
    @Query() q: PersonQuery,
    @CurrentActor() actor: Actor,
  ): Promise<PersonView> {
    return this.persons.view(idNumber, actor, q.year);
  }
}
