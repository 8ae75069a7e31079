import { Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { type CaseFilter, CaseQueryTable } from '../../components/CaseQueryTable';

/** The legal office's views of penalty cases: its two duties first, then every case. */
const TABS: ReadonlyArray<{ key: string; label: string; filter: CaseFilter }> = [
  {
    key: 'review',
    label: '待法制审核（处罚建议）',
    filter: { type: 'penalty-case', state: 'legal_review', status: 'active' },
  },
  {
    key: 'hearing',
    label: '听证',
    filter: { type: 'penalty-case', state: 'hearing', status: 'active' },
  },
  { key: 'all', label: '全部处罚案件', filter: { type: 'penalty-case' } },
];

/**
 * 行政处罚案件 (法制): the proposals awaiting legal review (法制审核), the hearings (听证) and
 * every penalty case; the review and the hearing record are sent from the case page.
 */
export function PenaltyCasesPage() {
  const [tab, setTab] = useState('review');
  const current = TABS.find((t) => t.key === tab) ?? TABS[0];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        行政处罚案件
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={TABS.map((t) => ({ key: t.key, label: t.label }))}
      />
      <CaseQueryTable
        key={current.key}
        fixed={current.filter}
        filters={current.key === 'all' ? ['state', 'status', 'overdue'] : ['overdue']}
        testId="penalty-cases"
      />
    </Space>
  );
}
