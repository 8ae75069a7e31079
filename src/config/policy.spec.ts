import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, loadPolicy, validatePolicy, reliefEditionOn } from './policy';

function writePolicy(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-spec-')), 'policy.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('the built-in policy', () => {
  it('should reproduce the docs/domain.md §7 reference deadlines', () => {
    const p = loadPolicy();
    expect(p.deadlines['relief-application']).toEqual({
      outreach: '10wd',
      submitted: '2wd',
      awaiting_supplement: '10wd',
      eligibility_review: '5wd',
      amount_review: '3wd',
      collective_review: '10wd',
      approval: '3wd',
      publicity: '7d',
      objection_review: '5wd',
      disbursement: '10wd',
    });
    expect(p.deadlines['hardship-hearing']).toMatchObject({
      referred: '5wd',
      panel_review: '5wd',
      decision: '3wd',
      joint_meeting: '20wd',
      publicity: '7d',
      disbursement: '10wd',
    });
    expect(p.deadlines.inspection).toMatchObject({
      scheduled: '30d',
      on_site: '10wd',
      findings_review: '5wd',
      rectification: '30d',
      recheck: '10wd',
      publication: '20wd',
    });
    expect(p.deadlines['penalty-case']).toMatchObject({
      legal_review: '10wd',
      notice: '5wd',
      hearing: '20wd',
      execution: '15d',
      referred: '30d',
    });
  });

  it('should be valid and carry a version', () => {
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([]);
    expect(loadPolicy().version).toMatch(/\S/);
  });
});

describe('loadPolicy with an override', () => {
  it('should deep-merge one state from POLICY_FILE and keep every other deadline', () => {
    const file = writePolicy({ deadlines: { 'relief-application': { publicity: '10s' } } });
    const p = loadPolicy(file);
    expect(p.deadlines['relief-application']).toEqual({
      ...DEFAULT_POLICY.deadlines['relief-application'],
      publicity: '10s',
    });
    expect(p.deadlines['penalty-case']).toEqual(DEFAULT_POLICY.deadlines['penalty-case']);
    expect(p.version).toBe(DEFAULT_POLICY.version);
  });

  it('should add a workflow type or state the defaults do not have', () => {
    const p = loadPolicy({ deadlines: { 'test-fixture': { waiting: '2s' } } });
    expect(p.deadlines['test-fixture']).toEqual({ waiting: '2s' });
    expect(p.deadlines['relief-application'].submitted).toBe('2wd');
  });

  it('should never change the built-in defaults', () => {
    const before = JSON.stringify(DEFAULT_POLICY);
    loadPolicy({ deadlines: { 'relief-application': { submitted: '9wd' } }, version: 'x' });
    expect(JSON.stringify(DEFAULT_POLICY)).toBe(before);
    expect(loadPolicy().deadlines['relief-application'].submitted).toBe('2wd');
  });

  it('should replace arrays instead of concatenating them', () => {
    const defaults = DEFAULT_POLICY as unknown as Record<string, unknown>;
    defaults.testList = ['a', 'b', 'c'];
    try {
      const p = loadPolicy({ testList: ['z'] });
      expect((p as unknown as Record<string, unknown>).testList).toEqual(['z']);
    } finally {
      delete defaults.testList;
    }
  });

  it('should refuse an invalid duration, naming its path', () => {
    const file = writePolicy({ deadlines: { 'relief-application': { submitted: '2 weeks' } } });
    expect(() => loadPolicy(file)).toThrow(/POLICY_FILE/);
    expect(() => loadPolicy(file)).toThrow(/deadlines\.relief-application\.submitted/);
  });

  it.each([['5'], ['0wd'], ['5WD'], [5], [null], ['40000d']])(
    'should refuse the duration %p',
    (duration) => {
      expect(() =>
        loadPolicy({
          deadlines: { inspection: { on_site: duration } },
        }),
      ).toThrow(/deadlines\.inspection\.on_site/);
    },
  );

  it('should refuse an array where states or workflow types belong (it would drop the defaults)', () => {
    expect(() => loadPolicy({ deadlines: [] })).toThrow(/deadlines: must be an object/);
    expect(() => loadPolicy({ deadlines: { 'relief-application': ['5wd'] } })).toThrow(
      /deadlines\.relief-application: must be an object/,
    );
  });

  it('should take street names from the policy and refuse a nameless street or a list', () => {
    expect(loadPolicy({ streets: { '330106099': '留下街道' } }).streets).toMatchObject({
      '330106001': '北山街道',
      '330106099': '留下街道',
    });
    expect(() => loadPolicy({ streets: { '330106099': ' ' } })).toThrow(
      /streets\.330106099: must be the street office's name/,
    );
    expect(() => loadPolicy({ streets: ['北山街道'] })).toThrow(/streets: must be an object/);
  });

  it('should name every bad path at once', () => {
    const problems = validatePolicy({
      version: '',
      deadlines: { a: { x: 'soon' }, b: 'not an object' },
      relief: DEFAULT_POLICY.relief,
      hearing: DEFAULT_POLICY.hearing,
      penalty: { ...DEFAULT_POLICY.penalty, lateFeeDailyRate: '3%' },
      monitoring: DEFAULT_POLICY.monitoring,
      notifications: DEFAULT_POLICY.notifications,
      reports: DEFAULT_POLICY.reports,
      streets: DEFAULT_POLICY.streets,
      duties: DEFAULT_POLICY.duties,
      capitation: DEFAULT_POLICY.capitation,
      workflowVersions: DEFAULT_POLICY.workflowVersions,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^version: /),
      expect.stringMatching(/^deadlines\.a\.x: /),
      expect.stringMatching(/^deadlines\.b: /),
      expect.stringMatching(/^penalty\.lateFeeDailyRate: /),
    ]);
  });

  it('should refuse a key the service does not know, naming its path (a typo is never ignored)', () => {
    expect(() =>
      loadPolicy({ monitoring: { reference: { '2026': { enterpriseAvgPension: '50000.00' } } } }),
    ).toThrow(/unknown key[\s\S]*monitoring\.reference\.2026\.enterpriseAvgPension/);
    expect(() => loadPolicy({ relief: { hardshipTreshold: '6000.00' } })).toThrow(
      /relief\.hardshipTreshold/,
    );
    expect(() =>
      loadPolicy({
        relief: { editions: [{ ...DEFAULT_POLICY.relief.editions[0], colour: 'red' }] },
      }),
    ).toThrow(/relief\.editions\.0\.colour/);
    expect(() => loadPolicy({ dutes: {} })).toThrow(/- dutes$/m);
    // Keys that are data (workflow types, states, years, event types) and optional keys pass.
    const policy = loadPolicy({
      deadlines: { 'new-workflow': { some_state: '3wd' } },
      monitoring: {
        reference: {
          '2031': {
            ...DEFAULT_POLICY.monitoring.reference['2026'],
            source: '2030年统计公报',
          },
        },
      },
      hearing: { ratios: { DIBAO: '0.55' } },
      duties: {
        separation: { inspection: [{ rule: 'r', event: 'CONFIRM', notBy: ['RECORD_FINDINGS'] }] },
      },
    });
    expect(policy.deadlines['new-workflow'].some_state).toBe('3wd');
    expect(policy.duties.separation.inspection).toHaveLength(1);
    expect(policy.duties.separation['relief-application']).toHaveLength(2);
  });

  it('should refuse a separated-duties rule without its events, naming the path', () => {
    expect(() =>
      loadPolicy({
        duties: { separation: { 'relief-application': [{ rule: 'x', event: 'APPROVE' }] } },
      }),
    ).toThrow(/duties\.separation\.relief-application\.0\.notBy/);
    expect(() => loadPolicy({ duties: { reasonMinLength: 0 } })).toThrow(/duties\.reasonMinLength/);
  });

  it('should refuse a missing file or a file that is not JSON, naming POLICY_FILE and the path', () => {
    const missing = join(tmpdir(), 'no-such-policy-file.json');
    expect(() => loadPolicy(missing)).toThrow(/POLICY_FILE.*no-such-policy-file\.json/);
    const broken = writePolicy('{"deadlines":');
    expect(() => loadPolicy(broken)).toThrow(/POLICY_FILE/);
  });
});

