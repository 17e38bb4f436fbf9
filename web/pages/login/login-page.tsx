import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { homePath, useMe, useSignIn } from '../../app/auth';
import { LangSwitch } from '../../app/components/lang-switch';
import { errorText } from '../../app/forms';
import { PageSpin } from '../../app/guards';
import { useT } from '../../app/i18n';
import type { Me } from '../../app/types';

/** Only same-site paths: a crafted ?next= must not send the user elsewhere after login. */
function safeNext(next: string | null, me: Me): string {
  // The site's root asks for no page in particular: each user lands on their own home.
  if (!next?.startsWith('/') || next === '/' || next.startsWith('//') || next.startsWith('/login')) return homePath(me);
  const residentPath = next === '/m' || next.startsWith('/m/');
  return residentPath === (me.role === 'resident') ? next : homePath(me);
}

export default function LoginPage() {
  const t = useT();
  const me = useMe();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (me.isPending) return <PageSpin />;
  if (me.data) return <Navigate to={safeNext(params.get('next'), me.data)} replace />;

  const onFinish = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const user = await signIn(v.username.trim(), v.password);
      navigate(safeNext(params.get('next'), user), { replace: true });
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-wrap">
      <Card className="login-card">
        <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.title')}
          </Typography.Title>
          <LangSwitch />
        </Flex>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
