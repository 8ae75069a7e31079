/**
 * zh-CN titles of event payload fields (术语表), by field name: the same name means the same
 * thing in every workflow, so one glossary titles them all and a form shows them alike. A
 * `Class.field` entry overrides it where a DTO uses a common name for something narrower.
 * A unit test fails when a payload field has no title.
 */
export const FIELD_TITLES: Readonly<Record<string, string>> = {
  type: '事件',
  expenses: '费用明细',
  kind: '类别',
  institution: '医疗机构',
  date: '就诊日期',
  dischargeDate: '出院日期',
  totalCost: '医疗总费用',
  inPolicyCost: '政策范围内费用',
  basicInsurancePaid: '基本医保支付',
  criticalIllnessPaid: '大病保险支付',
  otherInsurancePaid: '其他保障支付',
  reason: '理由',
  items: '需补正材料',
  note: '备注',
  verifiedCategory: '核定救助类别',
  certificateNo: '证件编号',
  recognisedAs: '认定为',
  recognitionDate: '认定日期',
  amount: '金额',
  comment: '意见',
  details: '异议内容',
  reference: '凭证编号',
  reasonableCost: '合理必要费用',
  support: '是否支持',
  extraAmount: '追加救助金额',
  meetingDate: '会议日期',
  minutesRef: '会议纪要编号',
  attendees: '参会人员',
  decision: '审议结论',
  conclusion: '检查结论',
  findings: '检查发现',
  article: '违反条款',
  description: '情况说明',
  report: '整改报告',
  summary: '公开摘要',
  violations: '违法行为',
  lossAmount: '基金损失金额',
  fraudAmount: '骗取金额',
  seriousConsequences: '造成严重后果',
  sanctions: '处罚措施',
  months: '期限（月）',
  basis: '依据',
  text: '陈述申辩内容',
  outcome: '结果',
  servedAt: '送达时间',
  ledger: '缴入账户',
  filedAt: '提起时间',
  decidedAt: '决定时间',
};

/** Where one DTO gives a common name a narrower meaning. */
export const FIELD_TITLE_OVERRIDES: Readonly<Record<string, string>> = {
  'ExpenseDto.kind': '就诊类型',
  'SanctionDto.type': '处罚种类',
  'AppealFiledPayload.kind': '救济途径',
  'ScheduleHearingPayload.date': '听证日期',
  'ScheduleHearingPayload.presidingOfficerId': '听证主持人',
  'AppealFiledPayload.reference': '文书编号',
  'AppealDecidedPayload.reference': '文书编号',
};

/** The title of `owner.field`: its override, else the glossary's. */
export function fieldTitle(owner: string, field: string): string | undefined {
  return FIELD_TITLE_OVERRIDES[`${owner}.${field}`] ?? FIELD_TITLES[field];
}

/**
 * zh-CN names of the values a payload field takes (its `enum`), so a form offers 低保对象 rather
 * than DIBAO. Only the workflow description's JSON Schema carries them (as `oneOf` of `const`
 * with a `title`, the 2020-12 way); the OpenAPI 3.0 document keeps the plain `enum`.
 */
export const VALUE_TITLES: Readonly<Record<string, string>> = {
  // 救助对象类别 (docs/domain.md §1)
  TEKUN: '特困供养人员',
  DIBAO: '低保对象',
  DIBIAN: '低保边缘家庭成员',
  DISABLED: '重度残疾人',
  ILLNESS_POVERTY: '因病致贫重病患者',
  OTHER: '其他',
  EMPLOYEE: '职工医保（在职）',
  RETIREE: '职工医保（退休）',
  RESIDENT: '城乡居民医保',
  INPATIENT: '住院',
  OUTPATIENT: '门诊',
  MEDICAL: '医学',
  INSURANCE: '医保',
  FINANCE: '财务',
  // 检查结论
  NO_ISSUE: '未发现问题',
  ISSUES: '发现问题',
  SUSPECTED_FRAUD: '涉嫌欺诈骗保',
  // 处罚种类 (Decree 735)
  WARNING: '警告',
  INTERVIEW: '约谈',
  ORDER_CORRECTION: '责令改正',
  RECOVERY: '追回医保基金',
  FINE: '罚款',
  LATE_FEE: '滞纳金',
  SUSPENSION: '暂停医保服务',
  AGREEMENT_TERMINATION: '解除服务协议',
  POLICE_REFERRAL: '移送公安机关',
  BLACKLIST: '列入失信名单',
  // 复议与诉讼
  RECONSIDERATION: '行政复议',
  LITIGATION: '行政诉讼',
  UPHELD: '维持',
  ANNULLED: '撤销',
  WITHDRAWN: '撤回',
  AGREE: '同意',
};

/** Values named per field where a bare value says little: the articles of Decree 735 (条例). */
export const FIELD_VALUE_TITLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  article: {
    '38': '第三十八条（定点医药机构违规使用基金）',
    '39': '第三十九条（定点医药机构内部管理）',
    '40': '第四十条（定点医药机构骗取基金）',
    '41': '第四十一条（个人骗取基金）',
  },
};

/**
 * A schema with its string enums written as titled alternatives (`oneOf: [{ const, title }]`)
 * wherever every value has a zh-CN name; anything else is returned as it was.
 */
export function withValueTitles<S extends { [keyword: string]: unknown }>(
  schema: S,
  field?: string,
): S {
  const out: { [keyword: string]: unknown } = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [
          name,
          name === 'type' || !isRecord(s) ? s : withValueTitles(s, name),
        ]),
      );
    } else if (keyword === 'items' && isRecord(value)) {
      out.items = withValueTitles(value, field);
    } else {
      out[keyword] = value;
    }
  }
  const values = out.enum;
  const titleOf = (v: unknown): string | undefined =>
    typeof v === 'string' || typeof v === 'number'
      ? ((field ? FIELD_VALUE_TITLES[field]?.[String(v)] : undefined) ??
        (typeof v === 'string' ? VALUE_TITLES[v] : undefined))
      : undefined;
  if (Array.isArray(values) && (values as unknown[]).every((v) => titleOf(v) !== undefined)) {
    delete out.enum;
    out.oneOf = (values as unknown[]).map((v) => ({ const: v, title: titleOf(v) }));
  }
  return out as S;
}

function isRecord(value: unknown): value is { [keyword: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
