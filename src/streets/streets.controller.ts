import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { PolicyService } from '../config/policy.service';

export class StreetView {
  @ApiProperty({ example: '330106001' }) code!: string;
  @ApiProperty({ example: '北山街道' }) name!: string;
}

/**
 * The district's street offices (街道办事处) by code and name, from the policy's `streets`.
 * Public: the relief notices (公示) name the street too, and names are no secret.
 */
@ApiTags('public')
@Controller('api/v1/streets')
export class StreetsController {
  constructor(private readonly policy: PolicyService) {}

  @Public()
  @Get()
  @ApiOperation({
    operationId: 'listStreets',
    summary: 'The street offices by code and name (街道办事处)',
  })
  @ApiOkResponse({ type: [StreetView] })
  list(): StreetView[] {
    return Object.entries(this.policy.current().streets)
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.code.localeCompare(b.code));
  }
}
