import { RELIEF_CATEGORIES, type ReliefCategory } from '../relief/relief-calculator';
import { isPlainObject } from '../common/checks';

/**
 * The early-warning part of the bureau's policy (因病致贫返贫监测, docs/domain.md §3, seed 002 二.1):
 * the relief-category burden line, the shares of the reference incomes, the categories that count
 * as 困难群众, when the monthly run happens, and the reference incomes of each run year.
 * Amounts and shares are decimal strings (never JS floats).
 */

/**
 * The figures a run for year Y compares with: those the statistics bureau published for Y−1
 * (上年度). `monitoring.reference.<Y>` holds them; a run for a year without them is refused.
 */
export interface ReferenceIncomes {
  /** 上年度城镇居民人均可支配收入 (yuan a year). */
  urbanDisposableIncome: string;
  /** 上年度企业年平均养老金 (yuan a year). */
  averageEnterprisePension: string;
  /** 上年度农村居民人均纯收入 (yuan a year). */
  ruralNetIncome: string;
  /** Where the figures come from (statistical bulletin), for the run record. */
  source?: string;
}

export interface MonitoringSchedule {
  /** Day of the month of the scheduled run (1–28: every month has it). */
  dayOfMonth: number;
  /** Hour of that day, Asia/Shanghai (0–23). */
  hour: number;
}

export interface MonitoringPolicy {
  /** Recorded on every run that used it. */
  version: string;
  /** 困难群众: 政策范围内个人负担医疗费用累计 5000 元及以上 — reached means flagged. */
  reliefCategoryBurden: string;
  /** 职工医保在职人员: burden above this share of the urban per-capita disposable income. */
  employeeIncomeShare: string;
  /** 职工医保退休人员: burden above this share of the average enterprise pension (1 = the pension). */
  retireePensionShare: string;
  /** 城乡居民 (含少儿医保): burden above this share of the rural per-capita net income. */
  residentIncomeShare: string;
  /** The categories monitored by the relief-category rule (特困, 低保, 低边, 残疾, 因病致贫). */
  reliefCategories: ReliefCategory[];
  schedule: MonitoringSchedule;
  /** Run year (`"2026"`) -> the reference incomes published for the year before. */
  reference: Record<string, ReferenceIncomes>;
}

/**
 * docs/domain.md §3 defaults. The 2026 reference incomes are ILLUSTRATIVE figures of the order of
 * Hangzhou's (西湖区) 2025 statistics, so a run works out of the box; a district replaces them
 * with its statistical bulletin's figures through POLICY_FILE (`monitoring.reference.2026`).
 */
export const DEFAULT_MONITORING_POLICY: MonitoringPolicy = {
  version: '2026.1',
  reliefCategoryBurden: '5000.00',
  employeeIncomeShare: '0.60',
  retireePensionShare: '1.00',
  residentIncomeShare: '0.60',
  reliefCategories: [...RELIEF_CATEGORIES],
  schedule: { dayOfMonth: 5, hour: 2 },
  reference: {
    '2026': {
      urbanDisposableIncome: '86000.00',
      averageEnterprisePension: '42000.00',
      ruralNetIncome: '50000.00',
      source: 'illustrative (Hangzhou-like 2025 figures); replace with the district bulletin',
    },
  },
};

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;
/** A share of a reference income: a decimal from 0 (exclusive) to 10, at most four places. */
const SHARE = /^\d{1,2}(\.\d{1,4})?$/;
const YEAR_KEY = /^(20\d\d|2100)$/;

function positiveAmount(v: unknown): boolean {
  return typeof v === 'string' && AMOUNT.test(v) && Number(v) > 0;
}

/**
 * Returns a list of problems (`path: message`); empty when the monitoring policy is usable.
 * `path` prefixes every problem (`monitoring` when the policy sits under that key).
 */
export function validateMonitoringPolicy(policy: unknown, path = 'monitoring'): string[] {
  const at = (key: string): string => `${path}.${key}`;
  if (!isPlainObject(policy)) {
    return [`${path}: must be an object`];
  }
  const problems: string[] = [];
  if (typeof policy.version !== 'string' || policy.version.length === 0) {
    problems.push(`${at('version')}: must be a non-empty string`);
  }
  if (!positiveAmount(policy.reliefCategoryBurden)) {
    problems.push(`${at('reliefCategoryBurden')}: must be a positive amount string like "5000.00"`);
  }
  for (const key of ['employeeIncomeShare', 'retireePensionShare', 'residentIncomeShare']) {
    const v = policy[key];
    if (typeof v !== 'string' || !SHARE.test(v) || !(Number(v) > 0) || Number(v) > 10) {
      problems.push(`${at(key)}: must be a decimal string above 0 and at most 10, e.g. "0.60"`);
    }
  }
  const categories = policy.reliefCategories;
  if (
    !Array.isArray(categories) ||
    categories.length === 0 ||
    categories.some((c) => !(RELIEF_CATEGORIES as readonly unknown[]).includes(c))
  ) {
    problems.push(
      `${at('reliefCategories')}: must be a non-empty list of ${RELIEF_CATEGORIES.join(', ')}`,
    );
  }
  const schedule = policy.schedule;
  if (!isPlainObject(schedule)) {
    problems.push(`${at('schedule')}: must be { dayOfMonth, hour }`);
  } else {
    const { dayOfMonth, hour } = schedule;
    if (typeof dayOfMonth !== 'number' || !Number.isInteger(dayOfMonth)) {
      problems.push(`${at('schedule.dayOfMonth')}: must be a whole number from 1 to 28`);
    } else if (dayOfMonth < 1 || dayOfMonth > 28) {
      problems.push(`${at('schedule.dayOfMonth')}: must be from 1 to 28 (every month has it)`);
    }
    if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23) {
      problems.push(`${at('schedule.hour')}: must be a whole number from 0 to 23`);
    }
  }
  const reference = policy.reference;
  if (!isPlainObject(reference)) {
    problems.push(`${at('reference')}: must be an object of run year -> reference incomes`);
    return problems;
  }
  for (const [year, incomes] of Object.entries(reference)) {
    const p = `${at('reference')}.${year}`;
    if (!YEAR_KEY.test(year)) {
      problems.push(`${p}: the key must be a run year from 2000 to 2100`);
      continue;
    }
    if (!isPlainObject(incomes)) {
      problems.push(
        `${p}: must be { urbanDisposableIncome, averageEnterprisePension, ruralNetIncome }`,
      );
      continue;
    }
    for (const key of ['urbanDisposableIncome', 'averageEnterprisePension', 'ruralNetIncome']) {
      if (!positiveAmount(incomes[key])) {
        problems.push(`${p}.${key}: must be a positive amount string like "86000.00"`);
      }
    }
    if (incomes.source !== undefined && typeof incomes.source !== 'string') {
      problems.push(`${p}.source: must be a string`);
    }
  }
  return problems;
}
