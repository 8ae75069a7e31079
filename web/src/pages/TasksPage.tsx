import { Card, Empty } from 'antd';

export function TasksPage() {
  return (
    <Card>
      <Empty description="建设中" />
    </Card>
  );
}
