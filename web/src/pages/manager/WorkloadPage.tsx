import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { CaseView, Role } from '../../api/types';
import type { WorkloadLine } from '../../api/views';
import { CaseQueryTable } from '../../components/CaseQueryTable';
import { ROLE_LABELS } from '../../labels';
import { useWorkflows, workflowName } from '../../workflow/workflows';

function isRole(r: string): r is Role {
  return r in ROLE_LABELS;
}

function useWorkload() {
  return useQuery({
    queryKey: ['workload'],
    queryFn: () => unwrap(api.GET('/api/v1/workload')),
  });
}

/** 改派: gives a case to another holder (`POST /cases/:id/assign`, logged with the reason). */
function ReassignButton({ c, people }: { c: CaseView; people: WorkloadLine[] }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ userId: string; reason?: string }>();
  const assign = useMutation({
    mutationFn: (v: { userId: string; reason?: string }) =>
      unwrap(
        api.POST('/api/v1/cases/{id}/assign', {
          params: { path: { id: c.id } },
          body: { userId: v.userId, reason: v.reason },
        }),
      ),
    onSuccess: async () => {
      setOpen(false);
      void message.success('已改派');
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      await queryClient.invalidateQueries({ queryKey: ['workload'] });
    },
    onError: (e) => void message.error(`改派失败：${e.message}`),
  });
  const holder = people.find((p) => p.userId === c.assignee);
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="reassign">
        改派
      </Button>
      <Modal
        title={`改派案件 ${c.id.slice(0, 8)}`}
        open={open}
        okText="确定改派"
        confirmLoading={assign.isPending}
        onOk={() => void form.validateFields().then((v) => assign.mutate(v))}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph>
          当前经办人：{holder ? (holder.displayName ?? holder.username) : '未分派'}
        </Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item
            name="userId"
            label="改派给"
            rules={[{ required: true, message: '请选择经办人' }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              options={people
                .filter((p) => p.active && p.userId !== c.assignee)
                .map((p) => ({
                  value: p.userId,
                  label: `${p.displayName ?? p.username ?? p.userId}（在办 ${p.open}）`,
                }))}
            />
          </Form.Item>
          <Form.Item name="reason" label="改派原因">
            <Input.TextArea rows={2} maxLength={500} placeholder="例如：原经办人休假" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/**
 * 工作量与分派: each caseworker's open and overdue cases (per workflow), the unassigned ones,
 * and the active cases with 改派 per row.
 */
export function WorkloadPage() {
  const workload = useWorkload();
  const workflows = useWorkflows();
  const people = workload.data?.assignees ?? [];
  const types = (workflows.data ?? []).map((w) => w.type);
  const typeName = (t: string) => workflowName(workflows.data?.find((w) => w.type === t)?.title, t);
  const count = (byType: object, t: string): number => {
    const n: unknown = Object.entries(byType).find(([k]) => k === t)?.[1];
    return typeof n === 'number' ? n : 0;
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        工作量与分派
      </Typography.Title>
      <Card title="经办人工作量">
        <Table<WorkloadLine>
          size="small"
          rowKey="userId"
          data-testid="workload"
          loading={workload.isFetching}
          dataSource={people}
          pagination={false}
          columns={[
            {
              title: '经办人',
              key: 'name',
              render: (_, p) => p.displayName ?? p.username ?? p.userId.slice(0, 8),
            },
            {
              title: '角色',
              dataIndex: 'roles',
              render: (roles: string[]) =>
                roles.map((r) => (isRole(r) ? ROLE_LABELS[r] : r)).join('、'),
            },
            { title: '在办', dataIndex: 'open', align: 'right' },
            {
              title: '超期',
              dataIndex: 'overdue',
              align: 'right',
              render: (n: number) =>
                n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n,
            },
            ...types.map((t) => ({
              title: typeName(t),
              key: t,
              align: 'right' as const,
              render: (_: unknown, p: WorkloadLine) => count(p.byType, t),
            })),
          ]}
        />
      </Card>
      <CaseQueryTable
        fixed={{ status: 'active' }}
        filters={['type', 'state', 'street', 'overdue']}
        testId="assign-cases"
        actions={(c) => <ReassignButton c={c} people={people} />}
      />
    </Space>
  );
}
