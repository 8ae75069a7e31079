import { Alert, Space, Tag, Typography } from 'antd';
import { useAccount } from '../../auth/account';
import { CaseQueryTable } from '../../components/CaseQueryTable';

/**
 * 我的评审 (an expert's hearings): the hardship hearings whose panel the expert sits on (the
 * service shows an expert only those). The opinion is given on the case page (提交评审意见).
 */
export function HearingsPage() {
  const account = useAccount();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        我的评审
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        title="下列为您被抽选为评审专家的困难群众评审案件。点击案件编号进入案件页，在“专家评审中”环节提交评审意见。"
      />
      <CaseQueryTable
        fixed={{ type: 'hardship-hearing' }}
        filters={['state', 'status', 'overdue']}
        testId="hearings"
        actions={(c) => {
          // data.opinions: expert user id -> the opinion (the latest counts).
          const opinions = c.data.opinions;
          const id = account.data?.id;
          const given =
            typeof opinions === 'object' && opinions !== null && id !== undefined && id in opinions;
          // A solid dark green: the light "green" preset is below WCAG contrast here.
          return given ? <Tag color="#237804">已提交意见</Tag> : <Tag>待提交意见</Tag>;
        }}
      />
    </Space>
  );
}
