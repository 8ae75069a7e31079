import type { Role } from './api/types';

/** zh-CN names of the roles (the header, the users page). */
export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: '管理员',
  SECURITY_ADMIN: '安全管理员',
  STREET_OFFICE: '街道办',
  CASEWORKER: '经办人',
  MANAGER: '科长',
  EXPERT: '专家',
  INSPECTOR: '检查员',
  LEGAL: '法制',
  AUDITOR: '审计',
};

/** DOMAIN.md §1: who the applicant is (困难群众类别). */
export const CATEGORY_LABELS = {
  TEKUN: '特困供养人员',
  DIBAO: '低保对象',
  DIBIAN: '低保边缘家庭成员',
  DISABLED: '重度残疾人',
  ILLNESS_POVERTY: '因病致贫重病患者',
  OTHER: '其他',
} as const;

/** The account administration log's actions (账号管理日志). */
export const ACCOUNT_ACTION_LABELS = {
  USER_CREATED: '新建账号',
  ROLES_CHANGED: '变更角色',
  PROFILE_CHANGED: '修改资料',
  DEACTIVATED: '停用',
  REACTIVATED: '启用',
  PASSWORD_RESET: '重置密码',
  UNLOCKED: '解除锁定',
} as const;

export const INSURANCE_LABELS = {
  EMPLOYEE: '职工医保（在职）',
  RETIREE: '职工医保（退休）',
  RESIDENT: '城乡居民医保',
} as const;

export const EXPENSE_KIND_LABELS = {
  INPATIENT: '住院',
  OUTPATIENT: '门诊',
} as const;

/**
 * Event names for services that do not label their events yet (`GET /workflows/:type` will
 * carry `label` per event and `eventLabels`; those win). Only a fallback: never shown when
 * the service names the event.
 */
export const FALLBACK_EVENT_LABELS: Record<string, string> = {
  SUBMIT: '提交申请',
  DECLINE: '放弃申请',
  ACCEPT: '受理',
  REQUEST_SUPPLEMENT: '要求补正',
  REJECT: '不予救助',
  WITHDRAW: '撤回',
  SUPPLEMENT: '补正材料',
  VERIFY: '资格核实',
  PROPOSE: '核定金额',
  APPROVE: '审批通过',
  RETURN: '退回',
  OBJECTION: '提出异议',
  UPHOLD: '维持',
  REVOKE: '撤销',
  RECORD_PAYMENT: '登记拨付',
  DEADLINE_AWAITING_SUPPLEMENT: '补正期满',
  DEADLINE_PUBLICITY: '公示期满',
  CONVENE: '召集专家',
  OPINION: '提交评审意见',
  DECIDE: '作出决定',
  DISMISS: '不予受理',
  RESOLVE: '联席会议决议',
  START_ONSITE: '开始现场检查',
  RECORD_FINDINGS: '登记检查发现',
  CONFIRM: '确认',
  REVISE: '退回修改',
  SUBMIT_RECTIFICATION: '提交整改',
  RECHECK_PASSED: '复查通过',
  RECHECK_FAILED: '复查未通过',
  PUBLISH: '公开',
  RECORD_INVESTIGATION: '登记调查结果',
  CLOSE_NO_VIOLATION: '无违法结案',
  REFER_POLICE: '移送公安',
  EXTEND_DECISION: '延长决定期限',
  APPROVE_PROPOSAL: '同意处罚建议',
  STATEMENT: '登记陈述申辩',
  REQUEST_HEARING: '申请听证',
  HEARING_HELD: '听证已举行',
  ENFORCE: '申请强制执行',
  ENFORCED: '执行完毕',
  APPEAL_FILED: '登记复议/诉讼',
  APPEAL_DECIDED: '复议/诉讼结果',
  POLICE_RETURNED: '公安退回',
  CASE_OPENED: '立案',
  CLAIMED: '认领',
  UNCLAIMED: '取消认领',
  ASSIGNED: '分派',
  UNASSIGNED: '取消分派',
  ATTACHMENT_ADDED: '上传附件',
  ATTACHMENT_DOWNLOADED: '下载附件',
  PENALTY_CLOSED: '处罚案件办结',
  LINKED: '关联案件',
  MIGRATED: '版本迁移',
};

/**
 * Names of payload fields the service does not title yet (event schemas carry zh-CN titles;
 * those win). Ids (assignee, attachment) are left out of the history: names are shown instead.
 */
export const FALLBACK_FIELD_LABELS: Record<string, string> = {
  reason: '理由',
  comment: '意见',
  items: '需补正材料',
  note: '说明',
  amount: '金额',
  reference: '凭证号',
  verifiedCategory: '核实类别',
  certificateNo: '证件编号',
  details: '内容',
  fileName: '文件名',
  kind: '类别',
  rel: '关联',
};

/** Money as the bureau writes it: 12,000.00 (the API's decimal strings, never floats). */
export function formatMoney(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return '–';
  }
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) {
    return text;
  }
  const [, sign, whole, fraction = ''] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

export function formatTime(value: unknown): string {
  if (typeof value !== 'string') {
    return '–';
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime())
    ? value
    : d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}
