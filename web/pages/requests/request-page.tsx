import { PrinterOutlined, ReloadOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Grid,
  Image,
  Input,
  Row,
  Skeleton,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { PageHeader } from '../../app/components/page-header';
import { ChannelText, KindTag, RequestStatusTag, UrgentTag } from '../../app/components/request-tags';
import { keys } from '../../app/data';
import { formatDateTime, formatYuan } from '../../app/format';
import { errorText } from '../../app/forms';
import { useTx } from '../../app/i18n';
import { isRequestEvent, useLive } from '../../app/live';
import { epochOf, pickerNow, pickerOf } from '../../app/picker-time';
import type { DeadlineInfo, RequestAction, RequestDetail } from '../../app/types';
import { SaveCaseButton } from '../cases/save-case-button';
import { ActionFields, bodyOf, fieldsOf, initialOf } from './action-form';
import { CommandModal, useRequestCommand } from './command-modal';
import { ComplaintCard } from './complaint-card';
import { DeadlinesCard } from './deadlines-card';
import { RequestHistory } from './request-history';

type Dialog =
  | { type: 'action'; action: RequestAction }
  | { type: 'pause' }
  | { type: 'extend'; deadline: DeadlineInfo }
  | { type: 'correct'; n: number };

/** Kind-specific details worth showing, in the order a reader follows the case. */
const DETAIL_ORDER = [
  'answer',
  'promisedAt',
  'answeredAt',
  'handling',
  'month',
  'item',
  'priceFen',
  'agreedAt',
  'arrangement',
  'scheduledAt',
  'result',
  'reply',
  'repliedAt',
  // repairs
  'scope',
  'assessment',
  'quotedFen',
  'agreedVia',
  'appointmentAt',
  'informedAt',
  'findings',
  'completedAt',
  'labourFen',
  'feeCollectedFen',
  'signedAt',
  'confirmedAt',
];

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(h);
  }, []);
  return now;
}

