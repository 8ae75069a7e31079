import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Dropdown,
  Form,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, toProblem, unwrap } from '../../api/client';
import { asWorkflowType, fromApi, type WorkflowType } from '../../api/types';
import type { IndicatorReport, OverdueItem, SlaSummary } from '../../api/views';
import { formatTime } from '../../labels';
import { useStreetName } from '../../streets';
import { CapitationYearCard } from './CapitationPage';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const DAY = 86_400_000;

/** Column headers on one line (短表头不折行): the tables scroll sideways instead. */
const NOWRAP = { onHeaderCell: () => ({ style: { whiteSpace: 'nowrap' as const } }) };

/** A share as a percentage, one decimal (超期率, 综合保障率). */
function pct(share: string | number | null | undefined): string {
  return share === null || share === undefined ? '–' : `${(Number(share) * 100).toFixed(1)}%`;
}

/** A duration in the unit a reader expects (秒, 分钟, 小时, 天). */
function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '–';
  }
  const s = Math.round(ms / 1000);
  if (s < 60) {
    return `${s}秒`;
  }
  if (s < 3600) {
    return `${Math.round(s / 60)}分钟`;
  }
  if (s < 86400) {
    return `${(s / 3600).toFixed(1)}小时`;
  }
  return `${(s / 86400).toFixed(1)}天`;
}

interface Range {
  type?: WorkflowType;
  from: string;
  to: string;
}

/** The SLA figures per stage as a horizontal bar chart (Chart.js, loaded with this page only). */
function DurationsChart({ summary }: { summary: SlaSummary }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) {
      return undefined;
    }
    const labels = new Map(summary.byWorkflow.map((w) => [w.type, w.label]));
    const finished = summary.byState.filter((r) => r.closedInRange > 0);
    const longest = Math.max(0, ...finished.map((r) => r.durationP90Ms ?? 0));
    const [unit, size] =
      longest >= 2 * DAY
        ? ['天', DAY]
        : longest >= 2 * 3_600_000
          ? ['小时', 3_600_000]
          : longest >= 120_000
            ? ['分钟', 60_000]
            : ['秒', 1000];
    const scaled = (ms: number | null) =>
      ms === null ? null : Math.round((ms / size) * 100) / 100;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: finished.map((r) => `${labels.get(r.type) ?? r.type}·${r.label}`),
        datasets: [
          {
            label: `用时中位数（${unit}）`,
            data: finished.map((r) => scaled(r.durationP50Ms)),
            backgroundColor: '#1677ff',
          },
          {
            label: `用时P90（${unit}）`,
            data: finished.map((r) => scaled(r.durationP90Ms)),
            backgroundColor: '#fa8c16',
          },
        ],
      },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
  }, [summary]);
  return (
    <div style={{ position: 'relative', height: 320 }}>
      <canvas id="durations-chart" ref={canvas} aria-label="各环节办理用时图" role="img" />
    </div>
  );
}

