import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PageOf } from '../openapi/page';
import { ApiProblems } from '../openapi/problems';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import type { Actor } from '../engine/actor';
import { CreateUserDto, UpdateUserDto, UserListQuery, UserView } from './dto/create-user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
@Roles('ADMIN', 'SECURITY_ADMIN')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user with roles (新建用户)' })
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems(400, 403, 409, 422)
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.create(dto, actor);
  }

  /** `?role=CASEWORKER&active=true` narrow the list. */
  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'List users, by role or active' })
  @ApiOkResponse({ type: PageOf(UserView) })
  @ApiProblems(400, 403)
  async list(@Query() q: UserListQuery): Promise<Page<UserView>> {
    return {
      ...(await this.users.list(q.page, q.pageSize, { role: q.role, active: q.active })),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getUser', summary: 'One user' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(403, 404)
  get(@Param('id') id: string): Promise<UserView> {
    return this.users.findView(id);
  }

  /** Roles, street, field, affiliation, name; `active: false` deactivates; `password` resets. */
  @Patch(':id')
  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Change roles, street, name; deactivate; reset password',
  })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(400, 403, 404, 409)
  update(
    @Param('id') id: string,
    @Body() dto: UpdateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserView> {
    return this.users.update(id, dto, actor);
  }
}
