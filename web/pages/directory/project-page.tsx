import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Breadcrumb, Button, Descriptions, Form, Input, InputNumber, Table } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { PageHeader } from '../../app/components/page-header';
import { keys, useProjects } from '../../app/data';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Building } from '../../app/types';

interface BuildingValues {
  version?: number;
  code?: string;
  name: string;
  floors: number;
}

export default function ProjectPage() {
  const { projectId = '' } = useParams();
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const projects = useProjects();
  const project = projects.data?.find((p) => p.id === projectId);
  const buildings = useQuery({
    queryKey: keys.buildings(projectId),
    queryFn: () => api.get<Building[]>('/api/buildings', { projectId }),
  });
  const [editing, setEditing] = useState<Building | 'new' | null>(null);
  const manage = can('structure.manage');

  const reloadValues = async (id: string): Promise<Partial<BuildingValues>> => {
    const b = ((await buildings.refetch()).data ?? []).find((x) => x.id === id);
    return b ? { version: b.version, name: b.name, floors: b.floors } : {};
  };

  return (
    <div>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to="/projects">{t('nav.projects')}</Link> }, { title: project?.name ?? '…' }]}
      />
      <PageHeader
        title={project?.name ?? '…'}
        sub={project ? `${project.code} · ${project.address}` : undefined}
        extra={
          manage ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('buildings.new')}
            </Button>
          ) : null
        }
      />
      {project ? (
        <Descriptions
          size="small"
          style={{ marginBottom: 16 }}
          column={{ xs: 1, sm: 3 }}
          items={[
            { key: 'b', label: t('field.buildingCount'), children: project.buildingCount },
            { key: 'u', label: t('field.unitCount'), children: project.unitCount },
            {
              key: 'h',
              label: t('calendar.businessHours'),
              children: project.businessHours.map(([a, b]) => `${a}–${b}`).join('，'),
            },
          ]}
        />
      ) : null}
      {buildings.isError ? <Alert type="error" showIcon title={errorText(buildings.error, t)} /> : null}
      <Table<Building>
        rowKey="id"
        loading={buildings.isPending}
        dataSource={buildings.data}
        pagination={false}
        scroll={{ x: 560 }}
        onRow={(b) => ({
          onClick: () => navigate(`/projects/${projectId}/buildings/${b.id}`),
          style: { cursor: 'pointer' },
        })}
        columns={[
          { title: t('field.code'), dataIndex: 'code', width: 100 },
          {
            title: t('field.name'),
            dataIndex: 'name',
            render: (_, b) => <Link to={`/projects/${projectId}/buildings/${b.id}`}>{b.name}</Link>,
          },
          { title: t('field.floors'), dataIndex: 'floors', align: 'right', width: 90 },
          {
            title: t('field.unitCount'),
            dataIndex: 'unitCount',
            align: 'right',
            width: 100,
            render: (v?: number) => v ?? '—',
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, b: Building) => (
                    <Button
                      size="small"
                      type="link"
                      icon={<EditOutlined />}
                      onClick={(e) => {
                        e.stopPropagation();
                        setEditing(b);
                      }}
                    >
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <FormModal<BuildingValues>
        title={editing === 'new' ? t('buildings.new') : t('buildings.edit')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        initialValues={editing && editing !== 'new' ? { version: editing.version, name: editing.name, floors: editing.floors } : {}}
        reload={editing && editing !== 'new' ? () => reloadValues(editing.id) : undefined}
        onSubmit={async (v) => {
          if (editing === 'new') await api.post('/api/buildings', { ...v, projectId });
          else if (editing) await api.patch(`/api/buildings/${editing.id}`, v);
          await Promise.all([
            qc.invalidateQueries({ queryKey: keys.buildings(projectId) }),
            qc.invalidateQueries({ queryKey: keys.projects }),
          ]);
        }}
      >
        {editing === 'new' ? (
          <Form.Item name="code" label={t('field.code')} rules={[{ required: true, message: t('form.required') }]}>
            <Input maxLength={20} />
          </Form.Item>
        ) : (
          <Form.Item name="version" hidden>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('field.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="floors" label={t('field.floors')} rules={[{ required: true, message: t('form.required') }]}>
          <InputNumber min={1} max={200} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </FormModal>
    </div>
  );
}
