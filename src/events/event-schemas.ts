import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { PayloadClass } from '../engine/event-payloads';
import { FIELD_TITLES, fieldTitle } from './field-titles';

/**
 * JSON Schemas of event payloads, derived from the class-validator decorators the engine
 * validates with (class-validator-jsonschema): one definition, no hand-written copy.
 *
 * Why class-validator-jsonschema and not the @nestjs/swagger metadata on the same DTOs: the
 * `@ApiProperty` options are a second, hand-kept description (an `enum` there can drift from
 * the `@IsIn` that decides), and Swagger's schema factory is internal to @nestjs/swagger.
 * class-validator-jsonschema reads the validation metadata itself (IsIn -> enum, Matches ->
 * pattern, IsOptional -> not required, ArrayMaxSize -> maxItems, @Type -> nested objects), and
 * supports class-validator 0.15 and class-transformer 0.5 (peer dependencies).
 */

/** A JSON Schema (the keywords this service emits; 2020-12 and OpenAPI 3.x alike). */
export interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  $ref?: string;
  [keyword: string]: unknown;
}

export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Nested DTOs are named by a reference with this prefix, then inlined (class names repeat across domains). */
const NESTED = '#/nested/';

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema of one DTO class, nested DTOs inlined, every field titled in zh-CN. */
export function payloadSchema(payload: PayloadClass): JsonSchema {
  const raw: unknown = targetConstructorToSchema(payload, { refPointerPrefix: NESTED });
  if (!isSchema(raw)) {
    throw new Error(`No schema for ${payload.name}`);
  }
  const properties: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(raw.properties ?? {})) {
    properties[name] = {
      title: fieldTitle(payload.name, name),
      ...alternatives(inlineNested(payload, name, property)),
    };
  }
  const out: JsonSchema = { type: 'object', properties };
  if (raw.required && raw.required.length > 0) {
    out.required = raw.required;
  }
  // The engine refuses unknown fields (forbidNonWhitelisted), nested ones too.
  out.additionalProperties = false;
  return out;
}

/** `$ref` to a nested DTO (`@Type(() => ExpenseDto)`) -> that DTO's schema, in place. */
function inlineNested(owner: PayloadClass, property: string, schema: JsonSchema): JsonSchema {
  const nested = (): JsonSchema => {
    const type = defaultMetadataStorage.findTypeMetadata(owner, property);
    const target: unknown = type?.typeFunction();
    if (typeof target !== 'function') {
      throw new Error(`${owner.name}.${property}: nested type without @Type`);
    }
    return payloadSchema(target as PayloadClass);
  };
  if (schema.$ref?.startsWith(NESTED)) {
    const { $ref: _ref, ...rest } = schema;
    return { ...rest, ...nested() };
  }
  if (schema.items?.$ref?.startsWith(NESTED)) {
    return { ...schema, items: nested() };
  }
  return schema;
}

/**
 * IsISO8601 becomes `oneOf: [date, date-time]`; a validator cannot tell those formats apart
 * without reading them (Redocly flags the oneOf as possibly overlapping): `anyOf` says the same.
 */
function alternatives(schema: JsonSchema): JsonSchema {
  if (!schema.oneOf || !schema.oneOf.every((s) => s.type === 'string')) {
    return schema;
  }
  const { oneOf, ...rest } = schema;
  return { ...rest, anyOf: oneOf };
}

/**
 * An event as sent to `POST /cases/:id/events`: `type` (one value) and the payload's fields.
 * Without a payload class the event is `type` alone.
 */
export function eventSchema(event: string, payload: PayloadClass | undefined): JsonSchema {
  const body = payload ? payloadSchema(payload) : { properties: {}, required: [] };
  return {
    type: 'object',
    properties: {
      type: { title: FIELD_TITLES.type, type: 'string', enum: [event] },
      ...body.properties,
    },
    required: ['type', ...(body.required ?? [])],
    additionalProperties: false,
  };
}
