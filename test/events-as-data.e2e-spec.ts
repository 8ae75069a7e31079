import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { reliefApplication, residentId } from './factories/relief';
import { createUser, eventually, Http, type Reply, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface JsonSchema {
  $schema?: string;
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  [keyword: string]: unknown;
}
interface EventDescription {
  type: string;
  label: string | null;
  roles: string[];
  scope?: unknown;
  schema: JsonSchema;
}
interface WorkflowDescription {
  type: string;
  title: string;
  version: number;
  versions: Array<{ version: number; from?: string; to?: string }>;
  eventLabels: Record<string, string>;
  states: Array<{ name: string; label: string | null; events: EventDescription[] }>;
}
interface CaseBody {
  id: string;
  type: string;
  state: string;
  version: number;
  data: Record<string, unknown> & { links: Array<{ rel: string; caseId: string }> };
}
interface Problem {
  type: string;
  status: number;
  errors?: Array<{ field: string; message: string }>;
}
interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string; required?: boolean }>;
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        responses: Record<string, { headers?: Record<string, unknown> }>;
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
}

const RELIEF = '/api/v1/workflows/relief-application';

describe('events as data, ETag and If-Match (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let street: TestUser;
  let caseworker: TestUser;
  let manager: TestUser;
  let inspector: TestUser;
  let legal: TestUser;
  let relief: WorkflowDescription;

  beforeAll(async () => {
    t = await startTestApp({
      policy: { deadlines: { 'relief-application': { publicity: '1s' } } },
    });
    anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
    inspector = await createUser(admin, anon, { roles: ['INSPECTOR'] });
    legal = await createUser(admin, anon, { roles: ['LEGAL'] });
    const res = await caseworker.http.get<WorkflowDescription>(RELIEF);
    expect(res.status).toBe(200);
    relief = res.body;
  });

  afterAll(async () => {
    await t?.close();
  });

  const open = async (seq: number): Promise<CaseBody> => {
    const res = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(seq) }),
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(201);
    return res.body;
  };
  const send = (
    who: TestUser,
    id: string,
    event: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<Reply<CaseBody>> =>
    who.http.post<CaseBody>(`/api/v1/cases/${id}/events`, event, headers);
  const eventOf = (state: string, type: string): EventDescription | undefined =>
    relief.states.find((s) => s.name === state)?.events.find((e) => e.type === type);

  describe('GET /workflows/:type', () => {
    it('should list versions, history labels, and per state the events as an array with label, roles and schema', () => {
      expect(relief).toMatchObject({ type: 'relief-application', version: 1 });
      // Version 2 (集体审议) is registered; the default policy dates it nowhere, so 1 is in force.
      expect(relief.versions).toEqual([{ version: 1 }, { version: 2 }]);
      expect(relief.eventLabels).toMatchObject({
        ACCEPT: '受理',
        VERIFY: '核实资格',
        RECORD_PAYMENT: '登记发放',
        CASE_OPENED: '创建案件',
        CLAIMED: '认领',
      });
      const review = relief.states.find((s) => s.name === 'eligibility_review');
      expect(review?.label).toBe('资格审核中');
      expect(Array.isArray(review?.events)).toBe(true);
      expect(review?.events.map((e) => e.type)).toEqual(['VERIFY', 'REJECT']);
      const verify = eventOf('eligibility_review', 'VERIFY')!;
      expect(verify).toMatchObject({ label: '核实资格', roles: ['CASEWORKER'] });
      expect(verify.schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: '核实资格',
        required: ['type', 'verifiedCategory', 'certificateNo'],
        properties: {
          type: { enum: ['VERIFY'] },
          verifiedCategory: {
            title: '核定救助类别',
            oneOf: expect.arrayContaining([{ const: 'DIBAO', title: '低保对象' }]),
          },
          certificateNo: { title: '证件编号' },
          recognitionDate: { format: 'date' },
        },
      });
      expect(eventOf('disbursement', 'RECORD_PAYMENT')?.schema.properties?.amount).toMatchObject({
        title: '金额',
        pattern: expect.any(String),
      });
      // An event without payload: `type` alone.
      expect(eventOf('submitted', 'ACCEPT')?.schema).toMatchObject({
        properties: { type: { enum: ['ACCEPT'] } },
        required: ['type'],
      });
      expect(Object.keys(eventOf('submitted', 'ACCEPT')?.schema.properties ?? {})).toEqual([
        'type',
      ]);
      // Street scope is kept; the service's own events are listed with roles ['system'].
      expect(eventOf('publicity', 'OBJECTION')).toMatchObject({ scope: 'street' });
      expect(eventOf('publicity', 'DEADLINE_PUBLICITY')).toMatchObject({
        label: '公示期满',
        roles: ['system'],
      });
    });

    it('should pick a version with ?version= and answer an unknown one with a 404 problem, a malformed one with a 400 naming it', async () => {
      const v1 = await caseworker.http.get<WorkflowDescription>(`${RELIEF}?version=1`);
      expect(v1.status).toBe(200);
      expect(v1.body.version).toBe(1);
      for (const path of [`${RELIEF}?version=9`, `${RELIEF}/diagram?version=9`]) {
        const res = await caseworker.http.get<Problem>(path);
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.type).toMatch(/\/not-found$/);
      }
      const bad = await caseworker.http.get<Problem>(`${RELIEF}?version=one`);
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.map((e) => e.field)).toEqual(['version']);
      const diagram = await caseworker.http.get<string>(`${RELIEF}/diagram?version=1`);
      expect(diagram.status).toBe(200);
      expect(diagram.body).toContain('eligibility_review --> amount_review : VERIFY');
    });

    it('should list the workflows with their titles', async () => {
      const res =
        await caseworker.http.get<Array<{ type: string; title: string }>>('/api/v1/workflows');
      expect(res.body).toContainEqual(
        expect.objectContaining({ type: 'penalty-case', title: expect.stringMatching(/行政处罚/) }),
      );
    });

    it('should serve schemas the engine agrees with: what the schema accepts is applied, what it refuses is a 400 naming the field', async () => {
      const ajv = new Ajv2020({ strict: false });
      addFormats(ajv);
      const schema = ajv.compile(eventOf('eligibility_review', 'VERIFY')!.schema);
      const c = await open(401);
      expect((await send(caseworker, c.id, { type: 'ACCEPT' })).status).toBe(200);

      const refused = { type: 'VERIFY', verifiedCategory: 'NOBODY', certificateNo: '民低保字1' };
      expect(schema(refused)).toBe(false);
      const res400 = await send(caseworker, c.id, refused);
      expect(res400.status).toBe(400);
      expect((res400.body as unknown as Problem).errors?.map((e) => e.field)).toEqual([
        'verifiedCategory',
      ]);

      const accepted = { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: '民低保字1' };
      expect(schema(accepted)).toBe(true);
      const res200 = await send(caseworker, c.id, accepted);
      expect(res200.status).toBe(200);
      expect(res200.body.state).toBe('amount_review');
    });
  });

  describe('ETag and If-Match', () => {
    it('should send the case version as a quoted ETag on GET /cases/:id and on the events answer', async () => {
      const c = await open(402);
      const got = await caseworker.http.get<CaseBody>(`/api/v1/cases/${c.id}`);
      expect(got.status).toBe(200);
      expect(got.headers.etag).toBe(`"${got.body.version}"`);
      const sent = await send(caseworker, c.id, { type: 'ACCEPT' });
      expect(sent.status).toBe(200);
      expect(sent.headers.etag).toBe(`"${sent.body.version}"`);
      expect(sent.body.version).toBe(got.body.version + 1);
    });

    it('should apply an event with a quoted or an unquoted If-Match of the current version, and refuse a stale one with 409 /version-conflict', async () => {
      const c = await open(403);
      const etag = String(
        (await caseworker.http.get<CaseBody>(`/api/v1/cases/${c.id}`)).headers.etag,
      );
      expect(etag).toMatch(/^"\d+"$/);
      const accepted = await send(caseworker, c.id, { type: 'ACCEPT' }, { 'if-match': etag });
      expect(accepted.status).toBe(200);

      const stale = await send(
        caseworker,
        c.id,
        { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: '民低保字2' },
        { 'if-match': etag },
      );
      expect(stale.status).toBe(409);
      expect(stale.headers['content-type']).toContain('application/problem+json');
      expect((stale.body as unknown as Problem).type).toMatch(/\/version-conflict$/);
      expect((await caseworker.http.get<CaseBody>(`/api/v1/cases/${c.id}`)).body.state).toBe(
        'eligibility_review',
      );

      const unquoted = await send(
        caseworker,
        c.id,
        { type: 'VERIFY', verifiedCategory: 'DIBAO', certificateNo: '民低保字2' },
        { 'if-match': String(accepted.body.version) },
      );
      expect(unquoted.status).toBe(200);
      expect(unquoted.body.state).toBe('amount_review');
    });
  });

  describe('the OpenAPI document', () => {
    let doc: OpenApiDocument;

    beforeAll(async () => {
      doc = (await anon.get<OpenApiDocument>('/docs-json')).body;
    });

    it('should describe the events body as an anyOf of per-workflow oneOfs discriminated by type, without system-only events', () => {
      const post = doc.paths['/api/v1/cases/{id}/events'].post;
      expect(post.requestBody?.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/CaseEvent',
      });
      const { schemas } = doc.components;
      expect(schemas.CaseEvent.anyOf).toEqual(
        expect.arrayContaining([
          { $ref: '#/components/schemas/ReliefApplicationEvent' },
          { $ref: '#/components/schemas/HardshipHearingEvent' },
          { $ref: '#/components/schemas/InspectionEvent' },
          { $ref: '#/components/schemas/PenaltyCaseEvent' },
        ]),
      );
      const union = schemas.ReliefApplicationEvent as {
        oneOf: Array<{ $ref: string }>;
        discriminator: { propertyName: string; mapping: Record<string, string> };
      };
      expect(union.discriminator.propertyName).toBe('type');
      expect(union.discriminator.mapping.VERIFY).toBe(
        '#/components/schemas/ReliefApplication_VERIFY',
      );
      expect(union.oneOf).toContainEqual({ $ref: '#/components/schemas/ReliefApplication_VERIFY' });
      expect(Object.keys(union.discriminator.mapping)).not.toContain('DEADLINE_PUBLICITY');
      expect(schemas.ReliefApplication_VERIFY).toMatchObject({
        properties: { type: { enum: ['VERIFY'] }, verifiedCategory: { title: '核定救助类别' } },
        required: ['type', 'verifiedCategory', 'certificateNo'],
      });
      // The same event name with a different payload in another workflow.
      expect(schemas.PenaltyCase_RECORD_PAYMENT.required).toContain('ledger');
      expect(schemas.ReliefApplication_RECORD_PAYMENT.required).not.toContain('ledger');
    });

    it('should serve the same event and data schemas as `npm run openapi` exported (preview mode, no provider)', () => {
      const exported = JSON.parse(
        readFileSync(join(__dirname, '..', 'docs', 'openapi.json'), 'utf8'),
      ) as OpenApiDocument;
      const ours = (d: OpenApiDocument): Record<string, JsonSchema> =>
        Object.fromEntries(
          Object.entries(d.components.schemas).filter(([name]) =>
            /^CaseEvent$|Event$|_[A-Z_]+$|Data$|^CaseDataCommon$|^CaseLink$/.test(name),
          ),
        );
      expect(Object.keys(ours(doc))).toContain('ReliefApplication_VERIFY');
      expect(ours(doc)).toEqual(ours(exported));
    });

    it('should declare If-Match on the events POST and ETag on the case answers', () => {
      const post = doc.paths['/api/v1/cases/{id}/events'].post;
      expect(post.parameters).toContainEqual(
        expect.objectContaining({ name: 'If-Match', in: 'header', required: false }),
      );
      expect(post.responses['200'].headers).toHaveProperty('ETag');
      expect(doc.paths['/api/v1/cases/{id}'].get.responses['200'].headers).toHaveProperty('ETag');
    });

    /** The errors of `data` against a component schema of the served document ([] when it fits). */
    const fits = (schema: string, data: unknown): unknown => {
      const ajv = new Ajv({ strict: false, discriminator: true });
      addFormats(ajv);
      ajv.addSchema({ components: doc.components }, 'doc');
      const validate = ajv.getSchema(`doc#/components/schemas/${schema}`);
      expect(validate).toBeDefined();
      return validate!(data) ? [] : validate!.errors;
    };

    it('should declare case data that a real penalty case fits, with its proposed sanctions', async () => {
      const imported = await manager.http.post<{ items: Array<{ id: string }> }>(
        '/api/v1/institutions',
        [{ code: 'E100', name: '某某医院', type: 'HOSPITAL', creditGrade: 'B' }],
      );
      const opened = await inspector.http.post<CaseBody>('/api/v1/penalty-cases', {
        institutionId: imported.body.items[0].id,
        source: 'COMPLAINT',
        summary: '群众举报：虚构医疗服务',
      });
      expect(opened.status).toBe(201);
      expect(fits('PenaltyCaseData', opened.body.data)).toEqual([]);
      const investigated = await send(inspector, opened.body.id, {
        type: 'RECORD_INVESTIGATION',
        violations: [
          { article: 40, lossAmount: '0.00', fraudAmount: '120000.00', description: '虚构住院' },
        ],
      });
      expect(investigated.body.state).toBe('legal_review');
      const approved = await send(legal, opened.body.id, { type: 'APPROVE_PROPOSAL' });
      expect(approved.status).toBe(200);
      expect(approved.body.data.proposedSanctions).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'FINE', article: 40 })]),
      );
      expect(fits('PenaltyCaseData', approved.body.data)).toEqual([]);
      expect(fits('CaseData', approved.body.data)).toEqual([]);
    });

    it('should declare case data that a real inspection case fits, drawn and with its findings', async () => {
      const admin = await anon.loginAdmin();
      const team = [
        inspector,
        await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: '区医保局' }),
        await createUser(admin, anon, { roles: ['INSPECTOR'], affiliation: '区医保局' }),
      ];
      await manager.http.post('/api/v1/institutions', [
        { code: 'E200', name: '某某专科医院', type: 'HOSPITAL', district: '西湖区' },
      ]);
      const plan = await manager.http.post<{ id: string }>('/api/v1/inspection-plans', {
        name: '事件数据抽查',
        year: 2026,
        kind: 'ROUTINE',
        sampleSize: 1,
        institutionTypes: ['HOSPITAL'],
        teamSize: 2,
      });
      expect(plan.status).toBe(201);
      const drawn = await manager.http.post<{
        caseIds: string[];
        teams: Array<{ inspectorIds: string[] }>;
      }>(`/api/v1/inspection-plans/${plan.body.id}/draw`, { seed: 'events-as-data' });
      expect(drawn.status).toBe(201);
      const id = drawn.body.caseIds[0];
      const member = team.find((u) => drawn.body.teams[0].inspectorIds.includes(u.id))!;
      const scheduled = await member.http.get<CaseBody>(`/api/v1/cases/${id}`);
      expect(scheduled.body.type).toBe('inspection');
      expect(fits('InspectionData', scheduled.body.data)).toEqual([]);
      expect((await send(member, id, { type: 'START_ONSITE' })).status).toBe(200);
      const recorded = await send(member, id, {
        type: 'RECORD_FINDINGS',
        conclusion: 'ISSUES',
        findings: [{ article: 38, description: '超标准收费', amount: '1200.00' }],
      });
      expect(recorded.status).toBe(200);
      expect(recorded.body.data).toHaveProperty('findings.findings');
      expect(fits('InspectionData', recorded.body.data)).toEqual([]);
      expect(fits('CaseData', recorded.body.data)).toEqual([]);
    });

    it('should declare case data that real cases fit: a relief case walked to paid, and the hearing it opened', async () => {
      const c = await open(404);
      await send(caseworker, c.id, { type: 'ACCEPT' });
      await send(caseworker, c.id, {
        type: 'VERIFY',
        verifiedCategory: 'DIBAO',
        certificateNo: '民低保字3',
      });
      await send(caseworker, c.id, { type: 'PROPOSE' });
      expect((await send(manager, c.id, { type: 'APPROVE' })).body.state).toBe('publicity');
      await eventually(async () => {
        const now = await caseworker.http.get<CaseBody>(`/api/v1/cases/${c.id}`);
        return now.body.state === 'disbursement' ? now : undefined;
      }, 15000);
      const paid = await send(caseworker, c.id, {
        type: 'RECORD_PAYMENT',
        amount: '12000.00',
        reference: 'BANK-404',
      });
      expect(paid.body.state).toBe('paid');
      expect(paid.body.data).toHaveProperty('calculation.lines');
      expect(fits('ReliefApplicationData', paid.body.data)).toEqual([]);
      expect(fits('CaseData', paid.body.data)).toEqual([]);
      // The declaration is not vacuous: a case without its applicant does not fit.
      const { applicant: _applicant, ...withoutApplicant } = paid.body.data;
      expect(fits('ReliefApplicationData', withoutApplicant)).not.toEqual([]);

      // The burden left (docs/domain.md §1's numbers) reaches the threshold: a hearing opens,
      // linked.
      const hearingId = await eventually(async () => {
        const now = await caseworker.http.get<CaseBody>(`/api/v1/cases/${c.id}`);
        return now.body.data.links.find((l) => l.rel === 'hardship-hearing')?.caseId;
      }, 15000);
      const hearing = await caseworker.http.get<CaseBody>(`/api/v1/cases/${hearingId}`);
      expect(hearing.body.type).toBe('hardship-hearing');
      expect(fits('HardshipHearingData', hearing.body.data)).toEqual([]);
    });
  });
});
