import { DONE_TAG_STYLE } from '../../components/doneTag';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { asWorkflowType, type CaseView, fromApi, type Page, type Role } from '../../api/types';
import type { AccountActionView, AuditVerification } from '../../api/views';
import { CaseQueryTable } from '../../components/CaseQueryTable';
import { ACCOUNT_ACTION_LABELS, formatTime, ROLE_LABELS } from '../../labels';
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

const roleNames = (roles: readonly Role[] | undefined): string =>
  (roles ?? []).map((r) => ROLE_LABELS[r]).join('、');

/** What an entry of the account log changed, in words. */
function accountChange(a: AccountActionView): string {
  const d = a.detail;
  if (a.action === 'USER_CREATED') {
    return `角色：${roleNames(d.roles)}`;
  }
  if (a.action === 'ROLES_CHANGED') {
    const parts = [
      d.granted?.length ? `授予 ${roleNames(d.granted)}` : '',
      d.taken?.length ? `收回 ${roleNames(d.taken)}` : '',
    ];
    return parts.filter(Boolean).join('；');
  }
  return d.fields?.length ? `字段：${d.fields.join('、')}` : '';
}

/** 账号管理日志: role grants, unlocks, deactivations, newest first (三员分立: the auditor reviews). */
function AccountLog() {
  const [page, setPage] = useState(1);
  const [action, setAction] = useState<AccountActionView['action'] | undefined>();
  const log = useQuery({
    queryKey: ['account-actions', page, action],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      fromApi<Page<AccountActionView>>(
        await unwrap(
          api.GET('/api/v1/audit/account-actions', {
            params: { query: { page, pageSize: 10, action } },
          }),
        ),
      ),
  });
  return (
    <Card title="账号管理日志">
      <Select
        allowClear
        aria-label="操作"
        placeholder="全部操作"
        style={{ width: 160, marginBottom: 12 }}
        value={action}
        onChange={(a?: AccountActionView['action']) => {
          setAction(a);
          setPage(1);
        }}
        options={Object.entries(ACCOUNT_ACTION_LABELS).map(([value, label]) => ({
          value,
          label,
        }))}
      />
      <Table<AccountActionView>
        rowKey="id"
        size="small"
        data-testid="account-actions"
        loading={log.isFetching}
        dataSource={log.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: 10,
          total: log.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          { title: '时间', dataIndex: 'at', render: (at: string) => formatTime(at) },
          {
            title: '操作',
            dataIndex: 'action',
            render: (a: AccountActionView['action']) => ACCOUNT_ACTION_LABELS[a],
          },
          { title: '账号', dataIndex: 'username' },
          { title: '变更', key: 'change', render: (_: unknown, a) => accountChange(a) },
          {
            title: '操作人',
            key: 'actor',
            render: (_: unknown, a) =>
              a.actorId === 'system' ? '系统' : (a.actorName ?? a.actorId.slice(0, 8)),
          },
        ]}
      />
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
      <AccountLog />
      <CaseQueryTable
        filters={['type', 'state', 'street', 'status', 'overdue']}
        testId="audit-cases"
        actions={(c) => <VerifyCase c={c} />}
      />
    </Space>
  );
}
