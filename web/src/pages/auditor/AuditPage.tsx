import { DONE_TAG_STYLE } from '../../components/doneTag';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { asWorkflowType, type CaseView, fromApi } from '../../api/types';
import type { AuditVerification } from '../../api/views';
import { CaseQueryTable } from '../../components/CaseQueryTable';
import { formatTime } from '../../labels';
import { useWorkflows, workflowName } from '../../workflow/workflows';

/** 验证链 of one case: its history's hash chain recomputed by the service. */
function VerifyCase({ c }: { c: CaseView }) {
  const verify = useMutation({
    mutationFn: () =>
      unwrap(api.GET('/api/v1/cases/{id}/history/verify', { params: { path: { id: c.id } } })),
  });
  if (verify.data) {
    return verify.data.valid ? (
      <Tag style={DONE_TAG_STYLE} data-testid="chain-result">
        完整（{verify.data.checked} 条）
      </Tag>
    ) : (
      <Tag color="red" data-testid="chain-result">
        第 {verify.data.brokenAt} 条起不一致
      </Tag>
    );
  }
  return (
    <Button
      size="small"
      loading={verify.isPending}
      onClick={() => verify.mutate()}
      data-testid="verify-chain"
    >
      验证链
    </Button>
  );
}

/** Every case's chain at once (`GET /audit/verify`), optionally one workflow's. */
function VerifyAll() {
  const workflows = useWorkflows();
  const [type, setType] = useState<string | undefined>();
  const run = useMutation({
    mutationFn: async () =>
      fromApi<AuditVerification>(
        await unwrap(
          api.GET('/api/v1/audit/verify', { params: { query: { type: asWorkflowType(type) } } }),
        ),
      ),
  });
  const r = run.data;
  return (
    <Card title="全库审计链验证">
      <Space wrap style={{ marginBottom: r ? 16 : 0 }}>
        <Select
          allowClear
          aria-label="流程"
          placeholder="全部流程"
          style={{ width: 200 }}
          value={type}
          onChange={(t?: string) => setType(t)}
          options={(workflows.data ?? []).map((w) => ({
            value: w.type,
            label: workflowName(w.title, w.type),
          }))}
        />
        <Button
          type="primary"
          icon={<SafetyCertificateOutlined />}
          loading={run.isPending}
          onClick={() => run.mutate()}
          data-testid="verify-all"
        >
          验证全部案件
        </Button>
      </Space>
      {run.error && <Alert type="error" title={`验证失败：${run.error.message}`} />}
      {r && (
        <Descriptions bordered size="small" column={2} data-testid="verify-all-result">
          <Descriptions.Item label="结论">
            {r.valid ? (
              <Tag style={DONE_TAG_STYLE}>全部完整</Tag>
            ) : (
              <Tag color="red">发现 {r.broken} 件不一致</Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label="验证时间">{formatTime(r.checkedAt)}</Descriptions.Item>
          <Descriptions.Item label="案件数">{r.cases}</Descriptions.Item>
          <Descriptions.Item label="事件数">{r.events}</Descriptions.Item>
          <Descriptions.Item label="无案件的孤立事件">{r.orphanEvents}</Descriptions.Item>
          <Descriptions.Item label="用时">{(r.durationMs / 1000).toFixed(1)} 秒</Descriptions.Item>
          {r.brokenCases.length > 0 && (
            <Descriptions.Item label="不一致的案件" span={2}>
              <Space wrap>
                {r.brokenCases.map((b) => (
                  <Link key={b.caseId} to={`/cases/${b.caseId}`}>
                    {b.caseId.slice(0, 8)}
                    {b.seq !== undefined ? `（第 ${b.seq} 条）` : ''}
                  </Link>
                ))}
              </Space>
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
    </Card>
  );
}

/**
 * 审计查询 (AUDITOR): every case of every workflow, read-only, with the hash chain verified
 * per case and for the whole database. No action buttons: an auditor sends no events.
 */
export function AuditPage() {
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        审计查询
      </Typography.Title>
      <VerifyAll />
      <CaseQueryTable
        filters={['type', 'state', 'street', 'status', 'overdue']}
        testId="audit-cases"
        actions={(c) => <VerifyCase c={c} />}
      />
    </Space>
  );
}
