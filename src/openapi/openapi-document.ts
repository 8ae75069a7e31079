import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { addEventSchemas } from './event-schemas';

/**
 * The service's OpenAPI document, built from the controllers and DTOs themselves. Served at
 * `/docs-json` (UI at `/docs`) and exported by `npm run openapi` to `docs/openapi.json`, from
 * which the web application's client is generated; a test keeps the two equal.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('yibao-flow')
    .setDescription('Workflow service of a district medical-security bureau (医疗保障局)')
    .setVersion('1')
    .addBearerAuth()
    .build();
  return addEventSchemas(SwaggerModule.createDocument(app, config));
}
