import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Drawer, Flex, Form, Input, Radio, Segmented, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAddressParams } from '../../app/address-params';
import { api } from '../../app/api';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { isUploading, type PhotoFile, PhotoUpload, uploadedIds } from '../../app/components/photo-upload';
import { ProjectSelect, UnitPicker } from '../../app/components/pickers';
import { usePagedList, useProjects } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import {
  ItemsField,
  type ReleaseApplication,
  type ReleaseDetail,
  ReleaseStateTag,
  type ReleaseSummary,
  releaseKeys,
  STANDINGS,
  type Standing,
  WindowField,
  type WindowValue,
  windowBody,
  windowText,
} from './release-common';
import { ReleaseStyles } from './release-styles';

type Scope = 'pending' | 'today' | 'all';

interface FormValues {
  unitId?: string;
  standing: Standing;
  applicantName: string;
  applicantPhone: string;
  company?: string;
  path: 'letter' | 'owner_call';
  letter?: PhotoFile[];
  items: { name: string; quantity: number; unit: string }[];
  plate?: string;
  window?: WindowValue;
  reason: string;
}

/** The unit look-up, findable by tests: the picker itself takes no test id. */
function UnitField(props: { projectId?: string; value?: string; onChange?: (v: string) => void }) {
  return (
    <div data-testid="release-unit">
      <UnitPicker projectId={props.projectId} value={props.value} onChange={props.onChange} />
    </div>
  );
}

