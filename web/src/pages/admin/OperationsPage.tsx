import { ApiOutlined, DashboardOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Card, Space, Typography } from 'antd';
import { api, unwrap } from '../../api/client';

/**
 * 系统运维 (ADMIN): the queue dashboard (bull-board at /admin/queues, opened with a cookie the
 * service sets for this token) and the API documentation.
 */
export function OperationsPage() {
  const { message } = App.useApp();
  const open = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/admin/queues-session')),
    onSuccess: () => window.location.assign('/admin/queues'),
    onError: (e) => void message.error(`无法打开队列监控：${e.message}`),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        系统运维
      </Typography.Title>
      <Card title="后台任务队列">
        <Typography.Paragraph>
          查看期限到期、通知发送等后台任务的排队、失败与重试情况。
        </Typography.Paragraph>
        <Button
          type="primary"
          icon={<DashboardOutlined />}
          loading={open.isPending}
          onClick={() => open.mutate()}
          data-testid="open-queues"
        >
          打开队列监控
        </Button>
      </Card>
      <Card title="接口文档">
        <Button icon={<ApiOutlined />} href="/docs" target="_blank">
          打开接口文档（OpenAPI）
        </Button>
      </Card>
    </Space>
  );
}
