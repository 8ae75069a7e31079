import { Module } from '@nestjs/common';
import { WebAppService } from './web-app.service';

/** The workbench web application (web/, built to dist/web), served at `/`. */
@Module({ providers: [WebAppService] })
export class WebModule {}
