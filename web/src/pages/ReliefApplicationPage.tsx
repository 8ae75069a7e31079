import { Card, Empty } from 'antd';

export function ReliefApplicationPage() {
  return (
    <Card>
      <Empty description="建设中" />
    </Card>
  );
}
