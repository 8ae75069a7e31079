import { Layout, Menu, Typography } from 'antd';
import { Suspense } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { PageLoading } from '../../components/PageLoading';

/** 信息公开: the bureau's public pages, no sign-in (双随机一公开, 救助公示). */
export function PublicLayout() {
  const location = useLocation();
  const navigate = useNavigate();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', gap: 32, background: '#003a8c' }}
      >
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          区医疗保障局 · 信息公开
        </Typography.Text>
        <Menu
          theme="dark"
          mode="horizontal"
          style={{ flex: 1, background: 'transparent' }}
          selectedKeys={[location.pathname]}
          onClick={({ key }) => void navigate(key)}
          items={[
            { key: '/public/inspection-results', label: '检查结果公开' },
            { key: '/public/relief-notices', label: '医疗救助公示' },
            { key: '/public/special-relief-notices', label: '特殊医疗救助公示' },
          ]}
        />
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        <main>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </main>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center' }}>
        本页信息依法公开，不含个人身份信息。
      </Layout.Footer>
    </Layout>
  );
}
