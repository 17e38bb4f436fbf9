import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Breadcrumb, Button, Form, Input, InputNumber, Table } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { UnitStatusTag } from '../../app/components/tags';
import { keys, usePagedList, useProjects } from '../../app/data';
import { formatArea } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Building, Unit } from '../../app/types';

interface UnitValues {
  entrance: string;
  room: string;
  area: number;
  notes?: string;
}

export default function BuildingPage() {
  const { projectId = '', buildingId = '' } = useParams();
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const project = useProjects().data?.find((p) => p.id === projectId);
  const building = useQuery({
    queryKey: keys.buildings(projectId),
    queryFn: () => api.get<Building[]>('/api/buildings', { projectId }),
    select: (list) => list.find((b) => b.id === buildingId),
  }).data;
  const units = usePagedList<Unit>(keys.units(projectId, buildingId), '/api/units', {
    projectId,
    buildingId,
    limit: 50,
  });
  const [creating, setCreating] = useState(false);

  return (
    <div>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/projects">{t('nav.projects')}</Link> },
          { title: <Link to={`/projects/${projectId}`}>{project?.name ?? '…'}</Link> },
          { title: building?.name ?? '…' },
        ]}
      />
      <PageHeader
        title={building ? `${project?.name ?? ''} ${building.name}` : '…'}
        sub={building ? t('buildings.floorsSub', { n: building.floors }) : undefined}
        extra={
          can('structure.manage') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('units.new')}
            </Button>
          ) : null
        }
      />
      {units.isError ? <Alert type="error" showIcon title={errorText(units.error, t)} /> : null}
      <Table<Unit>
        rowKey="id"
        loading={units.isPending}
        dataSource={units.items}
        pagination={false}
        scroll={{ x: 560 }}
        onRow={(u) => ({ onClick: () => navigate(`/units/${u.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('field.number'), dataIndex: 'number', render: (_, u) => <Link to={`/units/${u.id}`}>{u.number}</Link> },
          { title: t('field.room'), dataIndex: 'room' },
          { title: t('field.floor'), dataIndex: 'floor', align: 'right' },
          { title: t('field.area'), dataIndex: 'area', align: 'right', render: (v: number) => formatArea(v) },
          { title: t('field.status'), dataIndex: 'status', render: (v: string) => <UnitStatusTag status={v} /> },
        ]}
      />
      <LoadMore
        hasMore={units.hasNextPage}
        loading={units.isFetchingNextPage}
        onLoad={() => units.fetchNextPage()}
        count={units.items.length}
      />
      <FormModal<UnitValues>
        title={t('units.new')}
        open={creating}
        onClose={() => setCreating(false)}
        initialValues={{ notes: '' }}
        onSubmit={async (v) => {
          await api.post('/api/units', { ...v, buildingId });
          await Promise.all([
            qc.invalidateQueries({ queryKey: ['units'] }),
            qc.invalidateQueries({ queryKey: keys.buildings(projectId) }),
            qc.invalidateQueries({ queryKey: keys.projects }),
          ]);
        }}
      >
        <Form.Item name="entrance" label={t('field.entrance')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={10} />
        </Form.Item>
        <Form.Item
          name="room"
          label={t('field.room')}
          extra={t('units.roomHint')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input maxLength={5} inputMode="numeric" />
        </Form.Item>
        <Form.Item name="area" label={t('field.areaM2')} rules={[{ required: true, message: t('form.required') }]}>
          <InputNumber min={0.01} max={10000} precision={2} step={0.01} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="notes" label={t('field.notes')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </FormModal>
    </div>
  );
}
