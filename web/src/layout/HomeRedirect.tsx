import { Navigate } from 'react-router';
import { useAccount } from '../auth/account';
import { PageLoading } from '../components/PageLoading';
import { homeFor } from '../routes';

/** `/`: each role starts on its own page (routes.tsx HOME_BY_ROLE). */
export function HomeRedirect() {
  const account = useAccount();
  if (!account.data) {
    return <PageLoading />;
  }
  return <Navigate to={homeFor(account.data.roles)} replace />;
}
