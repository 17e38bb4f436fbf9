import { LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Radio, Segmented, Skeleton, Timeline, Typography } from 'antd';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { ListStatus, LoadMore } from '../../app/components/load-more';
import { usePagedList } from '../../app/data';
import { chinaEpoch, formatDate, formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { type MessageKey, useT, useTx } from '../../app/i18n';
import type { UnitDetail } from '../../app/types';
import {
  ItemsField,
  ItemsText,
  QrCode,
  type ReleaseApplication,
  ReleaseStateTag,
  type ReleaseSummary,
  type ResidentRelease,
  releaseKeys,
  spacedCode,
  windowText,
} from '../../pages/frontdesk/release-common';
import { ReleaseStyles } from '../../pages/frontdesk/release-styles';
import { ChipSelect } from './chips';
import { PhotoPicker, type PickedPhoto, pickedIds, stillUploading } from './photo-picker';
import { residentKeys } from './resident-keys';

type PhoneStanding = 'owner' | 'decoration_lead' | 'tenant' | 'other';
const PHONE_STANDINGS: PhoneStanding[] = ['owner', 'decoration_lead', 'tenant', 'other'];
type Day = 'today' | 'tomorrow';

interface Values {
  unitId?: string;
  who: 'self' | 'other';
  applicantName?: string;
  applicantPhone?: string;
  standing: PhoneStanding;
  path: 'letter' | 'owner_call';
  letter?: PickedPhoto[];
  items: { name: string; quantity: number; unit: string }[];
  plate?: string;
  day: Day;
  reason: string;
}

const REASONS: MessageKey[] = ['release.reason.move', 'release.reason.rubbish', 'release.reason.furniture', 'release.reason.leave'];

/** Today from now, or all of tomorrow, China time: the two windows a resident asks for on the phone. */
function dayWindow(day: Day): { validFrom?: number; validUntil?: number } {
  if (day === 'today') return {};
  const tomorrow = formatDate(Date.now() + 86_400_000);
  return { validFrom: chinaEpoch(tomorrow), validUntil: chinaEpoch(tomorrow, '23:59') + 59_999 };
}

/** R-RA-1: the resident applies for a goods release for one of their units. */
function ApplyForm({ units, onDone }: { units: UnitDetail[]; onDone(r: ResidentRelease): void }) {
  const t = useT();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [form] = Form.useForm<Values>();
  const who = Form.useWatch('who', form) ?? 'self';
  const standing = Form.useWatch('standing', form) ?? 'owner';
  const path = Form.useWatch('path', form) ?? 'owner_call';
  const reason = Form.useWatch('reason', form);
  const needsOwner = standing === 'tenant' || standing === 'other';

  const submit = useMutation({
    mutationFn: (body: ReleaseApplication) => api.post<ResidentRelease>('/api/me/releases', body),
    onSuccess: onDone,
    onError: (e) => report(e, { form }),
  });

  const onFinish = (v: Values) => {
    if (stillUploading(v.letter)) {
      message.warning(t('release.form.uploading'));
      return;
    }
    submit.mutate({
      unitId: v.unitId as string,
      applicantName: v.who === 'other' ? (v.applicantName ?? '').trim() : '',
      applicantPhone: v.who === 'other' ? (v.applicantPhone ?? '').trim() : '',
      standing: v.standing,
      path: needsOwner ? v.path : undefined,
      letterFileId: needsOwner && v.path === 'letter' ? pickedIds(v.letter)[0] : undefined,
      items: v.items.map((i) => ({ name: i.name.trim(), quantity: i.quantity, unit: String(i.unit).trim() })),
      plate: (v.plate ?? '').trim(),
      reason: v.reason.trim(),
      ...dayWindow(v.day),
    });
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{
        unitId: units[0]?.id,
        who: 'self',
        standing: 'owner',
        path: 'owner_call',
        day: 'today',
        items: [{ name: '', quantity: 1, unit: '件' }],
      }}
      onFinish={onFinish}
      data-testid="release-apply-form"
    >
      <Card size="small" style={{ marginBottom: 12 }}>
        {units.length > 1 ? (
          <Form.Item name="unitId" label={t('release.form.unit')} rules={[{ required: true, message: t('release.form.unitRequired') }]}>
            <Radio.Group data-testid="release-unit">
              <Flex vertical gap={8}>
                {units.map((u) => (
                  <Radio key={u.id} value={u.id}>
                    {u.projectName} {u.number}
                  </Radio>
                ))}
              </Flex>
            </Radio.Group>
          </Form.Item>
        ) : (
          <Form.Item name="unitId" label={t('release.form.unit')} style={{ marginBottom: 12 }}>
            <Typography.Text strong>
              {units[0]?.projectName} {units[0]?.number}
            </Typography.Text>
          </Form.Item>
        )}
        <Form.Item name="who" label={t('release.form.who')}>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="release-who">
            <Radio.Button value="self" data-testid="release-who-self">
              {t('release.who.self')}
            </Radio.Button>
            <Radio.Button value="other" data-testid="release-who-other">
              {t('release.who.other')}
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        {who === 'other' ? (
          <>
            <Form.Item
              name="applicantName"
              label={t('release.form.applicantName')}
              rules={[{ required: true, whitespace: true, message: t('release.form.applicantNameRequired') }]}
            >
              <Input maxLength={50} data-testid="release-applicant-name" />
            </Form.Item>
            <Form.Item
              name="applicantPhone"
              label={t('release.form.applicantPhone')}
              rules={[{ required: true, whitespace: true, message: t('release.form.applicantPhoneRequired') }]}
            >
              <Input maxLength={20} inputMode="tel" data-testid="release-applicant-phone" />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="standing" label={t('release.form.standing')} style={{ marginBottom: needsOwner ? 12 : 0 }}>
          <Radio.Group data-testid="release-standing">
            <Flex wrap gap={8}>
              {PHONE_STANDINGS.map((s) => (
                <Radio key={s} value={s} data-testid={`release-standing-${s}`}>
                  {t(`release.standing.${s}` as MessageKey)}
                </Radio>
              ))}
            </Flex>
          </Radio.Group>
        </Form.Item>
        {needsOwner ? (
          <Form.Item name="path" label={t('release.form.path')} style={{ marginBottom: path === 'letter' ? 12 : 0 }}>
            <Radio.Group data-testid="release-path">
              <Flex vertical gap={6}>
                <Radio value="owner_call" data-testid="release-path-owner_call">
                  {t('release.path.owner_call.resident')}
                </Radio>
                <Radio value="letter" data-testid="release-path-letter">
                  {t('release.path.letter.resident')}
                </Radio>
              </Flex>
            </Radio.Group>
          </Form.Item>
        ) : null}
        {needsOwner && path === 'letter' ? (
          <Form.Item
            name="letter"
            label={t('release.form.letter')}
            rules={[{ required: true, message: t('release.form.letterRequired') }]}
            style={{ marginBottom: 0 }}
          >
            <PhotoPicker max={1} />
          </Form.Item>
        ) : null}
      </Card>

      <Card size="small" style={{ marginBottom: 12 }}>
        <Form.Item label={t('release.form.items')}>
          <ItemsField compact />
        </Form.Item>
        <Form.Item name="plate" label={t('release.form.plate')}>
          <Input maxLength={20} placeholder="粤B12345" data-testid="release-plate" />
        </Form.Item>
        <Form.Item name="day" label={t('release.form.day')}>
          <Segmented<Day>
            options={[
              { value: 'today', label: t('release.day.today') },
              { value: 'tomorrow', label: t('release.day.tomorrow') },
            ]}
            data-testid="release-day"
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('release.form.reason')}
          rules={[{ required: true, whitespace: true, message: t('release.form.reasonRequired') }]}
          style={{ marginBottom: 8 }}
        >
          <Input maxLength={500} placeholder={t('release.form.reasonPlaceholder')} data-testid="release-reason" />
        </Form.Item>
        <ChipSelect
          options={REASONS.map((k) => ({ value: t(k), label: t(k) }))}
          value={reason}
          onChange={(v) => form.setFieldValue('reason', v ?? '')}
          testId="release-reason-chips"
        />
      </Card>
      <Button type="primary" htmlType="submit" block loading={submit.isPending} className="ra-submit" data-testid="release-apply-submit">
        {t('release.form.submitResident')}
      </Button>
    </Form>
  );
}

/** R-RA-1: the resident's goods releases, newest first, and the form to apply for one. */
export default function ResidentReleasesPage() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const applying = params.get('new') === '1';
  const units = useQuery({ queryKey: residentKeys.units, queryFn: () => api.get<UnitDetail[]>('/api/me/units') });
  const list = usePagedList<ReleaseSummary>(releaseKeys.mine, '/api/me/releases', { limit: 20 }, !applying);

  if (applying) {
    return (
      <div>
        <Flex align="center" gap={8}>
          <Button
            type="text"
            icon={<LeftOutlined />}
            onClick={() => setParams({})}
            aria-label={t('release.back')}
            data-testid="release-apply-back"
          />
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('release.resident.applyTitle')}
          </Typography.Title>
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('release.resident.applyHint')}
        </Typography.Paragraph>
        {units.isPending ? (
          <Skeleton active />
        ) : units.isError ? (
          <Alert type="error" showIcon title={errorText(units.error, t)} />
        ) : units.data.length === 0 ? (
          <Alert type="info" showIcon title={t('release.resident.noUnits')} />
        ) : (
          <ApplyForm
            units={units.data}
            onDone={(r) => {
              qc.setQueryData(releaseKeys.myRelease(r.id), r);
              qc.invalidateQueries({ queryKey: releaseKeys.mine });
              navigate(`/m/releases/${r.id}`, { replace: true });
            }}
          />
        )}
      </div>
    );
  }

  return (
    <div>
      <ReleaseStyles />
      <Flex align="center" justify="space-between">
        <Typography.Title level={4}>{t('release.resident.title')}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setParams({ new: '1' })} data-testid="release-apply">
          {t('release.resident.apply')}
        </Button>
      </Flex>
      <ListStatus list={list} empty={t('release.resident.empty')} />
      {list.items.length > 0 ? (
        <>
          <Flex vertical gap={10}>
            {list.items.map((r) => (
              <Link key={r.id} to={`/m/releases/${r.id}`} data-testid="release-card" data-number={r.number}>
                <Card size="small" hoverable>
                  <Flex align="center" justify="space-between" gap={8}>
                    <Typography.Text strong>{r.number}</Typography.Text>
                    <ReleaseStateTag state={r.state} />
                  </Flex>
                  <Typography.Paragraph className="ra-card-content" style={{ marginBottom: 4 }}>
                    {r.itemsText}
                  </Typography.Paragraph>
                  <Flex align="center" justify="space-between">
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.unitNumber} · {windowText(r.validFrom, r.validUntil)}
                    </Typography.Text>
                    <RightOutlined style={{ color: '#bbb' }} />
                  </Flex>
                </Card>
              </Link>
            ))}
          </Flex>
          <LoadMore
            hasMore={!!list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => list.fetchNextPage()}
            count={list.items.length}
          />
        </>
      ) : null}
    </div>
  );
}

