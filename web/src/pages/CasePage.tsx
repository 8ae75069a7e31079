import { Card, Empty } from 'antd';

export function CasePage() {
  return (
    <Card>
      <Empty description="建设中" />
    </Card>
  );
}
