import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useNavigate } from 'react-router';
import { useMe, useSignOut } from '../auth';
import { useT } from '../i18n';

export function UserMenu({ passwordPath, compact }: { passwordPath: string; compact?: boolean }) {
  const t = useT();
  const me = useMe().data;
  const signOut = useSignOut();
  const navigate = useNavigate();
  if (!me) return null;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'who', label: `${me.name}（${t(`role.${me.role}`)}）`, disabled: true },
          { type: 'divider' },
          { key: 'password', icon: <KeyOutlined />, label: t('nav.password') },
          { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), danger: true },
        ],
        onClick: async ({ key }) => {
          if (key === 'password') navigate(passwordPath);
          if (key === 'logout') {
            await signOut();
            navigate('/login', { replace: true });
          }
        },
      }}
    >
      <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
        {compact ? null : me.name}
      </Button>
    </Dropdown>
  );
}
