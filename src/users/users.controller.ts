import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators';
import type { Page } from '../common/pagination/pagination.dto';
import type { Actor } from '../engine/actor';
import { CreateUserDto, UpdateUserDto, UserListQuery, UserView } from './dto/create-user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
@Roles('ADMIN')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiCreatedResponse({ type: UserView })
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto);
  }

  /** `?role=CASEWORKER&active=true` narrow the list. */
  @Get()
  async list(@Query() q: UserListQuery): Promise<Page<UserView>> {
    return {
      ...(await this.users.list(q.page, q.pageSize, { role: q.role, active: q.active })),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  get(@Param('id') id: string): Promise<UserView> {
    return this.users.findView(id);
  }

  /** Roles, street, field, affiliation, name; `active: false` deactivates; `password` resets. */
  @Patch(':id')
  @ApiOkResponse({ type: UserView })
  update(
    @Param('id') id: string,
    @Body() dto: UpdateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserView> {
    return this.users.update(id, dto, actor.id);
  }
}
