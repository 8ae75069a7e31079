import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { fromApi, type Page } from '../../api/types';
import type { PublicResult } from '../../api/views';
import { formatMoney } from '../../labels';
import { emptyText } from '../../components/EmptyText';
import { SANCTION_NAMES_ZH } from '../../../../workflows/sanctions';

const CONCLUSIONS: Record<string, { label: string; color: string }> = {
  NO_ISSUE: { label: '未发现问题', color: 'green' },
  ISSUES: { label: '发现问题', color: 'orange' },
  SUSPECTED_FRAUD: { label: '涉嫌欺诈骗保', color: 'red' },
};

const KINDS: Record<string, string> = {
  ROUTINE: '日常检查',
  SPECIAL: '专项检查',
  FLIGHT: '飞行检查',
};

/** docs/domain.md §5 sanctions by their names in Decree 735 (the service's own table). */
const SANCTIONS: Readonly<Record<string, string>> = SANCTION_NAMES_ZH;

/** 检查结果公开 (一公开, no sign-in): published inspection results; nothing personal. */
export function InspectionResultsPage() {
  const [year, setYear] = useState<number | undefined>();
  const [page, setPage] = useState(1);
  useEffect(() => {
    document.title = '检查结果公开 - 区医疗保障局';
  }, []);
  const results = useQuery({
    queryKey: ['public', 'inspection-results', year, page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      fromApi<Page<PublicResult>>(
        await unwrap(
          api.GET('/api/v1/public/inspection-results', {
            params: { query: { year, page, pageSize: 20 } },
          }),
        ),
      ),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        定点医药机构检查结果公开
      </Typography.Title>
      <Card
        title={
          <Space>
            <span id="year-label">年度</span>
            <InputNumber
              aria-labelledby="year-label"
              min={2000}
              max={2100}
              placeholder="全部"
              value={year}
              onChange={(y) => {
                setYear(y ?? undefined);
                setPage(1);
              }}
            />
          </Space>
        }
      >
        <Table<PublicResult>
          rowKey={(r) => `${r.institutionCode}/${r.inspectedOn}/${r.publishedAt}`}
          data-testid="inspection-results"
          loading={results.isFetching}
          dataSource={results.data?.items ?? []}
          locale={{ emptyText: emptyText('暂无公开的检查结果') }}
          pagination={{
            current: page,
            pageSize: 20,
            total: results.data?.total ?? 0,
            onChange: setPage,
            showTotal: (t) => `共 ${t} 条`,
          }}
          columns={[
            { title: '机构名称', dataIndex: 'institutionName' },
            { title: '检查类型', dataIndex: 'kind', render: (k: string) => KINDS[k] ?? k },
            { title: '检查日期', dataIndex: 'inspectedOn' },
            {
              title: '检查结论',
              dataIndex: 'conclusion',
              render: (c: string) => (
                <Tag color={CONCLUSIONS[c]?.color}>{CONCLUSIONS[c]?.label ?? c}</Tag>
              ),
            },
            { title: '问题摘要', dataIndex: 'findingsSummary' },
            {
              title: '处理结果',
              dataIndex: 'sanctions',
              render: (list: PublicResult['sanctions']) =>
                list.length === 0
                  ? '–'
                  : list
                      .map(
                        (s) =>
                          `${SANCTIONS[s.type] ?? s.type}${s.amount ? ` ${formatMoney(s.amount)}元` : ''}`,
                      )
                      .join('；'),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