describe('relief policy editions by effective date', () => {
  const edition2027 = {
    version: '2027.1',
    effectiveFrom: '2027-01-01',
    illnessPovertyLookBackMonths: 6,
    categories: {
      TEKUN: { ratio: '1.00', annualCap: null, outpatientCap: null },
      DIBAO: { ratio: '0.85', annualCap: '160000.00', outpatientCap: '25000.00' },
      DISABLED: { ratio: '0.80', annualCap: '150000.00', outpatientCap: '20000.00' },
      DIBIAN: { ratio: '0.70', annualCap: '150000.00', outpatientCap: '20000.00' },
    },
  };

  it('should ship the docs/domain.md §1 numbers as the default edition', () => {
    const edition = reliefEditionOn(loadPolicy(), '2026-03-02');
    expect(edition?.categories.DIBAO).toEqual({
      ratio: '0.80',
      annualCap: '150000.00',
      outpatientCap: '20000.00',
    });
    expect(edition?.categories.TEKUN.annualCap).toBeNull();
    expect(edition?.categories.DIBIAN.ratio).toBe('0.70');
  });

  it('should pick the edition in force on the application date', () => {
    const policy = loadPolicy({
      relief: { editions: [{ ...loadPolicy().relief.editions[0] }, edition2027] },
    });
    expect(reliefEditionOn(policy, '2026-12-31')?.version).toBe('2026.1');
    expect(reliefEditionOn(policy, '2027-01-01')?.version).toBe('2027.1');
    expect(reliefEditionOn(policy, '2020-06-01')).toBeUndefined();
  });

  it('should refuse editions without a date or with a repeated version', () => {
    expect(() =>
      loadPolicy({
        relief: { editions: [{ ...edition2027, effectiveFrom: '2027' }, edition2027] },
      }),
    ).toThrow(/relief\.editions\.0\.effectiveFrom[\s\S]*relief\.editions\.1\.version/);
  });
});
