import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Input, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { type CaseView, fromApi, type Page, type StateName, type WorkflowType } from '../api/types';
import { useAccount } from '../auth/account';
import { CaseTable } from '../components/CaseTable';
import { useWorkflowIndex } from '../workflow/useWorkflowIndex';

interface Filters {
  type?: WorkflowType;
  state?: StateName;
  status?: 'active' | 'closed';
  streetCode?: string;
  overdue?: boolean;
}

/** A list of the cases the user may read (`GET /cases`), newest first, with filters. */
function CaseList(props: {
  title: string;
  fixed?: Filters;
  extra?: React.ReactNode;
  hideStreet?: boolean;
}) {
  const index = useWorkflowIndex();
  const account = useAccount();
  const [filters, setFilters] = useState<Filters>({});
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [street, setStreet] = useState('');
  const query = { ...filters, ...props.fixed };

  const cases = useQuery({
    queryKey: ['cases', 'list', query, paging],
    queryFn: async () =>
      fromApi<Page<CaseView>>(
        await unwrap(api.GET('/api/v1/cases', { params: { query: { ...query, ...paging } } })),
      ),
  });
  const set = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPaging((p) => ({ ...p, page: 1 }));
  };
  const states = filters.type
    ? (index.describe(filters.type)?.states ?? []).filter((s) => s.label)
    : [];

  return (
    <Card title={props.title} extra={props.extra}>
      <Space wrap style={{ marginBottom: 16 }}>
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
        <Select
          aria-label="办理状态"
          allowClear
          placeholder="办理状态"
          style={{ width: 120 }}
          value={filters.status}
          onChange={(status?: 'active' | 'closed') => set({ status })}
          options={[
            { value: 'active', label: '办理中' },
            { value: 'closed', label: '已办结' },
          ]}
        />
        {!props.hideStreet && (
          <Input.Search
            allowClear
            placeholder="街道代码"
            style={{ width: 180 }}
            value={street}
            onChange={(e) => setStreet(e.target.value)}
            onSearch={(v) => set({ streetCode: v.trim() || undefined })}
          />
        )}
        <Space>
          <Switch
            aria-label="只看超期"
            checked={filters.overdue === true}
            onChange={(on) => set({ overdue: on ? true : undefined })}
          />
          只看超期
        </Space>
      </Space>
      <CaseTable
        testId="case-table"
        cases={cases.data?.items ?? []}
        loading={cases.isLoading}
        me={account.data?.id}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: cases.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 件`,
          onChange: (page, pageSize) => setPaging({ page, pageSize }),
        }}
      />
    </Card>
  );
}

/** 案件查询: every case the user may read. */
export function CaseListPage() {
  return <CaseList title="案件查询" />;
}

/** 本街道案件: a street office's own street (the service scopes it; shown for clarity). */
export function StreetCasesPage() {
  const account = useAccount();
  const navigate = useNavigate();
  const streetCode = account.data?.streetCode ?? undefined;
  return (
    <CaseList
      title={`本街道案件${streetCode ? `（${streetCode}）` : ''}`}
      fixed={{ streetCode }}
      hideStreet
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/relief/new')}>
          新建救助申请
        </Button>
      }
    />
  );
}
