import { EditOutlined, EyeOutlined, HomeOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { HistoryTimeline } from '../../app/components/history-timeline';
import { OccupancyTable } from '../../app/components/occupancy-table';
import { PageHeader } from '../../app/components/page-header';
import { PlateTags } from '../../app/components/tags';
import { keys } from '../../app/data';
import { errorText, useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { IdType, Person, PersonUnit } from '../../app/types';
import { IdCopies } from './id-copies';
import { AddOccupancyModal } from './occupancy-dialogs';
import { PersonFields } from './person-fields';

interface EditValues {
  version: number;
  name: string;
  gender: '' | '男' | '女';
  phone: string;
  phone2: string;
  idType: IdType;
  idNumber?: string;
  notes: string;
  plates: string[];
}

// The ID number is left empty: the form only ever sees the masked value, and an
// untouched field must not overwrite the stored number with asterisks.
const editValues = (p: Person): EditValues => ({
  version: p.version,
  name: p.name,
  gender: p.gender as EditValues['gender'],
  phone: p.phone,
  phone2: p.phone2,
  idType: p.idType as IdType,
  idNumber: '',
  notes: p.notes,
  plates: p.plates,
});

function IdNumber({ person }: { person: Person }) {
  const t = useT();
  const can = useCan();
  const { modal } = App.useApp();
  const report = useErrorReporter();
  const qc = useQueryClient();
  const reveal = useMutation({
    mutationFn: () => api.post<{ idNumber: string }>(`/api/people/${person.id}/reveal-id`),
    onError: (e) => report(e),
    // the view itself is a recorded event: show it in the history beside the record
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.personHistory(person.id) }),
  });
  if (!person.idNumber) return <>—</>;
  if (reveal.data) {
    return (
      <Space wrap>
        <Typography.Text copyable data-testid="person-id-number-full">
          {reveal.data.idNumber}
        </Typography.Text>
        <Tag color="orange">{t('person.revealLogged')}</Tag>
      </Space>
    );
  }
  return (
    <Space wrap>
      <span data-testid="person-id-number">{person.idNumber}</span>
      {can('pii.id_number') ? (
        <Button
          size="small"
          icon={<EyeOutlined />}
          loading={reveal.isPending}
          data-testid="reveal-id"
          onClick={() =>
            modal.confirm({
              title: t('person.revealTitle'),
              content: t('person.revealWarning'),
              okText: t('person.revealConfirm'),
              cancelText: t('common.cancel'),
              onOk: () => reveal.mutate(),
            })
          }
        >
          {t('person.reveal')}
        </Button>
      ) : null}
    </Space>
  );
}

export default function PersonPage() {
  const { id = '' } = useParams();
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const q = useQuery({ queryKey: keys.person(id), queryFn: () => api.get<Person>(`/api/people/${id}`) });

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const p = q.data;
  const writable = can('directory.write');
  // the API stores gender as the Chinese word itself
  const genderLabel = (g: string) => (g === '男' ? t('gender.male') : g === '女' ? t('gender.female') : '—');

  return (
    <div>
      <PageHeader
        title={p.name}
        sub={t('person.title')}
        testId="person-title"
        extra={
          writable ? (
            <>
              <Button icon={<HomeOutlined />} onClick={() => setAdding(true)}>
                {t('person.addUnit')}
              </Button>
              <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            </>
          ) : null
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card size="small" title={t('person.facts')}>
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2 }}
              items={[
                { key: 'name', label: t('field.personName'), children: p.name },
                { key: 'gender', label: t('field.gender'), children: genderLabel(p.gender) },
                { key: 'phone', label: t('field.phone'), children: p.phone || '—' },
                { key: 'phone2', label: t('field.phone2'), children: p.phone2 || '—' },
                { key: 'idType', label: t('field.idType'), children: t(`idType.${p.idType as IdType}`) },
                { key: 'idNumber', label: t('field.idNumber'), children: <IdNumber person={p} /> },
                {
                  key: 'plates',
                  label: t('field.plates'),
                  children: p.plates.length ? <PlateTags plates={p.plates} /> : '—',
                },
                { key: 'notes', label: t('field.notes'), children: p.notes || '—', span: 'filled' },
              ]}
            />
          </Card>
          <OccupancyTable<PersonUnit>
            title={t('person.units')}
            rows={p.units}
            who={(o) => `${p.name} · ${o.unitNumber}`}
            lead={[
              {
                title: t('field.unit'),
                dataIndex: 'unitNumber',
                render: (_, o) => <Link to={`/units/${o.unitId}`}>{o.unitNumber}</Link>,
              },
              { title: t('field.project'), dataIndex: 'projectName' },
            ]}
          />
          <IdCopies person={p} />
        </Col>
        <Col xs={24} xl={8}>
          <HistoryTimeline queryKey={keys.personHistory(id)} path={`/api/people/${id}/history`} />
        </Col>
      </Row>

      <FormModal<EditValues>
        title={t('person.editTitle', { name: p.name })}
        open={editing}
        onClose={() => setEditing(false)}
        width={720}
        initialValues={editValues(p)}
        reload={async () => editValues((await q.refetch()).data ?? p)}
        onSubmit={async ({ idNumber, ...rest }) => {
          const body = idNumber ? { ...rest, idNumber } : rest;
          await api.patch(`/api/people/${p.id}`, body);
          await Promise.all([
            qc.invalidateQueries({ queryKey: keys.person(id) }),
            qc.invalidateQueries({ queryKey: keys.personHistory(id) }),
            qc.invalidateQueries({ queryKey: ['unit'] }),
            qc.invalidateQueries({ queryKey: ['lookup'] }),
          ]);
        }}
      >
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <PersonFields idHint={t('person.idNumberKeep', { masked: p.idNumber || '—' })} />
      </FormModal>
      <AddOccupancyModal open={adding} onClose={() => setAdding(false)} personId={p.id} />
    </div>
  );
}
