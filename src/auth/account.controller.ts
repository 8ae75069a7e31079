import { Body, Controller, Get, HttpCode, Ip, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: UserView })
  me(@CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.findView(actor.id);
  }

  /** One's own password: every older token stops working; the answer is a fresh token. */
  @Post('me/password')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto })
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
  @Roles('ADMIN')
  unlock(@Param('id') id: string): Promise<void> {
    return this.auth.unlock(id);
  }
}
