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
  'AppealFiledPayload.reference': '文书编号',
  'AppealDecidedPayload.reference': '文书编号',
};

/** The title of `owner.field`: its override, else the glossary's. */
export function fieldTitle(owner: string, field: string): string | undefined {
  return FIELD_TITLE_OVERRIDES[`${owner}.${field}`] ?? FIELD_TITLES[field];
}
