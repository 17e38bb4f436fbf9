import { BarChartOutlined, FileAddOutlined, LinkOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, DatePicker, Flex, Form, Input, InputNumber, Radio, Select, Switch, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { type HTMLAttributes, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAddressParams } from '../../app/address-params';
import { ApiError, api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { useDuration } from '../../app/components/request-tags';
import { usePagedList, useProjects } from '../../app/data';
import { chinaEpoch, formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import { epochOf, pickerNow } from '../../app/picker-time';
import type { Call, CallCreate, CallDirection, Page, RequestSummary } from '../../app/types';

/** The server's rule for either end of a call (calls.schema.ts lineNumber): mobile, landline, 400 number or extension. */
const LINE_RE = /^(1\d{10}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4}|\d{3,8})$/;

interface NewCallValues {
  direction: CallDirection;
  caller: string;
  callee?: string;
  at: Dayjs;
  answered: boolean;
  rings?: number;
  minutes?: number;
  notes?: string;
  requestNumber?: string;
}

interface LinkValues {
  version: number;
  requestNumber?: string;
  notes?: string;
}

/** A request number typed by the receptionist → its id, or a field error under the number. */
async function requestIdOf(number: string | undefined, projectId: string, notFound: (n: string) => string): Promise<string | undefined> {
  const n = (number ?? '').trim().toUpperCase();
  if (!n) return undefined;
  const found = await api.get<Page<RequestSummary>>('/api/requests', { number: n, projectId, limit: 1 });
  const hit = found.items[0];
  if (!hit) throw new ApiError(400, 'invalid_input', '', { requestNumber: notFound(n) });
  return hit.id;
}

/** Manual logging asks for what the receptionist knows (when, answered or not, how long); the API wants instants. */
function toBody(v: NewCallValues, projectId: string, requestId: string | undefined): CallCreate {
  const at = epochOf(v.at);
  const times = v.answered
    ? { answeredAt: at, endedAt: v.minutes ? Math.min(at + v.minutes * 60_000, Date.now()) : undefined }
    : { ringingAt: at };
  return {
    projectId,
    direction: v.direction,
    caller: v.caller.trim(),
    callee: (v.callee ?? '').trim(),
    ...times,
    rings: v.rings ?? undefined,
    notes: (v.notes ?? '').trim(),
    requestId,
  };
}

export default function CallsPage() {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const duration = useDuration();
  const projects = useProjects();
  const [params, set] = useAddressParams();
  const projectId = params.get('projectId') ?? undefined;
  const direction = params.get('direction') ?? undefined;
  const answered = params.get('answered') ?? undefined;
  const day = params.get('date') ?? undefined;
  const from = day ? chinaEpoch(day) : undefined;
  const calls = usePagedList<Call>(['calls'], '/api/calls', {
    projectId,
    direction,
    unanswered: answered === 'no' ? 'true' : answered === 'yes' ? 'false' : undefined,
    from,
    to: from !== undefined ? from + 86_400_000 : undefined,
    limit: 50,
  });
  const [adding, setAdding] = useState(false);
  const [linking, setLinking] = useState<Call | null>(null);
  const writable = can('calls.log');
  const targetProject = projectId ?? projects.data?.[0]?.id;
  const refresh = () => qc.invalidateQueries({ queryKey: ['calls'] });

  return (
    <div>
      <PageHeader
        title={t('calls.title')}
        sub={t('calls.sub')}
        extra={
          <>
            <Button icon={<BarChartOutlined />} onClick={() => navigate('/reports/calls')}>
              {t('nav.callReport')}
            </Button>
            {writable ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="call-add">
                {t('calls.add')}
              </Button>
            ) : null}
          </>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        {(projects.data?.length ?? 0) > 1 ? (
          <ProjectSelect value={projectId} emptyOption={t('common.allProjects')} onChange={(v) => set('projectId', v)} />
        ) : null}
        <Select
          style={{ width: 120 }}
          value={direction ?? ''}
          onChange={(v: string) => set('direction', v || undefined)}
          options={[
            { value: '', label: t('calls.allDirections') },
            { value: 'in', label: t('calls.dir.in') },
            { value: 'out', label: t('calls.dir.out') },
          ]}
        />
        <Select
          style={{ width: 120 }}
          value={answered ?? ''}
          onChange={(v: string) => set('answered', v || undefined)}
          options={[
            { value: '', label: t('calls.allAnswered') },
            { value: 'yes', label: t('calls.answered') },
            { value: 'no', label: t('calls.missed') },
          ]}
        />
        <DatePicker
          placeholder={t('calls.anyDay')}
          onChange={(d) => set('date', d ? d.format('YYYY-MM-DD') : undefined)}
          aria-label={t('field.date')}
        />
      </Flex>
      {calls.isError ? <Alert type="error" showIcon title={errorText(calls.error, t)} /> : null}
      <Table<Call>
        rowKey="id"
        loading={calls.isPending}
        dataSource={calls.items}
        pagination={false}
        scroll={{ x: 1080 }}
        onRow={() => ({ 'data-testid': 'call-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('calls.at'), dataIndex: 'at', width: 150, render: (v: number) => formatDateTime(v) },
          {
            title: t('calls.direction'),
            dataIndex: 'direction',
            width: 80,
            render: (d: CallDirection) => <Tag color={d === 'in' ? 'blue' : 'default'}>{t(`calls.dir.${d}`)}</Tag>,
          },
          { title: t('calls.caller'), dataIndex: 'caller', width: 130 },
          { title: t('calls.callee'), dataIndex: 'callee', width: 120, render: (v: string) => v || '—' },
          {
            title: t('calls.answer'),
            key: 'answered',
            width: 110,
            render: (_, c) =>
              c.answered ? (
                <span>
                  <Tag color="green">{t('calls.answered')}</Tag>
                  {c.rings !== null ? t('calls.rings', { n: c.rings }) : null}
                </span>
              ) : (
                <Tag color="red">{t('calls.missed')}</Tag>
              ),
          },
          {
            title: t('calls.length'),
            key: 'length',
            width: 90,
            render: (_, c) => (c.answeredAt !== null && c.endedAt !== null ? duration(c.endedAt - c.answeredAt) : '—'),
          },
          { title: t('calls.operator'), dataIndex: 'operatorName', width: 90, render: (v: string | null) => v ?? '—' },
          {
            title: t('calls.request'),
            key: 'request',
            width: 200,
            render: (_, c) =>
              c.requestId ? (
                <Flex gap={4} align="center">
                  <Link to={`/requests/${c.requestId}`} className="request-number">
                    {c.requestNumber}
                  </Link>
                  {writable ? (
                    <Button size="small" type="link" onClick={() => setLinking(c)}>
                      {t('common.edit')}
                    </Button>
                  ) : null}
                </Flex>
              ) : writable ? (
                <Flex gap={4} wrap>
                  {can('request.create') ? (
                    <Button
                      size="small"
                      icon={<FileAddOutlined />}
                      onClick={() => {
                        const q = new URLSearchParams({ channel: 'phone', callId: c.id });
                        if (c.direction === 'in' && !c.caller.includes('*')) q.set('phone', c.caller);
                        navigate(`/intake?${q}`);
                      }}
                    >
                      {t('nav.intake')}
                    </Button>
                  ) : null}
                  <Button size="small" icon={<LinkOutlined />} onClick={() => setLinking(c)}>
                    {t('calls.link')}
                  </Button>
                </Flex>
              ) : (
                '—'
              ),
          },
          { title: t('calls.notes'), dataIndex: 'notes', ellipsis: true, render: (v: string) => v || '—' },
        ]}
      />
      <LoadMore
        hasMore={!!calls.hasNextPage}
        loading={calls.isFetchingNextPage}
        onLoad={() => calls.fetchNextPage()}
        count={calls.items.length}
      />

      <FormModal<NewCallValues>
        title={t('calls.add')}
        open={adding}
        onClose={() => setAdding(false)}
        initialValues={{ direction: 'in', answered: true, at: pickerNow() }}
        testId="call-modal"
        onSubmit={async (v) => {
          if (!targetProject) return;
          const requestId = await requestIdOf(v.requestNumber, targetProject, (n) => t('calls.noSuchRequest', { n }));
          await api.post<Call>('/api/calls', toBody(v, targetProject, requestId));
          await refresh();
        }}
      >
        {(form) => (
          <>
            <Form.Item name="direction" label={t('calls.direction')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'in', label: t('calls.dir.in') },
                  { value: 'out', label: t('calls.dir.out') },
                ]}
              />
            </Form.Item>
            <Flex gap={12} wrap>
              <Form.Item
                name="caller"
                label={t('calls.caller')}
                rules={[
                  { required: true, message: t('form.required') },
                  { pattern: LINE_RE, message: t('calls.lineInvalid') },
                ]}
                style={{ flex: '1 1 180px' }}
              >
                <Input inputMode="tel" maxLength={20} data-testid="call-caller" />
              </Form.Item>
              <Form.Item
                name="callee"
                label={t('calls.callee')}
                rules={[{ pattern: LINE_RE, message: t('calls.lineInvalid') }]}
                style={{ flex: '1 1 180px' }}
              >
                <Input inputMode="tel" maxLength={20} />
              </Form.Item>
            </Flex>
            <Form.Item name="at" label={t('calls.at')} rules={[{ required: true, message: t('form.required') }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 220 }} />
            </Form.Item>
            <Form.Item name="answered" label={t('calls.answered')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.answered !== b.answered}>
              {() => (
                <Flex gap={12} wrap>
                  <Form.Item name="rings" label={t('calls.ringsLabel')} extra={t('calls.ringsHint')} style={{ flex: '1 1 180px' }}>
                    <InputNumber min={1} max={99} style={{ width: 120 }} />
                  </Form.Item>
                  {form.getFieldValue('answered') ? (
                    <Form.Item name="minutes" label={t('calls.minutes')} style={{ flex: '1 1 180px' }}>
                      <InputNumber min={1} max={600} style={{ width: 120 }} />
                    </Form.Item>
                  ) : null}
                </Flex>
              )}
            </Form.Item>
            <Form.Item name="notes" label={t('calls.notes')}>
              <Input.TextArea rows={3} maxLength={2000} showCount />
            </Form.Item>
            <Form.Item name="requestNumber" label={t('calls.requestNumber')} extra={t('calls.requestNumberHint')}>
              <Input maxLength={30} placeholder="BX-2611-0001" style={{ width: 220 }} />
            </Form.Item>
          </>
        )}
      </FormModal>

      <FormModal<LinkValues>
        title={t('calls.linkTitle', { caller: linking?.caller ?? '', at: linking ? formatDateTime(linking.at) : '' })}
        open={linking !== null}
        onClose={() => setLinking(null)}
        initialValues={linking ? { version: linking.version, requestNumber: linking.requestNumber ?? '', notes: linking.notes } : undefined}
        onSubmit={async (v) => {
          if (!linking) return;
          const requestId = (await requestIdOf(v.requestNumber, linking.projectId, (n) => t('calls.noSuchRequest', { n }))) ?? null;
          await api.patch(`/api/calls/${linking.id}`, { version: v.version, requestId, notes: (v.notes ?? '').trim() });
          await refresh();
        }}
      >
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item name="requestNumber" label={t('calls.requestNumber')} extra={t('calls.unlinkHint')}>
          <Input maxLength={30} placeholder="BX-2611-0001" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="notes" label={t('calls.notes')}>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
        <Typography.Text type="secondary">{t('calls.linkHint')}</Typography.Text>
      </FormModal>
    </div>
  );
}
