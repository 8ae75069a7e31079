import { Card, Typography } from 'antd';
import { useAccount } from '../auth/account';

/** The home of a user whose role has no work queue here yet (e.g. an administrator). */
export function WelcomePage() {
  const account = useAccount();
  return (
    <Card>
      <Typography.Title level={4}>您好，{account.data?.displayName}</Typography.Title>
      <Typography.Paragraph>请从左侧菜单选择要办理的事项。</Typography.Paragraph>
    </Card>
  );
}
