import { NotificationOutlined, PlusOutlined, ScheduleOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Grid,
  Input,
  Modal,
  Segmented,
  Select,
  Skeleton,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useAddressParams } from '../../app/address-params';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { ListStatus, LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { usePagedList, useProjects } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import { epochOf, pickerNow } from '../../app/picker-time';
import type { DepartmentCode, Role } from '../../app/types';
import { EMERGENCY_TYPES, type Emergency, type EmergencySummary, type EmergencyType, type Plans, type PlansOut } from './frontdesk-types';
import { AddStepForm, NotifiedList, StepList } from './record-parts';

const TYPE_COLOR: Record<EmergencyType, string> = { water_power: 'blue', lift: 'orange', fire: 'red', weather: 'purple', other: 'default' };
const PLAN_DEPARTMENTS: DepartmentCode[] = [
  'service',
  'engineering',
  'security',
  'environment',
  'finance',
  'company_service',
  'quality',
  'pr',
  'hr',
  'leadership',
];
const PLAN_ROLES: Role[] = [
  'service_supervisor',
  'project_manager',
  'department_head',
  'receptionist',
  'gate_guard',
  'quality_officer',
  'company_leader',
];

function TypeTag({ type }: { type: EmergencyType }) {
  const t = useT();
  return <Tag color={TYPE_COLOR[type]}>{t(`emergency.type.${type}`)}</Tag>;
}

interface NewEmergency {
  type: EmergencyType;
  startedAt: Dayjs;
  place: string;
  summary: string;
}

interface CloseValues {
  cause: string;
  handling: string;
  losses?: string;
  followUp: string;
}

type StatusFilter = 'open' | 'closed' | 'all';

/**
 * 小区突发事件 (R-FD-4): 停水停电、电梯困人、火灾、恶劣天气 logged and told by plan, announced to
 * the residents, followed step by step, closed with a report; a closed one is read-only.
 */
export default function EmergenciesPage() {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const projects = useProjects();
  const [params, set] = useAddressParams(['id']);
  const projectId = params.get('projectId') ?? undefined;
  const status = (params.get('status') as StatusFilter | null) ?? 'open';
  const openId = params.get('id');
  const [adding, setAdding] = useState(false);
  const [showPlans, setShowPlans] = useState(false);
  const writable = can('incident.manage');
  const target = projectId ?? projects.data?.[0]?.id;

  const list = usePagedList<EmergencySummary>(['emergencies'], '/api/emergencies', {
    projectId,
    status: status === 'all' ? undefined : status,
    limit: 30,
  });

  return (
    <div>
      <PageHeader
        title={t('emergency.title')}
        sub={t('emergency.sub')}
        testId="emergencies-title"
        extra={
          <>
            <Button icon={<ScheduleOutlined />} onClick={() => setShowPlans(true)} data-testid="emergency-plans-open">
              {t('emergency.plans')}
            </Button>
            {writable ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="emergency-add">
                {t('emergency.add')}
              </Button>
            ) : null}
          </>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        {(projects.data?.length ?? 0) > 1 ? (
          <ProjectSelect value={projectId} emptyOption={t('common.allProjects')} onChange={(v) => set('projectId', v)} />
        ) : null}
        <Segmented<StatusFilter>
          value={status}
          onChange={(v) => set('status', v === 'open' ? undefined : v)}
          options={[
            { value: 'open', label: t('emergency.status.open') },
            { value: 'closed', label: t('emergency.status.closed') },
            { value: 'all', label: t('emergency.status.all') },
          ]}
          data-testid="emergency-status-filter"
        />
      </Flex>
      <ListStatus list={list} empty={t('emergency.empty')} />
      <Flex vertical gap={8}>
        {list.items.map((e) => (
          <Card key={e.id} size="small" hoverable onClick={() => set('id', e.id)} data-testid="emergency-row">
            <Flex justify="space-between" gap={8} wrap>
              <div style={{ minWidth: 0 }}>
                <Flex gap={6} wrap align="center">
                  <Typography.Text strong>{e.number}</Typography.Text>
                  <TypeTag type={e.type} />
                </Flex>
                <div>
                  {formatDateTime(e.startedAt)} · {e.place}
                </div>
                <Typography.Text type="secondary" ellipsis style={{ maxWidth: 560 }}>
                  {e.summary}
                </Typography.Text>
              </div>
              <Flex vertical align="end" gap={4}>
                <Tag color={e.status === 'open' ? 'red' : 'default'}>{t(`emergency.status.${e.status}`)}</Tag>
                {e.noticeCount ? <span className="small muted">{t('emergency.noticeCount', { n: e.noticeCount })}</span> : null}
              </Flex>
            </Flex>
          </Card>
        ))}
      </Flex>
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />

      <EmergencyDrawer id={openId} onClose={() => set('id', undefined)} writable={writable} />
      {showPlans && target ? <PlansModal projectId={target} onClose={() => setShowPlans(false)} /> : null}

      <FormModal<NewEmergency>
        title={t('emergency.add')}
        open={adding}
        onClose={() => setAdding(false)}
        initialValues={{ type: 'water_power', startedAt: pickerNow() }}
        testId="emergency-modal"
        onSubmit={async (v) => {
          if (!target) return;
          const created = await api.post<Emergency>('/api/emergencies', {
            projectId: target,
            type: v.type,
            startedAt: epochOf(v.startedAt),
            place: v.place.trim(),
            summary: v.summary.trim(),
          });
          await qc.invalidateQueries({ queryKey: ['emergencies'] });
          set('id', created.id);
        }}
      >
        <Form.Item name="type" label={t('emergency.typeField')}>
          <Select options={EMERGENCY_TYPES.map((x) => ({ value: x, label: t(`emergency.type.${x}`) }))} data-testid="emergency-type" />
        </Form.Item>
        <Form.Item name="startedAt" label={t('emergency.startedAt')} rules={[{ required: true, message: t('form.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="place" label={t('emergency.place')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={200} data-testid="emergency-place" />
        </Form.Item>
        <Form.Item
          name="summary"
          label={t('emergency.summary')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="emergency-summary" />
        </Form.Item>
        <Typography.Text type="secondary">{t('emergency.planHint')}</Typography.Text>
      </FormModal>
    </div>
  );
}

function EmergencyDrawer(props: { id: string | null; onClose(): void; writable: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const [announcing, setAnnouncing] = useState(false);
  const [closing, setClosing] = useState(false);
  const key = ['emergency', props.id];
  const one = useQuery({ queryKey: key, queryFn: () => api.get<Emergency>(`/api/emergencies/${props.id}`), enabled: !!props.id });
  const e = one.data;
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: key });
    await qc.invalidateQueries({ queryKey: ['emergencies'] });
  };
  const editable = props.writable && e?.status === 'open';
  return (
    <Drawer
      open={!!props.id}
      title={e ? `${e.number} · ${t(`emergency.type.${e.type}`)}` : ''}
      onClose={props.onClose}
      size={screens.md ? 720 : '100%'}
      destroyOnHidden
      data-testid="emergency-drawer"
    >
      {one.isError ? <Alert type="error" showIcon title={errorText(one.error, t)} /> : null}
      {one.isPending && props.id ? <Skeleton active /> : null}
      {e ? (
        <Flex vertical gap={16}>
          {e.status === 'closed' ? <Alert type="info" showIcon title={t('emergency.readOnly')} data-testid="emergency-closed" /> : null}
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'project', label: t('emergency.project'), children: e.projectName },
              { key: 'type', label: t('emergency.typeField'), children: <TypeTag type={e.type} /> },
              { key: 'when', label: t('emergency.startedAt'), children: formatDateTime(e.startedAt) },
              { key: 'place', label: t('emergency.place'), children: e.place },
              { key: 'summary', label: t('emergency.summary'), children: <span className="pre-wrap">{e.summary}</span> },
              { key: 'by', label: t('emergency.loggedBy'), children: `${e.reportedByName ?? '—'} · ${formatDateTime(e.createdAt)}` },
              { key: 'told', label: t('emergency.notified'), children: <NotifiedList notified={e.notified} /> },
            ]}
          />
          <section data-testid="emergency-notices">
            <Flex justify="space-between" align="center" wrap gap={8}>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('emergency.notices')}
              </Typography.Title>
              {editable ? (
                <Button icon={<NotificationOutlined />} onClick={() => setAnnouncing(true)} data-testid="emergency-notice-open">
                  {t('emergency.announce')}
                </Button>
              ) : null}
            </Flex>
            {e.notices.length ? (
              <Flex vertical gap={6} style={{ marginTop: 8 }}>
                {e.notices.map((n) => (
                  <Card key={n.id} size="small" data-testid="emergency-notice">
                    <div className="pre-wrap">{n.text}</div>
                    <Typography.Text type="secondary" className="small">
                      {t('emergency.noticeMeta', { at: formatDateTime(n.publishedAt), name: n.publishedByName, n: n.recipients })}
                    </Typography.Text>
                  </Card>
                ))}
              </Flex>
            ) : (
              <Typography.Paragraph type="secondary">{t('emergency.noNotices')}</Typography.Paragraph>
            )}
          </section>
          <section>
            <Typography.Title level={5}>{t('emergency.progress')}</Typography.Title>
            <StepList steps={e.steps} />
            {editable ? <AddStepForm path={`/api/emergencies/${e.id}/steps`} maxN={e.steps.length} onDone={refresh} /> : null}
          </section>
          <section data-testid="emergency-closing">
            <Typography.Title level={5}>{t('emergency.closingReport')}</Typography.Title>
            {e.closing ? (
              <Descriptions
                column={1}
                size="small"
                bordered
                items={[
                  { key: 'cause', label: t('emergency.cause'), children: <span className="pre-wrap">{e.closing.cause}</span> },
                  { key: 'handling', label: t('emergency.handling'), children: <span className="pre-wrap">{e.closing.handling}</span> },
                  { key: 'losses', label: t('emergency.losses'), children: <span className="pre-wrap">{e.closing.losses || '—'}</span> },
                  { key: 'follow', label: t('emergency.followUp'), children: <span className="pre-wrap">{e.closing.followUp}</span> },
                  {
                    key: 'closed',
                    label: t('emergency.closedAt'),
                    children: `${formatDateTime(e.closedAt)} · ${e.closing.closedByName ?? '—'}`,
                  },
                ]}
              />
            ) : editable ? (
              <Button danger onClick={() => setClosing(true)} data-testid="emergency-close-open">
                {t('emergency.close')}
              </Button>
            ) : (
              <Typography.Text type="secondary">{t('emergency.stillOpen')}</Typography.Text>
            )}
          </section>
        </Flex>
      ) : null}

      <FormModal<{ text: string }>
        title={t('emergency.announce')}
        open={announcing && !!e}
        onClose={() => setAnnouncing(false)}
        okText={t('emergency.publish')}
        testId="emergency-notice-modal"
        onSubmit={async (v) => {
          if (!e) return;
          await api.post(`/api/emergencies/${e.id}/notices`, { text: v.text.trim() });
          await refresh();
        }}
      >
        <Typography.Paragraph type="secondary">{t('emergency.announceHint')}</Typography.Paragraph>
        <Form.Item
          name="text"
          label={t('emergency.noticeText')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={4} maxLength={500} showCount data-testid="emergency-notice-text" />
        </Form.Item>
      </FormModal>

      <FormModal<CloseValues>
        title={t('emergency.close')}
        open={closing && !!e}
        onClose={() => setClosing(false)}
        okText={t('emergency.closeOk')}
        reload={async () => {
          await refresh();
          return {};
        }}
        testId="emergency-close-modal"
        onSubmit={async (v) => {
          if (!e) return;
          await api.post(`/api/emergencies/${e.id}/close`, {
            version: e.version,
            cause: v.cause.trim(),
            handling: v.handling.trim(),
            losses: (v.losses ?? '').trim(),
            followUp: v.followUp.trim(),
          });
          await refresh();
        }}
      >
        <Form.Item name="cause" label={t('emergency.cause')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input.TextArea rows={2} maxLength={2000} data-testid="emergency-close-cause" />
        </Form.Item>
        <Form.Item
          name="handling"
          label={t('emergency.handling')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={3} maxLength={4000} data-testid="emergency-close-handling" />
        </Form.Item>
        <Form.Item name="losses" label={t('emergency.losses')}>
          <Input.TextArea rows={2} maxLength={2000} data-testid="emergency-close-losses" />
        </Form.Item>
        <Form.Item
          name="followUp"
          label={t('emergency.followUp')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={2} maxLength={2000} data-testid="emergency-close-follow-up" />
        </Form.Item>
      </FormModal>
    </Drawer>
  );
}

/** The notification plan of each type for the project; editable with config.manage, stored as the project's setting. */
function PlansModal(props: { projectId: string; onClose(): void }) {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const editable = can('config.manage');
  const key = ['emergency-plans', props.projectId];
  const q = useQuery({ queryKey: key, queryFn: () => api.get<PlansOut>('/api/settings/emergency-plans', { projectId: props.projectId }) });
  const deptLabel = (d: DepartmentCode) => t(`department.${d}`);
  const roleLabel = (r: Role) => t(`role.${r}`);
  if (!editable)
    return (
      <Modal open title={t('emergency.plans')} onCancel={props.onClose} footer={null} data-testid="emergency-plans">
        {q.isPending ? <Skeleton active /> : null}
        {q.isError ? <Alert type="error" showIcon title={errorText(q.error, t)} /> : null}
        {q.data ? (
          <Descriptions
            column={1}
            size="small"
            bordered
            items={EMERGENCY_TYPES.map((type) => ({
              key: type,
              label: t(`emergency.type.${type}`),
              children:
                [
                  ...q.data.plans[type].departments.map((d) => deptLabel(d as DepartmentCode)),
                  ...q.data.plans[type].roles.map((r) => roleLabel(r as Role)),
                ].join('、') || '—',
            }))}
          />
        ) : null}
      </Modal>
    );
  if (q.isPending || !q.data) return null;
  return (
    <FormModal<Plans>
      title={t('emergency.plans')}
      open
      onClose={props.onClose}
      initialValues={q.data.plans}
      testId="emergency-plans"
      width={640}
      onSubmit={async (v) => {
        await api.put('/api/settings/emergency-plans', { projectId: props.projectId, plans: v });
        await qc.invalidateQueries({ queryKey: key });
      }}
    >
      <Typography.Paragraph type="secondary">{t('emergency.plansHint')}</Typography.Paragraph>
      {EMERGENCY_TYPES.map((type) => (
        <Card key={type} size="small" title={t(`emergency.type.${type}`)} style={{ marginBottom: 8 }}>
          <Form.Item name={[type, 'departments']} label={t('emergency.planDepartments')} style={{ marginBottom: 8 }}>
            <Select
              mode="multiple"
              options={PLAN_DEPARTMENTS.map((d) => ({ value: d, label: deptLabel(d) }))}
              data-testid={`plan-${type}-departments`}
            />
          </Form.Item>
          <Form.Item name={[type, 'roles']} label={t('emergency.planRoles')} style={{ marginBottom: 0 }}>
            <Select
              mode="multiple"
              options={PLAN_ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
              data-testid={`plan-${type}-roles`}
            />
          </Form.Item>
        </Card>
      ))}
    </FormModal>
  );
}
