import { Card, Empty } from 'antd';

export function CaseListPage() {
  return (
    <Card>
      <Empty description="建设中" />
    </Card>
  );
}
