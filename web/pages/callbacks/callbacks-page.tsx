import { CheckCircleOutlined, PhoneOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Collapse, Flex, Form, Input, Radio, Segmented, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAddressParams } from '../../app/address-params';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { usePagedList, useProjects } from '../../app/data';
import { formatDate, formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';

export interface CallbackTask {
  id: string;
  projectId: string;
  requestId: string;
  kind: 'weekly' | 'rework' | 'follow_up';
  kindLabel: string;
  seq: number;
  dueAt: number;
  overdue: boolean;
  status: 'pending' | 'done';
  method: string | null;
  outcome: string | null;
  outcomeLabel: string | null;
  satisfaction: string | null;
  note: string;
  doneAt: number | null;
  doneByName: string | null;
  version: number;
  number: string;
  content: string;
  requesterName: string;
  requesterPhone: string;
  unitNumber: string | null;
  technicianName: string | null;
  completedAt: number | null;
  reworkOf: string | null;
}

interface Recorded extends CallbackTask {
  reworkId: string | null;
  reworkNumber: string | null;
  nextFollowUpAt: number | null;
}

interface Draw {
  id: string;
  week: string;
  seed: string;
  ratePct: number;
  population: number;
  drawn: string[];
  reproduced: boolean;
  createdAt: number;
}

interface ResultValues {
  method: string;
  outcome: string;
  satisfaction?: string;
  note?: string;
}

const SATISFACTION: Record<string, MessageKey> = {
  satisfied: 'callbacks.sat.satisfied',
  basically_satisfied: 'callbacks.sat.basically',
  dissatisfied: 'callbacks.sat.dissatisfied',
};

/** R-RP-7/8: the service center's callback tasks — weekly sample, 24-hour rework callbacks, major-defect visits. */
export default function CallbacksPage() {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const projects = useProjects();
  const [params, set] = useAddressParams();
  const projectId = params.get('projectId') || projects.data?.[0]?.id;
  const status = (params.get('status') as 'pending' | 'done' | null) ?? 'pending';
  const kind = params.get('kind') ?? undefined;
  const list = usePagedList<CallbackTask>(['callbacks'], '/api/callbacks', { projectId, status, kind, limit: 50 }, !!projectId);
  const draws = useQuery({
    queryKey: ['callback-draws', projectId],
    queryFn: () => api.get<Draw[]>('/api/callback-draws', { projectId }),
    enabled: !!projectId,
  });
  const [recording, setRecording] = useState<CallbackTask | null>(null);
  const writable = can('callback.record');

  const submit = async (v: ResultValues) => {
    if (!recording) return;
    const r = await api.post<Recorded>(`/api/callbacks/${recording.id}/result`, {
      version: recording.version,
      method: v.method,
      outcome: v.outcome,
      satisfaction: v.outcome === 'reached' || v.outcome === 'defect_persists' ? v.satisfaction : undefined,
      note: (v.note ?? '').trim(),
    });
    setRecording(null);
    if (r.reworkNumber) message.warning(t('callbacks.reworkCreated', { number: r.reworkNumber }));
    else if (r.nextFollowUpAt) message.success(t('callbacks.nextVisit', { date: formatDate(r.nextFollowUpAt) }));
    else message.success(t('callbacks.saved'));
    await qc.invalidateQueries({ queryKey: ['callbacks'] });
  };

  const followUp = recording?.kind === 'follow_up';

  return (
    <div>
      <PageHeader title={t('callbacks.title')} sub={t('callbacks.sub')} />
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <ProjectSelect value={projectId} onChange={(v) => set('projectId', v)} style={{ width: 180 }} />
        <Segmented
          value={status}
          onChange={(v) => set('status', v === 'pending' ? undefined : String(v))}
          options={[
            { value: 'pending', label: t('callbacks.pending') },
            { value: 'done', label: t('callbacks.done') },
          ]}
          data-testid="callbacks-status"
        />
        <Select
          allowClear
          placeholder={t('callbacks.allKinds')}
          value={kind}
          onChange={(v) => set('kind', v)}
          style={{ width: 200 }}
          options={[
            { value: 'weekly', label: t('callbacks.kind.weekly') },
            { value: 'rework', label: t('callbacks.kind.rework') },
            { value: 'follow_up', label: t('callbacks.kind.follow_up') },
          ]}
        />
      </Flex>
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, t)} /> : null}
      <Table<CallbackTask>
        rowKey="id"
        size="middle"
        loading={list.isPending && !!projectId}
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 900 }}
        data-testid="callbacks-table"
        columns={[
          {
            title: t('callbacks.col.kind'),
            key: 'kind',
            width: 150,
            render: (_, r) => (
              <Flex vertical gap={2}>
                <Tag color={r.kind === 'rework' ? 'red' : r.kind === 'follow_up' ? 'orange' : 'blue'}>{r.kindLabel}</Tag>
                {r.kind === 'follow_up' ? <Typography.Text type="secondary">{t('callbacks.visitNo', { n: r.seq })}</Typography.Text> : null}
              </Flex>
            ),
          },
          {
            title: t('callbacks.col.order'),
            key: 'order',
            render: (_, r) => (
              <Flex vertical gap={2}>
                <Link to={`/requests/${r.requestId}`}>{r.number}</Link>
                <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                  {r.content}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: t('callbacks.col.resident'),
            key: 'resident',
            render: (_, r) => (
              <Flex vertical gap={2}>
                <span>
                  {r.unitNumber ?? ''} {r.requesterName}
                </span>
                {r.requesterPhone ? (
                  <a href={`tel:${r.requesterPhone}`}>
                    <PhoneOutlined /> {r.requesterPhone}
                  </a>
                ) : null}
              </Flex>
            ),
          },
          { title: t('callbacks.col.technician'), dataIndex: 'technicianName', width: 100 },
          {
            title: status === 'pending' ? t('callbacks.col.due') : t('callbacks.col.doneAt'),
            key: 'due',
            width: 170,
            render: (_, r) =>
              status === 'pending' ? (
                <Flex vertical gap={2}>
                  <span>{formatDateTime(r.dueAt)}</span>
                  {r.overdue ? <Tag color="error">{t('callbacks.overdue')}</Tag> : null}
                </Flex>
              ) : (
                <Flex vertical gap={2}>
                  <span>{formatDateTime(r.doneAt)}</span>
                  <Typography.Text type="secondary">{r.doneByName}</Typography.Text>
                </Flex>
              ),
          },
          status === 'pending'
            ? {
                title: '',
                key: 'act',
                width: 120,
                render: (_, r) =>
                  writable ? (
                    <Button type="primary" size="small" onClick={() => setRecording(r)} data-testid={`callback-record-${r.number}`}>
                      {t('callbacks.record')}
                    </Button>
                  ) : null,
              }
            : {
                title: t('callbacks.col.result'),
                key: 'result',
                render: (_, r) => (
                  <Flex vertical gap={2}>
                    <span>
                      {r.outcomeLabel}
                      {r.satisfaction && SATISFACTION[r.satisfaction] ? ` · ${t(SATISFACTION[r.satisfaction] as MessageKey)}` : ''}
                    </span>
                    <Typography.Text type="secondary">{r.note}</Typography.Text>
                  </Flex>
                ),
              },
        ]}
      />
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />

      <Collapse
        style={{ marginTop: 24 }}
        items={[
          {
            key: 'draws',
            label: t('callbacks.draws'),
            children: (
              <Flex vertical gap={8}>
                <Typography.Paragraph type="secondary">{t('callbacks.drawsHelp')}</Typography.Paragraph>
                {(draws.data ?? []).map((d) => (
                  <Card key={d.id} size="small" data-testid="callback-draw">
                    <Flex gap={16} wrap align="center">
                      <strong>{t('callbacks.week', { week: d.week })}</strong>
                      <span>{t('callbacks.drawFigures', { population: d.population, drawn: d.drawn.length, rate: d.ratePct })}</span>
                      <Typography.Text code copyable>
                        {d.seed}
                      </Typography.Text>
                      {d.reproduced ? (
                        <Tag icon={<CheckCircleOutlined />} color="success">
                          {t('callbacks.reproduced')}
                        </Tag>
                      ) : (
                        <Tag color="error">{t('callbacks.notReproduced')}</Tag>
                      )}
                      <Link to={`/callbacks?projectId=${projectId}&status=done`}>{t('callbacks.seeResults')}</Link>
                    </Flex>
                  </Card>
                ))}
                {draws.data?.length === 0 ? <Typography.Text type="secondary">{t('callbacks.noDraws')}</Typography.Text> : null}
              </Flex>
            ),
          },
        ]}
      />

      <FormModal<ResultValues>
        title={recording ? `${t('callbacks.record')} · ${recording.number}` : ''}
        open={!!recording}
        onClose={() => setRecording(null)}
        initialValues={{ method: followUp ? 'visit' : 'phone', outcome: followUp ? 'observe' : 'reached' }}
        onSubmit={submit}
        testId="callback-modal"
      >
        {(form) => (
          <>
            {recording ? (
              <Typography.Paragraph>
                {recording.kindLabel} · {recording.unitNumber} {recording.requesterName} · {recording.content}
              </Typography.Paragraph>
            ) : null}
            <Form.Item name="method" label={t('callbacks.method')} rules={[{ required: true }]}>
              <Radio.Group
                options={[
                  { value: 'phone', label: t('callbacks.method.phone') },
                  { value: 'visit', label: t('callbacks.method.visit') },
                  { value: 'online', label: t('callbacks.method.online') },
                  { value: 'questionnaire', label: t('callbacks.method.questionnaire') },
                ]}
              />
            </Form.Item>
            <Form.Item name="outcome" label={t('callbacks.outcome')} rules={[{ required: true }]}>
              <Radio.Group
                data-testid="callback-outcome"
                options={
                  followUp
                    ? [
                        { value: 'closed', label: t('callbacks.outcome.closed') },
                        { value: 'observe', label: t('callbacks.outcome.observe') },
                        { value: 'defect_persists', label: t('callbacks.outcome.defect') },
                      ]
                    : [
                        { value: 'reached', label: t('callbacks.outcome.reached') },
                        { value: 'unreachable', label: t('callbacks.outcome.unreachable') },
                        { value: 'defect_persists', label: t('callbacks.outcome.defect') },
                      ]
                }
              />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.outcome !== b.outcome}>
              {() =>
                ['reached', 'defect_persists'].includes(form.getFieldValue('outcome')) && !followUp ? (
                  <Form.Item
                    name="satisfaction"
                    label={t('callbacks.satisfaction')}
                    rules={[{ required: form.getFieldValue('outcome') === 'reached', message: t('callbacks.satisfactionRequired') }]}
                  >
                    <Radio.Group
                      data-testid="callback-satisfaction"
                      options={Object.entries(SATISFACTION).map(([value, key]) => ({ value, label: t(key) }))}
                    />
                  </Form.Item>
                ) : null
              }
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.outcome !== b.outcome}>
              {() => (
                <Form.Item
                  name="note"
                  label={t('callbacks.note')}
                  rules={[{ required: form.getFieldValue('outcome') === 'defect_persists', message: t('callbacks.noteRequired') }]}
                  extra={form.getFieldValue('outcome') === 'defect_persists' ? t('callbacks.defectHint') : undefined}
                >
                  <Input.TextArea rows={3} maxLength={1000} data-testid="callback-note" />
                </Form.Item>
              )}
            </Form.Item>
          </>
        )}
      </FormModal>
    </div>
  );
}