export default function RequestPage() {
  const { id = '' } = useParams();
  const { t, tx } = useTx();
  const can = useCan();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const navigate = useNavigate();
  const now = useNow();
  const wide = Grid.useBreakpoint().xl === true;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const q = useQuery({ queryKey: keys.request(id), queryFn: () => api.get<RequestDetail>(`/api/requests/${id}`), staleTime: 0 });
  const reload = useCallback(() => {
    qc.invalidateQueries({ queryKey: keys.request(id) });
  }, [qc, id]);
  // Someone else acting on this request shows here at once, before anyone acts on a stale page.
  useLive((m) => isRequestEvent(m) && m.requestId === id, reload);
  const run = useRequestCommand({ id, kind: q.data?.kind ?? 'repair' }, reload);
  const actionFields = useMemo(() => (dialog?.type === 'action' ? fieldsOf(dialog.action.input) : []), [dialog]);

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const r = q.data;
  const close = () => setDialog(null);
  const post = (path: string, body: Record<string, unknown>) => api.post<RequestDetail>(path, { version: r.version, ...body });

  // A complaint's record has its own card, in the order of the service standard.
  const details = (r.kind === 'complaint' ? [] : DETAIL_ORDER)
    .filter((k) => {
      const v = r.detail[k];
      return v !== null && v !== undefined && v !== '';
    })
    .map((k) => {
      const v = r.detail[k];
      const shown = k.endsWith('Fen')
        ? formatYuan(v as number)
        : k.endsWith('At') && typeof v === 'number'
          ? formatDateTime(v)
          : k === 'scope' || k === 'agreedVia'
            ? tx(`${k === 'scope' ? 'scope' : 'via'}.${String(v)}`, String(v))
            : String(v);
      const label = k.endsWith('Fen') ? tx(`reqfield.${k.replace(/Fen$/, 'Yuan')}`, tx(`reqfield.${k}`, k)) : tx(`reqfield.${k}`, k);
      return { key: k, label, children: <span className="pre-wrap">{shown}</span> };
    });
  const rating =
    typeof r.detail.ratingOverall === 'number'
      ? [
          {
            key: 'rating',
            label: t('request.rating'),
            children: (
              <span data-testid="request-rating">
                {`${t('reqfield.overall')} ${r.detail.ratingOverall} · ${t('reqfield.speed')} ${r.detail.ratingSpeed} · ${t('reqfield.attitude')} ${r.detail.ratingAttitude}`}
                {r.detail.ratingComment ? ` “${String(r.detail.ratingComment)}”` : ''}
              </span>
            ),
          },
        ]
      : [];
  const links = r.links.length
    ? [
        {
          key: 'links',
          label: t('request.links'),
          children: (
            <Flex gap={12} wrap data-testid="request-links">
              {r.links.map((l) => (
                <span key={l.id}>
                  {t(`request.link.${l.relation}`)} <Link to={`/requests/${l.id}`}>{l.number}</Link> （{l.statusLabel}）
                </span>
              ))}
            </Flex>
          ),
        },
      ]
    : [];

  const resume = () =>
    modal.confirm({
      title: t('deadline.resumeTitle'),
      okText: t('deadline.resume'),
      cancelText: t('common.cancel'),
      onOk: () => run(() => post(`/api/requests/${r.id}/resume`, {})),
    });

  const facts = (
    <Card size="small" title={t('request.facts')}>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, lg: 2 }}
        items={[
          { key: 'project', label: t('field.project'), children: r.projectName },
          {
            key: 'unit',
            label: t('field.unit'),
            children:
              r.unitId && r.unitNumber ? can('directory.read') ? <Link to={`/units/${r.unitId}`}>{r.unitNumber}</Link> : r.unitNumber : '—',
          },
          {
            key: 'requester',
            label: t('request.requester'),
            children:
              r.requesterPersonId && can('directory.read') ? (
                <Link to={`/people/${r.requesterPersonId}`}>{r.requesterName}</Link>
              ) : (
                r.requesterName
              ),
          },
          { key: 'phone', label: t('field.phone'), children: <span data-testid="request-phone">{r.requesterPhone || '—'}</span> },
          { key: 'location', label: t('request.location'), children: r.location || '—' },
          { key: 'category', label: t('request.category'), children: r.categoryPath ?? '—' },
          { key: 'preferred', label: t('request.preferredTime'), children: r.preferredTime || '—' },
          { key: 'created', label: t('request.createdAt'), children: formatDateTime(r.createdAt) },
          { key: 'dept', label: t('field.department'), children: r.departmentName ?? '—' },
          { key: 'assignee', label: t('request.assignee'), children: r.assigneeName ?? t('queue.unassigned') },
          ...(r.closedAt ? [{ key: 'closed', label: t('request.closedAt'), children: formatDateTime(r.closedAt) }] : []),
          {
            key: 'content',
            label: t('request.content'),
            span: 'filled' as const,
            children: (
              <span className="pre-wrap" data-testid="request-content">
                {r.content}
              </span>
            ),
          },
          ...details.map((d) => ({ ...d, span: 'filled' as const })),
          ...rating.map((d) => ({ ...d, span: 'filled' as const })),
          ...links.map((d) => ({ ...d, span: 'filled' as const })),
        ]}
      />
      {r.photos.length > 0 ? (
        <div className="section" data-testid="request-photos">
          <Typography.Text type="secondary">{t('request.photos')}</Typography.Text>
          <div className="photo-strip">
            <Image.PreviewGroup>
              {r.photos.map((p) => (
                <Image key={p.id} src={p.thumbUrl} preview={{ src: p.url }} width={96} height={96} className="photo-thumb" alt="" />
              ))}
            </Image.PreviewGroup>
          </div>
        </div>
      ) : null}
    </Card>
  );
  const complaint = r.kind === 'complaint' ? <ComplaintCard request={r} /> : null;
  const history = <RequestHistory request={r} canCorrect={can('request.supervise')} onCorrect={(n) => setDialog({ type: 'correct', n })} />;
  const deadlines = (
    <DeadlinesCard
      request={r}
      now={now}
      canHandle={can('request.handle')}
      canSupervise={can('request.supervise')}
      onPause={() => setDialog({ type: 'pause' })}
      onResume={resume}
      onExtend={(d) => setDialog({ type: 'extend', deadline: d })}
    />
  );

  return (
    <div>
      <PageHeader
        title={r.number}
        testId="request-number"
        sub={
          <Flex gap={4} wrap align="center" className="request-tags">
            <KindTag kind={r.kind} />
            <RequestStatusTag kind={r.kind} status={r.status} label={r.statusLabel} open={r.isOpen} />
            <Tag>
              <ChannelText channel={r.channel} />
            </Tag>
            <UrgentTag urgency={r.urgency} />
            {r.overdue ? <Tag color="error">{t('due.overdue')}</Tag> : null}
          </Flex>
        }
        extra={
          <>
            <SaveCaseButton requestId={r.id} kind={r.kind} status={r.status} allowed={can('request.supervise')} />
            {r.kind === 'repair' ? (
              <Button icon={<PrinterOutlined />} onClick={() => navigate(`/requests/${r.id}/print`)} data-testid="print-work-order">
                {t('workOrder.print')}
              </Button>
            ) : null}
            <Button icon={<ReloadOutlined />} onClick={reload} loading={q.isRefetching}>
              {t('queue.refresh')}
            </Button>
          </>
        }
      />

      {r.actions.length > 0 ? (
        <Card
          size="small"
          className="request-actions"
          title={
            <span>
              <ThunderboltOutlined /> {t('request.actions')}
            </span>
          }
        >
          <Flex gap={8} wrap>
            {r.actions.map((a, i) => (
              <Button
                key={a.action}
                type={i === 0 ? 'primary' : 'default'}
                onClick={() => setDialog({ type: 'action', action: a })}
                data-testid={`action-${a.action}`}
              >
                {tx(`act.${a.action}`, a.label)}
              </Button>
            ))}
          </Flex>
        </Card>
      ) : null}

      {wide ? (
        <Row gutter={[16, 16]} className="section">
          <Col span={16}>
            {facts}
            {complaint}
            {history}
          </Col>
          <Col span={8}>{deadlines}</Col>
        </Row>
      ) : (
        // One column: the promises come before the long history on a phone.
        <div className="section">
          {facts}
          {complaint}
          <div className="section">{deadlines}</div>
          {history}
        </div>
      )}

      <CommandModal<Record<string, unknown>>
        title={dialog?.type === 'action' ? tx(`act.${dialog.action.action}`, dialog.action.label) : ''}
        open={dialog?.type === 'action'}
        onClose={close}
        run={run}
        initialValues={initialOf(actionFields)}
        submit={(v) =>
          dialog?.type === 'action'
            ? post(`/api/requests/${r.id}/${dialog.action.path}/${dialog.action.action}`, bodyOf(actionFields, v))
            : Promise.reject(new Error('no action'))
        }
        okText={t('request.doAction')}
        testId="action-modal"
      >
        {(form) => <ActionFields fields={actionFields} request={r} form={form} />}
      </CommandModal>

      <CommandModal<{ reason: string }>
        title={t('deadline.pauseTitle')}
        open={dialog?.type === 'pause'}
        onClose={close}
        run={run}
        submit={(v) => post(`/api/requests/${r.id}/pause`, { reason: v.reason.trim() })}
        okText={t('deadline.pause')}
        testId="pause-modal"
      >
        <Typography.Paragraph type="secondary">{t('deadline.pauseHint')}</Typography.Paragraph>
        <Form.Item name="reason" label={t('deadline.reason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </CommandModal>

      <CommandModal<{ newDueAt: Dayjs; reason: string; customerToldAt: Dayjs }>
        title={
          dialog?.type === 'extend'
            ? t('deadline.extendTitle', { label: tx(`deadlineKind.${dialog.deadline.kind}`, dialog.deadline.label) })
            : ''
        }
        open={dialog?.type === 'extend'}
        onClose={close}
        run={run}
        initialValues={{
          customerToldAt: pickerNow(),
          newDueAt: dialog?.type === 'extend' ? pickerOf(dialog.deadline.dueAt + 86_400_000) : undefined,
        }}
        submit={(v) =>
          api.post<RequestDetail>(`/api/requests/${r.id}/deadlines/${dialog?.type === 'extend' ? dialog.deadline.id : ''}/extend`, {
            version: r.version,
            newDueAt: epochOf(v.newDueAt),
            reason: v.reason.trim(),
            customerToldAt: epochOf(v.customerToldAt),
          })
        }
        okText={t('deadline.extend')}
        testId="extend-modal"
      >
        {dialog?.type === 'extend' ? (
          <Typography.Paragraph type="secondary">
            {t('deadline.extendHint', { due: formatDateTime(dialog.deadline.dueAt) })}
          </Typography.Paragraph>
        ) : null}
        <Form.Item name="newDueAt" label={t('deadline.newDue')} rules={[{ required: true, message: t('form.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" style={{ width: 240 }} />
        </Form.Item>
        <Form.Item name="reason" label={t('deadline.reason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
        <Form.Item name="customerToldAt" label={t('deadline.customerToldAt')} rules={[{ required: true, message: t('form.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 240 }} />
        </Form.Item>
      </CommandModal>

      <CommandModal<{ text: string }>
        title={dialog?.type === 'correct' ? t('history.correctTitle', { n: dialog.n }) : ''}
        open={dialog?.type === 'correct'}
        onClose={close}
        run={run}
        submit={(v) =>
          post(`/api/requests/${r.id}/corrections`, { correctsN: dialog?.type === 'correct' ? dialog.n : 0, text: v.text.trim() })
        }
        okText={t('history.correct')}
        testId="correct-modal"
      >
        <Typography.Paragraph type="secondary">{t('history.correctHint')}</Typography.Paragraph>
        <Form.Item name="text" label={t('history.correctText')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
      </CommandModal>
    </div>
  );
}
