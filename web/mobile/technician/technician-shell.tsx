import { DesktopOutlined } from '@ant-design/icons';
import { Button, Flex, Layout } from 'antd';
import { Suspense } from 'react';
import { Link, Outlet, useNavigate } from 'react-router';
import { LangSwitch } from '../../app/components/lang-switch';
import { UserMenu } from '../../app/components/user-menu';
import { PageSpin } from '../../app/guards';
import { useT } from '../../app/i18n';
import { LiveProvider } from '../../app/live';

/** The technician's phone: one column, the orders first; the full console stays one tap away. */
export default function TechnicianShell() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <LiveProvider>
      <Layout className="shell tech-shell">
        <Layout.Header className="shell-header tech-header">
          <Link to="/w" className="brand tech-brand" data-testid="tech-home">
            <span className="brand-mark">{t('app.logo')}</span>
            <span className="brand-name">{t('tech.title')}</span>
          </Link>
          <Flex align="center" gap={4}>
            <Button
              type="text"
              icon={<DesktopOutlined />}
              aria-label={t('tech.console')}
              title={t('tech.console')}
              onClick={() => navigate('/')}
              data-testid="tech-console"
            />
            <LangSwitch />
            <UserMenu passwordPath="/w/password" compact />
          </Flex>
        </Layout.Header>
        <Layout.Content className="tech-content">
          <Suspense fallback={<PageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </LiveProvider>
  );
}
