import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type {
  CapitationInstitutionReport,
  CapitationMonth,
  CapitationRate,
  CapitationReport,
} from '../../api/views';
import { formatMoney } from '../../labels';
import { stateLabel, useWorkflow } from '../../workflow/workflows';

/** Column headers on one line: the tables scroll sideways instead. */
const NOWRAP = { onHeaderCell: () => ({ style: { whiteSpace: 'nowrap' as const } }) };

const STEP_LABELS: Readonly<Record<string, string>> = {
  BUDGET: '基金预算总额',
  RISK_RESERVE: '扣除风险金后',
  SIGN_UP_FEES: '预算签约服务费总额',
  NET: '可用于基础人头费',
  PER_PERSON: '人均',
  CAP: '基础人头费（限额后）',
};

/** A balance in red when the institution spent more than it was prepaid (超支). */
function Balance({ value }: { value: string }) {
  return (
    <span style={{ color: value.startsWith('-') ? '#a8071a' : undefined }}>
      {formatMoney(value)}
    </span>
  );
}

function RateCard({ rate }: { rate: CapitationRate }) {
  return (
    <Card title={`${rate.year} 年基础人头费`} size="small" data-testid="capitation-rate">
      <Space size="large" wrap>
        <Statistic title="基础人头费（元/人/年）" value={rate.baseCapitation} />
        <Statistic title="签约服务费基金支付（元/人/年）" value={rate.fundSignUpFee} />
        {rate.capped && <Tag color="orange">已按限额封顶</Tag>}
      </Space>
      <Table
        size="small"
        rowKey="step"
        pagination={false}
        style={{ marginTop: 16 }}
        dataSource={rate.steps}
        columns={[
          { title: '步骤', render: (_, s) => STEP_LABELS[s.step] ?? s.step, ...NOWRAP },
          { title: '计算', dataIndex: 'detail' },
          {
            title: '结果（元）',
            align: 'right',
            render: (_, s) => formatMoney(s.amount),
            ...NOWRAP,
          },
          { title: '依据', dataIndex: 'rule' },
        ]}
      />
      <Typography.Text type="secondary">
        签约年度自 {rate.startDate} 起；政策版本 {rate.policyVersion}
      </Typography.Text>
    </Card>
  );
}

function Months({ institution }: { institution: CapitationInstitutionReport }) {
  // The states' zh-CN names come from the workflow description, as on every case page.
  const settlement = useWorkflow('capitation-settlement');
  return (
    <Table<CapitationMonth>
      size="small"
      rowKey="month"
      pagination={false}
      dataSource={institution.months.filter((m) => m.caseId !== null || m.spent !== '0.00')}
      locale={{ emptyText: '本年度尚无结算或支出' }}
      columns={[
        { title: '月份', render: (_, m) => `${m.month} 月`, ...NOWRAP },
        {
          title: '结算案件',
          render: (_, m) =>
            m.caseId ? (
              <Link to={`/cases/${m.caseId}`}>
                {m.state ? stateLabel(settlement.data, m.state) : '查看'}
              </Link>
            ) : (
              '未结算'
            ),
          ...NOWRAP,
        },
        { title: '应结基础人头费', align: 'right', render: (_, m) => formatMoney(m.settled) },
        { title: '已预付', align: 'right', render: (_, m) => formatMoney(m.prepaid) },
        { title: '签约服务费', align: 'right', render: (_, m) => formatMoney(m.signUpFeePaid) },
        { title: '实际支出', align: 'right', render: (_, m) => formatMoney(m.spent) },
        { title: '结余', align: 'right', render: (_, m) => <Balance value={m.balance} /> },
      ]}
    />
  );
}

/**
 * 门诊按人头付费 (managers): the year's base capitation with how it was computed, and per
 * institution and month what was prepaid, what was spent and the balance so far.
 */
