import ExcelJS from 'exceljs';
import type { IndicatorReport, OverdueItem, SlaFigures, SlaSummary } from './sla-reports.service';

export interface Sheet {
  name: string;
  columns: Array<{ header: string; key: string; width?: number }>;
  rows: Array<Record<string, unknown>>;
}

/**
 * A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
 * return before one: CSV injection) gets a leading apostrophe, so it shows as the text it is.
 * Names and codes in the reports come from users and imports (an institution named
 * `=HYPERLINK(...)`); numbers stay numbers.
 */
export function neutraliseFormula(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function workbookOf(sheets: Sheet[]): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'yibao-flow';
  for (const s of sheets) {
    const ws = workbook.addWorksheet(s.name);
    ws.columns = s.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 14 }));
    ws.getRow(1).font = { bold: true };
    ws.addRows(
      s.rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, neutraliseFormula(v)])),
      ),
    );
  }
  return workbook;
}

export async function toXlsx(sheets: Sheet[]): Promise<Buffer> {
  return Buffer.from(await workbookOf(sheets).xlsx.writeBuffer());
}

/** UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly. */
export async function toCsv(sheet: Sheet): Promise<Buffer> {
  const data = Buffer.from(await workbookOf([sheet]).csv.writeBuffer({ sheetName: sheet.name }));
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), data]);
}

const hours = (ms: number | null): number | null =>
  ms === null ? null : Math.round((ms / 3_600_000) * 100) / 100;
const percent = (share: string | null): number | null =>
  share === null ? null : Math.round(Number(share) * 10000) / 100;

const FIGURE_COLUMNS = [
  { header: '在办', key: 'open', width: 8 },
  { header: '超期在办', key: 'overdue', width: 10 },
  { header: '区间办结', key: 'closedInRange', width: 10 },
  { header: '其中超期', key: 'breached', width: 10 },
  { header: '超期率(%)', key: 'breachRate', width: 10 },
  { header: '用时中位数(小时)', key: 'p50', width: 16 },
  { header: '用时P90(小时)', key: 'p90', width: 14 },
  { header: '平均用时(小时)', key: 'mean', width: 14 },
];

function figureCells(f: SlaFigures): Record<string, unknown> {
  return {
    open: f.open,
    overdue: f.overdue,
    closedInRange: f.closedInRange,
    breached: f.breached,
    breachRate: percent(f.breachRate),
    p50: hours(f.durationP50Ms),
    p90: hours(f.durationP90Ms),
    mean: hours(f.durationMeanMs),
  };
}

/** The summary as sheets: per workflow, per state, per street office, per assignee. */
export function summarySheets(s: SlaSummary): Sheet[] {
  const range = `${s.range.from}至${s.range.to}`;
  return [
    {
      name: '按流程',
      columns: [
        { header: '统计区间', key: 'range', width: 24 },
        { header: '流程', key: 'label', width: 18 },
        { header: '类型', key: 'type', width: 20 },
        ...FIGURE_COLUMNS,
      ],
      rows: s.byWorkflow.map((w) => ({ range, label: w.label, type: w.type, ...figureCells(w) })),
    },
    {
      name: '按环节',
      columns: [
        { header: '统计区间', key: 'range', width: 24 },
        { header: '流程', key: 'type', width: 20 },
        { header: '环节', key: 'label', width: 16 },
        { header: '环节代码', key: 'state', width: 20 },
        { header: '暂停计时', key: 'paused', width: 10 },
        ...FIGURE_COLUMNS,
      ],
      rows: s.byState.map((r) => ({
        range,
        type: r.type,
        label: r.label,
        state: r.state,
        paused: r.pausesSla ? '是' : '',
        ...figureCells(r),
      })),
    },
    {
      name: '按街道',
      columns: [
        { header: '统计区间', key: 'range', width: 24 },
        { header: '街道', key: 'street', width: 14 },
        ...FIGURE_COLUMNS,
      ],
      rows: s.byStreet.map((r) => ({ range, street: r.streetCode ?? '（无）', ...figureCells(r) })),
    },
    {
      name: '按经办人',
      columns: [
        { header: '统计区间', key: 'range', width: 24 },
        { header: '经办人', key: 'name', width: 16 },
        { header: '用户ID', key: 'id', width: 38 },
        ...FIGURE_COLUMNS,
      ],
      rows: s.byAssignee.map((r) => ({
        range,
        name: r.displayName ?? (r.assigneeId ? '' : '（未分派）'),
        id: r.assigneeId ?? '',
        ...figureCells(r),
      })),
    },
  ];
}

