import { Card, Empty } from 'antd';

export function StreetCasesPage() {
  return (
    <Card>
      <Empty description="建设中" />
    </Card>
  );
}
