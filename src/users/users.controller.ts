import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators';
import { type Page, PageQuery } from '../common/pagination/pagination.dto';
import { CreateUserDto, UserView } from './dto/create-user.dto';
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

  @Get()
  async list(@Query() q: PageQuery): Promise<Page<UserView>> {
    return { ...(await this.users.list(q.page, q.pageSize)), page: q.page, pageSize: q.pageSize };
  }
}
