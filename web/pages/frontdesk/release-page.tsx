import { CheckOutlined, PhoneOutlined, PrinterOutlined, StopOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Image,
  Input,
  Popconfirm,
  Radio,
  Row,
  Select,
  Skeleton,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { PageHeader } from '../../app/components/page-header';
import { formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { type MessageKey, useT, useTx } from '../../app/i18n';
import { ItemsText, QrCode, type ReleaseDetail, ReleaseStateTag, releaseKeys, spacedCode, windowText } from './release-common';
import { ReleaseStyles } from './release-styles';

type Step = 'verify_identity' | 'check_letter' | 'owner_call' | 'head_call' | 'refuse';

const STEP_URL: Record<Step | 'approve', string> = {
  verify_identity: 'verify-identity',
  check_letter: 'check-letter',
  owner_call: 'owner-call',
  head_call: 'head-call',
  approve: 'approve',
  refuse: 'refuse',
};

interface StepValues {
  document?: string;
  valid?: boolean;
  answer?: 'yes' | 'no' | 'unreachable';
  ownerName?: string;
  calledNumber?: string;
  headName?: string;
  note?: string;
  reason?: string;
}

function StepFields({ step, r }: { step: Step; r: ReleaseDetail }) {
  const t = useT();
  const note = (
    <Form.Item name="note" label={t('release.step.note')}>
      <Input.TextArea rows={2} maxLength={500} data-testid="release-step-note" />
    </Form.Item>
  );
  const answer = (
    <Form.Item name="answer" label={t('release.step.answer')} rules={[{ required: true, message: t('release.step.answerRequired') }]}>
      <Radio.Group data-testid="release-step-answer">
        <Radio value="yes" data-testid="release-answer-yes">
          {t('release.answer.yes')}
        </Radio>
        <Radio value="no" data-testid="release-answer-no">
          {t('release.answer.no')}
        </Radio>
        <Radio value="unreachable" data-testid="release-answer-unreachable">
          {t('release.answer.unreachable')}
        </Radio>
      </Radio.Group>
    </Form.Item>
  );
  switch (step) {
    case 'verify_identity':
      return (
        <>
          <Form.Item name="document" label={t('release.step.document')} rules={[{ required: true }]}>
            <Radio.Group data-testid="release-step-document">
              {['id_card', 'property_certificate', 'decoration_permit', 'work_card', 'other'].map((d) => (
                <Radio key={d} value={d}>
                  {t(`release.document.${d}` as MessageKey)}
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          {note}
        </>
      );
    case 'check_letter':
      return (
        <>
          {r.letter ? <Image src={r.letter.url} width={160} alt={t('release.letter')} /> : null}
          <Form.Item name="valid" label={t('release.step.letterValid')} rules={[{ required: true }]}>
            <Radio.Group data-testid="release-step-valid">
              <Radio value={true}>{t('release.letterValid.yes')}</Radio>
              <Radio value={false}>{t('release.letterValid.no')}</Radio>
            </Radio.Group>
          </Form.Item>
          {note}
        </>
      );
    case 'owner_call':
      return (
        <>
          <Typography.Paragraph type="secondary">{t('release.step.ownerCallHint')}</Typography.Paragraph>
          <OwnerPick r={r} />
          <Form.Item
            name="calledNumber"
            label={t('release.step.calledNumber')}
            rules={[{ required: true, whitespace: true, message: t('release.step.calledNumberRequired') }]}
          >
            <Input maxLength={20} data-testid="release-step-number" />
          </Form.Item>
          {answer}
          {note}
        </>
      );
    case 'head_call':
      return (
        <>
          <Typography.Paragraph type="secondary">{t('release.step.headCallHint', { company: r.company })}</Typography.Paragraph>
          <Form.Item
            name="headName"
            label={t('release.step.headName')}
            rules={[{ required: true, whitespace: true, message: t('release.step.headNameRequired') }]}
          >
            <Input maxLength={50} data-testid="release-step-head" />
          </Form.Item>
          <Form.Item name="calledNumber" label={t('release.step.calledNumber')}>
            <Input maxLength={20} data-testid="release-step-number" />
          </Form.Item>
          {answer}
          {note}
        </>
      );
    case 'refuse':
      return (
        <Form.Item
          name="reason"
          label={t('release.step.reason')}
          extra={t('release.step.reasonHint')}
          rules={[{ required: true, whitespace: true, message: t('release.step.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} data-testid="release-step-reason" />
        </Form.Item>
      );
  }
}

/** The owners on file for the call: picking one fills in the name and the number to dial. */
function OwnerPick({ r }: { r: ReleaseDetail }) {
  const t = useT();
  const form = Form.useFormInstance<StepValues>();
  const name = Form.useWatch('ownerName', form);
  const phone = r.owners.find((o) => o.name === name)?.phone;
  return (
    <Form.Item label={t('release.step.ownerName')} required>
      <Flex gap={8} align="center">
        <Form.Item name="ownerName" noStyle rules={[{ required: true, whitespace: true, message: t('release.step.ownerNameRequired') }]}>
          <Select
            style={{ flex: 1 }}
            options={r.owners.map((o) => ({ value: o.name, label: `${o.name} ${o.phone}` }))}
            onChange={(v: string) => {
              const o = r.owners.find((x) => x.name === v);
              if (o) form.setFieldValue('calledNumber', o.phone);
            }}
            notFoundContent={t('release.step.noOwner')}
            data-testid="release-step-owner"
          />
        </Form.Item>
        {phone ? (
          <Button href={`tel:${phone}`} icon={<PhoneOutlined />} data-testid="release-step-dial">
            {t('release.step.dial')}
          </Button>
        ) : null}
      </Flex>
    </Form.Item>
  );
}

function initialOf(step: Step, r: ReleaseDetail): StepValues {
  if (step === 'verify_identity') return { document: r.standing === 'decoration_lead' ? 'decoration_permit' : 'id_card' };
  if (step === 'owner_call') {
    const o = r.owners[0];
    return o ? { ownerName: o.name, calledNumber: o.phone } : {};
  }
  return {};
}

function bodyOf(step: Step, v: StepValues, version: number): Record<string, unknown> {
  const note = (v.note ?? '').trim();
  switch (step) {
    case 'verify_identity':
      return { version, document: v.document, note };
    case 'check_letter':
      return { version, valid: v.valid, note };
    case 'owner_call':
      return { version, answer: v.answer, ownerName: (v.ownerName ?? '').trim(), calledNumber: (v.calledNumber ?? '').trim(), note };
    case 'head_call':
      return { version, answer: v.answer, headName: (v.headName ?? '').trim(), calledNumber: (v.calledNumber ?? '').trim(), note };
    case 'refuse':
      return { version, reason: (v.reason ?? '').trim() };
  }
}

function History({ r }: { r: ReleaseDetail }) {
  const { t, tx } = useTx();
  return (
    <Timeline
      data-testid="release-history"
      items={r.events.map((e) => ({
        key: e.n,
        color: e.to === 'refused' ? 'red' : e.to === 'approved' || e.to === 'used' ? 'green' : 'blue',
        content: (
          <div data-testid="release-event" data-type={e.type}>
            <Typography.Text strong>
              {tx(`release.event.${e.type}`, e.type)}
              {e.answer && e.type !== 'identity_verified' ? ` · ${tx(`release.answer.${e.answer}`, e.answer)}` : ''}
            </Typography.Text>
            {e.contactName || e.contactNumber ? (
              <div>{t('release.event.contact', { name: e.contactName, number: e.contactNumber, at: formatDateTime(e.contactedAt) })}</div>
            ) : null}
            {e.note ? <div className="pre-wrap">{e.note}</div> : null}
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(e.at)} · {e.actor}
              </Typography.Text>
            </div>
          </div>
        ),
      }))}
    />
  );
}

/** R-FD-2: one application — who applied, what goes out, the verification steps open now, the slip once issued. */
export default function ReleasePage() {
  const { id = '' } = useParams();
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const q = useQuery({ queryKey: releaseKeys.release(id), queryFn: () => api.get<ReleaseDetail>(`/api/releases/${id}`), staleTime: 0 });
  const [step, setStep] = useState<Step | null>(null);
  const [approving, setApproving] = useState(false);

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const r = q.data;

  const done = (next: ReleaseDetail) => {
    qc.setQueryData(releaseKeys.release(id), next);
    qc.invalidateQueries({ queryKey: releaseKeys.lists });
  };

  const send = async (s: Step, v: StepValues) => {
    const next = await api.post<ReleaseDetail>(`/api/releases/${id}/${STEP_URL[s]}`, bodyOf(s, v, r.version));
    done(next);
    message.success(t(next.status === 'refused' ? 'release.msg.refused' : 'release.msg.saved'));
  };

  const approve = async () => {
    setApproving(true);
    try {
      done(await api.post<ReleaseDetail>(`/api/releases/${id}/approve`, { version: r.version }));
      message.success(t('release.msg.approved'));
    } catch (e) {
      report(e, { onReload: () => q.refetch() });
    } finally {
      setApproving(false);
    }
  };

  const issued = r.status === 'approved' || r.status === 'used';
  const steps = r.actions.filter((a): a is Step => a !== 'approve' && a !== 'refuse');

  return (
    <div>
      <ReleaseStyles />
      <PageHeader
        title={
          <Flex gap={8} align="center" wrap>
            <span data-testid="release-number">{r.number}</span>
            <ReleaseStateTag state={r.state} />
          </Flex>
        }
        sub={`${r.projectName} ${r.unitNumber} · ${t('release.path.label')}：${t(`release.path.${r.path}` as MessageKey)}`}
        extra={
          <>
            <Link to="/releases">{t('release.back')}</Link>
            {issued ? (
              <Link to={`/releases/${r.id}/print`}>
                <Button icon={<PrinterOutlined />} data-testid="release-print">
                  {t('release.print')}
                </Button>
              </Link>
            ) : null}
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Flex vertical gap={16}>
            {r.actions.length ? (
              <Card size="small" title={t('release.steps')} data-testid="release-steps">
                <Typography.Paragraph type="secondary">
                  {t(`release.stepHint.${r.status === 'verified' ? 'verified' : r.path}` as MessageKey)}
                </Typography.Paragraph>
                <Flex gap={8} wrap>
                  {steps.map((s) => (
                    <Button key={s} type="primary" onClick={() => setStep(s)} data-testid={`release-action-${s}`}>
                      {t(`release.action.${s}` as MessageKey)}
                    </Button>
                  ))}
                  {r.actions.includes('approve') ? (
                    <Popconfirm
                      title={t('release.approveConfirm')}
                      onConfirm={approve}
                      okButtonProps={{ 'data-testid': 'release-approve-ok' } as Record<string, string>}
                    >
                      <Button type="primary" icon={<CheckOutlined />} loading={approving} data-testid="release-action-approve">
                        {t('release.action.approve')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                  {r.actions.includes('refuse') ? (
                    <Button danger icon={<StopOutlined />} onClick={() => setStep('refuse')} data-testid="release-action-refuse">
                      {t('release.action.refuse')}
                    </Button>
                  ) : null}
                </Flex>
              </Card>
            ) : null}
            {r.status === 'refused' ? (
              <Alert type="error" showIcon title={t('release.refusedTitle')} description={r.refusalReason} data-testid="release-refusal" />
            ) : null}
            <Card size="small" title={t('release.application')}>
              <Descriptions
                size="small"
                column={1}
                items={[
                  { key: 'unit', label: t('release.col.unit'), children: `${r.projectName} ${r.unitNumber}` },
                  {
                    key: 'applicant',
                    label: t('release.col.applicant'),
                    children: (
                      <span data-testid="release-applicant">
                        {r.applicantName} {r.applicantPhone ? <a href={`tel:${r.applicantPhone}`}>{r.applicantPhone}</a> : null} ·{' '}
                        {t(`release.standing.${r.standing}` as MessageKey)}
                        {r.company ? ` · ${r.company}` : ''}
                      </span>
                    ),
                  },
                  { key: 'items', label: t('release.col.items'), children: <ItemsText items={r.items} /> },
                  { key: 'plate', label: t('release.col.plate'), children: r.plate || '—' },
                  { key: 'window', label: t('release.col.window'), children: windowText(r.validFrom, r.validUntil) },
                  { key: 'reason', label: t('release.form.reason'), children: r.reason },
                  {
                    key: 'channel',
                    label: t('release.channel'),
                    children: `${t(`release.channel.${r.channel}` as MessageKey)} · ${formatDateTime(r.createdAt)}`,
                  },
                  ...(r.letter
                    ? [
                        {
                          key: 'letter',
                          label: t('release.letter'),
                          children: <Image src={r.letter.url} width={120} alt={t('release.letter')} data-testid="release-letter-image" />,
                        },
                      ]
                    : []),
                  ...(r.decidedAt
                    ? [{ key: 'decided', label: t('release.decided'), children: `${formatDateTime(r.decidedAt)} · ${r.decidedBy ?? ''}` }]
                    : []),
                  ...(r.usedAt
                    ? [{ key: 'used', label: t('release.used'), children: `${formatDateTime(r.usedAt)} · ${r.usedBy ?? ''}` }]
                    : []),
                ]}
              />
            </Card>
            <Card size="small" title={t('release.checks')}>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={r.checks}
                locale={{ emptyText: t('release.noChecks') }}
                data-testid="release-checks"
                columns={[
                  { title: t('release.checkCol.at'), key: 'at', render: (_, c) => formatDateTime(c.at) },
                  { title: t('release.checkCol.guard'), dataIndex: 'guard' },
                  { title: t('release.checkCol.kind'), key: 'kind', render: (_, c) => t(`release.checkKind.${c.kind}` as MessageKey) },
                  {
                    title: t('release.checkCol.result'),
                    key: 'result',
                    render: (_, c) => (
                      <Tag color={c.valid ? 'success' : 'error'}>{t(`gate.reason.${c.valid ? 'ok' : c.result}` as MessageKey)}</Tag>
                    ),
                  },
                ]}
              />
            </Card>
          </Flex>
        </Col>
        <Col xs={24} lg={10}>
          <Flex vertical gap={16}>
            {issued ? (
              <Card size="small" title={t('release.slip')} className="release-slip-card">
                <div className={r.state === 'approved' ? '' : 'release-slip-dim'}>
                  <QrCode text={r.code} size={180} />
                </div>
                <div className="release-code" data-testid="release-code" data-code={r.code}>
                  {spacedCode(r.code)}
                </div>
              </Card>
            ) : null}
            <Card size="small" title={t('release.history')}>
              <History r={r} />
            </Card>
          </Flex>
        </Col>
      </Row>

      <FormModal<StepValues>
        title={step ? t(`release.action.${step}` as MessageKey) : ''}
        open={!!step}
        onClose={() => setStep(null)}
        initialValues={step ? initialOf(step, r) : {}}
        onSubmit={(v) => send(step as Step, v)}
        reload={async () => {
          await q.refetch();
          return {};
        }}
        okText={t('release.step.save')}
        testId="release-step-modal"
      >
        {step ? <StepFields step={step} r={r} /> : null}
      </FormModal>
    </div>
  );
}
