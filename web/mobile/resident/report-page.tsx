import { CheckCircleFilled } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Radio, Result, Skeleton, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type * as Callbacks from '../../../server/domains/repairs/callbacks.schema.ts';
import { api } from '../../app/api';
import { useCategories } from '../../app/data';
import { errorText, useErrorReporter } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import type { Category, RepairScope, RequestDetail, UnitDetail } from '../../app/types';
import { ChipSelect } from './chips';
import { PhotoPicker, type PickedPhoto, pickedIds, stillUploading } from './photo-picker';
import { residentKeys } from './resident-keys';

const MAX_PHOTOS = 9;

type ReportKind = 'repair' | 'complaint' | 'suggestion';
const REPORT_KINDS: ReportKind[] = ['repair', 'complaint', 'suggestion'];

interface Values {
  kind: ReportKind;
  unitId?: string;
  repairScope: RepairScope;
  categoryId?: string;
  content: string;
  location?: string;
  preferredTime?: string;
  photos?: PickedPhoto[];
}

/** The body of POST /api/me/requests, as the server's schema reads it. */
type ResidentReport = z.input<typeof Callbacks.ResidentRequestCreate>;

const TIME_CHIPS: MessageKey[] = [
  'residentApp.report.chip.thisAfternoon',
  'residentApp.report.chip.tomorrowMorning',
  'residentApp.report.chip.tomorrowAfternoon',
  'residentApp.report.chip.evening',
  'residentApp.report.chip.anytime',
];

/**
 * The repair categories under the root that matches the scope: 室内维修 for the unit,
 * 公共设施 for common areas. When the company renamed the roots, every child is offered.
 */
export function scopeCategories(cats: Category[], scope: RepairScope): Category[] {
  const roots = cats.filter((c) => !c.parentId);
  const root = roots.find((r) => (scope === 'in_unit' ? r.name.includes('室内') : r.name.includes('公共')));
  const children = root ? cats.filter((c) => c.parentId === root.id) : cats.filter((c) => c.parentId);
  return children.length ? children : roots;
}

const DONE: Record<ReportKind, MessageKey> = {
  repair: 'residentApp.report.done',
  complaint: 'residentApp.report.done.complaint',
  suggestion: 'residentApp.report.done.suggestion',
};
const PROMISE: Record<ReportKind, MessageKey> = {
  repair: 'residentApp.report.promise',
  complaint: 'residentApp.report.promise.complaint',
  suggestion: 'residentApp.report.promise.suggestion',
};

function Done({ request, onAnother }: { request: RequestDetail; onAnother(): void }) {
  const t = useT();
  const kind = (REPORT_KINDS as string[]).includes(request.kind) ? (request.kind as ReportKind) : 'repair';
  const navigate = useNavigate();
  return (
    <Result
      icon={<CheckCircleFilled style={{ color: '#52c41a' }} />}
      title={t(DONE[kind])}
      subTitle={
        <Flex vertical gap={8} align="center">
          <Typography.Text strong style={{ fontSize: 16 }} data-testid="report-number" data-number={request.number}>
            {t('residentApp.report.number', { number: request.number })}
          </Typography.Text>
          <Typography.Text data-testid="report-promise">{t(PROMISE[kind])}</Typography.Text>
        </Flex>
      }
      extra={
        <Flex vertical gap={8}>
          <Button type="primary" block size="large" onClick={() => navigate(`/m/requests/${request.id}`)} data-testid="report-view">
            {t('residentApp.report.view')}
          </Button>
          <Button block size="large" onClick={onAnother} data-testid="report-another">
            {t('residentApp.report.another')}
          </Button>
        </Flex>
      }
      data-testid="report-done"
    />
  );
}