export function CapitationPage() {
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const rate = useQuery({
    queryKey: ['capitation', 'rate', year],
    retry: false,
    queryFn: async () =>
      unwrap(api.GET('/api/v1/capitation/rates/{year}', { params: { path: { year } } })),
  });
  const reconciliation = useWorkflow('capitation-reconciliation');
  const report = useQuery({
    queryKey: ['capitation', 'report', year],
    enabled: rate.isSuccess,
    queryFn: async (): Promise<CapitationReport> =>
      unwrap(api.GET('/api/v1/capitation/report', { params: { query: { year } } })),
  });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          门诊按人头付费
        </Typography.Title>
        <Select
          aria-label="年度"
          style={{ width: 120 }}
          value={year}
          onChange={(y: number) => setYear(y)}
          options={[thisYear - 1, thisYear, thisYear + 1].map((y) => ({
            value: y,
            label: `${y} 年`,
          }))}
        />
      </Space>
      {rate.isError && (
        <Alert type="info" showIcon message={`政策未配置 ${year} 年的按人头付费标准`} />
      )}
      {rate.data && <RateCard rate={rate.data} />}
      {report.data && (
        <Card title="年度累计（按机构、按月）" size="small" data-testid="capitation-report">
          <Descriptions size="small" column={3} style={{ marginBottom: 16 }}>
            <Descriptions.Item label="已预付">{formatMoney(report.data.prepaid)}</Descriptions.Item>
            <Descriptions.Item label="实际支出">{formatMoney(report.data.spent)}</Descriptions.Item>
            <Descriptions.Item label="结余">
              <Balance value={report.data.balance} />
            </Descriptions.Item>
          </Descriptions>
          <Table<CapitationInstitutionReport>
            size="small"
            rowKey="institutionCode"
            pagination={false}
            dataSource={report.data.institutions}
            locale={{ emptyText: '本年度尚无签约机构' }}
            expandable={{ expandedRowRender: (i) => <Months institution={i} /> }}
            scroll={{ x: true }}
            columns={[
              { title: '机构', render: (_, i) => `${i.institutionName}（${i.institutionCode}）` },
              { title: '签约人数', dataIndex: 'signedPersons', align: 'right', ...NOWRAP },
              { title: '已预付', align: 'right', render: (_, i) => formatMoney(i.prepaid) },
              { title: '实际支出', align: 'right', render: (_, i) => formatMoney(i.spent) },
              { title: '结余', align: 'right', render: (_, i) => <Balance value={i.balance} /> },
              {
                title: '年终清算',
                render: (_, i) =>
                  i.reconciliationCaseId ? (
                    <Link to={`/cases/${i.reconciliationCaseId}`}>
                      {stateLabel(reconciliation.data, i.reconciliationState ?? '')}
                    </Link>
                  ) : (
                    '–'
                  ),
                ...NOWRAP,
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

/**
 * The managers' dashboard card: this year's capitation so far (prepaid, spent, balance) with a
 * link to the page; nothing when the policy has no figures for the year or nothing happened yet.
 */
export function CapitationYearCard() {
  const year = new Date().getFullYear();
  const report = useQuery({
    queryKey: ['capitation', 'report', year],
    retry: false,
    queryFn: async (): Promise<CapitationReport> =>
      unwrap(api.GET('/api/v1/capitation/report', { params: { query: { year } } })),
  });
  if (!report.data || report.data.institutions.length === 0) {
    return null;
  }
  return (
    <Card
      title={`门诊按人头付费（${year}年累计）`}
      extra={<Link to="/manager/capitation">按机构、按月查看</Link>}
      data-testid="capitation-year"
    >
      <Space size="large" wrap>
        <Statistic title="已预付基础人头费" value={formatMoney(report.data.prepaid)} />
        <Statistic title="实际门诊统筹支出" value={formatMoney(report.data.spent)} />
        <Statistic
          title="结余"
          value={formatMoney(report.data.balance)}
          valueStyle={report.data.balance.startsWith('-') ? { color: '#a8071a' } : {}}
        />
        <Statistic title="签约机构" value={report.data.institutions.length} />
      </Space>
    </Card>
  );
}
