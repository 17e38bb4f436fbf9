import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Table } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { PageHeader } from '../../app/components/page-header';
import { keys, useProjects } from '../../app/data';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Project } from '../../app/types';

interface ProjectValues {
  version?: number;
  code?: string;
  name: string;
  address: string;
}

export default function ProjectsPage() {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const projects = useProjects();
  const [editing, setEditing] = useState<Project | 'new' | null>(null);
  const manage = can('org.manage');

  const reloadValues = async (id: string): Promise<Partial<ProjectValues>> => {
    const list = (await projects.refetch()).data ?? [];
    const p = list.find((x) => x.id === id);
    return p ? { version: p.version, name: p.name, address: p.address } : {};
  };

  return (
    <div>
      <PageHeader
        title={t('projects.title')}
        extra={
          manage ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('projects.new')}
            </Button>
          ) : null
        }
      />
      {projects.isError ? <Alert type="error" showIcon title={errorText(projects.error, t)} /> : null}
      <Table<Project>
        rowKey="id"
        loading={projects.isPending}
        dataSource={projects.data}
        pagination={false}
        scroll={{ x: 640 }}
        columns={[
          { title: t('field.code'), dataIndex: 'code', width: 100 },
          { title: t('field.name'), dataIndex: 'name', render: (_, p) => <Link to={`/projects/${p.id}`}>{p.name}</Link> },
          { title: t('field.address'), dataIndex: 'address' },
          { title: t('field.buildingCount'), dataIndex: 'buildingCount', align: 'right', width: 100 },
          { title: t('field.unitCount'), dataIndex: 'unitCount', align: 'right', width: 100 },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, p: Project) => (
                    <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(p)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <FormModal<ProjectValues>
        title={editing === 'new' ? t('projects.new') : t('projects.edit')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        initialValues={
          editing && editing !== 'new' ? { version: editing.version, name: editing.name, address: editing.address } : { address: '' }
        }
        reload={editing && editing !== 'new' ? () => reloadValues(editing.id) : undefined}
        onSubmit={async (v) => {
          if (editing === 'new') await api.post('/api/projects', v);
          else if (editing) await api.patch(`/api/projects/${editing.id}`, v);
          await qc.invalidateQueries({ queryKey: keys.projects });
        }}
      >
        {editing === 'new' ? (
          <Form.Item
            name="code"
            label={t('field.code')}
            extra={t('projects.codeHint')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input maxLength={10} style={{ textTransform: 'uppercase' }} />
          </Form.Item>
        ) : (
          <Form.Item name="version" hidden>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('field.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="address" label={t('field.address')}>
          <Input maxLength={200} />
        </Form.Item>
      </FormModal>
    </div>
  );
}
