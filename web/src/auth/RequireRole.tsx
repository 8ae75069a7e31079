import { Result } from 'antd';
import { type ReactNode, Suspense, useEffect } from 'react';
import type { Role } from '../api/types';
import { ROLE_LABELS } from '../labels';
import { PageLoading } from '../components/PageLoading';
import { hasAnyRole, useAccount } from './account';

/** A page only for some roles: anyone else sees 无权访问 naming who may open it. */
export function RequireRole(props: {
  roles: readonly Role[] | undefined;
  title: string;
  children: ReactNode;
}) {
  const account = useAccount();
  useEffect(() => {
    document.title = `${props.title} - 医疗保障业务工作台`;
  }, [props.title]);
  if (!account.data) {
    return <PageLoading />;
  }
  if (!hasAnyRole(account.data, props.roles)) {
    return (
      <Result
        status="403"
        title="无权访问"
        subTitle={`“${props.title}”仅限${(props.roles ?? []).map((r) => ROLE_LABELS[r]).join('、')}使用。`}
        data-testid="forbidden"
      />
    );
  }
  return <Suspense fallback={<PageLoading />}>{props.children}</Suspense>;
}
