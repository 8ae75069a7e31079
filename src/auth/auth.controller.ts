import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { AuthService } from './auth.service';
import { Public } from './decorators';
import { LoginDto, TokenDto } from './dto/login.dto';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** 429 with Retry-After while the username or the address is locked after repeated failures. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Sign in: a bearer token (登录)' })
  @ApiOkResponse({ type: TokenDto })
  @ApiProblems(400, 401, 429)
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenDto> {
    return this.auth.login(dto.username, dto.password, ip);
  }
}
