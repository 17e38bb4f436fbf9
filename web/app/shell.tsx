import { MenuOutlined } from '@ant-design/icons';
import { Button, Drawer, Flex, Grid, Layout, Menu, type MenuProps } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { ResidentTabs } from '../mobile/resident/resident-tabs';
import { useCan, useMe } from './auth';
import { LangSwitch } from './components/lang-switch';
import { NotificationBell } from './components/notification-bell';
import { UserMenu } from './components/user-menu';
import { PageSpin } from './guards';
import { useT } from './i18n';
import { LiveProvider } from './live';
import { activeNavPath, isGroup, type NavEntry, STAFF_NAV } from './nav';

function Brand({ collapsed }: { collapsed?: boolean }) {
  const t = useT();
  return (
    <div className="brand">
      <span className="brand-mark">{t('app.logo')}</span>
      {collapsed ? null : <span className="brand-name">{t('app.title')}</span>}
    </div>
  );
}

function useMenuItems(): MenuProps['items'] {
  const t = useT();
  const can = useCan();
  const role = useMe().data?.role;
  return useMemo(() => {
    const shown = (e: NavEntry) => can(e.perm) && (!e.roles || (role !== undefined && e.roles.includes(role)));
    const items: NonNullable<MenuProps['items']> = [];
    for (const e of STAFF_NAV) {
      if (isGroup(e)) {
        const children = e.children.filter(shown).map((c) => ({ key: c.path, icon: c.icon, label: t(c.label) }));
        if (children.length) items.push({ key: e.label, icon: e.icon, label: t(e.label), children });
      } else if (shown(e)) {
        items.push({ key: e.path, icon: e.icon, label: t(e.label) });
      }
    }
    return items;
  }, [t, can, role]);
}

/** The staff console: a side menu on desktops, a drawer on phones (managers look on the go). */
export function StaffShell() {
  const screens = Grid.useBreakpoint();
  const isPhone = screens.md === false;
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const t = useT();
  const items = useMenuItems();
  const active = activeNavPath(pathname);

  const menu = (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={active ? [active] : []}
      defaultOpenKeys={['nav.org', 'nav.settings', 'nav.reports']}
      onClick={({ key }) => {
        navigate(key);
        setDrawerOpen(false);
      }}
      style={{ borderInlineEnd: 'none' }}
      data-testid="side-menu"
    />
  );

  return (
    <LiveProvider>
      <Layout className="shell">
        {isPhone ? null : (
          <Layout.Sider theme="light" collapsible collapsed={collapsed} onCollapse={setCollapsed} width={216} className="shell-sider">
            <Brand collapsed={collapsed} />
            {menu}
          </Layout.Sider>
        )}
        <Layout>
          <Layout.Header className="shell-header">
            <Flex align="center" gap={8}>
              {isPhone ? (
                <>
                  <Button
                    type="text"
                    icon={<MenuOutlined />}
                    aria-label={t('nav.openMenu')}
                    onClick={() => setDrawerOpen(true)}
                    data-testid="menu-toggle"
                  />
                  <Brand />
                </>
              ) : null}
            </Flex>
            <Flex align="center" gap={8} style={{ marginInlineStart: 'auto' }}>
              <NotificationBell compact={isPhone} />
              <LangSwitch />
              <UserMenu passwordPath="/account/password" compact={isPhone} />
            </Flex>
          </Layout.Header>
          <Layout.Content className="shell-content">
            <Suspense fallback={<PageSpin />}>
              <Outlet />
            </Suspense>
          </Layout.Content>
        </Layout>
        {isPhone ? (
          <Drawer
            placement="left"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            size={260}
            title={<Brand />}
            styles={{ body: { padding: 0 } }}
          >
            {menu}
          </Drawer>
        ) : null}
      </Layout>
    </LiveProvider>
  );
}

/** Residents get a single-column phone layout with a tab bar at the bottom. */
export function ResidentShell() {
  return (
    <Layout className="shell resident-shell">
      <Layout.Header className="shell-header">
        <Brand />
        <Flex align="center" gap={8}>
          <LangSwitch />
          <UserMenu passwordPath="/m/password" compact />
        </Flex>
      </Layout.Header>
      <Layout.Content className="resident-content">
        <Suspense fallback={<PageSpin />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
      <ResidentTabs />
    </Layout>
  );
}