/** Saves a report the API renders as CSV or Excel (the same figures as on the page). */
async function download(
  call: Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallback: string,
): Promise<void> {
  const { data, error, response } = await call;
  if (!response.ok || !data) {
    throw new ApiError(toProblem(error, response.status));
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = name ?? fallback;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * 业务督办看板 (the managers' SLA dashboard at `/dashboard`): KPIs, open and overdue per stage,
 * durations, the overdue cases (each opens the case page), streets by name with the relief
 * indicators, caseworkers, and the exports. Every figure is the API's own.
 */
export function DashboardPage() {
  const { message } = App.useApp();
  const streetName = useStreetName();
  const today = dayjs().format('YYYY-MM-DD');
  const [range, setRange] = useState<Range>({
    from: dayjs().subtract(29, 'day').format('YYYY-MM-DD'),
    to: today,
  });
  const year = Number(range.to.slice(0, 4));

  const summary = useQuery({
    queryKey: ['sla', 'summary', range],
    queryFn: async () =>
      fromApi<SlaSummary>(
        await unwrap(api.GET('/api/v1/sla/summary', { params: { query: range } })),
      ),
  });
  const overdue = useQuery({
    queryKey: ['sla', 'overdue', range.type],
    queryFn: async () =>
      fromApi<{ items: OverdueItem[]; total: number }>(
        await unwrap(
          api.GET('/api/v1/sla/overdue', {
            params: { query: { pageSize: 100, type: range.type } },
          }),
        ),
      ),
  });
  const indicators = useQuery({
    queryKey: ['sla', 'indicators', year],
    queryFn: async () =>
      fromApi<IndicatorReport>(
        await unwrap(api.GET('/api/v1/sla/relief-indicators', { params: { query: { year } } })),
      ),
  });

  const refresh = () => {
    void summary.refetch();
    void overdue.refetch();
    void indicators.refetch();
  };

  const exportReport = (key: string) => {
    const run = async () => {
      if (key === 'summary-xlsx' || key === 'summary-csv') {
        const format = key === 'summary-csv' ? 'csv' : 'xlsx';
        await download(
          api.GET('/api/v1/sla/summary', {
            params: { query: { ...range, format } },
            parseAs: 'blob',
          }),
          `sla-summary.${format}`,
        );
      } else if (key === 'overdue-xlsx') {
        await download(
          api.GET('/api/v1/sla/overdue', {
            params: { query: { format: 'xlsx' } },
            parseAs: 'blob',
          }),
          'sla-overdue.xlsx',
        );
      } else {
        await download(
          api.GET('/api/v1/sla/relief-indicators', {
            params: { query: { year, format: 'xlsx' } },
            parseAs: 'blob',
          }),
          `relief-indicators-${year}.xlsx`,
        );
      }
    };
    run().catch((e: unknown) => void message.error(`导出失败：${String(e)}`));
  };

  const s = summary.data;
  const workflowLabel = new Map<string, string>(
    (s?.byWorkflow ?? []).map((w) => [w.type, w.label]),
  );
  const indicatorByStreet = new Map(
    (indicators.data?.streets ?? []).map((r) => [r.streetCode ?? '', r]),
  );
  const streetCodes = [
    ...new Set([
      ...(s?.byStreet ?? []).map((r) => r.streetCode ?? ''),
      ...(indicators.data?.streets ?? []).map((r) => r.streetCode ?? ''),
    ]),
  ];
  const late = (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="dashboard">
      <Card>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            业务督办看板
          </Typography.Title>
          <Form layout="inline" aria-label="统计条件">
            <Form.Item label="流程">
              <Select
                allowClear
                aria-label="流程"
                placeholder="全部流程"
                style={{ width: 180 }}
                value={range.type}
                onChange={(type?: string) => setRange({ ...range, type: asWorkflowType(type) })}
                options={(s?.byWorkflow ?? []).map((w) => ({ value: w.type, label: w.label }))}
              />
            </Form.Item>
            <Form.Item label="统计区间">
              <DatePicker.RangePicker
                allowClear={false}
                value={[dayjs(range.from), dayjs(range.to)]}
                onChange={(dates) => {
                  const [from, to] = dates ?? [null, null];
                  if (from && to) {
                    setRange({
                      ...range,
                      from: from.format('YYYY-MM-DD'),
                      to: to.format('YYYY-MM-DD'),
                    });
                  }
                }}
              />
            </Form.Item>
            <Space>
              <Button icon={<ReloadOutlined />} onClick={refresh}>
                刷新
              </Button>
              <Dropdown
                menu={{
                  onClick: ({ key }) => exportReport(key),
                  items: [
                    { key: 'summary-xlsx', label: '汇总 Excel' },
                    { key: 'summary-csv', label: '汇总 CSV' },
                    { key: 'overdue-xlsx', label: '超期清单 Excel' },
                    { key: 'indicators-xlsx', label: '救助指标 Excel' },
                  ],
                }}
              >
                <Button icon={<DownloadOutlined />}>导出</Button>
              </Dropdown>
            </Space>
          </Form>
        </Space>
      </Card>

      {summary.error && (
        <Card>
          <Typography.Text type="danger">加载失败：{summary.error.message}</Typography.Text>
        </Card>
      )}

      <Row gutter={16}>
        {[
          ['在办案件', s?.totals.open, 'kpi-open'],
          ['超期在办', s?.totals.overdue, 'kpi-overdue'],
          ['区间办结', s?.totals.closedInRange, 'kpi-closed'],
          ['办结超期率', pct(s?.totals.breachRate), 'kpi-breach'],
          ['办结用时中位数', duration(s?.totals.durationP50Ms), 'kpi-p50'],
        ].map(([title, value, id]) => (
          <Col key={String(id)} flex="1">
            <Card>
              <Statistic
                title={title}
                value={value ?? '–'}
                valueStyle={id === 'kpi-overdue' && Number(value) > 0 ? { color: '#cf1322' } : {}}
                valueRender={(node) => <span data-testid={String(id)}>{node}</span>}
              />
            </Card>
          </Col>
        ))}
      </Row>

      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Card title="在办与超期（按流程与环节）">
            <Table
              size="small"
              pagination={false}
              rowKey={(r) => `${r.type}/${r.state}`}
              data-testid="states"
              loading={summary.isFetching}
              dataSource={s?.byState ?? []}
              columns={[
                {
                  title: '流程',
                  dataIndex: 'type',
                  render: (t: string) => workflowLabel.get(t) ?? t,
                },
                {
                  title: '环节',
                  dataIndex: 'label',
                  render: (label: string, r) => (r.pausesSla ? `${label}（暂停计时）` : label),
                },
                { ...NOWRAP, title: '在办', dataIndex: 'open', align: 'right' },
                { ...NOWRAP, title: '超期', dataIndex: 'overdue', align: 'right', render: late },
                { ...NOWRAP, title: '区间办结', dataIndex: 'closedInRange', align: 'right' },
                {
                  ...NOWRAP,
                  title: '超期率',
                  dataIndex: 'breachRate',
                  align: 'right',
                  render: pct,
                },
                {
                  title: '用时中位数',
                  dataIndex: 'durationP50Ms',
                  align: 'right',
                  render: duration,
                },
                {
                  ...NOWRAP,
                  title: '用时P90',
                  dataIndex: 'durationP90Ms',
                  align: 'right',
                  render: duration,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title="各环节办理用时（区间内办结）">
            {s && <DurationsChart summary={s} />}
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              暂停计时的环节（如待补正材料）为申请人所用时间，不计入办结用时。
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>

      <Card title={`超期案件（超期最久在前）共 ${overdue.data?.total ?? 0} 件`}>
        <Table<OverdueItem>
          size="small"
          rowKey="caseId"
          data-testid="overdue-list"
          loading={overdue.isFetching}
          dataSource={overdue.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            {
              title: '案件编号',
              dataIndex: 'caseId',
              render: (id: string) => <Link to={`/cases/${id}`}>{id.slice(0, 8)}</Link>,
            },
            { title: '流程', dataIndex: 'typeLabel' },
            { title: '环节', dataIndex: 'stateLabel' },
            { title: '街道', dataIndex: 'streetCode', render: streetName },
            {
              title: '经办人',
              dataIndex: 'assigneeName',
              render: (n: string | null) => n ?? <Tag>未分派</Tag>,
            },
            { title: '到期时间', dataIndex: 'dueAt', render: formatTime },
            {
              title: '已超期',
              dataIndex: 'overdueMs',
              align: 'right',
              render: (ms: number) => (
                <Typography.Text type="danger">{duration(ms)}</Typography.Text>
              ),
            },
          ]}
        />
      </Card>

      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title={`各街道情况（${year}年救助指标）`}>
            <Table
              size="small"
              pagination={false}
              rowKey={(code) => code}
              data-testid="streets"
              dataSource={streetCodes}
              columns={[
                { title: '街道', key: 'name', render: (_, code) => streetName(code || null) },
                ...(['open', 'overdue', 'closedInRange'] as const).map((k) => ({
                  title: { open: '在办', overdue: '超期', closedInRange: '区间办结' }[k],
                  key: k,
                  align: 'right' as const,
                  render: (_: unknown, code: string) =>
                    s?.byStreet.find((r) => (r.streetCode ?? '') === code)?.[k] ?? 0,
                })),
                {
                  title: '救助人次',
                  key: 'cases',
                  align: 'right',
                  render: (_, code) => indicatorByStreet.get(code)?.cases ?? '–',
                },
                {
                  title: '综合保障率',
                  key: 'coverage',
                  align: 'right',
                  render: (_, code) => {
                    const i = indicatorByStreet.get(code);
                    return (
                      <Typography.Text type={i?.meetsCoverageGoal === false ? 'danger' : undefined}>
                        {pct(i?.coverageRate)}
                      </Typography.Text>
                    );
                  },
                },
                {
                  title: '个人负担率',
                  key: 'burden',
                  align: 'right',
                  render: (_, code) => {
                    const i = indicatorByStreet.get(code);
                    return (
                      <Typography.Text type={i?.meetsBurdenGoal === false ? 'danger' : undefined}>
                        {pct(i?.burdenRate)}
                      </Typography.Text>
                    );
                  },
                },
              ]}
            />
            {indicators.data && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                目标：综合保障率 ≥ {pct(indicators.data.goals.coverageGoal)}，个人负担率 ≤{' '}
                {pct(indicators.data.goals.burdenGoal)}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title="经办人">
            <Table
              size="small"
              pagination={false}
              rowKey={(r) => r.assigneeId ?? 'none'}
              dataSource={s?.byAssignee ?? []}
              columns={[
                {
                  title: '经办人',
                  key: 'name',
                  render: (_, r) => (r.assigneeId ? (r.displayName ?? '–') : '（未分派）'),
                },
                { title: '在办', dataIndex: 'open', align: 'right' },
                { title: '超期', dataIndex: 'overdue', align: 'right', render: late },
                { title: '区间办结', dataIndex: 'closedInRange', align: 'right' },
                { title: '超期率', dataIndex: 'breachRate', align: 'right', render: pct },
                {
                  title: '平均用时',
                  dataIndex: 'durationMeanMs',
                  align: 'right',
                  render: duration,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>

      <CapitationYearCard />
    </Space>
  );
}
