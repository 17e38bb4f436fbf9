import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Select, Table } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { useDepartments, useProjects } from '../../app/data';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Department, DepartmentCode } from '../../app/types';

export const DEPARTMENT_CODES: DepartmentCode[] = [
  'service',
  'engineering',
  'security',
  'environment',
  'finance',
  'company_service',
  'quality',
  'pr',
  'hr',
  'leadership',
];

/** '' in the form stands for a company-level department (projectId null in the API). */
interface DeptValues {
  version?: number;
  projectId?: string;
  code?: DepartmentCode;
  name: string;
  duties: string;
  phone: string;
}

export default function DepartmentsPage() {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const projectId = params.get('projectId') ?? undefined;
  const departments = useDepartments(projectId);
  const projects = useProjects();
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const manage = can('org.manage');

  const reloadValues = async (id: string): Promise<Partial<DeptValues>> => {
    const d = ((await departments.refetch()).data ?? []).find((x) => x.id === id);
    return d ? { version: d.version, name: d.name, duties: d.duties, phone: d.phone } : {};
  };

  return (
    <div>
      <PageHeader
        title={t('departments.title')}
        extra={
          <>
            <ProjectSelect
              value={projectId}
              emptyOption={t('common.allProjects')}
              onChange={(id) => setParams(id ? { projectId: id } : {}, { replace: true })}
            />
            {manage ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                {t('departments.new')}
              </Button>
            ) : null}
          </>
        }
      />
      {departments.isError ? <Alert type="error" showIcon title={errorText(departments.error, t)} /> : null}
      <Table<Department>
        rowKey="id"
        loading={departments.isPending}
        dataSource={departments.data}
        pagination={false}
        scroll={{ x: 720 }}
        columns={[
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('field.departmentKind'), dataIndex: 'code', render: (c: DepartmentCode) => t(`department.${c}`) },
          {
            title: t('field.project'),
            dataIndex: 'projectName',
            render: (v: string | null) => v ?? t('departments.companyLevel'),
          },
          { title: t('field.phone'), dataIndex: 'phone' },
          { title: t('field.duties'), dataIndex: 'duties', ellipsis: true },
          { title: t('field.staffCount'), dataIndex: 'staffCount', align: 'right', width: 90 },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, d: Department) => (
                    <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(d)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <FormModal<DeptValues>
        title={editing === 'new' ? t('departments.new') : t('departments.edit')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        initialValues={
          editing && editing !== 'new'
            ? { version: editing.version, name: editing.name, duties: editing.duties, phone: editing.phone }
            : { projectId: projectId ?? '', duties: '', phone: '' }
        }
        reload={editing && editing !== 'new' ? () => reloadValues(editing.id) : undefined}
        onSubmit={async (v) => {
          if (editing === 'new') await api.post('/api/departments', { ...v, projectId: v.projectId || null });
          else if (editing) await api.patch(`/api/departments/${editing.id}`, v);
          await qc.invalidateQueries({ queryKey: ['departments'] });
        }}
      >
        {editing === 'new' ? (
          <>
            <Form.Item name="projectId" label={t('field.project')}>
              <Select
                options={[
                  { value: '', label: t('departments.companyLevel') },
                  ...(projects.data ?? []).map((p) => ({ value: p.id, label: p.name })),
                ]}
              />
            </Form.Item>
            <Form.Item name="code" label={t('field.departmentKind')} rules={[{ required: true, message: t('form.required') }]}>
              <Select options={DEPARTMENT_CODES.map((c) => ({ value: c, label: t(`department.${c}`) }))} />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="version" hidden>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('field.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="phone" label={t('field.phone')}>
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="duties" label={t('field.duties')}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
      </FormModal>
    </div>
  );
}
