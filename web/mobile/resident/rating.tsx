import { useMutation } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Rate, Typography } from 'antd';
import { api } from '../../app/api';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import type { RequestDetail } from '../../app/types';

interface RatingValues {
  overall?: number;
  speed?: number;
  attitude?: number;
  comment?: string;
}

const ASPECTS: Array<{ name: 'overall' | 'speed' | 'attitude'; label: MessageKey; column: string }> = [
  { name: 'overall', label: 'residentApp.rating.overall', column: 'ratingOverall' },
  { name: 'speed', label: 'residentApp.rating.speed', column: 'ratingSpeed' },
  { name: 'attitude', label: 'residentApp.rating.attitude', column: 'ratingAttitude' },
];

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function Rated({ request }: { request: RequestDetail }) {
  const t = useT();
  const d = request.detail;
  const ratedAt = num(d.ratedAt);
  const comment = typeof d.ratingComment === 'string' ? d.ratingComment : '';
  return (
    <Card size="small" title={t('residentApp.rating.yours')} data-testid="rating-done">
      <Flex vertical gap={6}>
        {ASPECTS.map((a) => (
          <div key={a.name} className="ra-rate-row">
            <Typography.Text>{t(a.label)}</Typography.Text>
            <Rate disabled value={num(d[a.column]) ?? 0} data-testid={`rated-${a.name}`} data-value={num(d[a.column]) ?? 0} />
          </div>
        ))}
        {comment ? (
          <Typography.Paragraph className="pre-wrap" style={{ marginBottom: 0 }} data-testid="rated-comment">
            {comment}
          </Typography.Paragraph>
        ) : null}
        {ratedAt !== null ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('residentApp.rating.ratedAt', { at: formatDateTime(ratedAt) })}
          </Typography.Text>
        ) : null}
      </Flex>
    </Card>
  );
}

/** R-RP-6, R-RA-1: once the repair is done the resident rates it, once; afterwards the stars are shown as given. */
export function RatingCard({ request, onRated }: { request: RequestDetail; onRated(next: RequestDetail): void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<RatingValues>();
  const rate = useMutation({
    mutationFn: (v: Required<RatingValues>) => api.post<RequestDetail>(`/api/me/requests/${request.id}/rating`, v),
    onSuccess: (next) => {
      message.success(t('residentApp.rating.thanks'));
      onRated(next);
    },
    onError: (e) => message.error(errorText(e, t)),
  });

  if (request.detail.ratedAt !== null && request.detail.ratedAt !== undefined) return <Rated request={request} />;

  return (
    <Card size="small" title={t('residentApp.rating.title')} data-testid="rating-form">
      <Form<RatingValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) =>
          rate.mutate({ overall: v.overall ?? 0, speed: v.speed ?? 0, attitude: v.attitude ?? 0, comment: v.comment?.trim() ?? '' })
        }
      >
        {ASPECTS.map((a) => (
          <Form.Item
            key={a.name}
            name={a.name}
            rules={[{ required: true, type: 'number', min: 1, message: t('residentApp.rating.required') }]}
            style={{ marginBottom: 8 }}
          >
            <RateRow label={t(a.label)} testId={`rate-${a.name}`} />
          </Form.Item>
        ))}
        <Form.Item name="comment" label={t('residentApp.rating.comment')}>
          <Input.TextArea rows={3} maxLength={500} placeholder={t('residentApp.rating.commentPlaceholder')} data-testid="rate-comment" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={rate.isPending} className="ra-submit" data-testid="rate-submit">
          {t('residentApp.rating.submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** A labelled row of stars that a Form.Item can drive (value/onChange). */
function RateRow({ label, testId, value, onChange }: { label: string; testId: string; value?: number; onChange?: (v: number) => void }) {
  return (
    <div className="ra-rate-row">
      <Typography.Text>{label}</Typography.Text>
      <Rate value={value} onChange={onChange} data-testid={testId} />
    </div>
  );
}
