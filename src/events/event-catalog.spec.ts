import 'reflect-metadata';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { WORKFLOWS } from '../../workflows';
import { SYSTEM_ACTOR, type WorkflowDefinition } from '../../workflows/workflow-definition';
import { VALIDATOR_OPTIONS } from '../common/errors/validation';
import { MONEY_PATTERN } from '../common/money';
import type { Policy } from '../config/policy';
import { EventHandlerRegistry } from '../engine/event-handlers';
import { machineEventTypes } from '../engine/event-payloads';
import { WorkflowRegistry } from '../engine/workflow-registry';
import { RELIEF_CATEGORIES } from '../relief/dto/create-relief-application.dto';
import { describeStateEvents, historyLabels, userEvents } from './event-catalog';
import { eventSchema, type JsonSchema } from './event-schemas';
import { WORKFLOW_EVENT_PAYLOADS } from './workflow-events';
import { workflowVersions } from './workflow-versions';

const HAN = /\p{Script=Han}/u;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

const payloadsOf = (type: string): WorkflowEventPayloads =>
  WORKFLOW_EVENT_PAYLOADS.find((p) => p.type === type)?.payloads ?? {};
type WorkflowEventPayloads = (typeof WORKFLOW_EVENT_PAYLOADS)[number]['payloads'];

/** Every property schema, nested ones included, with its dotted path. */
function fieldsOf(schema: JsonSchema, prefix = ''): Array<[string, JsonSchema]> {
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = prefix + name;
    const inner = field.items ?? field;
    return [[path, field] as [string, JsonSchema], ...fieldsOf(inner, `${path}.`)];
  });
}

describe.each(WORKFLOWS.map((w) => [`${w.type} v${w.version}`, w] as const))(
  'the events of %s',
  (_type, workflow) => {
    const payloads = payloadsOf(workflow.type);

    it('should give every event of the machine a zh-CN label', () => {
      const unlabelled = machineEventTypes(workflow.machine).filter(
        (event) => !HAN.test(historyLabels(workflow)[event] ?? ''),
      );
      expect(unlabelled).toEqual([]);
    });

    it('should have a payload table (only of events the machine has, none sent by the system alone)', () => {
      expect(WORKFLOW_EVENT_PAYLOADS.map((p) => p.type)).toContain(workflow.type);
      // One table per type serves all its versions: only events none of them lets a user send are wrong.
      const sendable = WORKFLOWS.filter((w) => w.type === workflow.type).flatMap(userEvents);
      expect(Object.keys(payloads).filter((e) => !sendable.includes(e))).toEqual([]);
    });

    it('should give every user-sendable event a valid JSON Schema 2020-12 with a zh-CN title on every field', () => {
      const events = userEvents(workflow);
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        const schema = eventSchema(event, payloads[event]);
        expect(() => ajv.compile(schema)).not.toThrow();
        const untitled = fieldsOf(schema)
          .filter(([, field]) => !HAN.test(field.title ?? ''))
          .map(([path]) => `${event}.${path}`);
        expect(untitled).toEqual([]);
        expect(ajv.validate(schema, { type: event, unknownField: 1 })).toBe(false);
      }
    });

    it('should describe every permitted event of every state with label, roles and a 2020-12 schema', () => {
      for (const state of Object.keys(workflow.permissions)) {
        for (const e of describeStateEvents(workflow, state, payloads)) {
          expect(e.label).toMatch(HAN);
          expect(e.roles).toEqual(workflow.permissions[state][e.type].roles);
          expect(e.schema).toMatchObject({
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            title: e.label,
            properties: { type: { enum: [e.type] } },
          });
        }
      }
    });
  },
);

