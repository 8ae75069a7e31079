import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { reliefApplication, residentId } from './factories/relief';
import { createUser, Http, type TestUser } from './support/http';
import { multipart, SAMPLE_FILES } from './support/multipart';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  status: number;
  type: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface Attachment {
  id: string;
  caseId: string;
  kind: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  caseState: string;
  note: string | null;
  uploadedBy: string;
  eventSeq: number;
  downloadUrl: string;
}
interface CaseBody {
  id: string;
  state: string;
  version: number;
}
interface HistoryRow {
  seq: number;
  type: string;
  actor: string;
  payload: Record<string, unknown>;
}

const MAX_BYTES = 4096;

/**
 * Attachments on real MariaDB and Redis: bytes checked by content, stored in the database,
 * visible to exactly those who see the case, every upload and download in the audit trail, and
 * nothing written when an upload is refused.
 */
describe('case attachments', () => {
  let t: TestApp;
  let ds: DataSource;
  let street: TestUser;
  let otherStreet: TestUser;
  let caseworker: TestUser;
  let auditor: TestUser;
  let expert: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES) } });
    ds = t.app.get(DataSource);
    const anon = new Http(t.app);
    const admin = await anon.loginAdmin();
    street = await createUser(admin, anon, { roles: ['STREET_OFFICE'], streetCode: '330106001' });
    otherStreet = await createUser(admin, anon, {
      roles: ['STREET_OFFICE'],
      streetCode: '330106002',
    });
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    auditor = await createUser(admin, anon, { roles: ['AUDITOR'] });
    expert = await createUser(admin, anon, { roles: ['EXPERT'], expertField: 'MEDICAL' });
  });

  afterAll(async () => {
    await t?.close();
  });

  let seq = 100;
  async function openCase(): Promise<CaseBody> {
    seq += 1;
    const res = await street.http.post<CaseBody>(
      '/api/v1/relief-applications',
      reliefApplication({ idNumber: residentId(seq) }),
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(201);
    return res.body;
  }

  const upload = (
    who: TestUser,
    caseId: string,
    file: Parameters<typeof multipart>[0],
    fields: Record<string, string> = {},
    query = '',
  ) => {
    const { payload, headers } = multipart(file, fields);
    return who.http.raw<Attachment & Problem>(
      'POST',
      `/api/v1/cases/${caseId}/attachments${query}`,
      payload,
      headers,
    );
  };
  const list = (who: TestUser, caseId: string, query = '') =>
    who.http.get<{ items: Attachment[]; total: number } & Problem>(
      `/api/v1/cases/${caseId}/attachments${query}`,
    );
  const history = async (caseId: string) =>
    (await caseworker.http.get<HistoryRow[]>(`/api/v1/cases/${caseId}/history`)).body;
  const rowsOf = async (caseId: string): Promise<number[]> => {
    const [{ a }] = await ds.query('SELECT COUNT(*) AS a FROM case_attachments WHERE case_id = ?', [
      caseId,
    ]);
    const [{ c }] = await ds.query(
      `SELECT COUNT(*) AS c FROM attachment_contents ac
         JOIN case_attachments ca ON ca.id = ac.attachment_id WHERE ca.case_id = ?`,
      [caseId],
    );
    return [Number(a), Number(c)];
  };

  it('should store an upload with the type its bytes show, list it and give the same bytes back, all in the history', async () => {
    const opened = await openCase();
    const res = await upload(
      street,
      opened.id,
      { name: '低保证明.pdf', content: SAMPLE_FILES.pdf, contentType: 'application/octet-stream' },
      { kind: 'CERTIFICATE', note: '民政低保证扫描件' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId: opened.id,
      kind: 'CERTIFICATE',
      fileName: '低保证明.pdf',
      contentType: 'application/pdf',
      sizeBytes: SAMPLE_FILES.pdf.length,
      sha256: createHash('sha256').update(SAMPLE_FILES.pdf).digest('hex'),
      caseState: 'submitted',
      note: '民政低保证扫描件',
      uploadedBy: street.id,
      eventSeq: 2,
    });

    // The caseworker sees it listed, and downloads exactly the bytes that were sent.
    const listed = await list(caseworker, opened.id);
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0].id).toBe(res.body.id);
    const download = await caseworker.http.raw('GET', res.body.downloadUrl);
    expect(download.status).toBe(200);
    expect(download.raw.equals(SAMPLE_FILES.pdf)).toBe(true);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(String(download.headers['content-disposition'])).toContain(
      `filename*=UTF-8''${encodeURIComponent('低保证明.pdf')}`,
    );

    // The upload is an event of the hash-chained history; the download a read in the access log
    // (a read never bumps the version: nobody's If-Match fails because someone looked).
    const events = await history(opened.id);
    expect(events.slice(1).map((e) => [e.type, e.actor])).toEqual([
      ['ATTACHMENT_ADDED', street.id],
    ]);
    expect(events[1].payload).toMatchObject({
      attachmentId: res.body.id,
      sha256: res.body.sha256,
      contentType: 'application/pdf',
    });
    const before = await caseworker.http.get<{ version: number }>(`/api/v1/cases/${opened.id}`);
    expect((await auditor.http.raw('GET', res.body.downloadUrl)).status).toBe(200);
    const after = await caseworker.http.get<{ version: number }>(`/api/v1/cases/${opened.id}`);
    expect(after.body.version).toBe(before.body.version);
    expect(
      (
        await caseworker.http.post(
          `/api/v1/cases/${opened.id}/events`,
          { type: 'ACCEPT' },
          { 'if-match': `"${before.body.version}"` },
        )
      ).status,
    ).toBe(200);
    const log = await auditor.http.get<Array<{ actor: string; action: string; detail: unknown }>>(
      `/api/v1/cases/${opened.id}/access-log`,
    );
    expect(log.body.map((e) => [e.action, e.actor])).toEqual([
      ['ATTACHMENT_DOWNLOADED', caseworker.id],
      ['ATTACHMENT_DOWNLOADED', auditor.id],
    ]);
    expect(log.body[0].detail).toMatchObject({ attachmentId: res.body.id });
    expect((await caseworker.http.get(`/api/v1/cases/${opened.id}/access-log`)).status).toBe(403);
    const chain = await caseworker.http.get<{ valid: boolean }>(
      `/api/v1/cases/${opened.id}/history/verify`,
    );
    expect(chain.body.valid).toBe(true);
  });

  it('should answer 404 to a caller who cannot see the case, on upload, list and download', async () => {
    const opened = await openCase();
    const stored = await upload(caseworker, opened.id, {
      name: 'a.png',
      content: SAMPLE_FILES.png,
    });
    expect(stored.status).toBe(201);
    const before = (await caseworker.http.get<CaseBody>(`/api/v1/cases/${opened.id}`)).body;

    for (const outsider of [otherStreet, expert]) {
      const refused = await upload(outsider, opened.id, {
        name: 'b.pdf',
        content: SAMPLE_FILES.pdf,
      });
      expect(refused.status).toBe(404);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect((await list(outsider, opened.id)).status).toBe(404);
      const download = await outsider.http.raw('GET', stored.body.downloadUrl);
      expect(download.status).toBe(404);
      expect(download.raw.includes(SAMPLE_FILES.png)).toBe(false);
    }
    // Nothing was written and no download was logged for them.
    expect(await rowsOf(opened.id)).toEqual([1, 1]);
    expect((await caseworker.http.get<CaseBody>(`/api/v1/cases/${opened.id}`)).body.version).toBe(
      before.version,
    );
  });

  it('should refuse an oversized file with 413 naming the file, and write nothing', async () => {
    const opened = await openCase();
    const big = Buffer.concat([SAMPLE_FILES.pdf, Buffer.alloc(MAX_BYTES, 0x20)]);
    const res = await upload(street, opened.id, { name: 'big.pdf', content: big });
    expect(res.status).toBe(413);
    expect(res.body.errors?.map((e) => e.field)).toEqual(['file']);
    expect(await rowsOf(opened.id)).toEqual([0, 0]);
    expect((await history(opened.id)).map((e) => e.type)).toEqual(['CASE_OPENED']);
  });

  it.each([
    ['an executable named .pdf', { name: '证明.pdf', content: SAMPLE_FILES.exe }, /not accepted/],
    ['a PNG named .pdf', { name: 'invoice.pdf', content: SAMPLE_FILES.png }, /disguised/],
    [
      'binary noise declared as text',
      { name: 'notes.txt', content: Buffer.from([0, 1, 2, 3]), contentType: 'text/plain' },
      /not a recognised/,
    ],
  ])(
    'should refuse %s with 415 naming the file, and write nothing',
    async (_what, file, reason) => {
      const opened = await openCase();
      const res = await upload(street, opened.id, file);
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ field: 'file', message: expect.stringMatching(reason) }]);
      expect(await rowsOf(opened.id)).toEqual([0, 0]);
      expect((await history(opened.id)).map((e) => e.type)).toEqual(['CASE_OPENED']);
    },
  );

  it('should name the bad field of a malformed upload with 400', async () => {
    const opened = await openCase();
    const noFile = await upload(street, opened.id, null, { kind: 'EVIDENCE' });
    expect(noFile.status).toBe(400);
    expect(noFile.body.errors?.map((e) => e.field)).toEqual(['file']);
    const wrongPart = await upload(street, opened.id, {
      name: 'a.pdf',
      content: SAMPLE_FILES.pdf,
      field: 'document',
    });
    expect(wrongPart.status).toBe(400);
    // JSON where multipart is expected: the body type is refused as such (issue 15).
    const json = await street.http.post<Problem>(`/api/v1/cases/${opened.id}/attachments`, {
      file: 'aGVsbG8=',
    });
    expect(json.status).toBe(415);
    expect(json.body.errors?.map((e) => e.field)).toEqual(['Content-Type']);
    const badKind = await upload(
      street,
      opened.id,
      { name: 'a.pdf', content: SAMPLE_FILES.pdf },
      { kind: 'SELFIE' },
    );
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors?.map((e) => e.field)).toEqual(['kind']);
    const empty = await upload(street, opened.id, { name: 'a.pdf', content: Buffer.alloc(0) });
    expect(empty.status).toBe(400);
    expect(empty.body.errors?.map((e) => e.field)).toEqual(['file']);
    expect(await rowsOf(opened.id)).toEqual([0, 0]);
  });

  it('should answer "where are the supplement documents?" by kind and the state they came in', async () => {
    const opened = await openCase();
    const asked = await caseworker.http.post<CaseBody>(`/api/v1/cases/${opened.id}/events`, {
      type: 'REQUEST_SUPPLEMENT',
      items: ['住院发票原件'],
    });
    expect(asked.body.state).toBe('awaiting_supplement');
    const supplement = await upload(
      street,
      opened.id,
      { name: '住院发票.png', content: SAMPLE_FILES.png },
      {},
      '?kind=SUPPLEMENT&note=%E8%A1%A5%E6%AD%A3',
    );
    expect(supplement.status).toBe(201);
    expect(supplement.body).toMatchObject({
      kind: 'SUPPLEMENT',
      caseState: 'awaiting_supplement',
      contentType: 'image/png',
      note: '补正',
    });
    await upload(street, opened.id, { name: 'other.pdf', content: SAMPLE_FILES.pdf });
    const supplements = await list(caseworker, opened.id, '?kind=SUPPLEMENT');
    expect(supplements.body.items.map((a) => a.fileName)).toEqual(['住院发票.png']);
    expect((await list(caseworker, opened.id)).body.total).toBe(2);
  });

  it('should let an AUDITOR list and download but not upload, and refuse uploads to a closed case', async () => {
    const opened = await openCase();
    const stored = await upload(caseworker, opened.id, {
      name: 'x.pdf',
      content: SAMPLE_FILES.pdf,
    });
    expect((await list(auditor, opened.id)).body.total).toBe(1);
    const download = await auditor.http.raw('GET', stored.body.downloadUrl);
    expect(download.status).toBe(200);
    const refused = await upload(auditor, opened.id, { name: 'y.pdf', content: SAMPLE_FILES.pdf });
    expect(refused.status).toBe(403);

    const closed = await street.http.post<CaseBody>(`/api/v1/cases/${opened.id}/events`, {
      type: 'WITHDRAW',
    });
    expect(closed.body.state).toBe('withdrawn');
    const late = await upload(street, opened.id, { name: 'z.pdf', content: SAMPLE_FILES.pdf });
    expect(late.status).toBe(422);
    expect(await rowsOf(opened.id)).toEqual([1, 1]);
    // A closed case's attachments can still be read.
    expect((await caseworker.http.raw('GET', stored.body.downloadUrl)).status).toBe(200);
    const unknown = await caseworker.http.raw(
      'GET',
      `/api/v1/cases/${opened.id}/attachments/${randomUUID()}`,
    );
    expect(unknown.status).toBe(404);
  });
});