/** The counter's application form (R-FD-2): who applies and in what standing decides how they are verified. */
function ApplyForm({ projectId, onDone }: { projectId?: string; onDone(r: ReleaseDetail): void }) {
  const t = useT();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const standing = Form.useWatch('standing', form) ?? 'owner';
  const path = Form.useWatch('path', form) ?? 'owner_call';
  const needsOwner = standing === 'tenant' || standing === 'other';

  const submit = async (v: FormValues) => {
    if (isUploading(v.letter)) {
      message.warning(t('release.form.uploading'));
      return;
    }
    const letter = needsOwner && v.path === 'letter' ? uploadedIds(v.letter)[0] : undefined;
    const body: ReleaseApplication = {
      unitId: v.unitId as string,
      standing: v.standing,
      applicantName: v.applicantName.trim(),
      applicantPhone: v.applicantPhone.trim(),
      company: v.standing === 'staff' ? (v.company ?? '').trim() : '',
      path: needsOwner ? v.path : undefined,
      letterFileId: letter,
      items: v.items.map((i) => ({ name: i.name.trim(), quantity: i.quantity, unit: String(i.unit).trim() })),
      plate: (v.plate ?? '').trim(),
      reason: v.reason.trim(),
      ...windowBody(v.window),
    };
    setBusy(true);
    try {
      onDone(await api.post<ReleaseDetail>('/api/releases', body));
      form.resetFields();
    } catch (e) {
      report(e, { form });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={{ standing: 'owner', path: 'owner_call', items: [{ name: '', quantity: 1, unit: '件' }] }}
      onFinish={submit}
      data-testid="release-form"
    >
      <Form.Item name="unitId" label={t('release.form.unit')} rules={[{ required: true, message: t('release.form.unitRequired') }]}>
        <UnitField projectId={projectId} />
      </Form.Item>
      <Form.Item name="standing" label={t('release.form.standing')}>
        <Radio.Group optionType="button" buttonStyle="solid" data-testid="release-standing">
          {STANDINGS.map((s) => (
            <Radio.Button key={s} value={s} data-testid={`release-standing-${s}`}>
              {t(`release.standing.${s}` as MessageKey)}
            </Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      <Flex gap={12}>
        <Form.Item
          name="applicantName"
          label={t('release.form.applicantName')}
          rules={[{ required: true, whitespace: true, message: t('release.form.applicantNameRequired') }]}
          style={{ flex: 1 }}
        >
          <Input maxLength={50} data-testid="release-applicant-name" />
        </Form.Item>
        <Form.Item
          name="applicantPhone"
          label={t('release.form.applicantPhone')}
          rules={[{ required: true, whitespace: true, message: t('release.form.applicantPhoneRequired') }]}
          style={{ flex: 1 }}
        >
          <Input maxLength={20} inputMode="tel" data-testid="release-applicant-phone" />
        </Form.Item>
      </Flex>
      {standing === 'staff' ? (
        <Form.Item
          name="company"
          label={t('release.form.company')}
          rules={[{ required: true, whitespace: true, message: t('release.form.companyRequired') }]}
        >
          <Input maxLength={100} placeholder={t('release.form.companyPlaceholder')} data-testid="release-company" />
        </Form.Item>
      ) : null}
      {needsOwner ? (
        <Form.Item name="path" label={t('release.form.path')}>
          <Radio.Group data-testid="release-path">
            <Radio value="letter" data-testid="release-path-letter">
              {t('release.path.letter')}
            </Radio>
            <Radio value="owner_call" data-testid="release-path-owner_call">
              {t('release.path.owner_call')}
            </Radio>
          </Radio.Group>
        </Form.Item>
      ) : (
        <Typography.Paragraph type="secondary" data-testid="release-path-hint">
          {t(standing === 'staff' ? 'release.pathHint.company_call' : 'release.pathHint.identity')}
        </Typography.Paragraph>
      )}
      {needsOwner && path === 'letter' ? (
        <Form.Item
          name="letter"
          label={t('release.form.letter')}
          extra={t('release.form.letterHint')}
          rules={[{ required: true, message: t('release.form.letterRequired') }]}
        >
          <PhotoUpload max={1} testId="release-letter" />
        </Form.Item>
      ) : null}
      <Form.Item label={t('release.form.items')} required>
        <ItemsField />
      </Form.Item>
      <Form.Item name="plate" label={t('release.form.plate')}>
        <Input maxLength={20} placeholder="粤B12345" data-testid="release-plate" />
      </Form.Item>
      <WindowField />
      <Form.Item
        name="reason"
        label={t('release.form.reason')}
        rules={[{ required: true, whitespace: true, message: t('release.form.reasonRequired') }]}
      >
        <Input maxLength={500} placeholder={t('release.form.reasonPlaceholder')} data-testid="release-reason" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={busy} data-testid="release-submit">
        {t('release.form.submit')}
      </Button>
    </Form>
  );
}

/** R-FD-2: the counter's goods releases — pending applications first come first served, today's, all. */
export default function ReleasesPage() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const projects = useProjects();
  const [params, set] = useAddressParams();
  const projectId = params.get('projectId') || projects.data?.[0]?.id;
  const scope = (params.get('scope') as Scope | null) ?? 'pending';
  const [applying, setApplying] = useState(false);
  const list = usePagedList<ReleaseSummary>(releaseKeys.lists, '/api/releases', { projectId, scope, limit: 50 }, !!projectId);

  return (
    <div>
      <ReleaseStyles />
      <PageHeader
        title={t('release.title')}
        sub={t('release.sub')}
        testId="releases-title"
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setApplying(true)} data-testid="release-new">
            {t('release.new')}
          </Button>
        }
      />
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        {(projects.data?.length ?? 0) > 1 ? (
          <ProjectSelect value={projectId} onChange={(v) => set('projectId', v)} style={{ width: 180 }} />
        ) : null}
        <Segmented<Scope>
          value={scope}
          onChange={(v) => set('scope', v === 'pending' ? undefined : v)}
          options={[
            { value: 'pending', label: t('release.scope.pending') },
            { value: 'today', label: t('release.scope.today') },
            { value: 'all', label: t('release.scope.all') },
          ]}
          data-testid="releases-scope"
        />
        <Button onClick={() => list.refetch()} data-testid="releases-refresh">
          {t('release.refresh')}
        </Button>
      </Flex>
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, t)} /> : null}
      <Table<ReleaseSummary>
        rowKey="id"
        size="middle"
        loading={list.isPending && !!projectId}
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 960 }}
        data-testid="releases-table"
        onRow={(r) => ({ 'data-testid': 'release-row', 'data-number': r.number }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('release.col.number'),
            key: 'number',
            width: 150,
            render: (_, r) => (
              <Link to={`/releases/${r.id}`} data-testid="release-link">
                {r.number}
              </Link>
            ),
          },
          { title: t('release.col.unit'), dataIndex: 'unitNumber', width: 110 },
          {
            title: t('release.col.applicant'),
            key: 'applicant',
            width: 170,
            render: (_, r) => (
              <Flex vertical gap={2}>
                <span>{r.applicantName}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`release.standing.${r.standing}` as MessageKey)}
                  {r.company ? ` · ${r.company}` : ''}
                  {r.channel === 'portal' ? ` · ${t('release.channel.portal')}` : ''}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: t('release.col.items'),
            key: 'items',
            render: (_, r) => (
              <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                {r.itemsText}
              </Typography.Text>
            ),
          },
          { title: t('release.col.plate'), dataIndex: 'plate', width: 100 },
          { title: t('release.col.window'), key: 'window', width: 200, render: (_, r) => windowText(r.validFrom, r.validUntil) },
          { title: t('release.col.path'), key: 'path', width: 120, render: (_, r) => t(`release.path.${r.path}` as MessageKey) },
          { title: t('release.col.state'), key: 'state', width: 110, render: (_, r) => <ReleaseStateTag state={r.state} /> },
          { title: t('release.col.createdAt'), key: 'createdAt', width: 150, render: (_, r) => formatDateTime(r.createdAt) },
        ]}
      />
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />

      <Drawer
        title={t('release.new')}
        open={applying}
        onClose={() => setApplying(false)}
        size={640}
        // A half-filled application is not lost to a stray Esc or click beside the drawer.
        keyboard={false}
        maskClosable={false}
        destroyOnHidden
        data-testid="release-drawer"
      >
        <ApplyForm
          projectId={projectId}
          onDone={(r) => {
            setApplying(false);
            qc.invalidateQueries({ queryKey: releaseKeys.lists });
            qc.setQueryData(releaseKeys.release(r.id), r);
            navigate(`/releases/${r.id}`);
          }}
        />
      </Drawer>
    </div>
  );
}
