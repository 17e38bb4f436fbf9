import { CalendarOutlined, LogoutOutlined, SearchOutlined, UserAddOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Select,
  Skeleton,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useState } from 'react';
import { useAddressParams } from '../../app/address-params';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { ListStatus, LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect, StaffPicker, UnitPicker } from '../../app/components/pickers';
import { useDepartments, usePagedList, useProjects } from '../../app/data';
import { formatDateTime, todayInChina } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';
import { epochOf, pickerNow } from '../../app/picker-time';
import type { IdType, UnitDetail } from '../../app/types';
import type { Appointment, AppointmentCreate, CheckInResult, HostKind, Visit, VisitBoard, VisitCreate } from './frontdesk-types';

const ID_TYPES: IdType[] = ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'];
const HOST_KINDS: HostKind[] = ['unit', 'staff', 'department', 'other'];
/** The server's rule: the last four characters of the ID, never the whole number. */
const LAST4_RE = /^[0-9A-Za-z]{4}$/;
const PHONE_RE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;
const PLATE_RE = /^[\u4e00-\u9fa5][A-Za-z][A-Za-z0-9]{5,6}$/;

interface HostValues {
  kind: HostKind;
  unitId?: string;
  personId?: string;
  staffId?: string;
  departmentId?: string;
  text?: string;
}

interface VisitValues {
  name: string;
  phone: string;
  idType: IdType;
  idLast4: string;
  purpose: string;
  host: HostValues;
  partySize: number;
  plate?: string;
  badge?: string;
}

interface AppointmentValues {
  name: string;
  phone: string;
  partySize: number;
  purpose: string;
  plate?: string;
  expectedAt: Dayjs;
  host: HostValues;
}

interface CheckInValues {
  idType: IdType;
  idLast4: string;
  partySize: number;
  plate?: string;
  badge?: string;
}

function hostBody(h: HostValues): VisitCreate['host'] {
  switch (h.kind) {
    case 'unit':
      return { kind: 'unit', unitId: h.unitId ?? '', personId: h.personId || undefined };
    case 'staff':
      return { kind: 'staff', staffId: h.staffId ?? '' };
    case 'department':
      return { kind: 'department', departmentId: h.departmentId ?? '' };
    default:
      return { kind: 'other', text: (h.text ?? '').trim() };
  }
}

/** The current residents of the chosen unit, to name the one visited. */
function ResidentSelect(props: { unitId?: string; value?: string; onChange?: (v: string | undefined) => void }) {
  const t = useT();
  const unit = useQuery({
    queryKey: ['unit', props.unitId],
    queryFn: () => api.get<UnitDetail>(`/api/units/${props.unitId}`),
    enabled: !!props.unitId,
  });
  return (
    <Select
      allowClear
      disabled={!props.unitId}
      loading={unit.isFetching}
      value={props.value}
      onChange={(v?: string) => props.onChange?.(v)}
      placeholder={t('visitor.hostResidentAny')}
      options={(unit.data?.occupants ?? []).filter((o) => !o.endDate).map((o) => ({ value: o.personId, label: o.name }))}
      data-testid="visitor-host-person"
    />
  );
}

