import { ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Result,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import {
  type CaseView,
  type EventType,
  fromApi,
  type ReliefCalculation,
  type WorkflowDescription,
} from '../api/types';
import { useAccount } from '../auth/account';
import { AttachmentsPanel } from '../cases/AttachmentsPanel';
import { CalculationView } from '../cases/CalculationView';
import { caseSubject, dataObject, dataText } from '../cases/caseText';
import { HistoryTimeline, useCaseHistory } from '../cases/HistoryTimeline';
import { StateFlow } from '../cases/StateFlow';
import { PageLoading } from '../components/PageLoading';
import { TimeLeftText } from '../components/TimeLeftText';
import {
  CATEGORY_LABELS,
  EXPENSE_KIND_LABELS,
  formatMoney,
  formatTime,
  INSURANCE_LABELS,
} from '../labels';
import { EventFormModal } from '../workflow/EventFormModal';
import {
  eventLabel,
  eventSchema,
  stateLabel,
  useWorkflow,
  workflowName,
} from '../workflow/workflows';
import { useStreetName } from '../streets';

const LINK_LABELS: Record<string, string> = {
  hearing: '困难群众评审',
  'hardship-hearing': '困难群众评审',
  relief: '救助申请',
  'relief-application': '救助申请',
  inspection: '监督检查',
  penalty: '行政处罚',
  'penalty-case': '行政处罚',
  'capitation-settlement': '按人头付费月度结算',
  'capitation-reconciliation': '按人头付费年终清算',
};

function label(labels: Readonly<Record<string, string>>, value: unknown): string {
  return typeof value === 'string' ? (labels[value] ?? value) : '–';
}

/** A value of the case's JSON as text ('–' when absent or not text). */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '–';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The money of a relief case as it moves: computed, proposed, approved, paid. */
function amounts(c: CaseView): Array<[string, string]> {
  const calculation = dataObject(c, 'calculation');
  const payment = dataObject(c, 'payment');
  const out: Array<[string, string]> = [];
  if (calculation) {
    out.push(['测算救助金额', formatMoney(calculation.reliefAmount)]);
  }
  if (c.data.proposedAmount !== undefined) {
    out.push(['核定金额', formatMoney(c.data.proposedAmount)]);
  }
  if (c.data.approvedAmount !== undefined) {
    out.push(['批准金额', formatMoney(c.data.approvedAmount)]);
  }
  if (payment) {
    out.push(['已拨付', `${formatMoney(payment.amount)}（凭证 ${textOf(payment.reference)}）`]);
  }
  // 门诊按人头付费: a month's lines, or the year's result (拨付 to, 收回 from, the institution).
  const figures = dataObject(c, 'figures');
  if (figures?.baseCapitation !== undefined) {
    out.push(['基础人头费', formatMoney(figures.baseCapitation)]);
    out.push(['签约服务费（基金支付）', formatMoney(figures.fundSignUpFee)]);
    out.push(['月度结算合计', formatMoney(figures.total)]);
  }
  if (figures?.direction !== undefined) {
    out.push([
      '预付 / 实际支出',
      `${formatMoney(figures.prepaid)} / ${formatMoney(figures.spent)}`,
    ]);
    const verb =
      figures.direction === 'PAY'
        ? '拨付'
        : figures.direction === 'RECOVER'
          ? '收回'
          : '无需拨付或收回';
    out.push(['清算结果', `${verb} ${formatMoney(figures.amount)}`]);
  }
  const transfer = dataObject(c, 'transfer');
  if (transfer) {
    out.push(['已登记', `${formatMoney(transfer.amount)}（凭证 ${textOf(transfer.reference)}）`]);
  }
  return out;
}

function Summary(props: { c: CaseView; workflow: WorkflowDescription | undefined }) {
  const { c } = props;
  const applicant = dataObject(c, 'applicant');
  const institution = dataObject(c, 'institution');
  // An art. 41 penalty case's party: an insured person (ID and phone masked unless the caller
  // may see them in full).
  const person = dataObject(c, 'person');
  const streetName = useStreetName();
  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="case-summary">
      {applicant && (
        <>
          <Descriptions.Item label="申请人">{textOf(applicant.name)}</Descriptions.Item>
          <Descriptions.Item label="身份证号">{textOf(applicant.idNumber)}</Descriptions.Item>
          <Descriptions.Item label="联系电话">{textOf(applicant.phone)}</Descriptions.Item>
          {applicant.category !== undefined && (
            <Descriptions.Item label="申报类别">
              {label(CATEGORY_LABELS, applicant.category)}
            </Descriptions.Item>
          )}
          {applicant.insuranceType !== undefined && (
            <Descriptions.Item label="参保类型">
              {label(INSURANCE_LABELS, applicant.insuranceType)}
            </Descriptions.Item>
          )}
        </>
      )}
      {dataText(c, 'institutionName') && (
        <Descriptions.Item label="签约医疗机构">
          {dataText(c, 'institutionName')}（{dataText(c, 'institutionCode')}）
        </Descriptions.Item>
      )}
      {typeof c.data.month === 'number' && (
        <Descriptions.Item label="结算月份">{c.data.month} 月</Descriptions.Item>
      )}
      {institution && (
        <Descriptions.Item label="医药机构">
          {textOf(institution.name)}
          {institution.code ? `（${textOf(institution.code)}）` : ''}
        </Descriptions.Item>
      )}
      {person && (
        <>
          <Descriptions.Item label="当事人（参保人）">{textOf(person.name)}</Descriptions.Item>
          <Descriptions.Item label="身份证号">{textOf(person.idNumber)}</Descriptions.Item>
          {person.phone !== undefined && (
            <Descriptions.Item label="联系电话">{textOf(person.phone)}</Descriptions.Item>
          )}
        </>
      )}
      {dataText(c, 'summary') && (
        <Descriptions.Item label="案情摘要">{dataText(c, 'summary')}</Descriptions.Item>
      )}
      <Descriptions.Item label="街道">
        {c.streetCode ? streetName(c.streetCode) : '–'}
      </Descriptions.Item>
      <Descriptions.Item label="经办人">
        {c.assigneeName ?? (c.assignee ? '已认领' : '未认领')}
      </Descriptions.Item>
      {typeof c.data.year === 'number' && (
        <Descriptions.Item label="年度">{c.data.year}</Descriptions.Item>
      )}
      {amounts(c).map(([k, v]) => (
        <Descriptions.Item key={k} label={k}>
          <span data-testid={`amount-${k}`}>{v}</span>
        </Descriptions.Item>
      ))}
      <Descriptions.Item label="立案时间">{formatTime(c.createdAt)}</Descriptions.Item>
      <Descriptions.Item label="案件编号">
        <Typography.Text copyable style={{ fontSize: 12 }}>
          {c.id}
        </Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}

function Expenses(props: { c: CaseView }) {
  const expenses = props.c.data.expenses;
  if (!Array.isArray(expenses) || expenses.length === 0) {
    return null;
  }
  const rows = expenses.map((e: unknown, i) => ({ key: i, ...(isRecord(e) ? e : {}) }));
  const money = (field: string) => (_: unknown, r: Record<string, unknown>) =>
    formatMoney(r[field]);
  return (
    <Card title="医疗费用明细" size="small">
      <Table<Record<string, unknown>>
        size="small"
        pagination={false}
        dataSource={rows}
        scroll={{ x: true }}
        columns={[
          { title: '类型', render: (_, r) => label(EXPENSE_KIND_LABELS, r.kind) },
          { title: '医疗机构', render: (_, r) => textOf(r.institution) },
          { title: '日期', render: (_, r) => textOf(r.date) },
          { title: '总费用', render: money('totalCost'), align: 'right' },
          { title: '政策范围内', render: money('inPolicyCost'), align: 'right' },
          { title: '基本医保', render: money('basicInsurancePaid'), align: 'right' },
          { title: '大病保险', render: money('criticalIllnessPaid'), align: 'right' },
          { title: '其他保障', render: money('otherInsurancePaid'), align: 'right' },
        ]}
      />
    </Card>
  );
}

function isCalculation(value: unknown): value is ReliefCalculation {
  return typeof value === 'object' && value !== null && 'reliefAmount' in value && 'lines' in value;
}

/** 案件详情: everything about one case, and one button per event the user may send now. */
export function CasePage() {
  const { id = '' } = useParams();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const account = useAccount();
  const [open, setOpen] = useState<EventType | null>(null);
  const caseQuery = useQuery({
    queryKey: ['case', id],
    queryFn: async () =>
      fromApi<CaseView>(await unwrap(api.GET('/api/v1/cases/{id}', { params: { path: { id } } }))),
  });
  const c = caseQuery.data;
  const workflow = useWorkflow(c?.type);
  const wf = workflow.data;
  const history = useCaseHistory(id, c?.version);

  if (caseQuery.error) {
    const status = caseQuery.error instanceof ApiError ? caseQuery.error.status : 0;
    return (
      <Result
        status={status === 404 ? '404' : status === 403 ? '403' : 'error'}
        title={status === 404 ? '案件不存在，或您无权查看' : '案件加载失败'}
        extra={<Link to="/">返回首页</Link>}
      />
    );
  }
  if (!c) {
    return <PageLoading />;
  }

  const reload = async () => {
    setOpen(null);
    await queryClient.invalidateQueries({ queryKey: ['case', id] });
  };
  const calculation = c.data.calculation;
  const links = Array.isArray(c.data.links) ? c.data.links : [];
  const visited = new Set(
    (history.data ?? []).flatMap((e) => [e.from ?? '', e.to].map((s) => s.split('.')[0])),
  );
  const isAuditor = account.data?.roles.every((r) => r === 'AUDITOR') ?? false;

  return (
    <Space
      orientation="vertical"
      size={16}
      style={{ width: '100%' }}
      data-testid="case-page"
      data-version={c.version}
    >
      <Card
        title={
          <Space wrap>
            <span>{caseSubject(c)}</span>
            <Typography.Text type="secondary">{workflowName(wf?.title, c.type)}</Typography.Text>
            <Tag color={c.status === 'closed' ? 'default' : 'processing'} data-testid="case-state">
              {stateLabel(wf, c.state)}
            </Tag>
            {c.status === 'closed' && <Tag>已办结</Tag>}
          </Space>
        }
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
            刷新
          </Button>
        }
      >
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <div data-testid="case-actions">
            {c.allowedEvents.length === 0 ? (
              <Typography.Text type="secondary">
                {c.status === 'closed' ? '案件已办结。' : '当前状态下您没有可办理的操作。'}
              </Typography.Text>
            ) : (
              <Space wrap>
                <Typography.Text strong>办理：</Typography.Text>
                {c.allowedEvents.map((type, i) => (
                  <Button
                    key={type}
                    type={i === 0 ? 'primary' : 'default'}
                    onClick={() => setOpen(type)}
                    data-event={type}
                  >
                    {eventLabel(wf, type)}
                  </Button>
                ))}
              </Space>
            )}
          </div>
          <Summary c={c} workflow={wf} />
        </Space>
      </Card>

      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card title="办理流程" size="small">
            {wf ? <StateFlow workflow={wf} current={c.state} visited={visited} /> : <PageLoading />}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title="办理期限" size="small" data-testid="deadlines">
            {c.deadlines.length === 0 ? (
              <Typography.Text type="secondary">当前无进行中的期限</Typography.Text>
            ) : (
              c.deadlines.map((d) => (
                <div
                  key={`${d.kind}:${d.name}`}
                  style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}
                >
                  <span>
                    {d.kind === 'state' ? stateLabel(wf, d.name) : d.name}
                    <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                      至 {formatTime(d.dueAt)}
                    </Typography.Text>
                  </span>
                  <TimeLeftText deadline={d} />
                </div>
              ))
            )}
          </Card>
        </Col>
      </Row>

      {isCalculation(calculation) && (
        <Card title="救助测算" size="small">
          <CalculationView calculation={calculation} />
        </Card>
      )}
      <Expenses c={c} />

      {links.length > 0 && (
        <Card title="关联案件" size="small" data-testid="links">
          <Space wrap>
            {links.map((l: unknown, i) => {
              const link = isRecord(l) ? l : {};
              const target = typeof link.caseId === 'string' ? link.caseId : '';
              return (
                <Link key={i} to={`/cases/${target}`}>
                  {typeof link.rel === 'string'
                    ? (LINK_LABELS[link.rel] ?? '关联案件')
                    : '关联案件'}
                  ：{target.slice(0, 8)}
                </Link>
              );
            })}
          </Space>
        </Card>
      )}

      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <HistoryTimeline caseId={c.id} version={c.version} workflow={wf} />
        </Col>
        <Col xs={24} xl={10}>
          <AttachmentsPanel caseId={c.id} canUpload={!isAuditor && c.status === 'active'} />
        </Col>
      </Row>

      {open && (
        <EventFormModal
          caseView={c}
          event={open}
          label={eventLabel(wf, open)}
          schema={eventSchema(wf, c.state, open)}
          onClose={() => setOpen(null)}
          onReload={() => void reload()}
          onDone={(updated) => {
            const done = eventLabel(wf, open);
            setOpen(null);
            // A fetch of the case still in flight would otherwise land after this answer and
            // put the state before the event back on the page.
            void queryClient.cancelQueries({ queryKey: ['case', id] });
            queryClient.setQueryData(['case', id], updated);
            void queryClient.invalidateQueries({ queryKey: ['tasks'] });
            void message.success(`已${done}：${stateLabel(wf, updated.state)}`);
          }}
        />
      )}
      {!wf && workflow.isError && <Empty description="流程说明加载失败" />}
    </Space>
  );
}
