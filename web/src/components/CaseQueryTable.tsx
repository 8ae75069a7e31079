import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Form, Select, Space } from 'antd';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import { asStateName, asWorkflowType, type CaseView, fromApi, type Page } from '../api/types';
import { useAccount } from '../auth/account';
import { useStreets } from '../streets';
import { useWorkflow, useWorkflows, workflowName } from '../workflow/workflows';
import { CaseTable } from './CaseTable';

/** The filters `GET /api/v1/cases` takes (docs/api.md "Cases"). */
export interface CaseFilter {
  type?: string;
  state?: string;
  status?: 'active' | 'closed';
  streetCode?: string;
  overdue?: boolean;
  assignee?: string;
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
                type: asWorkflowType(filter.type),
                state: asStateName(filter.state),
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
 * A list of cases in the ProTable manner (filters above, the shared CaseTable below) for the
 * role pages. `fixed` filters are the page's own (e.g. only hearings); the user picks among the
 * others. Each case opens the case page, where its events are sent.
 */
export function CaseQueryTable(props: {
  fixed?: CaseFilter;
  /** Which filters the user may change. */
  filters?: ReadonlyArray<'type' | 'state' | 'street' | 'status' | 'overdue'>;
  /** The last column (e.g. an action per row). */
  actions?: (c: CaseView) => ReactNode;
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
  const account = useAccount();

  const change = (next: CaseFilter) => {
    setChosen((before) => ({ ...before, ...next }));
    setPage(1);
  };

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
      <CaseTable
        testId={props.testId ?? 'case-table'}
        cases={cases.data?.items ?? []}
        loading={cases.isFetching}
        me={account.data?.id}
        actions={props.actions}
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
