import { EditOutlined, KeyOutlined, PlusOutlined, StopOutlined, UnlockOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { PersonPicker, ProjectMultiSelect, StaffPicker } from '../../app/components/pickers';
import { findInPagedCache, usePagedList, useProjects } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Role, User } from '../../app/types';

const ROLES: Role[] = [
  'receptionist',
  'service_supervisor',
  'project_manager',
  'department_head',
  'technician',
  'gate_guard',
  'quality_officer',
  'company_leader',
  'company_admin',
  'resident',
];

interface CreateValues {
  username: string;
  password: string;
  role: Role;
  displayName: string;
  allProjects: boolean;
  projectIds?: string[];
  staffId?: string;
  personId?: string;
}

interface EditValues {
  version: number;
  role: Role;
  displayName: string;
  allProjects: boolean;
  projectIds?: string[];
}

const editValues = (u: User): EditValues => ({
  version: u.version,
  role: u.role,
  displayName: u.displayName,
  allProjects: u.allProjects,
  projectIds: u.projectIds,
});

/** Scope fields shared by create and edit: "all projects" or a chosen list. */
function ScopeFields() {
  const t = useT();
  return (
    <>
      <Form.Item name="allProjects" label={t('users.allProjects')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item noStyle dependencies={['allProjects']}>
        {({ getFieldValue }) =>
          getFieldValue('allProjects') ? null : (
            <Form.Item name="projectIds" label={t('field.projects')} rules={[{ required: true, message: t('users.projectsRequired') }]}>
              <ProjectMultiSelect />
            </Form.Item>
          )
        }
      </Form.Item>
    </>
  );
}

export default function UsersPage() {
  const t = useT();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const report = useErrorReporter();
  const users = usePagedList<User>(['users', 'list'], '/api/users', { limit: 50 });
  const projects = useProjects();
  const projectName = new Map((projects.data ?? []).map((p) => [p.id, p.name]));
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
  const refresh = () => qc.invalidateQueries({ queryKey: ['users'] });

  /** One-click account actions (disable, unlock) carry the version they were read at. */
  const quickPatch = async (u: User, patch: Record<string, unknown>, done: string) => {
    try {
      await api.patch(`/api/users/${u.id}`, { version: u.version, ...patch });
      message.success(done);
    } catch (e) {
      report(e, { onReload: refresh });
    }
    await refresh();
  };

  return (
    <div>
      <PageHeader
        title={t('users.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('users.new')}
          </Button>
        }
      />
      {users.isError ? <Alert type="error" showIcon title={errorText(users.error, t)} /> : null}
      <Table<User>
        rowKey="id"
        loading={users.isPending}
        dataSource={users.items}
        pagination={false}
        scroll={{ x: 960 }}
        columns={[
          { title: t('field.username'), dataIndex: 'username' },
          { title: t('field.displayName'), dataIndex: 'displayName' },
          { title: t('field.role'), dataIndex: 'role', render: (r: Role) => t(`role.${r}`) },
          {
            title: t('field.projects'),
            dataIndex: 'projectIds',
            render: (_, u) =>
              u.allProjects ? (
                <Tag color="blue">{t('common.allProjects')}</Tag>
              ) : (
                u.projectIds.map((id) => <Tag key={id}>{projectName.get(id) ?? id}</Tag>)
              ),
          },
          {
            title: t('field.status'),
            key: 'status',
            render: (_, u) => (
              <Space size={4} wrap>
                {u.active ? <Tag color="green">{t('users.enabled')}</Tag> : <Tag>{t('users.disabled')}</Tag>}
                {u.lockedUntil > Date.now() ? <Tag color="red">{t('users.lockedUntil', { at: formatDateTime(u.lockedUntil) })}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, u) => (
              <Space size={0} wrap>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(u)}>
                  {t('common.edit')}
                </Button>
                <Button size="small" type="link" icon={<KeyOutlined />} onClick={() => setResetting(u)}>
                  {t('users.resetPassword')}
                </Button>
                {u.lockedUntil > Date.now() ? (
                  <Button
                    size="small"
                    type="link"
                    icon={<UnlockOutlined />}
                    onClick={() => quickPatch(u, { unlock: true }, t('users.unlocked'))}
                  >
                    {t('users.unlock')}
                  </Button>
                ) : null}
                {u.active ? (
                  <Button
                    size="small"
                    type="link"
                    danger
                    icon={<StopOutlined />}
                    onClick={() =>
                      modal.confirm({
                        title: t('users.disableTitle', { name: u.username }),
                        content: t('users.disableBody'),
                        okText: t('users.disable'),
                        okButtonProps: { danger: true },
                        cancelText: t('common.cancel'),
                        onOk: () => quickPatch(u, { active: false }, t('users.disabledDone')),
                      })
                    }
                  >
                    {t('users.disable')}
                  </Button>
                ) : (
                  <Button size="small" type="link" onClick={() => quickPatch(u, { active: true }, t('users.enabledDone'))}>
                    {t('users.enable')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <LoadMore
        hasMore={users.hasNextPage}
        loading={users.isFetchingNextPage}
        onLoad={() => users.fetchNextPage()}
        count={users.items.length}
      />

      <FormModal<CreateValues>
        title={t('users.new')}
        open={creating}
        onClose={() => setCreating(false)}
        width={560}
        initialValues={{ role: 'receptionist', allProjects: false, displayName: '' }}
        onSubmit={async ({ allProjects, projectIds, ...v }) => {
          await api.post('/api/users', {
            ...v,
            projectIds: allProjects ? undefined : projectIds,
            staffId: v.role === 'resident' ? undefined : v.staffId,
            personId: v.role === 'resident' ? v.personId : undefined,
          });
          await refresh();
        }}
      >
        <Form.Item
          name="username"
          label={t('field.username')}
          extra={t('users.usernameHint')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input maxLength={32} autoComplete="off" />
        </Form.Item>
        <Form.Item name="password" label={t('field.initialPassword')} rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="displayName" label={t('field.displayName')}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="role" label={t('field.role')} rules={[{ required: true }]}>
          <Select options={roleOptions} />
        </Form.Item>
        <Form.Item noStyle dependencies={['role']}>
          {({ getFieldValue }) =>
            getFieldValue('role') === 'resident' ? (
              <Form.Item name="personId" label={t('users.person')} rules={[{ required: true, message: t('form.required') }]}>
                <PersonPicker />
              </Form.Item>
            ) : (
              <Form.Item name="staffId" label={t('users.staff')}>
                <StaffPicker allowClear />
              </Form.Item>
            )
          }
        </Form.Item>
        <ScopeFields />
      </FormModal>

      <FormModal<EditValues>
        title={editing ? t('users.edit', { name: editing.username }) : ''}
        open={!!editing}
        onClose={() => setEditing(null)}
        width={560}
        initialValues={editing ? editValues(editing) : undefined}
        reload={async () => {
          await refresh();
          const fresh = findInPagedCache<User>(qc, ['users', 'list'], (x) => x.id === editing?.id);
          return fresh ? editValues(fresh) : {};
        }}
        onSubmit={async ({ allProjects, projectIds, ...v }) => {
          if (!editing) return;
          await api.patch(`/api/users/${editing.id}`, { ...v, projectIds: allProjects ? null : projectIds });
          await refresh();
        }}
      >
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item name="displayName" label={t('field.displayName')}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="role" label={t('field.role')}>
          <Select options={roleOptions} />
        </Form.Item>
        <ScopeFields />
      </FormModal>

      <FormModal<{ password: string; confirm: string }>
        title={resetting ? t('users.resetTitle', { name: resetting.username }) : ''}
        open={!!resetting}
        onClose={() => setResetting(null)}
        onSubmit={async (v) => {
          if (!resetting) return;
          await api.patch(`/api/users/${resetting.id}`, { version: resetting.version, password: v.password });
          message.success(t('users.passwordReset'));
          await refresh();
        }}
      >
        <Form.Item name="password" label={t('field.newPassword')} rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('field.confirmPassword')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('form.required') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </FormModal>
    </div>
  );
}
