import { DONE_TAG_STYLE } from './doneTag';
import { Table, Tag, Typography } from 'antd';
import type { ColumnsType, TablePaginationConfig } from 'antd/es/table';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { CaseView } from '../api/types';
import { caseSubject, firstDeadline } from '../cases/caseText';
import { useWorkflowIndex } from '../workflow/useWorkflowIndex';
import { useStreetName } from '../streets';
import { emptyText } from './EmptyText';
import { TimeLeftText } from './TimeLeftText';

/** The case tables of the inbox and the lists: who, what, where, state, time left (rows: `tr[data-row-key=<case id>]`). */
export function CaseTable(props: {
  cases: CaseView[];
  loading: boolean;
  pagination: TablePaginationConfig;
  /** Extra column at the end (e.g. claim buttons). */
  actions?: (c: CaseView) => ReactNode;
  me?: string;
  testId?: string;
}) {
  const index = useWorkflowIndex();
  const streetName = useStreetName();
  const columns: ColumnsType<CaseView> = [
    {
      title: '申请人 / 机构',
      key: 'subject',
      render: (_, c) => (
        <Link to={`/cases/${c.id}`} data-testid="case-link">
          {caseSubject(c)}
        </Link>
      ),
    },
    { title: '业务类型', key: 'type', render: (_, c) => index.name(c.type) },
    {
      title: '当前状态',
      key: 'state',
      render: (_, c) => (
        <Tag color={c.status === 'closed' ? 'default' : 'processing'}>
          {index.state(c.type, c.state)}
        </Tag>
      ),
    },
    { title: '街道', dataIndex: 'streetCode', render: (v: string | null) => streetName(v) },
    {
      title: '经办人',
      key: 'assignee',
      render: (_, c) =>
        c.assignee === null ? (
          <Typography.Text type="secondary">未认领</Typography.Text>
        ) : c.assignee === props.me ? (
          <Tag style={DONE_TAG_STYLE}>我</Tag>
        ) : (
          (c.assigneeName ?? '已认领')
        ),
    },
    {
      title: '剩余时间',
      key: 'deadline',
      render: (_, c) =>
        c.status === 'closed' ? '已办结' : <TimeLeftText deadline={firstDeadline(c)} />,
    },
  ];
  if (props.actions) {
    const actions = props.actions;
    columns.push({ title: '操作', key: 'actions', render: (_, c) => actions(c) });
  }
  return (
    <Table<CaseView>
      rowKey="id"
      size="middle"
      columns={columns}
      // Rows wait for the workflows' labels: a state is never shown by its raw code.
      dataSource={index.loading ? [] : props.cases}
      loading={props.loading || index.loading}
      pagination={props.pagination}
      data-testid={props.testId}
      locale={{ emptyText: emptyText('暂无案件') }}
    />
  );
}
