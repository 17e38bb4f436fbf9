import {
  CarOutlined,
  CheckCircleOutlined,
  EnvironmentOutlined,
  LeftOutlined,
  LoginOutlined,
  NotificationOutlined,
  PhoneOutlined,
} from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Image, Input, Modal, Skeleton, Tag, Typography } from 'antd';
import { type ReactNode, useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../app/api';
import { RequestStatusTag, UrgentTag } from '../../app/components/request-tags';
import { SignaturePad } from '../../app/components/signature-pad';
import { keys } from '../../app/data';
import { formatDateTime, formatYuan } from '../../app/format';
import { errorText } from '../../app/forms';
import { useTx } from '../../app/i18n';
import { isRequestEvent, useLive } from '../../app/live';
import { epochOfLocalInput, jobPhotos, lineFen, localInputOf, repairOf } from '../../app/repair-detail';
import type { RequestDetail } from '../../app/types';
import { useRequestCommand } from '../../pages/requests/command-modal';
import { CompletionForm, type CompletionValues, completionBody } from './completion-form';

/** The technician's steps in order: only the one that applies now is offered, as one big button. */
const STEPS: Array<{ action: string; icon: ReactNode }> = [
  { action: 'accept', icon: <CheckCircleOutlined /> },
  { action: 'depart', icon: <CarOutlined /> },
  { action: 'arrive', icon: <LoginOutlined /> },
];

/** How many of the latest history entries the phone shows; the console has them all. */
const HISTORY_SHOWN = 6;

function PhoneLink({ phone }: { phone: string }) {
  const { t } = useTx();
  if (!phone) return <>—</>;
  // A masked number cannot be dialled: the service center has the full one.
  if (phone.includes('*'))
    return (
      <span data-testid="tech-phone">
        {phone} <Typography.Text type="secondary">{t('tech.phoneMasked')}</Typography.Text>
      </span>
    );
  return (
    <a href={`tel:${phone}`} className="tech-phone" data-testid="tech-phone">
      <PhoneOutlined /> {phone}
    </a>
  );
}

export default function TechOrderPage() {
  const { id = '' } = useParams();
  const { t, tx } = useTx();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [visit, setVisit] = useState(() => localInputOf(Math.ceil((Date.now() + 3_600_000) / 3_600_000) * 3_600_000));
  const [absentOpen, setAbsentOpen] = useState(false);
  const [absentNote, setAbsentNote] = useState('');
  const [findingsForm] = Form.useForm<{ findings: string }>();

  const q = useQuery({ queryKey: keys.request(id), queryFn: () => api.get<RequestDetail>(`/api/requests/${id}`), staleTime: 0 });
  const reload = useCallback(() => {
    qc.invalidateQueries({ queryKey: keys.request(id) });
  }, [qc, id]);
  useLive((m) => isRequestEvent(m) && m.requestId === id, reload);
  const run = useRequestCommand({ id, kind: 'repair' }, reload);

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const r = q.data;
  const rp = repairOf(r);
  const has = (action: string) => r.actions.some((a) => a.action === action);
  const labelOf = (action: string) => tx(`tech.do.${action}`, r.actions.find((a) => a.action === action)?.label ?? action);

  /** One step on the order, at the version shown; the server's answer replaces the page's copy. */
  const act = async (action: string, body: Record<string, unknown> = {}, form?: Parameters<typeof run>[1]) => {
    setBusy(action);
    try {
      const res = await run(
        () => api.post<RequestDetail>(`/api/requests/${r.id}/actions/${action}`, { version: r.version, ...body }),
        form,
      );
      // A short confirmation: the next step's button is already under the thumb.
      if (res === 'done') message.success({ content: t('tech.done', { step: labelOf(action) }), duration: 1.5 });
      return res;
    } finally {
      setBusy(null);
    }
  };

  const take = async () => {
    const at = epochOfLocalInput(visit);
    if (at === null) {
      message.error(t('tech.visitRequired'));
      return;
    }
    await act('take', { appointmentAt: at });
  };

  const nextSteps = STEPS.filter((s) => has(s.action));
  const photos = jobPhotos(r);
  const history = [...r.history].reverse().slice(0, HISTORY_SHOWN);

  return (
    <div className="tech-order">
      <Flex align="center" justify="space-between" gap={8} wrap>
        <Link to="/w" className="tech-back" data-testid="tech-back">
          <LeftOutlined /> {t('tech.myOrders')}
        </Link>
        <Link to={`/requests/${r.id}`} className="muted small">
          {t('tech.openInConsole')}
        </Link>
      </Flex>
      <Flex align="center" gap={8} wrap className="tech-order-head">
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="tech-order-number">
          {r.number}
        </Typography.Title>
        <RequestStatusTag kind={r.kind} status={r.status} label={r.statusLabel} open={r.isOpen} />
        {r.overdue ? <Tag color="error">{t('due.overdue')}</Tag> : null}
        <UrgentTag urgency={r.urgency} />
      </Flex>

      {nextSteps.length > 0 || has('take') || has('inform') ? (
        <Card size="small" className="section tech-steps" data-testid="tech-steps">
          {has('take') ? (
            <Form layout="vertical">
              <Form.Item label={t('tech.visitTime')} required>
                <Input
                  type="datetime-local"
                  size="large"
                  value={visit}
                  min={localInputOf(Date.now())}
                  onChange={(e) => setVisit(e.target.value)}
                  data-testid="tech-take-time"
                />
              </Form.Item>
              <Button type="primary" size="large" block loading={busy === 'take'} onClick={take} data-testid="tech-step-take">
                {t('tech.take')}
              </Button>
            </Form>
          ) : null}
          {nextSteps.map((s) => (
            <Button
              key={s.action}
              type="primary"
              size="large"
              block
              icon={s.icon}
              loading={busy === s.action}
              disabled={busy !== null && busy !== s.action}
              onClick={() => act(s.action)}
              className="tech-step"
              data-testid={`tech-step-${s.action}`}
            >
              {labelOf(s.action)}
            </Button>
          ))}
          {has('inform') ? (
            <Button
              block
              icon={<NotificationOutlined />}
              loading={busy === 'inform'}
              onClick={() => act('inform', { note: '' })}
              className="tech-inform"
              data-testid="tech-step-inform"
            >
              {labelOf('inform')}
            </Button>
          ) : null}
          {has('inform') && !rp.informedAt ? <div className="muted small tech-inform-hint">{t('tech.informHint')}</div> : null}
        </Card>
      ) : null}

      <Card size="small" className="section" data-testid="tech-facts">
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'requester', label: t('request.requester'), children: r.requesterName || '—' },
            {
              key: 'unit',
              label: t('field.unit'),
              children: (
                <span data-testid="tech-unit">
                  <EnvironmentOutlined /> {[r.projectName, r.unitNumber, r.location].filter(Boolean).join(' ')}
                </span>
              ),
            },
            { key: 'phone', label: t('field.phone'), children: <PhoneLink phone={r.requesterPhone} /> },
            { key: 'category', label: t('request.category'), children: r.categoryPath ?? '—' },
            {
              key: 'content',
              label: t('request.content'),
              children: (
                <span className="pre-wrap" data-testid="tech-content">
                  {r.content}
                </span>
              ),
            },
            { key: 'preferred', label: t('request.preferredTime'), children: r.preferredTime || '—' },
            {
              key: 'visit',
              label: t('tech.visitTime'),
              children: rp.appointmentAt ? <strong>{formatDateTime(rp.appointmentAt)}</strong> : '—',
            },
            {
              key: 'charge',
              label: t('tech.charge'),
              children: rp.paid ? (
                <Tag color="orange">{t('tech.paidQuoted', { price: formatYuan(rp.quotedFen) })}</Tag>
              ) : (
                <Tag color="green">{t('tech.free')}</Tag>
              ),
            },
          ]}
        />
        {photos.length > 0 ? (
          <div className="photo-strip" data-testid="tech-order-photos">
            <Image.PreviewGroup>
              {photos.map((p) => (
                <Image key={p.id} src={p.thumbUrl} preview={{ src: p.url }} width={80} height={80} className="photo-thumb" alt="" />
              ))}
            </Image.PreviewGroup>
          </div>
        ) : null}
      </Card>

      {has('findings') ? (
        <Card size="small" title={t('tech.findings')} className="section" data-testid="tech-findings">
          <Form
            form={findingsForm}
            layout="vertical"
            initialValues={{ findings: rp.findings }}
            onFinish={(v) => act('findings', { findings: v.findings.trim() }, findingsForm)}
          >
            <Form.Item name="findings" rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input.TextArea rows={3} maxLength={1000} showCount placeholder={t('tech.findingsHint')} data-testid="tech-findings-text" />
            </Form.Item>
            <Button htmlType="submit" block loading={busy === 'findings'} data-testid="tech-findings-save">
              {t('tech.findingsSave')}
            </Button>
          </Form>
        </Card>
      ) : rp.findings ? (
        <Card size="small" title={t('tech.findings')} className="section">
          <span className="pre-wrap">{rp.findings}</span>
        </Card>
      ) : null}

      {has('complete') ? (
        <CompletionForm
          quotedFen={rp.paid ? rp.quotedFen : null}
          busy={busy === 'complete'}
          onSubmit={(v: CompletionValues, form) => act('complete', { ...completionBody(v) }, form)}
        />
      ) : null}

      {rp.completedAt ? (
        <Card size="small" title={t('tech.completedTitle')} className="section" data-testid="tech-summary">
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'at', label: t('tech.completedAt'), children: formatDateTime(rp.completedAt) },
              {
                key: 'materials',
                label: t('tech.materials'),
                children: rp.materials.length ? (
                  <ul className="plain-list" data-testid="tech-summary-materials">
                    {rp.materials.map((m) => (
                      <li key={m.line}>
                        {m.name} {m.quantity}
                        {m.unit} × {formatYuan(m.priceFen)} = {formatYuan(lineFen(m))}
                      </li>
                    ))}
                  </ul>
                ) : (
                  t('tech.noMaterials')
                ),
              },
              { key: 'labour', label: t('tech.labour'), children: formatYuan(rp.labourFen) },
              { key: 'fee', label: t('tech.feeCollected'), children: formatYuan(rp.feeCollectedFen) },
              ...(rp.signatureFileId
                ? [
                    {
                      key: 'signature',
                      label: t('tech.signature'),
                      children: (
                        <div>
                          <img src={`/api/files/${rp.signatureFileId}`} alt={t('tech.signature')} className="tech-signature-img" />
                          <div className="muted small">{formatDateTime(rp.signedAt)}</div>
                        </div>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      ) : null}

      {has('sign') ? (
        <Card size="small" title={t('tech.signTitle')} className="section" data-testid="tech-sign">
          <Typography.Paragraph type="secondary">{t('tech.signHint')}</Typography.Paragraph>
          <SignaturePad busy={busy === 'sign'} onConfirm={(signature) => act('sign', { signature })} confirmText={t('tech.signConfirm')} />
        </Card>
      ) : null}
      {has('resident_absent') ? (
        <Button block size="large" className="section" onClick={() => setAbsentOpen(true)} data-testid="tech-absent">
          {t('tech.residentAbsent')}
        </Button>
      ) : null}

      {r.status === 'signed' || r.status === 'awaiting_confirmation' ? (
        <Alert className="section" type="success" showIcon title={t('tech.handedBack')} data-testid="tech-handed-back" />
      ) : null}

      <Card size="small" title={t('tech.history')} className="section" data-testid="tech-history">
        <ul className="tech-history">
          {history.map((e) => (
            <li key={e.n}>
              <span className="muted small">{formatDateTime(e.at)}</span>{' '}
              <strong>{tx(`event.${e.type}`, tx(`tech.event.${e.type}`, e.type))}</strong> <span className="muted small">{e.actor}</span>
            </li>
          ))}
        </ul>
        {r.history.length > HISTORY_SHOWN ? (
          <Button type="link" size="small" onClick={() => navigate(`/requests/${r.id}`)}>
            {t('tech.moreHistory', { n: r.history.length })}
          </Button>
        ) : null}
      </Card>

      <Modal
        title={t('tech.residentAbsent')}
        open={absentOpen}
        onCancel={() => setAbsentOpen(false)}
        onOk={async () => {
          const res = await act('resident_absent', { note: absentNote.trim() });
          if (res !== 'failed') setAbsentOpen(false);
        }}
        okText={t('tech.residentAbsentConfirm')}
        cancelText={t('common.cancel')}
        confirmLoading={busy === 'resident_absent'}
        destroyOnHidden
        data-testid="tech-absent-modal"
      >
        <Typography.Paragraph type="secondary">{t('tech.residentAbsentHint')}</Typography.Paragraph>
        <Input.TextArea
          rows={2}
          maxLength={300}
          value={absentNote}
          onChange={(e) => setAbsentNote(e.target.value)}
          placeholder={t('tech.note')}
          data-testid="tech-absent-note"
        />
      </Modal>
    </div>
  );
}
