import { App, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { api } from '../../app/api';
import { PageHeader } from '../../app/components/page-header';
import { useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

export default function PasswordPage() {
  const t = useT();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: Values) => {
    setBusy(true);
    try {
      await api.post('/api/auth/password', { oldPassword: v.oldPassword, newPassword: v.newPassword });
      form.resetFields();
      message.success(t('password.changed'));
    } catch (e) {
      report(e, { form });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PageHeader title={t('nav.password')} />
      <Card style={{ maxWidth: 480 }}>
        <Form form={form} layout="vertical" onFinish={onFinish}>
          <Form.Item name="oldPassword" label={t('field.oldPassword')} rules={[{ required: true, message: t('form.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('field.newPassword')}
            extra={t('password.rule')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('field.confirmPassword')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('form.required') },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('password.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
