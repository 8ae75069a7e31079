import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { addEventSchemas } from './event-schemas';
import { FieldErrorView, ProblemDetails, problemResponse, type ProblemStatus } from './problems';

/** One tag per domain, in the order a reader meets them. */
const TAGS: Array<[string, string]> = [
  ['auth', 'Sign-in (登录): a bearer token for every other call'],
  ['users', 'Accounts and roles (用户), one’s own account'],
  ['cases', 'Cases of every workflow (案件): read, send events, claim, the task inbox'],
  ['workflows', 'What each workflow is: states, events, roles, deadlines, diagram (流程定义)'],
  ['relief', 'Medical-relief applications and the relief calculation (医疗救助)'],
  ['hearings', 'Special-hardship hearings (特殊医疗救助评审)'],
  ['inspections', 'Inspection plans and the double-random draw (双随机检查)'],
  ['penalties', 'Administrative penalty cases (医保基金行政处罚)'],
  ['institutions', 'The institution directory and credit grades (检查对象名录库, 信用评价)'],
  ['monitoring', 'Early warning of illness-caused poverty (因病致贫返贫监测)'],
  [
    'capitation',
    'Outpatient capitation (门诊按人头付费): sign-ups, rates, settlements, reconciliations',
  ],
  ['assignments', 'Assigning cases to caseworkers, workload (分派)'],
  ['attachments', 'Files attached to a case (附件)'],
  ['persons', 'One person’s cases and yearly ledgers (个人视图)'],
  ['notifications', 'In-app notifications, webhook and e-mail deliveries (通知)'],
  ['sla', 'Deadlines and reports for managers (时限, 报表)'],
  ['calendar', 'Working-day calendar (工作日历): holidays and make-up days'],
  ['audit', 'Audit: the hash chains of case histories (审计)'],
  ['public', 'Published without an account (公示, 一公开)'],
  ['admin', 'Administration: the queue dashboard'],
  ['operations', 'Health and metrics for operators'],
];

// The package exports the document type only: its parts are taken from it.
type PathItemObject = OpenAPIObject['paths'][string];
type OperationObject = NonNullable<PathItemObject['get']>;
type Parameter = NonNullable<OperationObject['parameters']>[number];

const BEARER = 'bearer';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Path parameters that are uuids (the others, e.g. notification ids, are numbers as strings). */
const UUID_PARAMS: Array<[RegExp, string]> = [
  [
    /^\/api\/v1\/(public\/)?(cases|users|institutions|inspection-plans|penalty-cases)\/\{id\}/,
    'id',
  ],
  [/^\/api\/v1\/monitoring\/runs\/\{id\}/, 'id'],
  [/^\/api\/v1\/capitation\/sign-ups\/\{id\}/, 'id'],
  [/^\/api\/v1\/sla\/cases\/\{id\}/, 'id'],
  [/\{attachmentId\}/, 'attachmentId'],
];
const NUMERIC_ID_PARAMS = /^\/api\/v1\/(notifications|assignment-notices)\/(deliveries\/)?\{id\}/;

function isReference(p: Parameter): p is Extract<Parameter, { $ref: string }> {
  return '$ref' in p;
}

/** What every operation shares, added in one place: 401, 413/415, id formats, `security: []`. */
function completeOperation(path: string, operation: OperationObject): void {
  const responses = operation.responses;
  const add = (status: ProblemStatus): void => {
    responses[String(status)] ??= problemResponse(status);
  };
  // No security of its own: a @Public() route (its controller has no @ApiBearerAuth).
  if (operation.security === undefined || operation.security.length === 0) {
    operation.security = [];
  } else {
    add(401);
  }
  if (operation.requestBody) {
    add(413);
    add(415);
  }
  for (const parameter of operation.parameters ?? []) {
    if (isReference(parameter) || parameter.in !== 'path') {
      continue;
    }
    const schema = parameter.schema && !('$ref' in parameter.schema) ? parameter.schema : {};
    if (UUID_PARAMS.some(([re, name]) => re.test(path) && parameter.name === name)) {
      parameter.schema = { ...schema, type: 'string', format: 'uuid' };
    } else if (NUMERIC_ID_PARAMS.test(path) && parameter.name === 'id') {
      parameter.schema = { ...schema, type: 'string', pattern: '^[0-9]{1,20}$' };
    }
  }
}

/**
 * The service's OpenAPI document, built from the controllers and DTOs themselves. Served at
 * `/docs-json` (UI at `/docs`) and exported by `npm run openapi` to `docs/openapi.json`, from
 * which the web application's client is generated; a test keeps the two equal.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('yibao-flow')
    .setDescription(
      'Workflow service of a district medical-security bureau (医疗保障局): relief applications, ' +
        'hardship hearings, inspections, penalties. Errors are RFC 9457 problem documents ' +
        '(`application/problem+json`). Lists are paginated: `{ items, total, page, pageSize }`. ' +
        'Money is a decimal string with two places (`"12345.60"`).',
    )
    .setVersion('1')
    .setLicense('UNLICENSED (internal)', 'https://yibao-flow.example/license')
    .addServer('/', 'the service that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .addSecurityRequirements(BEARER);
  for (const [name, description] of TAGS) {
    builder.addTag(name, description);
  }
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ProblemDetails, FieldErrorView],
    // Readable, stable ids: each operation sets its own (`sendCaseEvent`); never a class name.
    operationIdFactory: (_controller, method) => method,
  });
  for (const [path, item] of Object.entries<PathItemObject>(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) {
        completeOperation(path, operation);
      }
    }
  }
  return addEventSchemas(document);
}
