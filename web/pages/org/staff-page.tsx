import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Form, Input, Select, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectMultiSelect, ProjectSelect, useDebounced } from '../../app/components/pickers';
import { useDepartments, usePagedList, useProjects } from '../../app/data';
import { errorText } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { Staff } from '../../app/types';

interface StaffValues {
  version?: number;
  name: string;
  phone: string;
  departmentId: string;
  title: string;
  projectIds: string[];
  active?: boolean;
}

const valuesOf = (s: Staff): StaffValues => ({
  version: s.version,
  name: s.name,
  phone: s.phone,
  departmentId: s.departmentId,
  title: s.title,
  projectIds: s.projectIds,
  active: s.active,
});

export default function StaffPage() {
  const { t, tx } = useTx();
  const can = useCan();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const projectId = params.get('projectId') ?? undefined;
  const departmentId = params.get('departmentId') ?? undefined;
  const [search, setSearch] = useState(params.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const projects = useProjects();
  const departments = useDepartments(projectId);
  const allDepartments = useDepartments();
  const staff = usePagedList<Staff>(['staff', 'list'], '/api/staff', { projectId, departmentId, q, limit: 50 });
  const [editing, setEditing] = useState<Staff | 'new' | null>(null);
  const manage = can('org.manage');
  const projectName = new Map((projects.data ?? []).map((p) => [p.id, p.name]));

  const setFilter = (key: string, value: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        if (key === 'projectId') next.delete('departmentId');
        return next;
      },
      { replace: true },
    );

  return (
    <div>
      <PageHeader
        title={t('staff.title')}
        extra={
          manage ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('staff.new')}
            </Button>
          ) : null
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('staff.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 240 }}
        />
        <ProjectSelect value={projectId} emptyOption={t('common.allProjects')} onChange={(v) => setFilter('projectId', v)} />
        <Select
          style={{ minWidth: 180 }}
          value={departmentId ?? ''}
          onChange={(v: string) => setFilter('departmentId', v || undefined)}
          options={[
            { value: '', label: t('staff.allDepartments') },
            ...(departments.data ?? []).map((d) => ({
              value: d.id,
              label: d.projectName ? `${d.name} · ${d.projectName}` : d.name,
            })),
          ]}
        />
      </Flex>
      {staff.isError ? <Alert type="error" showIcon title={errorText(staff.error, t)} /> : null}
      <Table<Staff>
        rowKey="id"
        loading={staff.isPending}
        dataSource={staff.items}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: t('field.personName'), dataIndex: 'name' },
          { title: t('field.phone'), dataIndex: 'phone' },
          { title: t('field.department'), dataIndex: 'departmentName' },
          { title: t('field.jobTitle'), dataIndex: 'title' },
          {
            title: t('field.projects'),
            dataIndex: 'projectIds',
            render: (ids: string[]) => ids.map((id) => <Tag key={id}>{projectName.get(id) ?? id}</Tag>),
          },
          {
            title: t('field.account'),
            dataIndex: 'username',
            render: (_, s) => (s.username ? `${s.username}（${s.role ? tx(`role.${s.role}`, s.role) : ''}）` : '—'),
          },
          {
            title: t('field.status'),
            dataIndex: 'active',
            render: (a: boolean) => (a ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>),
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, s: Staff) => (
                    <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(s)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <LoadMore
        hasMore={staff.hasNextPage}
        loading={staff.isFetchingNextPage}
        onLoad={() => staff.fetchNextPage()}
        count={staff.items.length}
      />
      <FormModal<StaffValues>
        title={editing === 'new' ? t('staff.new') : t('staff.edit')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={640}
        initialValues={editing && editing !== 'new' ? valuesOf(editing) : { title: '', projectIds: projectId ? [projectId] : [] }}
        reload={editing && editing !== 'new' ? async () => valuesOf(await api.get<Staff>(`/api/staff/${editing.id}`)) : undefined}
        onSubmit={async (v) => {
          if (editing === 'new') await api.post('/api/staff', v);
          else if (editing) await api.patch(`/api/staff/${editing.id}`, v);
          await Promise.all([qc.invalidateQueries({ queryKey: ['staff'] }), qc.invalidateQueries({ queryKey: ['departments'] })]);
        }}
      >
        {editing !== 'new' ? (
          <Form.Item name="version" hidden>
            <Input />
          </Form.Item>
        ) : null}
        <Form.Item name="name" label={t('field.personName')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="phone" label={t('field.phone')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={20} inputMode="tel" />
        </Form.Item>
        <Form.Item name="departmentId" label={t('field.department')} rules={[{ required: true, message: t('form.required') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={(allDepartments.data ?? []).map((d) => ({
              value: d.id,
              label: `${d.name} · ${d.projectName ?? t('departments.companyLevel')}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="title" label={t('field.jobTitle')}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="projectIds" label={t('field.projects')} extra={t('staff.projectsHint')}>
          <ProjectMultiSelect />
        </Form.Item>
        {editing !== 'new' ? (
          <Form.Item name="active" label={t('field.status')} valuePropName="checked">
            <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
          </Form.Item>
        ) : null}
      </FormModal>
    </div>
  );
}
