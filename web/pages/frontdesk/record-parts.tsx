import { Button, Empty, Flex, Form, Input, InputNumber, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../app/api';
import { formatDateTime } from '../../app/format';
import { useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Notified, Step } from './frontdesk-types';

/** Who was told when the record was logged, grouped by capacity (客服主管, 工程部…). */
export function NotifiedList({ notified }: { notified: Notified[] }) {
  const t = useT();
  if (!notified.length) return <Typography.Text type="warning">{t('incident.notifiedNobody')}</Typography.Text>;
  const groups = new Map<string, string[]>();
  for (const n of notified) groups.set(n.as, [...(groups.get(n.as) ?? []), n.name]);
  return (
    <Flex vertical gap={4} data-testid="notified-list">
      {[...groups].map(([as, names]) => (
        <span key={as}>
          <Tag>{as}</Tag>
          {names.join('、')}
        </span>
      ))}
    </Flex>
  );
}

/** Handling steps in order; a correction says which step it corrects, the corrected one stays as written. */
export function StepList({ steps }: { steps: Step[] }) {
  const t = useT();
  if (!steps.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('incident.noSteps')} />;
  return (
    <Timeline
      data-testid="step-list"
      items={steps.map((s) => ({
        key: s.n,
        content: (
          <div data-testid="step-item">
            <Typography.Text type="secondary" className="small">
              #{s.n} · {formatDateTime(s.at)} · {s.actorName}
            </Typography.Text>
            {s.correctsN !== null ? <Tag color="orange">{t('incident.corrects', { n: s.correctsN })}</Tag> : null}
            <div className="pre-wrap">{s.text}</div>
          </div>
        ),
      }))}
    />
  );
}

interface StepValues {
  text: string;
  correctsN?: number;
}

/** Appends a step (or a correction of one) to `path`; history is never edited. */
export function AddStepForm(props: { path: string; maxN: number; onDone(): unknown }) {
  const t = useT();
  const [form] = Form.useForm<StepValues>();
  const report = useErrorReporter();
  const [busy, setBusy] = useState(false);
  const [correcting, setCorrecting] = useState(false);
  return (
    <Form<StepValues>
      form={form}
      layout="vertical"
      onFinish={async (v) => {
        setBusy(true);
        try {
          await api.post(props.path, { text: v.text.trim(), correctsN: correcting ? v.correctsN : undefined });
          form.resetFields();
          setCorrecting(false);
          await props.onDone();
        } catch (e) {
          report(e, { form });
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form.Item name="text" label={t('incident.stepText')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
        <Input.TextArea rows={2} maxLength={2000} showCount data-testid="step-text" />
      </Form.Item>
      <Flex gap={8} wrap align="center">
        {props.maxN > 0 ? (
          correcting ? (
            <Form.Item
              name="correctsN"
              label={t('incident.correctsN')}
              rules={[{ required: true, message: t('form.required') }]}
              style={{ marginBottom: 0 }}
            >
              <InputNumber min={1} max={props.maxN} style={{ width: 100 }} data-testid="step-corrects" />
            </Form.Item>
          ) : (
            <Button type="link" onClick={() => setCorrecting(true)} data-testid="step-correct">
              {t('incident.addCorrection')}
            </Button>
          )
        ) : null}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="step-add">
          {t('incident.addStep')}
        </Button>
      </Flex>
    </Form>
  );
}