/** R-RA-1, R-RP-1, R-CP-1: a resident reports a repair, complains or suggests from the phone, with photos. */
export default function ReportPage() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [form] = Form.useForm<Values>();
  const [done, setDone] = useState<RequestDetail | null>(null);
  const [params] = useSearchParams();
  const asked = params.get('kind') as ReportKind | null;
  const initialKind: ReportKind = asked && REPORT_KINDS.includes(asked) ? asked : 'repair';
  const units = useQuery({ queryKey: residentKeys.units, queryFn: () => api.get<UnitDetail[]>('/api/me/units') });
  const kind: ReportKind = Form.useWatch('kind', form) ?? initialKind;
  const cats = useCategories(kind);
  const scope = Form.useWatch('repairScope', form) ?? 'in_unit';
  const isRepair = kind === 'repair';
  const preferredTime = Form.useWatch('preferredTime', form);
  const categoryOptions = useMemo(
    () =>
      (isRepair ? scopeCategories(cats.data ?? [], scope) : (cats.data ?? []).filter((c) => c.active)).map((c) => ({
        value: c.id,
        label: c.name,
      })),
    [cats.data, scope, isRepair],
  );

  const submit = useMutation({
    mutationFn: (body: ResidentReport) => api.post<RequestDetail>('/api/me/requests', body),
    onSuccess: (r) => {
      qc.setQueryData(residentKeys.request(r.id), r);
      qc.invalidateQueries({ queryKey: residentKeys.requests });
      setDone(r);
      window.scrollTo(0, 0);
    },
    onError: (e) => report(e, { form }),
  });

  const onFinish = (v: Values) => {
    if (stillUploading(v.photos)) {
      message.warning(t('residentApp.report.uploading'));
      return;
    }
    const repair = v.kind === 'repair';
    submit.mutate({
      unitId: v.unitId as string,
      kind: v.kind,
      repairScope: repair ? v.repairScope : undefined,
      categoryId: v.categoryId || undefined,
      content: v.content.trim(),
      location: repair && v.repairScope === 'common' ? v.location?.trim() || undefined : undefined,
      preferredTime: repair ? v.preferredTime?.trim() || undefined : undefined,
      photoIds: pickedIds(v.photos),
    });
  };

  if (done) {
    return (
      <Done
        request={done}
        onAnother={() => {
          form.resetFields();
          setDone(null);
        }}
      />
    );
  }

  if (units.isPending) return <Skeleton active />;
  if (units.isError) return <Alert type="error" showIcon title={errorText(units.error, t)} />;
  if (units.data.length === 0) return <Alert type="info" showIcon title={t('residentApp.report.noUnits')} />;

  return (
    <div>
      <Typography.Title level={4}>{t(`residentApp.report.title.${kind}`)}</Typography.Title>
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ kind: initialKind, unitId: units.data[0]?.id, repairScope: 'in_unit', photos: [] }}
        onValuesChange={(changed) => {
          if ('repairScope' in changed || 'kind' in changed) form.setFieldValue('categoryId', undefined);
        }}
        onFinish={onFinish}
        data-testid="report-form"
      >
        <Card size="small" style={{ marginBottom: 12 }}>
          <Form.Item name="kind" label={t('resident.kindLabel')} style={{ marginBottom: 12 }}>
            <Radio.Group optionType="button" buttonStyle="solid" data-testid="report-kind">
              {REPORT_KINDS.map((k) => (
                <Radio.Button key={k} value={k} data-testid={`report-kind-${k}`}>
                  {t(`resident.kind.${k}`)}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item
            name="unitId"
            label={t('residentApp.report.unit')}
            rules={[{ required: true, message: t('residentApp.report.unitRequired') }]}
            style={{ marginBottom: 12 }}
          >
            <Radio.Group data-testid="report-unit">
              <Flex vertical gap={8}>
                {units.data.map((u) => (
                  <Radio key={u.id} value={u.id}>
                    {u.projectName} {u.number}
                  </Radio>
                ))}
              </Flex>
            </Radio.Group>
          </Form.Item>
          {isRepair ? (
            <Form.Item
              name="repairScope"
              label={t('residentApp.report.scope')}
              extra={t(scope === 'common' ? 'residentApp.report.scopeHint.common' : 'residentApp.report.scopeHint.in_unit')}
              style={{ marginBottom: 0 }}
            >
              <Radio.Group optionType="button" buttonStyle="solid" data-testid="report-scope">
                <Radio.Button value="in_unit">{t('residentApp.report.scope.in_unit')}</Radio.Button>
                <Radio.Button value="common">{t('residentApp.report.scope.common')}</Radio.Button>
              </Radio.Group>
            </Form.Item>
          ) : null}
        </Card>

        <Card size="small" style={{ marginBottom: 12 }}>
          {categoryOptions.length ? (
            <Form.Item name="categoryId" label={t('residentApp.report.category')}>
              <ChipSelect options={categoryOptions} testId="report-category" />
            </Form.Item>
          ) : null}
          <Form.Item
            name="content"
            label={t('residentApp.report.content')}
            rules={[{ required: true, whitespace: true, message: t('residentApp.report.contentRequired') }]}
          >
            <Input.TextArea
              rows={4}
              maxLength={2000}
              placeholder={t('residentApp.report.contentPlaceholder')}
              data-testid="report-content"
            />
          </Form.Item>
          {isRepair && scope === 'common' ? (
            <Form.Item
              name="location"
              label={t('residentApp.report.location')}
              rules={[{ required: true, whitespace: true, message: t('residentApp.report.locationRequired') }]}
            >
              <Input maxLength={200} placeholder={t('residentApp.report.locationPlaceholder')} data-testid="report-location" />
            </Form.Item>
          ) : null}
          {isRepair ? (
            <Form.Item label={t('residentApp.report.preferredTime')} style={{ marginBottom: 12 }}>
              <Form.Item name="preferredTime" noStyle>
                <Input
                  maxLength={100}
                  placeholder={t('residentApp.report.preferredTimePlaceholder')}
                  allowClear
                  data-testid="report-time"
                />
              </Form.Item>
              <TimeChips onPick={(v) => form.setFieldValue('preferredTime', v)} current={preferredTime} />
            </Form.Item>
          ) : null}
          <Form.Item name="photos" label={t('residentApp.report.photos')} style={{ marginBottom: 0 }}>
            <PhotoPicker max={MAX_PHOTOS} />
          </Form.Item>
        </Card>

        <Button type="primary" htmlType="submit" block loading={submit.isPending} className="ra-submit" data-testid="report-submit">
          {t(isRepair ? 'residentApp.report.submit' : 'residentApp.report.submit.other')}
        </Button>
      </Form>
    </div>
  );
}

function TimeChips({ current, onPick }: { current?: string; onPick(v: string | undefined): void }) {
  const t = useT();
  const options = TIME_CHIPS.map((k) => ({ value: t(k), label: t(k) }));
  return <ChipSelect options={options} value={current} onChange={onPick} testId="report-time-chips" />;
}