describe('event schemas derived from the DTOs the engine validates with', () => {
  const relief = payloadsOf('relief-application');
  const penalty = payloadsOf('penalty-case');
  const verify = eventSchema('VERIFY', relief.VERIFY);

  it('should carry enums, money patterns, date formats and required fields', () => {
    expect(verify.required).toEqual(['type', 'verifiedCategory', 'certificateNo']);
    expect(verify.properties?.verifiedCategory).toMatchObject({
      title: '核定救助类别',
      enum: [...RELIEF_CATEGORIES],
    });
    expect(verify.properties?.certificateNo?.title).toBe('证件编号');
    expect(verify.properties?.recognitionDate).toMatchObject({ type: 'string', format: 'date' });
    const payment = eventSchema('RECORD_PAYMENT', relief.RECORD_PAYMENT);
    expect(payment.properties?.amount).toMatchObject({
      title: '金额',
      pattern: MONEY_PATTERN.source,
    });
    // Nested DTOs are inlined, with their own titles and enums.
    const decide = eventSchema('DECIDE', penalty.DECIDE);
    expect(decide.properties?.sanctions?.items?.properties?.type).toMatchObject({
      title: '处罚种类',
      enum: expect.arrayContaining(['FINE', 'WARNING']),
    });
  });

  it('should give an event without payload a schema of `type` alone', () => {
    const approve = eventSchema('APPROVE', relief.APPROVE);
    expect(approve).toEqual({
      type: 'object',
      properties: { type: expect.objectContaining({ enum: ['APPROVE'] }) },
      required: ['type'],
      additionalProperties: false,
    });
  });

  // The schema and the engine must agree: what one refuses, the other refuses.
  it.each([
    ['VERIFY', relief.VERIFY, { verifiedCategory: 'DIBAO', certificateNo: '民低保字第1号' }, true],
    ['VERIFY', relief.VERIFY, { verifiedCategory: 'NOBODY', certificateNo: 'x' }, false],
    ['VERIFY', relief.VERIFY, { verifiedCategory: 'DIBAO' }, false],
    [
      'VERIFY',
      relief.VERIFY,
      { verifiedCategory: 'DIBAO', certificateNo: 'x', recognitionDate: '2026-13-01' },
      false,
    ],
    ['RECORD_PAYMENT', relief.RECORD_PAYMENT, { amount: '12.5', reference: 'B-1' }, true],
    ['RECORD_PAYMENT', relief.RECORD_PAYMENT, { amount: '12.505', reference: 'B-1' }, false],
    ['RECORD_PAYMENT', relief.RECORD_PAYMENT, { amount: 12, reference: 'B-1' }, false],
    ['PROPOSE', relief.PROPOSE, {}, true],
    ['PROPOSE', relief.PROPOSE, { amount: '1.00', extra: true }, false],
    ['DECIDE', penalty.DECIDE, { sanctions: [{ type: 'FINE', article: 38 }] }, true],
    ['DECIDE', penalty.DECIDE, { sanctions: [{ type: 'FINE', article: 37 }] }, false],
    ['DECIDE', penalty.DECIDE, { sanctions: [{ type: 'FINE', article: 38, x: 1 }] }, false],
    ['DECIDE', penalty.DECIDE, { sanctions: [] }, false],
  ])('%s %j: schema and class-validator agree (valid: %s)', async (event, dto, payload, valid) => {
    expect(dto).toBeDefined();
    const errors = await validate(plainToInstance(dto, payload), VALIDATOR_OPTIONS);
    expect(errors.length === 0).toBe(valid);
    expect(ajv.validate(eventSchema(event, dto), { type: event, ...payload })).toBe(valid);
  });
});

describe('workflow versions', () => {
  const policy = { version: 'p1' } as Policy;
  const dated = (
    entries: Array<{ version: number; from: string }>,
  ): Policy & { workflowVersions: Record<string, Array<{ version: number; from: string }>> } => ({
    ...policy,
    workflowVersions: { w: entries },
  });

  it('should list the one registered version without dates when the policy names none', () => {
    expect(workflowVersions('w', [1], policy, '2026-05-01')).toEqual({
      versions: [{ version: 1 }],
      inForce: 1,
    });
  });

  it('should date versions from the policy and pick the latest that has begun', () => {
    const p = dated([
      { version: 2, from: '2026-07-01' },
      { version: 1, from: '2026-01-01' },
    ]);
    expect(workflowVersions('w', [1, 2], p, '2026-05-01')).toEqual({
      versions: [
        { version: 1, from: '2026-01-01', to: '2026-07-01' },
        { version: 2, from: '2026-07-01' },
      ],
      inForce: 1,
    });
    expect(workflowVersions('w', [1, 2], p, '2026-07-01').inForce).toBe(2);
  });
});

describe('system-only events', () => {
  it('should be listed with roles [system] and a schema that no caller body fits', () => {
    const relief: WorkflowDefinition = WORKFLOWS.find((w) => w.type === 'relief-application')!;
    const publicity = describeStateEvents(relief, 'publicity', payloadsOf(relief.type));
    const deadline = publicity.find((e) => e.type === 'DEADLINE_PUBLICITY');
    expect(deadline).toMatchObject({ roles: [SYSTEM_ACTOR], label: '公示期满' });
    expect(userEvents(relief)).not.toContain('DEADLINE_PUBLICITY');
  });

  it('should offer enum values by their zh-CN names in the description (oneOf of const + title)', () => {
    const relief: WorkflowDefinition = WORKFLOWS.find((w) => w.type === 'relief-application')!;
    const review = describeStateEvents(relief, 'eligibility_review', payloadsOf(relief.type));
    const verify = review.find((e) => e.type === 'VERIFY')?.schema;
    const category = verify?.properties?.verifiedCategory;
    expect(category?.enum).toBeUndefined();
    expect(category?.oneOf).toContainEqual({ const: 'DIBAO', title: '低保对象' });
    expect(category?.oneOf).toHaveLength(6);
    // The event's own `type` stays a plain enum, and the result still compiles and validates.
    expect(verify?.properties?.type).toMatchObject({ enum: ['VERIFY'] });
    const validate = ajv.compile(verify ?? {});
    expect(validate({ type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: 'x1' })).toBe(true);
    expect(validate({ type: 'VERIFY', verifiedCategory: 'dibao', certificateNo: 'x1' })).toBe(
      false,
    );
  });
});

describe("the engine's event handler registry", () => {
  const registry = (): EventHandlerRegistry => new EventHandlerRegistry(new WorkflowRegistry());
  const hook = (): Promise<void> => Promise.resolve();

  it('should take its payload classes from the static tables', () => {
    expect(registry().payloadOf('relief-application', 'VERIFY')).toBe(
      payloadsOf('relief-application').VERIFY,
    );
    expect(registry().payloadOf('relief-application', 'APPROVE')).toBeUndefined();
  });

  it('should refuse a hook on an event the machine does not have (a misspelt name fails at start)', () => {
    const handlers = registry();
    expect(() => handlers.register('relief-application', 'APROVE', { hook })).toThrow(
      /has no event APROVE/,
    );
    expect(() => handlers.register('relief-application', 'APPROVE', { hook })).not.toThrow();
  });
});
