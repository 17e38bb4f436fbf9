import { Button, Flex, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useMe } from './auth';
import { useT } from './i18n';
import type { Permission } from './types';

export function PageSpin() {
  return (
    <Flex justify="center" align="center" style={{ minHeight: 240 }}>
      <Spin size="large" />
    </Flex>
  );
}

/** Staff pages and resident pages are two audiences of one login: each is sent to its own home. */
export function RequireAuth({ audience, children }: { audience: 'staff' | 'resident'; children: ReactNode }) {
  const me = useMe();
  const loc = useLocation();
  const t = useT();
  if (me.isPending) return <PageSpin />;
  if (me.isError) {
    return (
      <Result status="error" title={t('error.loadFailed')} extra={<Button onClick={() => me.refetch()}>{t('common.retry')}</Button>} />
    );
  }
  if (!me.data) {
    const next = encodeURIComponent(loc.pathname + loc.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  const isResident = me.data.role === 'resident';
  if (audience === 'staff' && isResident) return <Navigate to="/m" replace />;
  if (audience === 'resident' && !isResident) return <Navigate to="/" replace />;
  return <>{children}</>;
}

export function RequirePerm({ perm, children }: { perm: Permission; children: ReactNode }) {
  const me = useMe();
  const t = useT();
  if (!me.data?.permissions.includes(perm)) {
    return <Result status="403" title="403" subTitle={t('error.forbidden')} />;
  }
  return <>{children}</>;
}

export function NotFound() {
  const t = useT();
  return <Result status="404" title="404" subTitle={t('error.pageNotFound')} />;
}