/** Who is visited: a unit (and its resident), a staff member, a department, or free text. */
function HostFields({ projectId, allowOther }: { projectId?: string; allowOther: boolean }) {
  const t = useT();
  const departments = useDepartments(projectId);
  return (
    <>
      <Form.Item name={['host', 'kind']} label={t('visitor.hostKind')}>
        <Radio.Group
          optionType="button"
          options={HOST_KINDS.filter((k) => allowOther || k !== 'other').map((k) => ({ value: k, label: t(`visitor.host.${k}`) }))}
          data-testid="visitor-host-kind"
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.host?.kind !== b.host?.kind || a.host?.unitId !== b.host?.unitId}>
        {(form) => {
          const kind = form.getFieldValue(['host', 'kind']) as HostKind;
          if (kind === 'unit')
            return (
              <Flex gap={12} wrap>
                <Form.Item
                  name={['host', 'unitId']}
                  label={t('visitor.hostUnit')}
                  rules={[{ required: true, message: t('form.required') }]}
                  style={{ flex: '1 1 200px' }}
                >
                  <UnitPicker projectId={projectId} />
                </Form.Item>
                <Form.Item name={['host', 'personId']} label={t('visitor.hostResident')} style={{ flex: '1 1 160px' }}>
                  <ResidentSelect unitId={form.getFieldValue(['host', 'unitId'])} />
                </Form.Item>
              </Flex>
            );
          if (kind === 'staff')
            return (
              <Form.Item
                name={['host', 'staffId']}
                label={t('visitor.hostStaff')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <StaffPicker />
              </Form.Item>
            );
          if (kind === 'department')
            return (
              <Form.Item
                name={['host', 'departmentId']}
                label={t('visitor.hostDepartment')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Select
                  loading={departments.isPending}
                  options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                  data-testid="visitor-host-department"
                />
              </Form.Item>
            );
          return (
            <Form.Item
              name={['host', 'text']}
              label={t('visitor.hostOther')}
              rules={[{ required: true, whitespace: true, message: t('form.required') }]}
            >
              <Input maxLength={100} data-testid="visitor-host-text" />
            </Form.Item>
          );
        }}
      </Form.Item>
    </>
  );
}

/** The visitor's name and mobile number, asked alike at the counter and when booking. */
function NameAndPhoneFields(props: { testId: 'visitor' | 'appointment' }) {
  const t = useT();
  return (
    <Flex gap={12} wrap>
      <Form.Item
        name="name"
        label={t('visitor.name')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        style={{ flex: '1 1 140px' }}
      >
        <Input maxLength={40} data-testid={`${props.testId}-name`} />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('visitor.phone')}
        rules={[
          { required: true, message: t('form.required') },
          { pattern: PHONE_RE, message: t('visitor.phoneInvalid') },
        ]}
        style={{ flex: '1 1 160px' }}
      >
        <Input inputMode="tel" maxLength={13} data-testid={`${props.testId}-phone`} />
      </Form.Item>
    </Flex>
  );
}

function IdFields() {
  const t = useT();
  return (
    <Flex gap={12} wrap>
      <Form.Item name="idType" label={t('visitor.idType')} style={{ flex: '1 1 160px' }}>
        <Select options={ID_TYPES.map((v) => ({ value: v, label: t(`idType.${v}`) }))} data-testid="visitor-id-type" />
      </Form.Item>
      <Form.Item
        name="idLast4"
        label={t('visitor.idLast4')}
        extra={t('visitor.idLast4Hint')}
        validateFirst
        rules={[
          { required: true, message: t('form.required') },
          // A whole number typed in is refused, not cut: its first four characters are not its last four.
          { max: 4, message: t('visitor.idLast4TooLong') },
          { pattern: LAST4_RE, message: t('visitor.idLast4Invalid') },
        ]}
        style={{ flex: '1 1 140px' }}
      >
        <Input maxLength={40} autoComplete="off" style={{ width: 120 }} data-testid="visitor-id-last4" />
      </Form.Item>
    </Flex>
  );
}

const plateRule = (t: ReturnType<typeof useT>) => ({ pattern: PLATE_RE, message: t('visitor.plateInvalid') });

function VisitCard(props: { v: Visit; actions?: ReactNode; testId: string }) {
  const t = useT();
  const { v } = props;
  return (
    <Card size="small" data-testid={props.testId} data-number={v.number}>
      <Flex justify="space-between" align="start" gap={8} wrap>
        <div style={{ minWidth: 0 }}>
          <Typography.Text strong>{v.name}</Typography.Text>
          {v.partySize > 1 ? <Tag style={{ marginInlineStart: 6 }}>{t('visitor.party', { n: v.partySize })}</Tag> : null}
          <div className="small muted">
            {v.number}
            {v.badge ? ` · ${t('visitor.badge')} ${v.badge}` : ''} · {v.phone}
          </div>
          <div>
            {t('visitor.visiting')}：{v.host.label}
          </div>
          <div className="small">
            {t('visitor.purpose')}：{v.purpose}
            {v.plate ? ` · ${v.plate}` : ''}
          </div>
          <div className="small muted">
            {t('visitor.inAt')} {formatDateTime(v.inAt)}
            {v.outAt ? ` · ${t('visitor.outAt')} ${formatDateTime(v.outAt)}` : ''}
          </div>
        </div>
        {props.actions}
      </Flex>
    </Card>
  );
}

function AppointmentCard(props: { a: Appointment; onCheckIn?: () => void; onCancel?: () => void }) {
  const t = useT();
  const { a } = props;
  return (
    <Card size="small" data-testid="appointment-card">
      <Flex justify="space-between" align="start" gap={8} wrap>
        <div style={{ minWidth: 0 }}>
          <Typography.Text strong>{a.name}</Typography.Text>
          <Tag style={{ marginInlineStart: 6 }} color={a.status === 'expected' ? 'blue' : a.status === 'arrived' ? 'green' : 'default'}>
            {t(`visitor.status.${a.status}`)}
          </Tag>
          <div className="small muted">
            {formatDateTime(a.expectedAt)} · {a.phone}
            {a.partySize > 1 ? ` · ${t('visitor.party', { n: a.partySize })}` : ''}
          </div>
          <div>
            {t('visitor.visiting')}：{a.host.label}
          </div>
          <div className="small">
            {t('visitor.purpose')}：{a.purpose}
            {a.cancelReason ? ` · ${a.cancelReason}` : ''}
          </div>
        </div>
        {a.status === 'expected' && (props.onCheckIn || props.onCancel) ? (
          <Flex gap={6} wrap>
            {props.onCheckIn ? (
              <Button type="primary" onClick={props.onCheckIn} data-testid="appointment-check-in">
                {t('visitor.checkIn')}
              </Button>
            ) : null}
            {props.onCancel ? (
              <Button onClick={props.onCancel} data-testid="appointment-cancel">
                {t('visitor.cancelAppointment')}
              </Button>
            ) : null}
          </Flex>
        ) : null}
      </Flex>
    </Card>
  );
}

function Column(props: { title: string; count: number; children: ReactNode; testId: string }) {
  return (
    <section data-testid={props.testId} style={{ flex: '1 1 300px', minWidth: 0 }}>
      <Typography.Title level={5}>
        {props.title} <Badge count={props.count} showZero color="#1677ff" />
      </Typography.Title>
      <Flex vertical gap={8}>
        {props.children}
      </Flex>
    </section>
  );
}

/**
 * 来访登记 (R-FD-1): register walk-ins, check appointments in, sign visitors out, search the
 * register. Cards instead of tables, so the gate guard can work from a phone.
 */
export default function VisitorsPage() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const projects = useProjects();
  const [params, set] = useAddressParams();
  const tab = params.get('tab') ?? 'board';
  const chosen = params.get('projectId') ?? undefined;
  const projectId = chosen ?? projects.data?.[0]?.id;
  const [registering, setRegistering] = useState(false);
  const [booking, setBooking] = useState(false);
  const [checking, setChecking] = useState<Appointment | null>(null);
  const [cancelling, setCancelling] = useState<Appointment | null>(null);

  const board = useQuery({
    queryKey: ['visits', 'board', projectId],
    queryFn: () => api.get<VisitBoard>('/api/visits/board', { projectId }),
    enabled: !!projectId,
    refetchInterval: 60_000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['visits'] });

  const signOut = async (v: Visit) => {
    try {
      await api.post<Visit>(`/api/visits/${v.id}/sign-out`, { version: v.version });
      message.success(t('visitor.signedOut', { name: v.name }));
    } catch (e) {
      report(e);
    } finally {
      await refresh();
    }
  };

  const boardTab = board.isPending ? (
    <Skeleton active />
  ) : board.isError ? (
    <Alert type="error" showIcon title={errorText(board.error, t)} />
  ) : (
    <Flex vertical gap={16}>
      {board.data.truncated ? <Alert type="info" showIcon title={t('visitor.truncated')} /> : null}
      <Flex gap={16} wrap align="start">
        <Column title={t('visitor.inside')} count={board.data.inside.length} testId="visitor-board-inside">
          {board.data.inside.length ? (
            board.data.inside.map((v) => (
              <VisitCard
                key={v.id}
                v={v}
                testId="visitor-inside"
                actions={
                  <Popconfirm title={t('visitor.signOutConfirm', { name: v.name })} onConfirm={() => signOut(v)}>
                    <Button icon={<LogoutOutlined />} data-testid="visit-sign-out">
                      {t('visitor.signOut')}
                    </Button>
                  </Popconfirm>
                }
              />
            ))
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('visitor.noneInside')} />
          )}
        </Column>
        <Column title={t('visitor.expectedToday')} count={board.data.expected.length} testId="visitor-board-expected">
          {board.data.expected.length ? (
            board.data.expected.map((a) => <AppointmentCard key={a.id} a={a} onCheckIn={() => setChecking(a)} />)
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('visitor.noneExpected')} />
          )}
        </Column>
        <Column title={t('visitor.leftToday')} count={board.data.left.length} testId="visitor-board-left">
          {board.data.left.length ? (
            board.data.left.map((v) => <VisitCard key={v.id} v={v} testId="visitor-left" />)
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('visitor.noneLeft')} />
          )}
        </Column>
      </Flex>
    </Flex>
  );

  return (
    <div>
      <PageHeader
        title={t('visitor.title')}
        sub={t('visitor.sub')}
        testId="visitors-title"
        extra={
          <>
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setRegistering(true)} data-testid="visitor-register">
              {t('visitor.register')}
            </Button>
            <Button icon={<CalendarOutlined />} onClick={() => setBooking(true)} data-testid="appointment-add">
              {t('visitor.book')}
            </Button>
          </>
        }
      />
      {(projects.data?.length ?? 0) > 1 ? (
        <Flex style={{ marginBottom: 12 }}>
          <ProjectSelect value={projectId} onChange={(v) => set('projectId', v)} />
        </Flex>
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(k) => set('tab', k === 'board' ? undefined : k)}
        items={[
          { key: 'board', label: t('visitor.tab.board'), children: boardTab },
          {
            key: 'appointments',
            label: t('visitor.tab.appointments'),
            children: projectId ? <AppointmentsTab projectId={projectId} onCheckIn={setChecking} onCancel={setCancelling} /> : null,
          },
          { key: 'history', label: t('visitor.tab.history'), children: projectId ? <HistoryTab projectId={projectId} /> : null },
        ]}
      />

      <FormModal<VisitValues>
        title={t('visitor.register')}
        open={registering}
        onClose={() => setRegistering(false)}
        initialValues={{ idType: 'resident_id', partySize: 1, host: { kind: 'unit' } }}
        testId="visitor-modal"
        onSubmit={async (v) => {
          if (!projectId) return;
          const body: VisitCreate = {
            projectId,
            name: v.name.trim(),
            phone: v.phone.trim(),
            idType: v.idType,
            idLast4: v.idLast4.trim(),
            purpose: v.purpose.trim(),
            host: hostBody(v.host),
            partySize: v.partySize,
            plate: (v.plate ?? '').trim(),
            badge: (v.badge ?? '').trim(),
          };
          const visit = await api.post<Visit>('/api/visits', body);
          message.success(t('visitor.registered', { number: visit.number }));
          await refresh();
        }}
      >
        <NameAndPhoneFields testId="visitor" />
        <IdFields />
        <Form.Item name="purpose" label={t('visitor.purpose')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={200} data-testid="visitor-purpose" />
        </Form.Item>
        <HostFields projectId={projectId} allowOther />
        <Flex gap={12} wrap>
          <Form.Item name="partySize" label={t('visitor.partySize')} style={{ flex: '0 1 120px' }}>
            <InputNumber min={1} max={200} data-testid="visitor-party" />
          </Form.Item>
          <Form.Item name="plate" label={t('visitor.plate')} rules={[plateRule(t)]} style={{ flex: '1 1 140px' }}>
            <Input maxLength={8} placeholder="粤B12345" data-testid="visitor-plate" />
          </Form.Item>
          <Form.Item name="badge" label={t('visitor.badge')} extra={t('visitor.badgeHint')} style={{ flex: '1 1 140px' }}>
            <Input maxLength={20} data-testid="visitor-badge" />
          </Form.Item>
        </Flex>
      </FormModal>

      <FormModal<AppointmentValues>
        title={t('visitor.book')}
        open={booking}
        onClose={() => setBooking(false)}
        initialValues={{ partySize: 1, expectedAt: pickerNow().add(1, 'hour').startOf('hour'), host: { kind: 'unit' } }}
        testId="appointment-modal"
        onSubmit={async (v) => {
          if (!projectId) return;
          const body: AppointmentCreate = {
            projectId,
            name: v.name.trim(),
            phone: v.phone.trim(),
            partySize: v.partySize,
            purpose: v.purpose.trim(),
            plate: (v.plate ?? '').trim(),
            expectedAt: epochOf(v.expectedAt),
            host: hostBody(v.host),
          };
          await api.post<Appointment>('/api/visitor-appointments', body);
          message.success(t('visitor.booked'));
          await refresh();
        }}
      >
        <NameAndPhoneFields testId="appointment" />
        <Form.Item name="expectedAt" label={t('visitor.expectedAt')} rules={[{ required: true, message: t('form.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 220 }} data-testid="appointment-expected" />
        </Form.Item>
        <Form.Item name="purpose" label={t('visitor.purpose')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={200} data-testid="appointment-purpose" />
        </Form.Item>
        <HostFields projectId={projectId} allowOther={false} />
        <Flex gap={12} wrap>
          <Form.Item name="partySize" label={t('visitor.partySize')} style={{ flex: '0 1 120px' }}>
            <InputNumber min={1} max={200} />
          </Form.Item>
          <Form.Item name="plate" label={t('visitor.plate')} rules={[plateRule(t)]} style={{ flex: '1 1 140px' }}>
            <Input maxLength={8} placeholder="粤B12345" />
          </Form.Item>
        </Flex>
      </FormModal>

      <FormModal<CheckInValues>
        title={checking ? t('visitor.checkInTitle', { name: checking.name }) : ''}
        open={checking !== null}
        onClose={() => setChecking(null)}
        initialValues={checking ? { idType: 'resident_id', partySize: checking.partySize, plate: checking.plate } : undefined}
        okText={t('visitor.checkIn')}
        testId="check-in-modal"
        onSubmit={async (v) => {
          if (!checking) return;
          const r = await api.post<CheckInResult>(`/api/visitor-appointments/${checking.id}/check-in`, {
            version: checking.version,
            idType: v.idType,
            idLast4: v.idLast4.trim(),
            partySize: v.partySize,
            plate: (v.plate ?? '').trim(),
            badge: (v.badge ?? '').trim(),
          });
          message.success(
            r.notified ? t('visitor.checkedInNotified', { number: r.visit.number }) : t('visitor.checkedIn', { number: r.visit.number }),
          );
          await refresh();
        }}
      >
        {checking ? (
          <Typography.Paragraph type="secondary">
            {t('visitor.visiting')}：{checking.host.label} · {formatDateTime(checking.expectedAt)} · {checking.purpose}
          </Typography.Paragraph>
        ) : null}
        <IdFields />
        <Flex gap={12} wrap>
          <Form.Item name="partySize" label={t('visitor.partySize')} style={{ flex: '0 1 120px' }}>
            <InputNumber min={1} max={200} />
          </Form.Item>
          <Form.Item name="plate" label={t('visitor.plate')} rules={[plateRule(t)]} style={{ flex: '1 1 140px' }}>
            <Input maxLength={8} />
          </Form.Item>
          <Form.Item name="badge" label={t('visitor.badge')} style={{ flex: '1 1 140px' }}>
            <Input maxLength={20} />
          </Form.Item>
        </Flex>
      </FormModal>

      <FormModal<{ reason: string }>
        title={cancelling ? t('visitor.cancelTitle', { name: cancelling.name }) : ''}
        open={cancelling !== null}
        onClose={() => setCancelling(null)}
        testId="appointment-cancel-modal"
        onSubmit={async (v) => {
          if (!cancelling) return;
          await api.post(`/api/visitor-appointments/${cancelling.id}/cancel`, { version: cancelling.version, reason: v.reason.trim() });
          await refresh();
        }}
      >
        <Form.Item
          name="reason"
          label={t('visitor.cancelReason')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input maxLength={200} data-testid="appointment-cancel-reason" />
        </Form.Item>
      </FormModal>
    </div>
  );
}

/** A day's appointments, or all of one phone's: how the gate finds the booking of someone at the barrier. */
function AppointmentsTab(props: { projectId: string; onCheckIn(a: Appointment): void; onCancel(a: Appointment): void }) {
  const t = useT();
  const [date, setDate] = useState<string | undefined>(todayInChina());
  const [phone, setPhone] = useState('');
  const list = usePagedList<Appointment>(['visits', 'appointments'], '/api/visitor-appointments', {
    projectId: props.projectId,
    date: phone ? undefined : date,
    phone: phone || undefined,
    limit: 50,
  });
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap>
        <DatePicker
          allowClear={false}
          aria-label={t('visitor.expectedDate')}
          value={date ? dayjs(date) : undefined}
          onChange={(d) => setDate(d ? d.format('YYYY-MM-DD') : undefined)}
          disabled={!!phone}
          data-testid="appointment-date"
        />
        <Input.Search
          allowClear
          inputMode="tel"
          placeholder={t('visitor.findByPhone')}
          onSearch={(v) => setPhone(v.trim())}
          maxLength={13}
          style={{ width: 240 }}
          data-testid="appointment-phone-search"
        />
      </Flex>
      <ListStatus list={list} empty={t('visitor.noAppointments')} />
      {list.items.map((a) => (
        <AppointmentCard key={a.id} a={a} onCheckIn={() => props.onCheckIn(a)} onCancel={() => props.onCancel(a)} />
      ))}
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />
    </Flex>
  );
}

interface HistoryFilter {
  name?: string;
  phone?: string;
  plate?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/** The register: by name prefix, phone (full or last four), plate and dates, newest first. */
function HistoryTab({ projectId }: { projectId: string }) {
  const t = useT();
  const [form] = Form.useForm<HistoryFilter>();
  const [filter, setFilter] = useState<Record<string, string | undefined>>({});
  const list = usePagedList<Visit>(['visits', 'history'], '/api/visits', { projectId, ...filter, limit: 30 });
  return (
    <Flex vertical gap={12}>
      <Form<HistoryFilter>
        form={form}
        layout="inline"
        onFinish={(v) =>
          setFilter({
            name: v.name?.trim() || undefined,
            phone: v.phone?.trim() || undefined,
            plate: v.plate?.trim() || undefined,
            from: v.range?.[0]?.format('YYYY-MM-DD'),
            to: v.range?.[1]?.format('YYYY-MM-DD'),
          })
        }
        style={{ rowGap: 8 }}
      >
        <Form.Item name="name">
          <Input placeholder={t('visitor.searchName')} maxLength={40} style={{ width: 140 }} data-testid="visitor-search-name" />
        </Form.Item>
        <Form.Item name="phone">
          <Input
            placeholder={t('visitor.searchPhone')}
            inputMode="tel"
            maxLength={13}
            style={{ width: 170 }}
            data-testid="visitor-search-phone"
          />
        </Form.Item>
        <Form.Item name="plate">
          <Input placeholder={t('visitor.searchPlate')} maxLength={8} style={{ width: 120 }} data-testid="visitor-search-plate" />
        </Form.Item>
        <Form.Item name="range">
          <DatePicker.RangePicker style={{ width: 250 }} data-testid="visitor-search-range" />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="visitor-search">
          {t('visitor.search')}
        </Button>
      </Form>
      <ListStatus list={list} empty={t('visitor.noVisits')} />
      {list.items.map((v) => (
        <VisitCard
          key={v.id}
          v={v}
          testId="visitor-history-row"
          actions={v.inside ? <Tag color="green">{t('visitor.stillInside')}</Tag> : <Tag>{t('visitor.hasLeft')}</Tag>}
        />
      ))}
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />
    </Flex>
  );
}
