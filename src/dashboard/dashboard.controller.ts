import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { DASHBOARD_HTML } from './dashboard.page';

/** The page is public; every figure on it comes from the API with the signed-in user's token. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return DASHBOARD_HTML;
  }
}
