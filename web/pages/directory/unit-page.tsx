import { EditOutlined, FileAddOutlined, LinkOutlined, UserAddOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Breadcrumb, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Select, Skeleton } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { HistoryTimeline } from '../../app/components/history-timeline';
import { OccupancyTable } from '../../app/components/occupancy-table';
import { PageHeader } from '../../app/components/page-header';
import { PlateTags, UnitStatusTag } from '../../app/components/tags';
import { keys } from '../../app/data';
import { formatArea } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Occupant, UnitDetail, UnitStatus } from '../../app/types';
import { AddOccupancyModal } from './occupancy-dialogs';
import { UnitRequests } from './unit-requests';

const STATUSES: UnitStatus[] = ['occupied', 'vacant', 'custody', 'decorating'];

interface EditValues {
  version: number;
  area: number;
  status: UnitStatus;
  notes: string;
}

const editValues = (u: UnitDetail): EditValues => ({
  version: u.version,
  area: u.area,
  status: u.status as UnitStatus,
  notes: u.notes,
});

export default function UnitPage() {
  const { id = '' } = useParams();
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const q = useQuery({ queryKey: keys.unit(id), queryFn: () => api.get<UnitDetail>(`/api/units/${id}`) });

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const u = q.data;
  const writable = can('directory.write');

  return (
    <div>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/projects">{t('nav.projects')}</Link> },
          { title: <Link to={`/projects/${u.projectId}`}>{u.projectName}</Link> },
          { title: <Link to={`/projects/${u.projectId}/buildings/${u.buildingId}`}>{u.buildingName}</Link> },
          { title: u.number },
        ]}
      />
      <PageHeader
        title={`${u.projectName} ${u.number}`}
        testId="unit-title"
        extra={
          <>
            {can('request.create') ? (
              <Button icon={<FileAddOutlined />} onClick={() => navigate(`/intake?unitId=${u.id}`)} data-testid="unit-intake">
                {t('intake.fromLookup')}
              </Button>
            ) : null}
            {writable ? (
              <>
                <Button type="primary" icon={<UserAddOutlined />} onClick={() => navigate(`/people/new?unitId=${u.id}`)}>
                  {t('unit.newOccupant')}
                </Button>
                <Button icon={<LinkOutlined />} onClick={() => setAdding(true)}>
                  {t('unit.linkPerson')}
                </Button>
              </>
            ) : null}
            {can('structure.manage') ? (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            ) : null}
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card size="small" title={t('unit.facts')}>
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2, lg: 3 }}
              items={[
                { key: 'project', label: t('field.project'), children: u.projectName },
                { key: 'building', label: t('field.building'), children: u.buildingName },
                { key: 'number', label: t('field.number'), children: u.number },
                { key: 'room', label: t('field.room'), children: u.room },
                { key: 'floor', label: t('field.floor'), children: u.floor },
                { key: 'area', label: t('field.area'), children: formatArea(u.area) },
                { key: 'status', label: t('field.status'), children: <UnitStatusTag status={u.status} /> },
                { key: 'notes', label: t('field.notes'), children: u.notes || '—', span: 'filled' },
              ]}
            />
          </Card>
          <OccupancyTable<Occupant>
            title={t('unit.occupants')}
            rows={u.occupants}
            who={(o) => `${o.name} · ${u.number}`}
            emptyText={t('lookup.noOccupants')}
            rowTestId="occupant-row"
            lead={[
              {
                title: t('field.personName'),
                dataIndex: 'name',
                render: (_, o) => <Link to={`/people/${o.personId}`}>{o.name}</Link>,
              },
            ]}
            details={[
              { title: t('field.phone'), dataIndex: 'phone' },
              { title: t('field.plates'), dataIndex: 'plates', render: (_, o) => <PlateTags plates={o.plates} /> },
            ]}
          />
          {can('request.read') ? <UnitRequests unitId={u.id} /> : null}
        </Col>
        <Col xs={24} xl={8}>
          <HistoryTimeline queryKey={keys.unitHistory(id)} path={`/api/units/${id}/history`} />
        </Col>
      </Row>

      <FormModal<EditValues>
        title={t('unit.editTitle', { unit: u.number })}
        open={editing}
        onClose={() => setEditing(false)}
        initialValues={editValues(u)}
        reload={async () => editValues((await q.refetch()).data ?? u)}
        onSubmit={async (v) => {
          await api.patch(`/api/units/${u.id}`, v);
          await qc.invalidateQueries({ queryKey: keys.unit(id) });
          await qc.invalidateQueries({ queryKey: ['units'] });
        }}
      >
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item name="area" label={t('field.areaM2')} rules={[{ required: true, message: t('form.required') }]}>
          <InputNumber min={0.01} max={10000} precision={2} step={0.01} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="status" label={t('field.status')}>
          <Select options={STATUSES.map((s) => ({ value: s, label: t(`unitStatus.${s}`) }))} />
        </Form.Item>
        <Form.Item name="notes" label={t('field.notes')}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </FormModal>
      <AddOccupancyModal open={adding} onClose={() => setAdding(false)} unitId={u.id} />
    </div>
  );
}