/** The slip on the resident's phone: a big QR code and the code to show at the gate, with its state. */
export function ResidentReleaseSlip() {
  const { id = '' } = useParams();
  const { t, tx } = useTx();
  const navigate = useNavigate();
  const q = useQuery({
    queryKey: releaseKeys.myRelease(id),
    queryFn: () => api.get<ResidentRelease>(`/api/me/releases/${id}`),
    // The desk decides while the resident waits at the counter or at home: the page looks again by itself.
    refetchInterval: (query) => (query.state.data && ['pending', 'verified', 'approved'].includes(query.state.data.state) ? 15_000 : false),
  });

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const r = q.data;
  const waiting = r.state === 'pending' || r.state === 'verified';

  return (
    <div data-testid="release-slip" data-state={r.state}>
      <ReleaseStyles />
      <Flex align="center" gap={8} style={{ marginBottom: 8 }}>
        <Button
          type="text"
          icon={<LeftOutlined />}
          onClick={() => navigate('/m/releases')}
          aria-label={t('release.back')}
          data-testid="release-slip-back"
        />
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="release-number">
          {r.number}
        </Typography.Title>
        <ReleaseStateTag state={r.state} />
      </Flex>

      {r.code ? (
        <Card className="release-slip-card" style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary">
            {t(r.state === 'approved' ? 'release.resident.showGate' : (`release.resident.slip.${r.state}` as MessageKey))}
          </Typography.Text>
          <div className={r.state === 'approved' ? '' : 'release-slip-dim'}>
            <QrCode text={r.code} size={240} />
          </div>
          <div className="release-code" data-testid="release-code" data-code={r.code}>
            {spacedCode(r.code)}
          </div>
          {r.usedAt ? (
            <Typography.Text type="secondary" data-testid="release-used-at">
              {t('release.resident.usedAt', { at: formatDateTime(r.usedAt) })}
            </Typography.Text>
          ) : null}
        </Card>
      ) : null}
      {waiting ? (
        <Alert
          type="info"
          showIcon
          title={t('release.resident.waiting')}
          description={t(`release.resident.waiting.${r.path}` as MessageKey)}
          style={{ marginBottom: 12 }}
          data-testid="release-waiting"
        />
      ) : null}
      {r.state === 'refused' ? (
        <Alert
          type="error"
          showIcon
          title={t('release.refusedTitle')}
          description={r.refusalReason}
          style={{ marginBottom: 12 }}
          data-testid="release-refusal"
        />
      ) : null}

      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex vertical gap={6}>
          <div>
            <Typography.Text type="secondary">{t('release.col.unit')}：</Typography.Text>
            {r.projectName} {r.unitNumber}
          </div>
          <div>
            <Typography.Text type="secondary">{t('release.col.applicant')}：</Typography.Text>
            {r.applicantName} · {t(`release.standing.${r.standing}` as MessageKey)}
          </div>
          <div>
            <Typography.Text type="secondary">{t('release.col.window')}：</Typography.Text>
            <span data-testid="release-window-text">{windowText(r.validFrom, r.validUntil)}</span>
          </div>
          {r.plate ? (
            <div>
              <Typography.Text type="secondary">{t('release.col.plate')}：</Typography.Text>
              {r.plate}
            </div>
          ) : null}
          <div>
            <Typography.Text type="secondary">{t('release.col.items')}：</Typography.Text>
            <ItemsText items={r.items} />
          </div>
        </Flex>
      </Card>

      <Card size="small" title={t('release.resident.progress')}>
        <Timeline
          items={[...r.events].reverse().map((e, i) => ({
            key: `${e.at}-${i}`,
            color: e.type === 'refused' ? 'red' : i === 0 ? 'blue' : 'gray',
            content: (
              <div data-testid="release-progress" data-type={e.type}>
                <Typography.Text strong={i === 0}>
                  {tx(
                    `release.progress.${e.type}${e.answer && e.type.endsWith('_called') ? `.${e.answer}` : ''}`,
                    tx(`release.event.${e.type}`, e.type),
                  )}
                </Typography.Text>
                {e.note ? <div>{e.note}</div> : null}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(e.at)}
                  </Typography.Text>
                </div>
              </div>
            ),
          }))}
        />
      </Card>
    </div>
  );
}
