import { type OutputUnit, type Schema, Validator } from '@cfworker/json-schema';
import {
  type ErrorSchema,
  type ErrorTransformer,
  type RJSFSchema,
  type RJSFValidationError,
  toErrorSchema,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';
import type { FieldError } from '../api/client';

type Payload = Record<string, unknown>;

/** Keywords whose failure is only the sum of failures reported beneath them. */
const WRAPPERS = new Set([
  'properties',
  'items',
  'prefixItems',
  'allOf',
  '$ref',
  'unevaluatedProperties',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value a keyword failure points at in the schema (`#/properties/reason/minLength` -> 2). */
function schemaValue(root: RJSFSchema, keywordLocation: string): unknown {
  let node: unknown = root;
  for (const raw of keywordLocation.replace(/^#\/?/, '').split('/')) {
    if (raw === '') {
      continue;
    }
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  return node;
}

/** `#/expenses/0/amount` -> `.expenses.0.amount` (rjsf's property notation). */
function property(instanceLocation: string, missing?: string): string {
  const parts = instanceLocation
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '');
  return ['', ...parts, ...(missing ? [missing] : [])].join('.');
}

function toRjsfError(root: RJSFSchema, unit: OutputUnit): RJSFValidationError {
  const missing = unit.keyword === 'required' ? /"([^"]+)"/.exec(unit.error)?.[1] : undefined;
  const prop = property(unit.instanceLocation, missing);
  return {
    name: unit.keyword,
    property: prop,
    message: unit.error,
    params: { limit: schemaValue(root, unit.keywordLocation) },
    schemaPath: unit.keywordLocation,
    stack: `${prop} ${unit.error}`.trim(),
  };
}

/**
 * rjsf's validator on @cfworker/json-schema, which interprets schemas (JSON Schema 2020-12, the
 * service's dialect) instead of compiling them into functions as Ajv does: the page's CSP
 * (`script-src 'self'`, no 'unsafe-eval') stays strict. Custom validators are not used here.
 */
class InterpretingValidator implements ValidatorType<Payload, RJSFSchema> {
  private run(schema: RJSFSchema, data: unknown): OutputUnit[] {
    // One JSON Schema document, typed differently by rjsf (draft 7 types) and cfworker.
    const document = schema as Schema;
    return new Validator(document, '2020-12', false).validate(data).errors;
  }

  validateFormData(
    formData: Payload | undefined,
    schema: RJSFSchema,
    _customValidate?: unknown,
    transformErrors?: ErrorTransformer<Payload, RJSFSchema>,
  ): ValidationData<Payload> {
    const units = this.run(schema, formData ?? {}).filter(
      (u) =>
        !WRAPPERS.has(u.keyword) &&
        // A select's options are `oneOf` constants: one message for the field, not one per option.
        !(u.keyword === 'const' && /\/(oneOf|anyOf)\/\d+\/const$/.test(u.keywordLocation)),
    );
    let errors = units.map((u) => toRjsfError(schema, u));
    if (transformErrors) {
      errors = transformErrors(errors);
    }
    return { errors, errorSchema: toErrorSchema<Payload>(errors) };
  }

  isValid(schema: RJSFSchema, formData: Payload | undefined, rootSchema: RJSFSchema): boolean {
    // rjsf asks about sub-schemas that may `$ref` the root's definitions.
    const withDefs: RJSFSchema = {
      ...schema,
      $defs: rootSchema.$defs,
      definitions: rootSchema.definitions,
    };
    return this.run(withDefs, formData).length === 0;
  }

  rawValidation<Result = OutputUnit>(
    schema: RJSFSchema,
    formData?: Payload,
  ): { errors?: Result[]; validationError?: Error } {
    try {
      // rjsf's interface is generic in the raw error type; ours are cfworker's OutputUnits.
      return { errors: this.run(schema, formData) as Result[] };
    } catch (e) {
      return { validationError: e instanceof Error ? e : new Error(String(e)) };
    }
  }
}

export const schemaValidator = new InterpretingValidator();

function limit(e: RJSFValidationError): string {
  const params: unknown = e.params;
  return typeof params === 'object' && params !== null && 'limit' in params
    ? String(params.limit)
    : '';
}

/** The validator's English messages in the bureau's words (表单校验提示). */
export function chineseErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.map((e) => {
    switch (e.name) {
      case 'required':
        return { ...e, message: '此项必填' };
      case 'pattern':
      case 'format':
        return { ...e, message: '格式不正确' };
      case 'minLength':
        return { ...e, message: `至少 ${limit(e)} 个字` };
      case 'maxLength':
        return { ...e, message: `最多 ${limit(e)} 个字` };
      case 'minItems':
        return { ...e, message: `至少填写 ${limit(e)} 项` };
      case 'maxItems':
        return { ...e, message: `最多填写 ${limit(e)} 项` };
      case 'minimum':
        return { ...e, message: `不能小于 ${limit(e)}` };
      case 'maximum':
        return { ...e, message: `不能大于 ${limit(e)}` };
      case 'enum':
      case 'const':
      case 'oneOf':
      case 'anyOf':
        return { ...e, message: '请从选项中选择' };
      case 'type':
        return { ...e, message: '填写的类型不正确' };
      case undefined:
      default:
        return e;
    }
  });
}

/** `expenses[0].totalCost` / `expenses.0.totalCost` -> ['expenses', '0', 'totalCost']. */
function pathOf(field: string): string[] {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p !== '');
}

/**
 * The service's field errors (400/422 `errors[{field, message}]`) placed on the form's fields;
 * those naming no field of the form are returned to be shown above it.
 */
export function fieldErrorsToSchema(
  errors: readonly FieldError[],
  fields: readonly string[],
): { errorSchema: ErrorSchema; unplaced: FieldError[] } {
  const errorSchema: ErrorSchema = {};
  const unplaced: FieldError[] = [];
  for (const error of errors) {
    const path = pathOf(error.field);
    if (path.length === 0 || !fields.includes(path[0])) {
      unplaced.push(error);
      continue;
    }
    let node: ErrorSchema = errorSchema;
    for (const key of path) {
      const next: ErrorSchema = node[key] ?? {};
      node[key] = next;
      node = next;
    }
    node.__errors = [...(node.__errors ?? []), error.message];
  }
  return { errorSchema, unplaced };
}
