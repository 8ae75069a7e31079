import { loadPolicy } from '../config/policy';
import {
  unknownWorkflowTypes,
  validateWorkflowVersions,
  versionOn,
  workflowVersions,
} from './workflow-versions';

const RELIEF = 'relief-application';
const edition = { workflowVersions: { [RELIEF]: [{ version: 2, from: '2027-01-01' }] } };

describe('versionOn (editions by date)', () => {
  it('should open on the first version when the policy dates none, whatever is registered', () => {
    expect(versionOn(RELIEF, '2030-01-01', {}, [1, 2])).toBe(1);
    expect(versionOn(RELIEF, '2030-01-01', { workflowVersions: {} }, [1, 2])).toBe(1);
  });

  it('should switch on the edition day itself, not before', () => {
    expect(versionOn(RELIEF, '2026-12-31', edition, [1, 2])).toBe(1);
    expect(versionOn(RELIEF, '2027-01-01', edition, [1, 2])).toBe(2);
    expect(versionOn(RELIEF, '2027-06-30', edition, [1, 2])).toBe(2);
  });

  it('should take the latest edition that has begun, in date order whatever the list order', () => {
    const policy = {
      workflowVersions: {
        [RELIEF]: [
          { version: 3, from: '2028-01-01' },
          { version: 2, from: '2027-01-01' },
        ],
      },
    };
    expect(versionOn(RELIEF, '2027-12-31', policy, [1, 2, 3])).toBe(2);
    expect(versionOn(RELIEF, '2028-01-01', policy, [1, 2, 3])).toBe(3);
  });

  it('should ignore an edition of an unregistered version and another type', () => {
    expect(versionOn(RELIEF, '2027-02-01', edition, [1])).toBe(1);
    expect(versionOn('penalty-case', '2027-02-01', edition, [1])).toBe(1);
  });

  it('should list every version with its dates', () => {
    expect(workflowVersions(RELIEF, [1, 2], edition, '2026-12-02')).toEqual({
      versions: [
        { version: 1, to: '2027-01-01' },
        { version: 2, from: '2027-01-01' },
      ],
      inForce: 1,
    });
  });
});

describe('the workflowVersions policy section', () => {
  it('should default to {} and accept a dated registered version', () => {
    expect(loadPolicy().workflowVersions).toEqual({});
    expect(loadPolicy(edition).workflowVersions).toEqual(edition.workflowVersions);
  });

  it('should name a type no workflow has (the engine refuses to start with it)', () => {
    expect(
      unknownWorkflowTypes({ workflowVersions: { 'relief-aplication': [] } }, [RELIEF]),
    ).toEqual(['workflowVersions.relief-aplication: no such workflow type']);
    expect(unknownWorkflowTypes(edition, [RELIEF])).toEqual([]);
  });

  it('should refuse bad versions, bad dates, duplicates and unknown keys', () => {
    expect(
      validateWorkflowVersions(
        {
          [RELIEF]: [
            { version: 0, from: '2027-01-01' },
            { version: 2, from: '2027-13-01' },
            { version: 2, from: '2027-01-01', form: 'x' },
          ],
          'penalty-case': { version: 1 },
        },
        'workflowVersions',
      ),
    ).toEqual([
      'workflowVersions.relief-application.0.version: must be a version number (1, 2, ...)',
      'workflowVersions.relief-application.1.from: must be a date YYYY-MM-DD',
      'workflowVersions.relief-application.2.form: unknown key (expected version, from)',
      'workflowVersions.relief-application.2.version: 2 is dated twice',
      'workflowVersions.relief-application.2.from: two versions cannot begin on 2027-01-01',
      'workflowVersions.penalty-case: must be an array of { version, from }',
    ]);
    expect(validateWorkflowVersions([], 'workflowVersions')).toEqual([
      'workflowVersions: must be an object of workflow type -> [{ version, from }]',
    ]);
  });

  it('should refuse a policy file with a bad edition, naming it', () => {
    expect(() =>
      loadPolicy({ workflowVersions: { [RELIEF]: [{ version: 2, from: '2027-1-1' }] } }),
    ).toThrow(/workflowVersions\.relief-application\.0\.from: must be a date YYYY-MM-DD/);
    expect(() => loadPolicy({ workflowVersion: {} })).toThrow(/unknown key.*\n.*workflowVersion\b/);
  });
});
