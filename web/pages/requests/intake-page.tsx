import { CheckCircleOutlined, FileAddOutlined, PhoneOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Cascader,
  Col,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Result,
  Row,
  Select,
  Switch,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, api } from '../../app/api';
import { PageHeader } from '../../app/components/page-header';
import { isUploading, type PhotoFile, PhotoUpload, uploadedIds } from '../../app/components/photo-upload';
import { ProjectSelect, UnitPicker } from '../../app/components/pickers';
import { CHANNELS, KINDS } from '../../app/components/request-tags';
import { RelationTag } from '../../app/components/tags';
import { categoryOptions, keys, useCategories, useDepartments, usePhrases, useProjects } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { useErrorReporter } from '../../app/forms';
import { useT, useTx } from '../../app/i18n';
import { epochOf, pickerNow } from '../../app/picker-time';
import type { Channel, Kind, PhraseScenario, RepairScope, RequestCreate, RequestDetail, UnitDetail, Urgency } from '../../app/types';
import { PhrasePanel, PhraseText, scenariosFor } from './phrase-panel';
import { WarrantyNotice } from './warranty-notice';

/** The server's phone rule (phoneString): mainland mobile, or a landline with its area code. */
const PHONE_RE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;
const ANONYMOUS_KINDS: Kind[] = ['complaint', 'suggestion'];

interface IntakeValues {
  projectId?: string;
  channel: Channel;
  kind: Kind;
  anonymous: boolean;
  who: 'resident' | 'other';
  unitId?: string;
  requesterPersonId?: string;
  requesterName?: string;
  requesterPhone?: string;
  category?: string[];
  /** Only decides the warranty advice shown while registering; toBody leaves it out, the API has no such field yet. */
  repairScope: RepairScope;
  urgency: Urgency;
  grade: 'general' | 'significant' | 'urgent';
  compensation: boolean;
  aboutManager: boolean;
  location?: string;
  preferredTime?: string;
  content?: string;
  photos?: PhotoFile[];
  inquiryMode: 'answer' | 'promise';
  answer?: string;
  promisedAt?: Dayjs;
  departmentId?: string;
}

/** Names the API uses for a field → where that field sits in this form. */
const FIELD_OF: Record<string, string> = {
  categoryId: 'category',
  photoIds: 'photos',
  inquiry: 'inquiryMode',
  'inquiry.answer': 'answer',
  'inquiry.promisedAt': 'promisedAt',
};

function remapFields(e: unknown): unknown {
  if (!(e instanceof ApiError) || !Object.keys(e.fields).length) return e;
  const fields = Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [FIELD_OF[k] ?? k, v]));
  return new ApiError(e.status, e.code, e.message, fields, e.current);
}

function toBody(v: IntakeValues, projectId: string, callId: string | undefined): RequestCreate {
  const anonymous = ANONYMOUS_KINDS.includes(v.kind) && v.anonymous;
  const resident = !anonymous && v.who === 'resident';
  return {
    projectId,
    kind: v.kind,
    channel: v.channel,
    unitId: resident ? v.unitId : undefined,
    requesterPersonId: resident ? v.requesterPersonId : undefined,
    requesterName: anonymous ? '' : (v.requesterName ?? '').trim(),
    requesterPhone: anonymous ? '' : (v.requesterPhone ?? '').trim(),
    anonymous,
    location: (v.location ?? '').trim(),
    content: (v.content ?? '').trim(),
    categoryId: v.category?.length ? v.category[v.category.length - 1] : undefined,
    urgency: v.urgency,
    preferredTime: (v.preferredTime ?? '').trim(),
    departmentId: v.departmentId || undefined,
    photoIds: uploadedIds(v.photos),
    inquiry:
      v.kind === 'inquiry'
        ? v.inquiryMode === 'answer'
          ? { answer: (v.answer ?? '').trim() }
          : { promisedAt: v.promisedAt ? epochOf(v.promisedAt) : undefined }
        : undefined,
    complaint: v.kind === 'complaint' ? { grade: v.grade, compensation: v.compensation, aboutManager: v.aboutManager } : undefined,
    callId,
    readBackConfirmed: true,
  };
}

