import { Alert, Space, Typography } from 'antd';
import { CaseQueryTable } from '../../components/CaseQueryTable';

/**
 * 我的检查 (an inspector's inspections): the cases of the teams the inspector was drawn into.
 * Starting the visit and recording the findings happen on the case page (登记检查发现).
 */
export function MyInspectionsPage() {
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        我的检查
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        title="下列为您所在检查组的检查案件。进入案件页开始现场检查、登记检查发现、提交整改复查结果。"
      />
      <CaseQueryTable
        fixed={{ type: 'inspection' }}
        filters={['state', 'status', 'overdue']}
        testId="inspections"
      />
    </Space>
  );
}
