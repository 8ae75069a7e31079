import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { matchPath, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { fromApi, type Page, type CaseView } from '../api/types';
import { hasAnyRole, useAccount, useToken } from '../auth/account';
import { clearToken } from '../auth/session';
import { PageLoading } from '../components/PageLoading';
import { ROLE_LABELS } from '../labels';
import { APP_ROUTES } from '../routes';

/** How many cases wait for the user (the 我的待办 badge), refreshed every minute. */
export function useTaskCount(enabled: boolean) {
  return useQuery({
    queryKey: ['tasks', 'count'],
    enabled,
    refetchInterval: 60_000,
    queryFn: async () =>
      fromApi<Page<CaseView>>(
        await unwrap(api.GET('/api/v1/tasks', { params: { query: { page: 1, pageSize: 1 } } })),
      ).total,
  });
}

/** The signed-in frame (Ant Design Pro style): side menu by role, header with the user. */
export function AppLayout() {
  const token = useToken();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const account = useAccount();
  const user = account.data;
  const menuRoutes = APP_ROUTES.filter((r) => r.menu && hasAnyRole(user, r.roles));
  const showsTasks = menuRoutes.some((r) => r.menu?.badge === 'tasks');
  const taskCount = useTaskCount(token !== null && showsTasks);

  if (!token) {
    const next =
      location.pathname === '/'
        ? ''
        : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }

  const selected = APP_ROUTES.filter((r) => matchPath(r.path, location.pathname)).map(
    (r) => r.path,
  );
  const signOut = () => {
    clearToken();
    queryClient.clear();
    void navigate('/login', { replace: true });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} theme="dark" breakpoint="lg" collapsedWidth={64}>
        <div
          style={{
            height: 56,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            color: '#fff',
            fontWeight: 600,
            fontSize: 16,
            letterSpacing: 1,
            whiteSpace: 'nowrap',
            overflow: 'hidden',
          }}
        >
          医保业务工作台
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected}
          data-testid="side-menu"
          onClick={({ key }) => void navigate(key)}
          items={menuRoutes.map((r) => ({
            key: r.path,
            icon: r.menu?.icon,
            label:
              r.menu?.badge === 'tasks' ? (
                <Space>
                  {r.title}
                  <Badge
                    count={taskCount.data ?? 0}
                    size="small"
                    data-testid="task-count"
                    style={{ boxShadow: 'none' }}
                  />
                </Space>
              ) : (
                r.title
              ),
          }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            boxShadow: '0 1px 4px rgba(0,21,41,.08)',
          }}
        >
          <Typography.Text strong>区医疗保障局 · 医疗救助与基金监管</Typography.Text>
          <Space size="middle" data-testid="current-user">
            <Space size={4}>
              <UserOutlined />
              <span data-testid="display-name">{user?.displayName ?? ''}</span>
            </Space>
            <span>
              {user?.roles.map((r) => (
                <Tag key={r} color="blue">
                  {ROLE_LABELS[r]}
                </Tag>
              ))}
            </span>
            <Button icon={<LogoutOutlined />} onClick={signOut} data-testid="sign-out">
              退出
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
