import { PrinterOutlined, SendOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Empty, Flex, Form, Input, Segmented, Skeleton, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { useProjects } from '../../app/data';
import { formatDate, formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { Shift, Worklog, WorklogNoteCreate } from '../../app/types';

type Line = Worklog['registered']['items'][number];

/** The shift running now by the default hours (day 08:00–20:00, China time); a night shift belongs to the day it began. */
function currentShift(): { date: string; shift: Shift } {
  const now = Date.now();
  const hour = Number(formatDateTime(now).slice(11, 13));
  if (hour >= 8 && hour < 20) return { date: formatDate(now), shift: 'day' };
  return { date: formatDate(hour < 8 ? now - 86_400_000 : now), shift: 'night' };
}

function Counts({ counts, prefix }: { counts: Record<string, number>; prefix: 'kind' | 'channel' }) {
  const { tx } = useTx();
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <>
      {entries.map(([k, n]) => (
        <Tag key={k}>
          {tx(`${prefix}.${k}`, k)} <strong>{n}</strong>
        </Tag>
      ))}
    </>
  );
}

function Lines({ items, empty }: { items: Line[]; empty: string }) {
  const { t, tx } = useTx();
  return (
    <Table<Line>
      className="print-table"
      rowKey="id"
      size="small"
      dataSource={items}
      pagination={false}
      scroll={{ x: 760 }}
      locale={{ emptyText: empty }}
      columns={[
        {
          title: t('request.number'),
          dataIndex: 'number',
          width: 120,
          render: (v: string, r) => (
            <Link to={`/requests/${r.id}`} className="request-number">
              {v}
            </Link>
          ),
        },
        { title: t('request.kind'), dataIndex: 'kind', width: 80, render: (k: string, r) => tx(`kind.${k}`, r.kindLabel) },
        { title: t('request.channel'), dataIndex: 'channel', width: 80, render: (c: string, r) => tx(`channel.${c}`, r.channelLabel) },
        { title: t('field.unit'), dataIndex: 'unitNumber', width: 90, render: (v: string | null) => v ?? '—' },
        { title: t('request.requester'), dataIndex: 'requesterName', width: 80 },
        { title: t('request.content'), dataIndex: 'content' },
        { title: t('field.status'), dataIndex: 'status', width: 110, render: (s: string, r) => tx(`status.${r.kind}.${s}`, r.statusLabel) },
      ]}
    />
  );
}

/** R-IN-7: the service center's log of one shift, generated from the register, plus free notes; prints on A4. */
export default function WorklogPage() {
  const { t, tx } = useTx();
  const can = useCan();
  const qc = useQueryClient();
  const report = useErrorReporter();
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const now = currentShift();
  const projectId = params.get('projectId') ?? projects.data?.[0]?.id;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? (params.get('date') as string) : now.date;
  const shift: Shift = params.get('shift') === 'night' ? 'night' : params.get('shift') === 'day' ? 'day' : now.shift;
  const [form] = Form.useForm<{ text: string }>();
  const [saving, setSaving] = useState(false);
  const key = ['worklog', projectId, date, shift];
  const log = useQuery({
    queryKey: key,
    queryFn: () => api.get<Worklog>('/api/worklog', { projectId, date, shift }),
    enabled: !!projectId,
  });
  const set = (k: string, v: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (v) next.set(k, v);
        else next.delete(k);
        return next;
      },
      { replace: true },
    );

  const addNote = async (v: { text: string }) => {
    if (!projectId) return;
    setSaving(true);
    try {
      const body: WorklogNoteCreate = { projectId, date, shift, text: v.text.trim() };
      await api.post('/api/worklog/notes', body);
      form.resetFields();
      await qc.invalidateQueries({ queryKey: key });
    } catch (e) {
      report(e, { form });
    } finally {
      setSaving(false);
    }
  };

  const w = log.data;
  return (
    <div className="report worklog">
      <div className="no-print">
        <PageHeader
          title={t('worklog.title')}
          sub={t('worklog.sub')}
          extra={
            <>
              <ProjectSelect value={projectId} onChange={(id) => set('projectId', id)} />
              <DatePicker allowClear={false} value={dayjs(date)} onChange={(d) => d && set('date', d.format('YYYY-MM-DD'))} />
              <Segmented<Shift>
                value={shift}
                onChange={(s) => set('shift', s)}
                options={[
                  { value: 'day', label: t('worklog.shift.day') },
                  { value: 'night', label: t('worklog.shift.night') },
                ]}
              />
              <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!w}>
                {t('common.print')}
              </Button>
            </>
          }
        />
      </div>
      {log.isError ? <Alert type="error" showIcon title={errorText(log.error, t)} /> : null}
      {log.isPending && projectId ? <Skeleton active /> : null}
      {w ? (
        <div className="worklog-sheet" data-testid="worklog">
          <h1 className="print-title">
            {t('worklog.printTitle', { project: w.project.name, date: w.date, shift: tx(`worklog.shift.${w.shift}`, w.shiftLabel) })}
          </h1>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'span', label: t('worklog.span'), children: `${w.startLocal} – ${w.endLocal}` },
              {
                key: 'state',
                label: t('worklog.state'),
                children: w.complete ? t('worklog.complete') : t('worklog.until', { at: formatDateTime(w.generatedAt) }),
              },
            ]}
          />

          <Card size="small" className="section" title={t('worklog.registered', { n: w.registered.total })}>
            <div style={{ marginBottom: 8 }}>
              <Counts counts={w.registered.byKind} prefix="kind" /> <Counts counts={w.registered.byChannel} prefix="channel" />
            </div>
            <Lines items={w.registered.items} empty={t('worklog.none')} />
          </Card>

          <Card size="small" className="section" title={t('worklog.closed', { n: w.closed.total })}>
            <Lines items={w.closed.items} empty={t('worklog.none')} />
          </Card>

          <Card size="small" className="section" title={t('worklog.breaches', { n: w.breaches.length })}>
            {w.breaches.length === 0 ? (
              <span className="muted">{t('worklog.none')}</span>
            ) : (
              <ul className="plain-list">
                {w.breaches.map((b) => (
                  <li key={b.deadlineId}>
                    <Link to={`/requests/${b.requestId}`} className="request-number">
                      {b.requestNumber}
                    </Link>{' '}
                    {tx(`deadlineKind.${b.kind}`, b.label)} ·{' '}
                    {t('worklog.dueBreached', { due: formatDateTime(b.dueAt), at: formatDateTime(b.breachedAt) })}
                    <div className="muted">{b.content}</div>
                  </li>
                ))}
              </ul>
            )}
          </Card>

          <Card size="small" className="section" title={t('worklog.calls')}>
            <Descriptions
              size="small"
              column={{ xs: 2, sm: 3, md: 6 }}
              items={[
                { key: 'in', label: t('callReport.incoming'), children: w.calls.total },
                { key: 'ans', label: t('callReport.answered'), children: w.calls.answered },
                { key: 'miss', label: t('callReport.missed'), children: w.calls.missed },
                { key: 'rings', label: t('callReport.avgRings'), children: w.calls.avgRings === null ? '—' : w.calls.avgRings.toFixed(1) },
                { key: 'req', label: t('callReport.withRequest'), children: w.calls.withRequest },
                { key: 'out', label: t('callReport.outgoing'), children: w.calls.outgoing },
              ]}
            />
            {w.calls.missedItems.length ? (
              <>
                <Typography.Text strong>{t('worklog.callBack')}</Typography.Text>
                <ul className="plain-list">
                  {w.calls.missedItems.map((c) => (
                    <li key={c.id}>
                      {formatDateTime(c.at)} · {c.caller}
                      {c.rings !== null ? ` · ${t('calls.rings', { n: c.rings })}` : ''}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </Card>

          <Card size="small" className="section" title={t('worklog.notes')} data-testid="worklog-notes">
            {w.notes.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('worklog.noNotes')} />
            ) : (
              w.notes.map((n) => (
                <div key={n.id} className="worklog-note" data-testid="worklog-note">
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(n.createdAt)} · {n.authorName}
                  </Typography.Text>
                  <div className="pre-wrap">{n.text}</div>
                </div>
              ))
            )}
            {can('calls.log') ? (
              <Form form={form} onFinish={addNote} className="no-print" style={{ marginTop: 12 }}>
                <Form.Item
                  name="text"
                  rules={[{ required: true, whitespace: true, message: t('form.required') }]}
                  extra={t('worklog.noteHint')}
                >
                  <Input.TextArea
                    rows={3}
                    maxLength={4000}
                    showCount
                    placeholder={t('worklog.notePlaceholder')}
                    data-testid="worklog-note-text"
                  />
                </Form.Item>
                <Flex justify="flex-end">
                  <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={saving} data-testid="worklog-note-add">
                    {t('worklog.addNote')}
                  </Button>
                </Flex>
              </Form>
            ) : null}
          </Card>
          <p className="print-only print-footer">{t('suggestions.printedAt', { at: formatDateTime(Date.now()) })}</p>
        </div>
      ) : null}
    </div>
  );
}
