import type { JsonSchema } from '../api/types';

/**
 * TEMPORARY: event payload schemas of the relief workflow for a service that does not serve
 * them yet. `GET /workflows/:type` is gaining `events[].schema` (derived from the payload
 * classes the engine validates with); as soon as it does, the served schema wins and this
 * file can be deleted. Data only: the forms are generated from whichever schema is found.
 */
const MONEY = { type: 'string', pattern: '^(0|[1-9]\\d{0,11})(\\.\\d{1,2})?$' } as const;
const reason = (title: string, minLength = 2): JsonSchema => ({
  type: 'string',
  title,
  minLength,
  maxLength: 1000,
});
const text = (title: string): JsonSchema => ({ type: 'string', title, maxLength: 1000 });

const RELIEF: Record<string, JsonSchema> = {
  DECLINE: { type: 'object', required: ['reason'], properties: { reason: reason('放弃原因') } },
  REJECT: { type: 'object', required: ['reason'], properties: { reason: reason('不予救助理由') } },
  REVOKE: { type: 'object', required: ['reason'], properties: { reason: reason('撤销理由') } },
  WITHDRAW: { type: 'object', properties: { reason: text('撤回原因') } },
  UPHOLD: { type: 'object', properties: { reason: text('维持理由') } },
  REQUEST_SUPPLEMENT: {
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        title: '需补正的材料',
        minItems: 1,
        items: { type: 'string', title: '材料名称', minLength: 1, maxLength: 200 },
      },
    },
  },
  SUPPLEMENT: { type: 'object', properties: { note: text('补正说明') } },
  VERIFY: {
    type: 'object',
    required: ['verifiedCategory', 'certificateNo'],
    properties: {
      verifiedCategory: {
        type: 'string',
        title: '核实的救助类别',
        oneOf: [
          { const: 'TEKUN', title: '特困供养人员' },
          { const: 'DIBAO', title: '低保对象' },
          { const: 'DIBIAN', title: '低保边缘家庭成员' },
          { const: 'DISABLED', title: '重度残疾人' },
          { const: 'ILLNESS_POVERTY', title: '因病致贫重病患者' },
        ],
      },
      certificateNo: { type: 'string', title: '证件编号', minLength: 1, maxLength: 100 },
    },
  },
  PROPOSE: {
    type: 'object',
    properties: {
      amount: { ...MONEY, title: '核定金额（元，不填则按测算金额）' },
      reason: reason('调整理由（金额与测算不同时必填）'),
    },
  },
  RETURN: { type: 'object', required: ['comment'], properties: { comment: reason('退回意见') } },
  OBJECTION: {
    type: 'object',
    required: ['details'],
    properties: { details: { type: 'string', title: '异议内容', minLength: 2, maxLength: 2000 } },
  },
  RECORD_PAYMENT: {
    type: 'object',
    required: ['amount', 'reference'],
    properties: {
      amount: { ...MONEY, title: '拨付金额（元）' },
      reference: { type: 'string', title: '支付凭证号', minLength: 1, maxLength: 100 },
    },
  },
};

/** The expert's opinion in a hardship hearing (hearing.dto.ts OpinionPayload). */
const HEARING: Record<string, JsonSchema> = {
  OPINION: {
    type: 'object',
    required: ['reasonableCost', 'support', 'comment'],
    properties: {
      reasonableCost: { ...MONEY, title: '合理必要费用（元）' },
      support: { type: 'boolean', title: '是否支持救助' },
      comment: { type: 'string', title: '评审意见', minLength: 1, maxLength: 2000 },
    },
  },
};

/** The inspectors' on-site findings (inspection.dto.ts RecordFindingsPayload, FindingDto). */
const INSPECTION: Record<string, JsonSchema> = {
  RECORD_FINDINGS: {
    type: 'object',
    required: ['conclusion', 'findings'],
    properties: {
      conclusion: {
        type: 'string',
        title: '检查结论',
        oneOf: [
          { const: 'NO_ISSUE', title: '未发现问题' },
          { const: 'ISSUES', title: '发现问题' },
          { const: 'SUSPECTED_FRAUD', title: '涉嫌欺诈骗保' },
        ],
      },
      findings: {
        type: 'array',
        title: '检查发现',
        maxItems: 200,
        items: {
          type: 'object',
          title: '问题',
          required: ['article', 'description', 'amount'],
          properties: {
            article: {
              type: 'integer',
              title: '违反条款（《医疗保障基金使用监督管理条例》）',
              oneOf: [
                { const: 38, title: '第三十八条 违规使用医保基金' },
                { const: 39, title: '第三十九条 医保基金使用内部管理违规' },
                { const: 40, title: '第四十条 骗取医保基金' },
                { const: 41, title: '第四十一条 个人违规享受医保待遇' },
              ],
            },
            description: { type: 'string', title: '问题描述', minLength: 2, maxLength: 2000 },
            amount: { ...MONEY, title: '涉及金额（元）' },
          },
        },
      },
    },
  },
};

const FALLBACK: Record<string, Record<string, JsonSchema>> = {
  'relief-application': RELIEF,
  'hardship-hearing': HEARING,
  inspection: INSPECTION,
};

export function fallbackEventSchema(workflow: string, event: string): JsonSchema | undefined {
  return FALLBACK[workflow]?.[event];
}
