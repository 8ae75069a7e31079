import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { Page } from '../../api/types';
import type { ReliefNotice } from '../../api/views';
import { emptyText } from '../../components/EmptyText';
import { formatMoney, formatTime } from '../../labels';
import { useStreetName, useStreets } from '../../streets';

/** One line of a public notice (relief and special relief notices have the same columns). */
export type NoticeLine = Omit<ReliefNotice, 'howToObject'>;

export interface NoticeListProps {
  /** The browser tab's title and the page's heading. */
  title: string;
  heading: string;
  /** The query's cache key and the list's test id. */
  name: string;
  amountTitle: string;
  empty: string;
  fetch: (query: {
    streetCode?: string;
    page: number;
    pageSize: number;
  }) => Promise<Page<NoticeLine> & { howToObject: string }>;
}

/**
 * 公示 (no sign-in): a paginated notice by street with how and until when to object — masked
 * name, street, amount, the publicity's start and the objection deadline.
 */
export function NoticeList(props: NoticeListProps) {
  const streets = useStreets();
  const streetName = useStreetName();
  const [streetCode, setStreet] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  useEffect(() => {
    document.title = `${props.title} - 区医疗保障局`;
  }, [props.title]);
  const notices = useQuery({
    queryKey: ['public', props.name, streetCode, page],
    placeholderData: keepPreviousData,
    queryFn: () => props.fetch({ streetCode, page, pageSize: 20 }),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {props.heading}
      </Typography.Title>
      {notices.data?.howToObject && (
        <Alert type="info" showIcon title="异议方式" description={notices.data.howToObject} />
      )}
      <Card
        title={
          <Space>
            <span id="street-label">街道</span>
            <Select
              allowClear
              aria-labelledby="street-label"
              placeholder="全部街道"
              style={{ width: 160 }}
              value={streetCode}
              onChange={(code?: string) => {
                setStreet(code);
                setPage(1);
              }}
              options={(streets.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
            />
          </Space>
        }
      >
        <Table<NoticeLine>
          rowKey="noticeNo"
          data-testid={props.name}
          loading={notices.isFetching}
          dataSource={notices.data?.items ?? []}
          locale={{ emptyText: emptyText(props.empty) }}
          pagination={{
            current: page,
            pageSize: 20,
            total: notices.data?.total ?? 0,
            onChange: setPage,
            showTotal: (t) => `共 ${t} 条`,
          }}
          columns={[
            { title: '公示编号', dataIndex: 'noticeNo' },
            { title: '姓名', dataIndex: 'name' },
            { title: '街道', dataIndex: 'streetCode', render: streetName },
            { title: '年度', dataIndex: 'year' },
            {
              title: props.amountTitle,
              dataIndex: 'amount',
              align: 'right',
              render: (a: string | null) => (a ? formatMoney(a) : '–'),
            },
            { title: '公示开始', dataIndex: 'publicityFrom', render: formatTime },
            { title: '异议截止', dataIndex: 'objectionDeadline', render: formatTime },
          ]}
        />
      </Card>
    </Space>
  );
}
