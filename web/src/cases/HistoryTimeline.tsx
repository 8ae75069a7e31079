import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Timeline, Typography } from 'antd';
import { api, unwrap } from '../api/client';
import { type CaseEventView, fromApi, type WorkflowDescription } from '../api/types';
import { CATEGORY_LABELS, FALLBACK_FIELD_LABELS, formatTime } from '../labels';
import { eventLabel, eventSchema, stateLabel } from '../workflow/workflows';

/** Fields the service adds to every payload: shown elsewhere (actor, time), not twice. */
const HIDDEN = new Set([
  'type',
  'actor',
  'at',
  // Ids and engine bookkeeping: names and links are shown elsewhere on the page.
  'assignee',
  'userId',
  'caseId',
  'attachmentId',
  'sha256',
  'calculation',
  'policyVersion',
  'deadline',
  'dueAt',
  'entrySeq',
  'restart',
  'hardshipReferral',
  'contentType',
  'sizeBytes',
]);

/** A payload field's zh-CN title from the event's schema, else its name. */
function fieldTitle(
  workflow: WorkflowDescription | undefined,
  e: CaseEventView,
  field: string,
): string {
  const property = eventSchema(workflow, e.from ?? e.to, e.type).properties?.[field];
  return typeof property === 'object' && typeof property.title === 'string'
    ? property.title
    : (FALLBACK_FIELD_LABELS[field] ?? field);
}

/** Codes that appear as payload values, in words. */
const VALUES: Readonly<Record<string, string>> = {
  ...CATEGORY_LABELS,
  'hardship-hearing': '困难群众评审',
  'relief-application': '医疗救助申请',
  'penalty-case': '行政处罚',
  inspection: '监督检查',
  'capitation-settlement': '按人头付费月度结算',
  'capitation-reconciliation': '按人头付费年终清算',
  // Attachment kinds (附件类别).
  SUPPLEMENT: '补正材料',
  CERTIFICATE: '证明材料',
  EVIDENCE: '证据',
  MINUTES: '会议纪要',
  DECISION: '决定书',
};

function show(value: unknown): string {
  if (value === null || value === undefined) {
    return '–';
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.join('、');
  }
  return typeof value === 'string' ? (VALUES[value] ?? value) : JSON.stringify(value);
}

/** A case's history at a version (refetched when the case moves on). */
export function useCaseHistory(caseId: string, version: number | undefined) {
  return useQuery({
    queryKey: ['case', caseId, 'history', version],
    enabled: version !== undefined,
    queryFn: async () =>
      fromApi<CaseEventView[]>(
        await unwrap(api.GET('/api/v1/cases/{id}/history', { params: { path: { id: caseId } } })),
      ),
  });
}

/** 办理记录: every event in order, with who, when, what and the state it led to; 验证链 checks the hash chain. */
export function HistoryTimeline(props: {
  caseId: string;
  version: number;
  workflow: WorkflowDescription | undefined;
}) {
  const history = useCaseHistory(props.caseId, props.version);
  const verify = useMutation({
    mutationFn: () =>
      unwrap(
        api.GET('/api/v1/cases/{id}/history/verify', { params: { path: { id: props.caseId } } }),
      ),
  });

  return (
    <Card
      title="办理记录"
      extra={
        <Button
          icon={<SafetyCertificateOutlined />}
          onClick={() => verify.mutate()}
          loading={verify.isPending}
          data-testid="verify-chain"
        >
          验证链
        </Button>
      }
    >
      {verify.data && (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          data-testid="chain-result"
          type={verify.data.valid ? 'success' : 'error'}
          title={
            verify.data.valid
              ? `记录链完整：已校验 ${verify.data.checked} 条记录，未发现篡改`
              : `记录链校验失败：第 ${verify.data.brokenAt ?? '?'} 条记录起不一致`
          }
          description={verify.data.valid ? undefined : verify.data.reason}
        />
      )}
      {verify.error && (
        <Alert type="error" showIcon title="校验请求失败" style={{ marginBottom: 16 }} />
      )}
      <Timeline
        data-testid="history"
        items={(history.data ?? []).map((e) => {
          // The opening payload is the application itself: the summary above shows it.
          const fields =
            e.type === 'CASE_OPENED'
              ? []
              : Object.entries(e.payload).filter(([k]) => !HIDDEN.has(k));
          return {
            key: e.seq,
            color: e.actor === 'system' ? 'gray' : 'blue',
            content: (
              <div>
                <Typography.Text strong>{eventLabel(props.workflow, e.type)}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {e.actor === 'system' ? '系统' : (e.actorName ?? e.actor)} · {formatTime(e.at)}
                </Typography.Text>
                {e.from !== e.to && (
                  <div>
                    <Typography.Text type="secondary">
                      {e.from ? `${stateLabel(props.workflow, e.from)} → ` : ''}
                      {stateLabel(props.workflow, e.to)}
                    </Typography.Text>
                  </div>
                )}
                {fields.length > 0 && (
                  <div style={{ fontSize: 12, color: '#595959', wordBreak: 'break-all' }}>
                    {fields.map(([k, v]) => (
                      <div key={k}>
                        {fieldTitle(props.workflow, e, k)}：{show(v)}
                      </div>
                    ))}
                  </div>
                )}
              </div>
            ),
          };
        })}
      />
    </Card>
  );
}