/** The same figures in one table for CSV: a `分组` column says which grouping a row is. */
export function summaryCsvSheet(s: SlaSummary): Sheet {
  const sheets = summarySheets(s);
  const groupName = ['流程', '环节', '街道', '经办人'];
  const name = (i: number, r: Record<string, unknown>): string =>
    [r.label, typeof r.state === 'string' ? `(${r.state})` : '', r.street, r.name]
      .filter((v) => v !== undefined && v !== '')
      .join(' ') || String(i);
  return {
    name: '汇总',
    columns: [
      { header: '统计区间', key: 'range' },
      { header: '分组', key: 'group' },
      { header: '流程', key: 'type' },
      { header: '名称', key: 'name' },
      ...FIGURE_COLUMNS,
    ],
    rows: sheets.flatMap((sheet, i) =>
      sheet.rows.map((r) => ({
        ...r,
        group: groupName[i],
        type: i === 0 ? r.type : (r.type ?? ''),
        name: name(i, r),
      })),
    ),
  };
}

export function overdueSheet(items: OverdueItem[]): Sheet {
  return {
    name: '超期案件',
    columns: [
      { header: '案件编号', key: 'caseId', width: 38 },
      { header: '流程', key: 'typeLabel', width: 16 },
      { header: '环节', key: 'stateLabel', width: 14 },
      { header: '街道', key: 'streetCode', width: 12 },
      { header: '经办人', key: 'assigneeName', width: 12 },
      { header: '到期时间', key: 'dueAt', width: 26 },
      { header: '超期(小时)', key: 'overdueHours', width: 12 },
      { header: '期限', key: 'deadlines', width: 20 },
    ],
    rows: items.map((i) => ({
      ...i,
      streetCode: i.streetCode ?? '',
      assigneeName: i.assigneeName ?? '',
      overdueHours: hours(i.overdueMs),
      deadlines: i.deadlines.join(','),
    })),
  };
}

export function indicatorSheet(r: IndicatorReport): Sheet {
  const rows = [...r.streets, { ...r.total, streetCode: '合计' }];
  return {
    name: `${r.year}年救助指标`,
    columns: [
      { header: '年度', key: 'year', width: 8 },
      { header: '街道', key: 'street', width: 12 },
      { header: '救助人次', key: 'cases', width: 10 },
      { header: '政策范围内费用', key: 'inPolicyCost', width: 16 },
      { header: '医保支付', key: 'insurancePaid', width: 14 },
      { header: '医疗救助', key: 'reliefPaid', width: 14 },
      { header: '个人负担', key: 'personalBurden', width: 14 },
      { header: '综合保障率(%)', key: 'coverage', width: 14 },
      { header: `达标(≥${percent(r.goals.coverageGoal)}%)`, key: 'coverageOk', width: 12 },
      { header: '个人负担率(%)', key: 'burden', width: 14 },
      { header: `达标(≤${percent(r.goals.burdenGoal)}%)`, key: 'burdenOk', width: 12 },
    ],
    rows: rows.map((s) => ({
      year: r.year,
      street: s.streetCode ?? '（无）',
      cases: s.cases,
      inPolicyCost: Number(s.inPolicyCost),
      insurancePaid: Number(s.insurancePaid),
      reliefPaid: Number(s.reliefPaid),
      personalBurden: Number(s.personalBurden),
      coverage: percent(s.coverageRate),
      coverageOk: s.meetsCoverageGoal === null ? '' : s.meetsCoverageGoal ? '是' : '否',
      burden: percent(s.burdenRate),
      burdenOk: s.meetsBurdenGoal === null ? '' : s.meetsBurdenGoal ? '是' : '否',
    })),
  };
}
