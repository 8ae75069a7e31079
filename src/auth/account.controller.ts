import { Body, Controller, Get, HttpCode, Ip, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import type { Actor } from '../engine/actor';
import { ChangePasswordDto, UserView } from '../users/dto/create-user.dto';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { CurrentActor, Roles } from './decorators';
import { TokenDto } from './dto/login.dto';

/** The signed-in user's own account, and an administrator's unlock (they need the auth services). */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class AccountController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Get('me')
  @ApiOperation({ operationId: 'getMe', summary: 'The signed-in user (当前用户)' })
  @ApiOkResponse({ type: UserView })
  me(@CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.findView(actor.id);
  }

  /** One's own password: every older token stops working; the answer is a fresh token. */
  @Post('me/password')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'changeMyPassword',
    summary: 'Change one’s own password: a fresh token',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiProblems(400, 429)
  changePassword(
    @Body() dto: ChangePasswordDto,
    @CurrentActor() actor: Actor,
    @Ip() ip: string,
  ): Promise<TokenDto> {
    return this.auth.changePassword(actor.id, dto.currentPassword, dto.newPassword, ip);
  }

  /** Lifts a login lock before it runs out (the user called the help desk). */
  @Post(':id/unlock')
  @HttpCode(204)
  @Roles('ADMIN', 'SECURITY_ADMIN')
  @ApiOperation({ operationId: 'unlockUser', summary: 'Lift a user’s login lock (解锁)' })
  @ApiNoContentResponse({ description: 'unlocked' })
  @ApiProblems(403, 404)
  unlock(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.auth.unlock(id, actor);
  }
}
