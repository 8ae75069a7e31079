import { DONE_TAG_STYLE } from '../components/doneTag';
import { Col, Descriptions, Row, Statistic, Table, Tag, Tooltip } from 'antd';
import type { ReliefCalculation, ReliefLine } from '../api/types';
import { EXPENSE_KIND_LABELS, formatMoney } from '../labels';

const STEP_LABELS: Record<string, string> = {
  BASE: '救助基数',
  LOOK_BACK_EXCLUDED: '超出追溯期不计',
  OUTSIDE_YEAR_EXCLUDED: '不在救助年度不计',
  RATIO: '按比例救助',
  OUTPATIENT_CAP: '门诊限额',
  ANNUAL_CAP: '年度限额',
};

function percent(ratio: string): string {
  const n = Number(ratio);
  return Number.isFinite(n) ? `${Math.round(n * 10000) / 100}%` : ratio;
}

/** The relief calculation: the totals and, per expense line, the steps with the rules they cite. */
export function CalculationView(props: { calculation: ReliefCalculation; compact?: boolean }) {
  const c = props.calculation;
  return (
    <div data-testid="calculation">
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}>
          <div data-testid="relief-amount">
            <Statistic
              title="救助金额（元）"
              value={formatMoney(c.reliefAmount)}
              styles={{ content: { color: '#cf1322' } }}
            />
          </div>
        </Col>
        <Col span={8}>
          <Statistic title="救助基数（元）" value={formatMoney(c.eligibleBase)} />
        </Col>
        <Col span={8}>
          <Statistic title="救助比例" value={percent(c.ratio)} />
        </Col>
      </Row>
      <Descriptions size="small" column={props.compact ? 1 : 4} bordered>
        <Descriptions.Item label="住院救助">
          {formatMoney(c.inpatientReliefAmount)}
        </Descriptions.Item>
        <Descriptions.Item label="门诊救助">
          {formatMoney(c.outpatientReliefAmount)}
        </Descriptions.Item>
        <Descriptions.Item label="年度剩余额度">
          {c.annualCapRemaining === null ? '不设限额' : formatMoney(c.annualCapRemaining)}
        </Descriptions.Item>
        <Descriptions.Item label="救助后个人负担">
          {formatMoney(c.personalBurdenAfter)}
        </Descriptions.Item>
      </Descriptions>
      {!props.compact && (
        <Table<ReliefLine>
          style={{ marginTop: 16 }}
          size="small"
          rowKey="expenseIndex"
          pagination={false}
          dataSource={c.lines}
          columns={[
            { title: '序号', render: (_, l) => l.expenseIndex + 1, width: 60 },
            { title: '类型', render: (_, l) => EXPENSE_KIND_LABELS[l.kind] },
            { title: '医疗机构', dataIndex: 'institution' },
            { title: '日期', dataIndex: 'decisiveDate' },
            {
              title: '计入',
              render: (_, l) =>
                l.counted ? <Tag style={DONE_TAG_STYLE}>计入</Tag> : <Tag>不计入</Tag>,
            },
            {
              title: '政策内自付',
              render: (_, l) => formatMoney(l.insuranceRemainder),
              align: 'right',
            },
            { title: '救助金额', render: (_, l) => formatMoney(l.reliefAmount), align: 'right' },
            {
              title: '计算步骤',
              render: (_, l) => (
                <span>
                  {l.steps.map((s, i) => (
                    <Tooltip key={i} title={`${s.rule}：${s.detail}`}>
                      <Tag>
                        {STEP_LABELS[s.step] ?? s.step} {formatMoney(s.amount)}
                      </Tag>
                    </Tooltip>
                  ))}
                </span>
              ),
            },
          ]}
        />
      )}
    </div>
  );
}
