import { Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { PageLoading } from './components/PageLoading';
import { RequireRole } from './auth/RequireRole';
import { AppLayout } from './layout/AppLayout';
import { HomeRedirect } from './layout/HomeRedirect';
import { NotFoundPage } from './pages/NotFoundPage';
import { LoginPage } from './pages/LoginPage';
import { APP_ROUTES, PUBLIC_LAYOUT, PUBLIC_ROUTES } from './routes';

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/public',
    element: <Suspense fallback={<PageLoading />}>{PUBLIC_LAYOUT}</Suspense>,
    children: [
      { index: true, element: <Navigate to="/public/inspection-results" replace /> },
      ...PUBLIC_ROUTES,
    ],
  },
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <HomeRedirect /> },
      ...APP_ROUTES.map((r) => ({
        path: r.path,
        element: (
          <RequireRole roles={r.roles} title={r.title}>
            {r.element}
          </RequireRole>
        ),
      })),
      { path: '/home', element: <Navigate to="/" replace /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
