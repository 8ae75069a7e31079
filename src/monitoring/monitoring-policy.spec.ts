import { loadPolicy } from '../config/policy';
import { DEFAULT_MONITORING_POLICY, validateMonitoringPolicy } from './monitoring-policy';
import { monthlyPattern } from '../queue/queue.service';

describe('the monitoring policy', () => {
  it('should reproduce docs/domain.md §3 by default, with 2026 reference incomes so a run works', () => {
    expect(validateMonitoringPolicy(DEFAULT_MONITORING_POLICY)).toEqual([]);
    const p = loadPolicy().monitoring;
    expect(p).toMatchObject({
      reliefCategoryBurden: '5000.00',
      employeeIncomeShare: '0.60',
      retireePensionShare: '1.00',
      residentIncomeShare: '0.60',
      reliefCategories: ['TEKUN', 'DIBAO', 'DIBIAN', 'DISABLED', 'ILLNESS_POVERTY'],
    });
    expect(Object.keys(p.reference)).toContain('2026');
  });

  it('should add a year from POLICY_FILE and keep the built-in ones', () => {
    const p = loadPolicy({
      monitoring: {
        reference: {
          '2027': {
            urbanDisposableIncome: '89000.00',
            averageEnterprisePension: '43500.00',
            ruralNetIncome: '52000.00',
          },
        },
      },
    }).monitoring;
    expect(Object.keys(p.reference).sort()).toEqual(['2026', '2027']);
  });

  it('should name every bad value', () => {
    const problems = validateMonitoringPolicy({
      ...DEFAULT_MONITORING_POLICY,
      reliefCategoryBurden: 5000,
      employeeIncomeShare: '0',
      reliefCategories: ['DIBAO', 'OTHER'],
      schedule: { dayOfMonth: 31, hour: 24 },
      reference: {
        '26': {},
        '2027': { urbanDisposableIncome: '-1', averageEnterprisePension: '0.00' },
      },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^monitoring\.reliefCategoryBurden:/),
      expect.stringMatching(/^monitoring\.employeeIncomeShare:/),
      expect.stringMatching(/^monitoring\.reliefCategories:/),
      expect.stringMatching(/^monitoring\.schedule\.dayOfMonth: must be from 1 to 28/),
      expect.stringMatching(/^monitoring\.schedule\.hour:/),
      expect.stringMatching(/^monitoring\.reference\.26: the key must be a run year/),
      expect.stringMatching(/^monitoring\.reference\.2027\.urbanDisposableIncome:/),
      expect.stringMatching(/^monitoring\.reference\.2027\.averageEnterprisePension:/),
      expect.stringMatching(/^monitoring\.reference\.2027\.ruralNetIncome:/),
    ]);
    expect(() => loadPolicy({ monitoring: { schedule: { dayOfMonth: 0 } } })).toThrow(
      /monitoring\.schedule\.dayOfMonth/,
    );
  });

  it('should turn the schedule into a monthly cron pattern', () => {
    expect(monthlyPattern({ dayOfMonth: 5, hour: 2 })).toBe('0 2 5 * *');
  });
});