/** The current occupants of the chosen unit: picking one fills the requester's name and phone. */
function OccupantChooser(props: {
  unit: UnitDetail;
  value?: string;
  onChange?: (personId: string) => void;
  onPick(personId: string): void;
}) {
  const { unit, value } = props;
  const t = useT();
  const current = unit.occupants.filter((o) => !o.endDate);
  if (!current.length) return <Typography.Text type="secondary">{t('lookup.noOccupants')}</Typography.Text>;
  return (
    <Radio.Group
      value={value}
      onChange={(e) => {
        props.onChange?.(e.target.value);
        props.onPick(e.target.value);
      }}
      className="occupant-choice"
    >
      {current.map((o) => (
        <Radio key={o.personId} value={o.personId}>
          <span className="occupant-line" data-testid="intake-occupant">
            <strong>{o.name}</strong>
            <RelationTag relation={o.relation} />
            {o.phone ? (
              <span className="phone">
                <PhoneOutlined /> {o.phone}
              </span>
            ) : null}
          </span>
        </Radio>
      ))}
    </Radio.Group>
  );
}

function ReadBack({ v, unit, categoryText, phrase }: { v: IntakeValues; unit?: UnitDetail; categoryText: string; phrase?: string }) {
  const { t, tx } = useTx();
  const anonymous = ANONYMOUS_KINDS.includes(v.kind) && v.anonymous;
  const photos = uploadedIds(v.photos).length;
  return (
    <>
      {phrase ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('intake.readBackSay')}
          description={
            <PhraseText
              text={phrase}
              fills={
                anonymous
                  ? { content: v.content }
                  : { unit: unit?.number, phone: v.requesterPhone || undefined, name: v.requesterName, content: v.content }
              }
            />
          }
          data-testid="readback-phrase"
        />
      ) : null}
      <Descriptions
        size="small"
        bordered
        column={1}
        items={[
          {
            key: 'unit',
            label: t('field.unit'),
            children: anonymous ? t('intake.anonymous') : unit ? `${unit.projectName} ${unit.number}` : '—',
          },
          { key: 'phone', label: t('field.phone'), children: anonymous ? '—' : v.requesterPhone || '—' },
          { key: 'name', label: t('field.personName'), children: anonymous ? t('intake.anonymous') : v.requesterName || '—' },
          { key: 'kind', label: t('request.kind'), children: `${tx(`kind.${v.kind}`, v.kind)} · ${tx(`channel.${v.channel}`, v.channel)}` },
          ...(categoryText ? [{ key: 'cat', label: t('request.category'), children: categoryText }] : []),
          { key: 'content', label: t('request.content'), children: <span className="pre-wrap">{v.content}</span> },
          ...(v.location ? [{ key: 'loc', label: t('request.location'), children: v.location }] : []),
          ...(v.preferredTime ? [{ key: 'pt', label: t('request.preferredTime'), children: v.preferredTime }] : []),
          ...(v.urgency === 'urgent' ? [{ key: 'urg', label: t('request.urgency'), children: t('urgency.urgent') }] : []),
          ...(v.kind === 'complaint' ? [{ key: 'grade', label: t('complaint.grade'), children: t(`complaint.grade.${v.grade}`) }] : []),
          ...(v.kind === 'inquiry'
            ? [
                v.inquiryMode === 'answer'
                  ? { key: 'ans', label: t('intake.answerNow'), children: v.answer }
                  : { key: 'prom', label: t('intake.promiseAt'), children: v.promisedAt ? formatDateTime(epochOf(v.promisedAt)) : '—' },
              ]
            : []),
          ...(photos ? [{ key: 'ph', label: t('request.photos'), children: t('intake.photoCount', { n: photos }) }] : []),
        ]}
      />
    </>
  );
}

