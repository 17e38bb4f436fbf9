import { HomeOutlined, QrcodeOutlined, ToolOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { NavLink } from 'react-router';
import { useT } from '../../app/i18n';

/** The resident's places: the units, a new repair, what was reported before, and goods release slips. */
export function ResidentTabs() {
  const t = useT();
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? 'ra-tab active' : 'ra-tab');
  return (
    <nav className="ra-tabbar" data-testid="resident-tabs">
      <NavLink to="/m" end className={cls} data-testid="tab-home">
        <HomeOutlined />
        <span>{t('residentApp.nav.home')}</span>
      </NavLink>
      <NavLink to="/m/report" className={cls} data-testid="tab-report">
        <ToolOutlined />
        <span>{t('residentApp.nav.report')}</span>
      </NavLink>
      <NavLink to="/m/requests" className={cls} data-testid="tab-requests">
        <UnorderedListOutlined />
        <span>{t('residentApp.nav.requests')}</span>
      </NavLink>
      <NavLink to="/m/releases" className={cls} data-testid="tab-releases">
        <QrcodeOutlined />
        <span>{t('nav.residentReleases')}</span>
      </NavLink>
    </nav>
  );
}
