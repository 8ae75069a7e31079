import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { fromApi, type Page } from '../../api/types';
import type { SpecialReliefNotice } from '../../api/views';
import { formatMoney, formatTime } from '../../labels';
import { useStreetName, useStreets } from '../../streets';
import { emptyText } from '../../components/EmptyText';

/**
 * 特殊医疗救助公示 (一公开, no sign-in): as the relief notice — masked name, street, the special
 * relief with any joint-meeting extra, and how and until when to object.
 */
export function SpecialReliefNoticesPage() {
  const streets = useStreets();
  const streetName = useStreetName();
  const [streetCode, setStreet] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  useEffect(() => {
    document.title = '特殊医疗救助公示 - 区医疗保障局';
  }, []);
  const notices = useQuery({
    queryKey: ['public', 'special-relief-notices', streetCode, page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      fromApi<Page<SpecialReliefNotice> & { howToObject: string }>(
        await unwrap(
          api.GET('/api/v1/public/special-relief-notices', {
            params: { query: { streetCode, page, pageSize: 20 } },
          }),
        ),
      ),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        特殊医疗救助公示
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
        <Table<SpecialReliefNotice>
          rowKey="noticeNo"
          data-testid="special-relief-notices"
          loading={notices.isFetching}
          dataSource={notices.data?.items ?? []}
          locale={{ emptyText: emptyText('当前没有公示中的特殊医疗救助') }}
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
              title: '特殊救助金额（元）',
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
