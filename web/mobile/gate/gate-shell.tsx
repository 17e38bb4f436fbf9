import { DesktopOutlined, IdcardOutlined } from '@ant-design/icons';
import { Button, Flex, Layout } from 'antd';
import { Suspense } from 'react';
import { Link, Outlet, useNavigate } from 'react-router';
import { LangSwitch } from '../../app/components/lang-switch';
import { UserMenu } from '../../app/components/user-menu';
import { PageSpin } from '../../app/guards';
import { useT } from '../../app/i18n';
import { ReleaseStyles } from '../../pages/frontdesk/release-styles';

/** The gate guard's phone: the scanner first; the staff console stays one tap away. */
export default function GateShell() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Layout className="shell gate-shell">
      <ReleaseStyles />
      <Layout.Header className="shell-header tech-header">
        <Link to="/g" className="brand tech-brand" data-testid="gate-home">
          <span className="brand-mark">{t('app.logo')}</span>
          <span className="brand-name">{t('gate.title')}</span>
        </Link>
        <Flex align="center" gap={4}>
          {/* Visitors are the gate's other daily work: one tap from the scanner. */}
          <Button
            type="text"
            icon={<IdcardOutlined />}
            aria-label={t('gate.visitors')}
            title={t('gate.visitors')}
            onClick={() => navigate('/visitors')}
            data-testid="gate-visitors"
          />
          <Button
            type="text"
            icon={<DesktopOutlined />}
            aria-label={t('gate.console')}
            title={t('gate.console')}
            onClick={() => navigate('/')}
            data-testid="gate-console"
          />
          <LangSwitch />
          <UserMenu passwordPath="/g/password" compact />
        </Flex>
      </Layout.Header>
      <Layout.Content className="gate-content">
        <Suspense fallback={<PageSpin />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