export default function IntakePage() {
  const { t, tx } = useTx();
  const qc = useQueryClient();
  const report = useErrorReporter();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [form] = Form.useForm<IntakeValues>();
  const projects = useProjects();
  const phrases = usePhrases();
  const [reading, setReading] = useState<IntakeValues | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<RequestDetail | null>(null);

  const initial = useMemo<IntakeValues>(() => {
    const ch = params.get('channel') as Channel | null;
    const kind = params.get('kind') as Kind | null;
    return {
      channel: ch && CHANNELS.includes(ch) ? ch : 'counter',
      kind: kind && KINDS.includes(kind) ? kind : 'repair',
      anonymous: false,
      who: 'resident',
      unitId: params.get('unitId') ?? undefined,
      urgency: 'normal',
      grade: 'general',
      compensation: false,
      aboutManager: false,
      repairScope: 'in_unit',
      inquiryMode: 'answer',
      photos: [],
      // From the call log: the caller's number, and the person types nothing twice.
      requesterPhone: params.get('phone') ?? undefined,
    };
  }, [params]);
  // The call this request comes from (R-IN-6): linked on save, once.
  const callId = params.get('callId') ?? undefined;

  const channel = Form.useWatch('channel', form) ?? initial.channel;
  const kind = Form.useWatch('kind', form) ?? initial.kind;
  const who = Form.useWatch('who', form) ?? 'resident';
  const anonymousOn = Form.useWatch('anonymous', form) ?? false;
  const unitId = Form.useWatch('unitId', form);
  const personId = Form.useWatch('requesterPersonId', form);
  const inquiryMode = Form.useWatch('inquiryMode', form) ?? 'answer';
  const chosenProject = Form.useWatch('projectId', form);
  const categoryPath = Form.useWatch('category', form);
  const repairScope = Form.useWatch('repairScope', form) ?? 'in_unit';
  const anonymous = ANONYMOUS_KINDS.includes(kind) && anonymousOn;

  const unit = useQuery({
    queryKey: keys.unit(unitId ?? ''),
    queryFn: () => api.get<UnitDetail>(`/api/units/${unitId}`),
    enabled: !!unitId && who === 'resident',
  });
  const categories = useCategories(kind);
  const catOptions = useMemo(() => categoryOptions(categories.data ?? []), [categories.data]);
  const onlyProject = projects.data?.length === 1 ? projects.data[0]?.id : undefined;
  const projectId = (who === 'resident' && !anonymous ? unit.data?.projectId : undefined) ?? chosenProject ?? onlyProject;
  const departments = useDepartments(projectId);
  const categoryId = categoryPath?.length ? categoryPath[categoryPath.length - 1] : undefined;
  // The warranty runs from the unit's handover: it can only be judged for a resident's unit.
  const warrantyUnit = kind === 'repair' && who === 'resident' ? unit.data : undefined;

  const pickOccupant = (pid: string) => {
    const o = unit.data?.occupants.find((x) => x.personId === pid);
    if (!o) return;
    // A masked phone is no number: the server fills the person's own number when this is left empty.
    form.setFieldsValue({ requesterPersonId: pid, requesterName: o.name, requesterPhone: o.phone.includes('*') ? '' : o.phone });
  };

  const categoryText = (path?: string[]) => {
    const names: string[] = [];
    let level = catOptions;
    for (const id of path ?? []) {
      const hit = level.find((o) => o.value === id);
      if (!hit) break;
      names.push(hit.label);
      level = hit.children ?? [];
    }
    return names.join(' / ');
  };

  const onReview = (v: IntakeValues) => {
    if (isUploading(v.photos)) {
      form.setFields([{ name: 'photos', errors: [t('photo.stillUploading')] }]);
      return;
    }
    setReading({ ...form.getFieldsValue(true), ...v });
  };

  const save = async () => {
    if (!reading) return;
    if (!projectId) {
      setReading(null);
      form.setFields([{ name: 'projectId', errors: [t('form.required')] }]);
      return;
    }
    setSaving(true);
    try {
      const created = await api.post<RequestDetail>('/api/requests', toBody(reading, projectId, callId));
      setReading(null);
      setSaved(created);
      qc.invalidateQueries({ queryKey: keys.queue });
    } catch (e) {
      setReading(null);
      report(remapFields(e), { form });
    } finally {
      setSaving(false);
    }
  };

  const another = () => {
    if (callId) navigate('/intake', { replace: true });
    setSaved(null);
    form.resetFields();
    form.setFieldsValue({ channel, kind, ...(callId ? { requesterPhone: '' } : {}) });
  };

  const readBackPhrase = phrases.data?.find((p) => p.scenario === 'read_back')?.text;
  const panelScenarios: PhraseScenario[] = saved ? (channel === 'counter' ? ['counter_farewell'] : []) : scenariosFor(channel, kind);

  return (
    <div>
      <PageHeader title={t('intake.title')} sub={t('intake.sub')} />
      {callId && !saved ? <Alert type="info" showIcon title={t('intake.fromCall')} style={{ marginBottom: 12 }} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={{ span: 24, order: 2 }} xl={{ span: 16, order: 1 }}>
          {saved ? (
            <Card>
              <Result
                status="success"
                icon={<CheckCircleOutlined />}
                title={
                  <span>
                    {t('intake.savedAs')}{' '}
                    <span className="request-number" data-testid="intake-number">
                      {saved.number}
                    </span>
                  </span>
                }
                subTitle={`${tx(`kind.${saved.kind}`, saved.kind)} · ${tx(`status.${saved.kind}.${saved.status}`, saved.statusLabel)}`}
                extra={[
                  <Button key="open" type="primary" onClick={() => navigate(`/requests/${saved.id}`)} data-testid="intake-open">
                    {t('intake.openRequest')}
                  </Button>,
                  <Button key="again" icon={<FileAddOutlined />} onClick={another} data-testid="intake-another">
                    {t('intake.another')}
                  </Button>,
                ]}
              />
            </Card>
          ) : (
            <Card>
              <Form<IntakeValues>
                form={form}
                layout="vertical"
                initialValues={initial}
                onFinish={onReview}
                onValuesChange={(changed: Partial<IntakeValues>) => {
                  // A different kind has a different category tree; the old choice would not exist in it.
                  if ('kind' in changed) form.setFieldValue('category', undefined);
                }}
                scrollToFirstError
                data-testid="intake-form"
              >
                <Form.Item name="channel" label={t('request.channel')}>
                  <Radio.Group
                    optionType="button"
                    buttonStyle="solid"
                    className="wrap-radios"
                    options={CHANNELS.map((c) => ({ value: c, label: tx(`channel.${c}`, c) }))}
                    data-testid="intake-channel"
                  />
                </Form.Item>
                <Form.Item name="kind" label={t('request.kind')}>
                  <Radio.Group
                    optionType="button"
                    buttonStyle="solid"
                    className="wrap-radios"
                    options={KINDS.map((k) => ({ value: k, label: tx(`kind.${k}`, k) }))}
                    data-testid="intake-kind"
                  />
                </Form.Item>

                {ANONYMOUS_KINDS.includes(kind) ? (
                  <Form.Item name="anonymous" label={t('intake.anonymous')} valuePropName="checked" extra={t('intake.anonymousHint')}>
                    <Switch data-testid="intake-anonymous" />
                  </Form.Item>
                ) : null}

                {anonymous ? null : (
                  <>
                    <Form.Item name="who" label={t('intake.who')}>
                      <Radio.Group
                        options={[
                          { value: 'resident', label: t('intake.whoResident') },
                          { value: 'other', label: t('intake.whoOther') },
                        ]}
                        onChange={() => form.setFieldsValue({ requesterPersonId: undefined })}
                      />
                    </Form.Item>
                    {who === 'resident' ? (
                      <>
                        <div data-testid="intake-unit">
                          <Form.Item name="unitId" label={t('field.unit')} rules={[{ required: true, message: t('intake.unitRequired') }]}>
                            <UnitPicker
                              onChange={(id) => {
                                form.setFieldsValue({ unitId: id, requesterPersonId: undefined, requesterName: '', requesterPhone: '' });
                              }}
                              allowClear
                            />
                          </Form.Item>
                        </div>
                        {unit.data ? (
                          <Form.Item name="requesterPersonId" label={t('intake.requester')}>
                            <OccupantChooser unit={unit.data} onPick={pickOccupant} />
                          </Form.Item>
                        ) : null}
                      </>
                    ) : (projects.data?.length ?? 0) > 1 ? (
                      <Form.Item name="projectId" label={t('field.project')} rules={[{ required: true, message: t('form.required') }]}>
                        <ProjectSelect />
                      </Form.Item>
                    ) : null}
                    <Row gutter={12}>
                      <Col xs={24} sm={12}>
                        <Form.Item
                          name="requesterName"
                          label={t('intake.name')}
                          rules={[
                            {
                              required: who === 'other' || !personId,
                              whitespace: true,
                              message: t('intake.nameRequired'),
                            },
                          ]}
                        >
                          <Input maxLength={50} data-testid="intake-name" />
                        </Form.Item>
                      </Col>
                      <Col xs={24} sm={12}>
                        <Form.Item
                          name="requesterPhone"
                          label={t('field.phone')}
                          rules={[{ pattern: PHONE_RE, message: t('intake.phoneInvalid') }]}
                        >
                          <Input maxLength={20} inputMode="tel" data-testid="intake-phone" />
                        </Form.Item>
                      </Col>
                    </Row>
                  </>
                )}

                <Row gutter={12}>
                  <Col xs={24} sm={12}>
                    <Form.Item name="category" label={t('request.category')}>
                      <Cascader
                        options={catOptions}
                        changeOnSelect
                        showSearch
                        loading={categories.isPending}
                        placeholder={t('intake.categoryPlaceholder')}
                        data-testid="intake-category"
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item name="urgency" label={t('request.urgency')}>
                      <Radio.Group
                        optionType="button"
                        options={[
                          { value: 'normal', label: t('urgency.normal') },
                          { value: 'urgent', label: t('urgency.urgent') },
                        ]}
                      />
                    </Form.Item>
                  </Col>
                </Row>
                {kind === 'complaint' ? (
                  <Row gutter={16}>
                    <Col xs={24} sm={12}>
                      <Form.Item name="grade" label={t('complaint.grade')} extra={t('complaint.gradeHint')}>
                        <Radio.Group
                          optionType="button"
                          options={(['general', 'significant', 'urgent'] as const).map((g) => ({
                            value: g,
                            label: t(`complaint.grade.${g}`),
                          }))}
                          data-testid="intake-grade"
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={6}>
                      <Form.Item name="compensation" label={t('complaint.compensation')} valuePropName="checked">
                        <Switch />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={6}>
                      <Form.Item name="aboutManager" label={t('complaint.aboutManager')} valuePropName="checked">
                        <Switch />
                      </Form.Item>
                    </Col>
                  </Row>
                ) : null}
                {kind === 'repair' && who === 'resident' ? (
                  <Form.Item name="repairScope" label={t('intake.repairScope')}>
                    <Radio.Group
                      options={[
                        { value: 'in_unit', label: t('intake.scopeInUnit') },
                        { value: 'common', label: t('intake.scopeCommon') },
                      ]}
                      data-testid="intake-repair-scope"
                    />
                  </Form.Item>
                ) : null}
                {warrantyUnit && categoryId ? (
                  <WarrantyNotice
                    unitId={warrantyUnit.id}
                    projectId={warrantyUnit.projectId}
                    projectName={warrantyUnit.projectName}
                    scope={repairScope}
                    categoryId={categoryId}
                    categoryName={categories.data?.find((c) => c.id === categoryId)?.name ?? ''}
                  />
                ) : null}
                <Form.Item
                  name="content"
                  label={t('request.content')}
                  rules={[{ required: true, whitespace: true, message: t('intake.contentRequired') }]}
                >
                  <Input.TextArea rows={4} maxLength={4000} showCount data-testid="intake-content" />
                </Form.Item>
                <Row gutter={12}>
                  <Col xs={24} sm={12}>
                    <Form.Item name="location" label={t('request.location')}>
                      <Input maxLength={200} placeholder={t('intake.locationPlaceholder')} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item name="preferredTime" label={t('request.preferredTime')}>
                      <Input maxLength={100} placeholder={t('intake.preferredTimePlaceholder')} />
                    </Form.Item>
                  </Col>
                </Row>

                {kind === 'inquiry' ? (
                  <Card size="small" className="inquiry-box" title={t('intake.inquiryHow')}>
                    <Form.Item name="inquiryMode">
                      <Radio.Group
                        options={[
                          { value: 'answer', label: t('intake.answerNow') },
                          { value: 'promise', label: t('intake.promiseAt') },
                        ]}
                        data-testid="intake-inquiry-mode"
                      />
                    </Form.Item>
                    {inquiryMode === 'answer' ? (
                      <Form.Item
                        name="answer"
                        label={t('intake.answerText')}
                        rules={[{ required: true, whitespace: true, message: t('intake.answerRequired') }]}
                      >
                        <Input.TextArea rows={3} maxLength={2000} data-testid="intake-answer" />
                      </Form.Item>
                    ) : (
                      <Form.Item
                        name="promisedAt"
                        label={t('intake.promiseAt')}
                        extra={t('intake.promiseHint')}
                        rules={[
                          { required: true, message: t('intake.promiseRequired') },
                          {
                            validator: async (_, d?: Dayjs) => {
                              if (d && epochOf(d) <= Date.now()) throw new Error(t('intake.promiseFuture'));
                            },
                          },
                        ]}
                      >
                        <DatePicker
                          showTime={{ format: 'HH:mm', minuteStep: 5 }}
                          format="YYYY-MM-DD HH:mm"
                          disabledDate={(d) => d.isBefore(pickerNow().startOf('day'))}
                          presets={[
                            { label: t('intake.inOneHour'), value: () => pickerNow().add(1, 'hour') },
                            { label: t('intake.tomorrowTen'), value: () => pickerNow().add(1, 'day').hour(10).minute(0) },
                          ]}
                          style={{ width: '100%', maxWidth: 280 }}
                          data-testid="intake-promised-at"
                        />
                      </Form.Item>
                    )}
                  </Card>
                ) : null}

                <Form.Item name="photos" label={t('request.photos')} extra={t('photo.hint')}>
                  <PhotoUpload />
                </Form.Item>

                <Form.Item name="departmentId" label={t('intake.department')} extra={t('intake.departmentHint')}>
                  <Select
                    allowClear
                    placeholder={t('intake.departmentDefault')}
                    options={(departments.data ?? []).map((d) => ({
                      value: d.id,
                      label: d.projectName ? d.name : `${d.name}（${t('departments.companyLevel')}）`,
                    }))}
                    style={{ maxWidth: 320 }}
                  />
                </Form.Item>

                <Flex gap={8} wrap>
                  <Button type="primary" htmlType="submit" size="large" data-testid="intake-submit">
                    {t('intake.review')}
                  </Button>
                  <Button size="large" onClick={another}>
                    {t('intake.clear')}
                  </Button>
                </Flex>
              </Form>
            </Card>
          )}
        </Col>
        <Col xs={{ span: 24, order: 1 }} xl={{ span: 8, order: 2 }}>
          <div className="sticky-side">{panelScenarios.length ? <PhrasePanel scenarios={panelScenarios} /> : null}</div>
        </Col>
      </Row>

      <Modal
        title={t('intake.readBackTitle')}
        open={reading !== null}
        onCancel={() => setReading(null)}
        destroyOnHidden
        width={560}
        data-testid="readback-modal"
        footer={[
          <Button key="back" onClick={() => setReading(null)}>
            {t('intake.backToEdit')}
          </Button>,
          <Button key="ok" type="primary" loading={saving} onClick={save} data-testid="readback-confirm">
            {t('intake.confirmSave')}
          </Button>,
        ]}
      >
        {reading ? (
          <ReadBack
            v={reading}
            unit={reading.who === 'resident' ? unit.data : undefined}
            categoryText={categoryText(reading.category)}
            phrase={readBackPhrase}
          />
        ) : null}
      </Modal>
    </div>
  );
}
