import { createUser, Http, type Reply, type TestUser } from './support/http';
import { startTestApp, type TestApp } from './support/test-app';

interface Problem {
  type: string;
  status: number;
  errors?: Array<{ field: string; message: string }>;
}
interface Due {
  dueAt: string;
  warnings: string[];
}

const fieldsOf = (res: Reply<unknown>): string[] =>
  ((res.body as Problem).errors ?? []).map((e) => e.field);

/** `GET /calendar/due` with the query encoded (a `+08:00` offset must not become a space). */
const dueQuery = (from: string, duration: string): string =>
  `/api/v1/calendar/due?${new URLSearchParams({ from, duration }).toString()}`;

const YEAR_2027 = {
  holidays: [['2027-01-01', '2027-01-03', '元旦']],
  makeUpWorkdays: [],
  source: 'test',
};

describe('the working-day calendar (real MariaDB and Redis)', () => {
  let t: TestApp;
  let anon: Http;
  let admin: Http;
  let caseworker: TestUser;
  let manager: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    anon = new Http(t.app);
    admin = await anon.loginAdmin();
    caseworker = await createUser(admin, anon, { roles: ['CASEWORKER'] });
    manager = await createUser(admin, anon, { roles: ['MANAGER'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /calendar/due', () => {
    it('should compute the docs/domain.md §7 example: 5wd from Monday 2026-09-28 ends with Saturday 2026-10-10', async () => {
      const res = await caseworker.http.get<Due>(
        '/api/v1/calendar/due?from=2026-09-28T09:00:00%2B08:00&duration=5wd',
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ dueAt: '2026-10-10T16:00:00.000Z', warnings: [] });
    });

    it.each([
      ['2026-09-28T00:00:00+08:00', '5wd', '2026-10-10T16:00:00.000Z'],
      ['2026-09-27T16:30:00Z', '5wd', '2026-10-10T16:00:00.000Z'], // 00:30 on the 28th in Shanghai
      ['2026-09-30T12:00:00+08:00', '7d', '2026-10-07T16:00:00.000Z'],
      ['2026-02-13T10:00:00+08:00', '2wd', '2026-02-24T16:00:00.000Z'], // 调休 Sat, then 春节
      ['2026-10-01T10:15:30.250Z', '30m', '2026-10-01T10:45:30.250Z'],
      ['2026-09-30T20:00:00+08:00', '12h', '2026-10-01T00:00:00.000Z'],
    ])('should compute from %s plus %s as %s', async (from, duration, dueAt) => {
      const res = await caseworker.http.get<Due>(dueQuery(from, duration));
      expect(res.status).toBe(200);
      expect(res.body.dueAt).toBe(dueAt);
    });

    it.each([
      ['duration', { from: '2026-09-28T09:00:00+08:00', duration: '5x' }],
      ['duration', { from: '2026-09-28T09:00:00+08:00', duration: '0wd' }],
      ['duration', { from: '2026-09-28T09:00:00+08:00', duration: '5 wd' }],
      ['duration', { from: '2026-09-28T09:00:00+08:00' }],
      // Syntactically a duration but longer than any deadline may be (about 100 years).
      ['duration', { from: '2026-09-28T09:00:00+08:00', duration: '40000d' }],
      ['from', { duration: '5wd' }],
      ['from', { from: 'yesterday', duration: '5wd' }],
      ['from', { from: '2026-02-30T09:00:00+08:00', duration: '5wd' }],
      // Without an offset the server's own time zone would decide the day.
      ['from', { from: '2026-09-28T09:00:00', duration: '5wd' }],
    ])('should refuse a bad query with 400 naming %s (%j)', async (field, query) => {
      const res = await caseworker.http.get<Problem>(
        `/api/v1/calendar/due?${new URLSearchParams(query as Record<string, string>).toString()}`,
      );
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(new Set(fieldsOf(res))).toEqual(new Set([field]));
    });

    it('should need a token', async () => {
      const res = await anon.get(dueQuery('2026-09-28T09:00:00+08:00', '5wd'));
      expect(res.status).toBe(401);
    });
  });

  describe('PUT /calendar/:year', () => {
    it('should refuse a non-ADMIN with 403 and load nothing', async () => {
      for (const who of [caseworker, manager]) {
        const res = await who.http.put<Problem>('/api/v1/calendar/2027', YEAR_2027);
        expect(res.status).toBe(403);
        expect(res.body.type).toMatch(/\/forbidden$/);
      }
      const years = await admin.get<Array<{ year: number }>>('/api/v1/calendar/years');
      expect(years.body.map((y) => y.year)).not.toContain(2027);
    });

    it('should refuse invalid data with 400 naming each bad field, and load nothing', async () => {
      const res = await admin.put<Problem>('/api/v1/calendar/2027', {
        holidays: [
          ['2027-02-30', '2027-03-01', '春节'], // no 30 February
          ['2027-10-01', '2027-10-07', '国庆节'],
        ],
        makeUpWorkdays: [
          '2027-03-01', // a Monday
          '2027-10-02', // inside the 国庆 holiday (and a Saturday)
        ],
        extra: true,
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(new Set(fieldsOf(res))).toEqual(
        new Set(['holidays[0][0]', 'makeUpWorkdays[0]', 'makeUpWorkdays[1]', 'extra']),
      );
      const monday = res.body.errors!.find((e) => e.field === 'makeUpWorkdays[0]');
      expect(monday!.message).toMatch(/Monday/);
      const years = await admin.get<Array<{ year: number }>>('/api/v1/calendar/years');
      expect(years.body.map((y) => y.year)).not.toContain(2027);
    });

    it.each([
      ['holidays', { makeUpWorkdays: [] }],
      ['makeUpWorkdays', { holidays: [] }],
      ['holidays[0][1]', { holidays: [['2027-01-01', '2028-01-01', '元旦']], makeUpWorkdays: [] }],
      ['holidays[0][2]', { holidays: [['2027-01-01', '2027-01-01', '']], makeUpWorkdays: [] }],
      ['holidays[0]', { holidays: [['2027-01-03', '2027-01-01', '元旦']], makeUpWorkdays: [] }],
    ])('should refuse a year with a bad %s (%j)', async (field, body) => {
      const res = await admin.put('/api/v1/calendar/2027', body);
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toContain(field);
    });

    it('should refuse a missing or null body with 400, never a 500', async () => {
      for (const payload of [undefined, 'null']) {
        const res = await admin.request(
          'PUT',
          '/api/v1/calendar/2027',
          payload,
          payload === undefined ? {} : { 'content-type': 'application/json' },
        );
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('should refuse a year that is not a year with 400 naming year', async () => {
      for (const year of ['abc', '99999']) {
        const res = await admin.put(`/api/v1/calendar/${year}`, YEAR_2027);
        expect(res.status).toBe(400);
        expect(fieldsOf(res)).toEqual(['year']);
      }
    });

    it('should count weekends only in a year not loaded (with a warning), then use the loaded holidays', async () => {
      // Thursday 2026-12-31 + 1wd. Without 2027 data, Friday 2027-01-01 is a working day.
      const before = await caseworker.http.get<Due>(dueQuery('2026-12-31T10:00:00+08:00', '1wd'));
      expect(before.status).toBe(200);
      expect(before.body.dueAt).toBe('2027-01-01T16:00:00.000Z');
      expect(before.body.warnings).toEqual([expect.stringContaining('2027')]);

      const put = await admin.put<{ year: number; loadedAt: string }>(
        '/api/v1/calendar/2027',
        YEAR_2027,
      );
      expect(put.status).toBe(200);
      expect(put.body.year).toBe(2027);
      expect(Number.isNaN(Date.parse(put.body.loadedAt))).toBe(false);

      // 1–3 January are 元旦: Monday the 4th is the first working day, due 00:00 of the 5th.
      const after = await caseworker.http.get<Due>(dueQuery('2026-12-31T10:00:00+08:00', '1wd'));
      expect(after.body).toEqual({ dueAt: '2027-01-04T16:00:00.000Z', warnings: [] });

      const years =
        await admin.get<Array<{ year: number; source: string | null }>>('/api/v1/calendar/years');
      expect(years.body).toContainEqual(expect.objectContaining({ year: 2027, source: 'test' }));
    });

    it('should replace a loaded year when it is loaded again', async () => {
      const put = await admin.put('/api/v1/calendar/2028', {
        holidays: [['2028-01-03', '2028-01-03', 'test day']],
        makeUpWorkdays: [],
      });
      expect(put.status).toBe(200);
      // Friday 2027-12-31 + 1wd: Monday 2028-01-03 is the holiday, so Tuesday the 4th.
      const first = await caseworker.http.get<Due>(dueQuery('2027-12-31T10:00:00+08:00', '1wd'));
      expect(first.body).toEqual({ dueAt: '2028-01-04T16:00:00.000Z', warnings: [] });

      const again = await admin.put('/api/v1/calendar/2028', {
        holidays: [],
        makeUpWorkdays: [],
        source: 'corrected',
      });
      expect(again.status).toBe(200);
      const second = await caseworker.http.get<Due>(dueQuery('2027-12-31T10:00:00+08:00', '1wd'));
      expect(second.body.dueAt).toBe('2028-01-03T16:00:00.000Z');
      const years =
        await admin.get<Array<{ year: number; source: string | null }>>('/api/v1/calendar/years');
      expect(years.body.filter((y) => y.year === 2028)).toEqual([
        expect.objectContaining({ source: 'corrected' }),
      ]);
    });
  });
});
