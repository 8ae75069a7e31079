import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Form, Select, Space, Table, Tag, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { type CaseView, fromApi, type Page } from '../api/types';
import { formatTime } from '../labels';
import { useStreetName, useStreets } from '../streets';
import { stateLabel, useWorkflow, useWorkflows, workflowName } from '../workflow/workflows';
import { emptyText } from './EmptyText';

/** The filters `GET /api/v1/cases` takes (API.md "Cases"). */
export interface CaseFilter {
  type?: string;
  state?: string;
  status?: 'active' | 'closed';
  streetCode?: string;
  overdue?: boolean;
  assignee?: string;
}

/** Who or what a case is about, as served (names are masked where API.md masks them). */
export function caseSubject(c: CaseView): string {
  const d = c.data;
  const named = (v: unknown): string | undefined => {
    if (typeof v === 'object' && v !== null && 'name' in v && typeof v.name === 'string') {
      return v.name;
    }
    return undefined;
  };
  return (
    named(d.applicant) ?? named(d.institution) ?? named(d.respondent) ?? named(d.person) ?? '–'
  );
}

/** The earliest open deadline: its due time, red once passed. */
export function NextDeadline({ c }: { c: CaseView }) {
  const next = [...c.deadlines].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  if (!next) {
    return <span>–</span>;
  }
  const days = dayjs(next.dueAt).diff(dayjs(), 'day', true);
  return (
    <Tooltip title={`到期：${formatTime(next.dueAt)}`}>
      {next.overdue || days < 0 ? (
        <Tag color="red">已超期</Tag>
      ) : (
        <span>剩余 {Math.max(0, Math.floor(days))} 天</span>
      )}
    </Tooltip>
  );
}

/** A case's workflow and state by their zh-CN labels (never the codes). */
function StateCell({ c }: { c: CaseView }) {
  const wf = useWorkflow(c.type);
  return (
    <Tag color={c.status === 'closed' ? 'default' : 'processing'}>
      {stateLabel(wf.data, c.state)}
    </Tag>
  );
}

export function useCases(filter: CaseFilter, page: number, pageSize: number) {
  return useQuery({
    queryKey: ['cases', filter, page, pageSize],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      fromApi<Page<CaseView>>(
        await unwrap(
          api.GET('/api/v1/cases', {
            params: {
              query: {
                page,
                pageSize,
                type: filter.type,
                state: filter.state,
                status: filter.status,
                streetCode: filter.streetCode,
                assignee: filter.assignee,
                overdue: filter.overdue || undefined,
              },
            },
          }),
        ),
      ),
  });
}

/**
 * A list of cases in the ProTable manner (filters above, paged table below) for the role pages.
 * `fixed` filters are the page's own (e.g. only hearings); the user picks among the others.
 * Each case opens the case page, where its events are sent.
 */
export function CaseTable(props: {
  fixed?: CaseFilter;
  /** Which filters the user may change. */
  filters?: ReadonlyArray<'type' | 'state' | 'street' | 'status' | 'overdue'>;
  /** Extra columns (e.g. an action per row). */
  extraColumns?: ColumnsType<CaseView>;
  toolbar?: ReactNode;
  testId?: string;
}) {
  const fixed = props.fixed ?? {};
  const shown = props.filters ?? ['state', 'status', 'overdue'];
  const [chosen, setChosen] = useState<CaseFilter>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const filter: CaseFilter = { ...chosen, ...fixed };
  const cases = useCases(filter, page, pageSize);
  const workflows = useWorkflows();
  const wf = useWorkflow(filter.type);
  const streets = useStreets();
  const streetName = useStreetName();

  const change = (next: CaseFilter) => {
    setChosen((before) => ({ ...before, ...next }));
    setPage(1);
  };

  const columns: ColumnsType<CaseView> = [
    {
      title: '案件编号',
      dataIndex: 'id',
      render: (id: string) => (
        <Link to={`/cases/${id}`} data-testid="case-link">
          {id.slice(0, 8)}
        </Link>
      ),
    },
    {
      title: '流程',
      dataIndex: 'type',
      render: (type: string) =>
        workflowName(workflows.data?.find((w) => w.type === type)?.title, type),
    },
    { title: '当前环节', key: 'state', render: (_, c) => <StateCell c={c} /> },
    { title: '申请人/机构', key: 'subject', render: (_, c) => caseSubject(c) },
    { title: '街道', dataIndex: 'streetCode', render: (code: string | null) => streetName(code) },
    { title: '时限', key: 'deadline', render: (_, c) => <NextDeadline c={c} /> },
    { title: '更新时间', dataIndex: 'updatedAt', render: (t: string) => formatTime(t) },
    ...(props.extraColumns ?? []),
  ];

  return (
    <Card
      title={
        <Form layout="inline" aria-label="筛选条件">
          {shown.includes('type') && (
            <Form.Item label="流程">
              <Select
                allowClear
                aria-label="流程"
                style={{ width: 180 }}
                placeholder="全部流程"
                value={chosen.type}
                onChange={(type?: string) => change({ type, state: undefined })}
                options={(workflows.data ?? []).map((w) => ({
                  value: w.type,
                  label: workflowName(w.title, w.type),
                }))}
              />
            </Form.Item>
          )}
          {/* The states are a workflow's: offered once the workflow is known. */}
          {shown.includes('state') && filter.type && (
            <Form.Item label="环节">
              <Select
                allowClear
                aria-label="环节"
                style={{ width: 160 }}
                placeholder="全部环节"
                value={chosen.state}
                onChange={(state?: string) => change({ state })}
                options={(wf.data?.states ?? []).map((s) => ({
                  value: s.name,
                  label: s.label ?? s.name,
                }))}
              />
            </Form.Item>
          )}
          {shown.includes('street') && (
            <Form.Item label="街道">
              <Select
                allowClear
                aria-label="街道"
                style={{ width: 140 }}
                placeholder="全部街道"
                value={chosen.streetCode}
                onChange={(streetCode?: string) => change({ streetCode })}
                options={(streets.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
              />
            </Form.Item>
          )}
          {shown.includes('status') && (
            <Form.Item label="状态">
              <Select
                allowClear
                aria-label="状态"
                style={{ width: 110 }}
                placeholder="全部"
                value={chosen.status}
                onChange={(status?: 'active' | 'closed') => change({ status })}
                options={[
                  { value: 'active', label: '在办' },
                  { value: 'closed', label: '已办结' },
                ]}
              />
            </Form.Item>
          )}
          {shown.includes('overdue') && (
            <Form.Item>
              <Checkbox
                checked={chosen.overdue ?? false}
                onChange={(e) => change({ overdue: e.target.checked || undefined })}
              >
                仅看超期
              </Checkbox>
            </Form.Item>
          )}
        </Form>
      }
      extra={
        <Space>
          {props.toolbar}
          <Button icon={<ReloadOutlined />} onClick={() => void cases.refetch()}>
            刷新
          </Button>
        </Space>
      }
    >
      <Table<CaseView>
        rowKey="id"
        size="middle"
        data-testid={props.testId ?? 'case-table'}
        loading={cases.isFetching}
        dataSource={cases.data?.items ?? []}
        columns={columns}
        locale={{
          emptyText: emptyText(cases.error ? `加载失败：${cases.error.message}` : '暂无案件'),
        }}
        pagination={{
          current: page,
          pageSize,
          total: cases.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 件`,
          onChange: (p, size) => {
            setPage(p);
            setPageSize(size);
          },
        }}
      />
    </Card>
  );
}
