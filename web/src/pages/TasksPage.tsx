import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Segmented, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { type CaseView, fromApi, type Page, type StateName, type WorkflowType } from '../api/types';
import { useAccount } from '../auth/account';
import { CaseTable } from '../components/CaseTable';
import { useWorkflowIndex } from '../workflow/useWorkflowIndex';

type Assigned = 'all' | 'me' | 'unassigned';

interface Filters {
  type?: WorkflowType;
  state?: StateName;
  streetCode?: string;
  overdue?: boolean;
  assignee: Assigned;
}

/** 我的待办: the cases on which the user can act now, earliest deadline first (`GET /tasks`). */
export function TasksPage() {
  const { message } = App.useApp();
  const account = useAccount();
  const index = useWorkflowIndex();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<Filters>({ assignee: 'all' });
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [street, setStreet] = useState('');

  const tasks = useQuery({
    queryKey: ['tasks', 'list', filters, paging],
    queryFn: async () =>
      fromApi<Page<CaseView>>(
        await unwrap(
          api.GET('/api/v1/tasks', {
            params: {
              query: {
                ...paging,
                type: filters.type,
                state: filters.state,
                streetCode: filters.streetCode,
                overdue: filters.overdue,
                assignee: filters.assignee === 'all' ? undefined : filters.assignee,
              },
            },
          }),
        ),
      ),
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tasks'] });
  const claim = useMutation({
    mutationFn: async (c: { id: string; release: boolean }) => {
      const params = { params: { path: { id: c.id } } };
      await unwrap(
        c.release
          ? api.DELETE('/api/v1/cases/{id}/claim', params)
          : api.POST('/api/v1/cases/{id}/claim', params),
      );
      return c.release;
    },
    onSuccess: (released) => {
      void message.success(released ? '已取消认领' : '已认领');
      void refresh();
    },
    onError: (e) => void message.error(e instanceof ApiError ? e.message : '操作失败'),
  });

  const set = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPaging((p) => ({ ...p, page: 1 }));
  };
  const states = filters.type
    ? (index.describe(filters.type)?.states ?? []).filter((s) => !s.final && s.label)
    : [];
  const me = account.data?.id;

  return (
    <Card title="我的待办">
      <Space wrap style={{ marginBottom: 16 }} data-testid="task-filters">
        <Select
          aria-label="业务类型"
          allowClear
          placeholder="业务类型"
          style={{ width: 180 }}
          value={filters.type}
          onChange={(type?: string) =>
            set({ type: type ? fromApi<WorkflowType>(type) : undefined, state: undefined })
          }
          options={index.workflows.map((w) => ({ value: w.type, label: index.name(w.type) }))}
        />
        <Select
          aria-label="状态"
          allowClear
          placeholder="状态"
          disabled={!filters.type}
          style={{ width: 180 }}
          value={filters.state}
          onChange={(state?: string) =>
            set({ state: state ? fromApi<StateName>(state) : undefined })
          }
          options={states.map((s) => ({ value: s.name, label: s.label ?? s.name }))}
        />
        <Input.Search
          allowClear
          placeholder="街道代码"
          style={{ width: 180 }}
          value={street}
          onChange={(e) => setStreet(e.target.value)}
          onSearch={(v) => set({ streetCode: v.trim() || undefined })}
        />
        <Space>
          <Switch
            aria-label="只看超期"
            checked={filters.overdue === true}
            onChange={(on) => set({ overdue: on ? true : undefined })}
          />
          只看超期
        </Space>
        <Segmented<Assigned>
          value={filters.assignee}
          onChange={(assignee) => set({ assignee })}
          options={[
            { value: 'all', label: '全部' },
            { value: 'me', label: '我认领的' },
            { value: 'unassigned', label: '未认领' },
          ]}
        />
      </Space>
      <CaseTable
        testId="task-table"
        cases={tasks.data?.items ?? []}
        loading={tasks.isLoading}
        me={me}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: tasks.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 件`,
          onChange: (page, pageSize) => setPaging({ page, pageSize }),
        }}
        actions={(c) =>
          c.assignee === me ? (
            <Button
              size="small"
              onClick={() => claim.mutate({ id: c.id, release: true })}
              loading={claim.isPending && claim.variables.id === c.id}
            >
              取消认领
            </Button>
          ) : c.assignee === null ? (
            <Button
              size="small"
              type="primary"
              ghost
              onClick={() => claim.mutate({ id: c.id, release: false })}
              loading={claim.isPending && claim.variables.id === c.id}
            >
              认领
            </Button>
          ) : null
        }
      />
    </Card>
  );
}
