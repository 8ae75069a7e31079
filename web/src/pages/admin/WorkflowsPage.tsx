import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import type { MigrationRun } from '../../api/views';
import { formatTime } from '../../labels';
import { stateLabel, useWorkflow, useWorkflows, workflowName } from '../../workflow/workflows';

interface MigrationForm {
  fromVersion: number;
  toVersion: number;
  caseIds?: string;
}

type Migratable = MigrationRun['migratable'][number];
type Blocked = MigrationRun['blocked'][number];

const lines = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/[\s,，]+/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

/**
 * 流程版本 (ADMIN): the versions of a workflow with their dates, and 迁移 — moving running cases
 * to a newer version: a dry run lists what would move and what is blocked, and only the cases
 * the dry run listed are moved on confirmation. Every run is listed below.
 */
export function WorkflowsPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<MigrationForm>();
  const [type, setType] = useState('relief-application');
  const [preview, setPreview] = useState<MigrationRun>();
  const workflows = useWorkflows();
  const workflow = useWorkflow(type);
  const runs = useQuery({
    queryKey: ['migrations', type],
    queryFn: async () =>
      unwrap(
        api.GET('/api/v1/workflows/{type}/migrations', {
          params: { path: { type }, query: { pageSize: 20 } },
        }),
      ),
  });
  const migrate = useMutation({
    mutationFn: (body: {
      fromVersion: number;
      toVersion: number;
      caseIds?: string[];
      dryRun: boolean;
    }) =>
      unwrap(api.POST('/api/v1/workflows/{type}/migrations', { params: { path: { type } }, body })),
    onSuccess: async (run) => {
      setPreview(run);
      if (!run.dryRun) {
        void message.success(`已迁移 ${run.migratable.length} 件，${run.blocked.length} 件未迁移`);
      }
      await queryClient.invalidateQueries({ queryKey: ['migrations', type] });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.problem.errors?.length) {
        form.setFields(
          e.problem.errors.map((f) => ({
            name: f.field === 'toVersion' || f.field === 'fromVersion' ? f.field : 'caseIds',
            errors: [f.message],
          })),
        );
      } else {
        void message.error(`迁移失败：${e.message}`);
      }
    },
  });
  const versions = workflow.data?.versions ?? [];
  const dryRun = (v: MigrationForm) => {
    const caseIds = lines(v.caseIds);
    migrate.mutate({
      fromVersion: v.fromVersion,
      toVersion: v.toVersion,
      ...(caseIds.length > 0 ? { caseIds } : {}),
      dryRun: true,
    });
  };
  // Exactly the cases the dry run listed: anything changed since is reported, not moved.
  const confirm = () =>
    preview &&
    migrate.mutate({
      fromVersion: preview.fromVersion,
      toVersion: preview.toVersion,
      caseIds: preview.migratable.map((c) => c.caseId),
      dryRun: false,
    });
  const state = (s: string | null) => (s === null ? '–' : stateLabel(workflow.data, s));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        流程版本
      </Typography.Title>
      <Card
        title="版本"
        extra={
          <Select
            style={{ width: 240 }}
            value={type}
            onChange={(t) => {
              setType(t);
              setPreview(undefined);
            }}
            options={(workflows.data ?? []).map((w) => ({
              value: w.type,
              label: workflowName(w.title, w.type),
            }))}
          />
        }
      >
        <Table
          size="small"
          rowKey="version"
          pagination={false}
          data-testid="workflow-versions"
          loading={workflow.isFetching}
          dataSource={versions}
          columns={[
            { title: '版本', dataIndex: 'version' },
            { title: '新案件起始日', dataIndex: 'from', render: (d?: string) => d ?? '–' },
            { title: '停止新开日', dataIndex: 'to', render: (d?: string) => d ?? '–' },
            {
              title: '',
              render: (_: unknown, v: { version: number }) =>
                v.version === workflow.data?.version ? <Tag color="green">现行</Tag> : null,
            },
          ]}
        />
      </Card>
      <Card title="迁移在办案件">
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="先试运行：列出可迁移与不可迁移的案件，不改动任何案件；确认后逐件迁移，每件记入其审计链。"
        />
        <Form<MigrationForm>
          form={form}
          layout="inline"
          initialValues={{ fromVersion: 1, toVersion: 2 }}
          onFinish={dryRun}
        >
          <Form.Item name="fromVersion" label="原版本" rules={[{ required: true }]}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="toVersion" label="目标版本" rules={[{ required: true }]}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="caseIds" label="案件编号（可选）">
            <Input.TextArea
              rows={1}
              style={{ width: 360 }}
              placeholder="留空：原版本全部在办案件"
            />
          </Form.Item>
          <Button htmlType="submit" data-testid="dry-run" loading={migrate.isPending}>
            试运行
          </Button>
        </Form>
        {preview && (
          <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
            <Typography.Text strong data-testid="migration-summary">
              {preview.dryRun ? '试运行' : '已迁移'}：可迁移 {preview.migratable.length}{' '}
              件，不可迁移 {preview.blocked.length} 件
            </Typography.Text>
            <Table<Migratable>
              size="small"
              rowKey="caseId"
              pagination={false}
              data-testid="migratable"
              title={() => (preview.dryRun ? '可迁移' : '已迁移')}
              dataSource={preview.migratable}
              columns={[
                { title: '案件', dataIndex: 'caseId' },
                { title: '原状态', dataIndex: 'fromState', render: state },
                { title: '迁移后状态', dataIndex: 'toState', render: state },
              ]}
            />
            <Table<Blocked>
              size="small"
              rowKey="caseId"
              pagination={false}
              data-testid="blocked"
              title={() => '不可迁移'}
              dataSource={preview.blocked}
              columns={[
                { title: '案件', dataIndex: 'caseId' },
                { title: '状态', dataIndex: 'state', render: state },
                { title: '原因', dataIndex: 'reason' },
              ]}
            />
            {preview.dryRun && preview.migratable.length > 0 && (
              <Popconfirm
                title={`确认将 ${preview.migratable.length} 件案件迁移到版本 ${preview.toVersion}？`}
                okText="迁移"
                cancelText="取消"
                onConfirm={confirm}
              >
                <Button type="primary" danger data-testid="confirm-migration">
                  确认迁移
                </Button>
              </Popconfirm>
            )}
          </Space>
        )}
      </Card>
      <Card title="迁移记录">
        <Table<MigrationRun>
          size="small"
          rowKey="id"
          data-testid="migration-runs"
          loading={runs.isFetching}
          dataSource={runs.data?.items ?? []}
          pagination={false}
          columns={[
            { title: '时间', dataIndex: 'requestedAt', render: formatTime },
            {
              title: '方式',
              dataIndex: 'dryRun',
              render: (d: boolean) => (d ? <Tag>试运行</Tag> : <Tag color="blue">迁移</Tag>),
            },
            {
              title: '版本',
              render: (_: unknown, r: MigrationRun) => `${r.fromVersion} → ${r.toVersion}`,
            },
            {
              title: '可迁移/已迁移',
              render: (_: unknown, r: MigrationRun) => r.migratable.length,
            },
            { title: '不可迁移', render: (_: unknown, r: MigrationRun) => r.blocked.length },
          ]}
        />
      </Card>
    </Space>
  );
}
