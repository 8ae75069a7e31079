import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { DASHBOARD_JS } from './dashboard.client';
import { DASHBOARD_CSS, DASHBOARD_HTML } from './dashboard.page';

/** Chart.js's UMD bundle from node_modules (its package exports only the module entry points). */
const CHART_JS = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
const CACHE = 'public, max-age=3600';

/**
 * The page and its assets are public; every figure on it comes from the API with the
 * signed-in user's token. Scripts only from this origin (no inline script, no CDN).
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header(
    'content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'",
  )
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('assets/dashboard.js')
  @Public()
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(): string {
    return DASHBOARD_JS;
  }

  @Get('assets/dashboard.css')
  @Public()
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  styles(): string {
    return DASHBOARD_CSS;
  }

  @Get('assets/chart.umd.min.js')
  @Public()
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', CACHE)
  chart(): Buffer {
    return CHART_JS;
  }
}
