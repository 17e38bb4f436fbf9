import { DeleteOutlined, LeftOutlined, MinusCircleOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  TimePicker,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { keys, useProjects } from '../../app/data';
import { chinaEpoch, chinaYearMonth, formatDateTime, todayInChina } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import type { CalendarDay, CalendarMonth, CalendarOverride, Project } from '../../app/types';

const WEEKDAYS: MessageKey[] = ['weekday.mon', 'weekday.tue', 'weekday.wed', 'weekday.thu', 'weekday.fri', 'weekday.sat', 'weekday.sun'];

/** Monday-first column (0–6) of a YYYY-MM-DD date, the way Chinese wall calendars are printed. */
function mondayColumn(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

function dayClass(d: CalendarDay, receptionDay: string | null, today: string): string {
  const cls = ['cal-day'];
  if (d.reason === 'override') cls.push(d.working ? 'override-work' : 'override-off');
  else if (d.reason === 'statutory_holiday') cls.push('holiday');
  else if (d.reason === 'make_up_workday') cls.push('makeup');
  else if (d.reason === 'weekend') cls.push('weekend');
  if (d.date === receptionDay) cls.push('reception');
  if (d.date === today) cls.push('today');
  return cls.join(' ');
}

function DayCell({ d, receptionDay, today }: { d: CalendarDay; receptionDay: string | null; today: string }) {
  const t = useT();
  const label =
    d.reason === 'override'
      ? d.note || t(d.working ? 'calendar.overrideWork' : 'calendar.overrideOff')
      : d.reason === 'statutory_holiday'
        ? (d.name ?? t('calendar.holiday'))
        : d.reason === 'make_up_workday'
          ? t('calendar.makeUpFor', { name: d.name ?? '' })
          : '';
  return (
    <div className={dayClass(d, receptionDay, today)} data-testid="cal-day" data-date={d.date} title={label || undefined}>
      <span className="num">{Number(d.date.slice(8))}</span>
      {label ? <span className="label">{label}</span> : null}
      {d.date === receptionDay ? <span className="label reception-label">{t('calendar.receptionDay')}</span> : null}
    </div>
  );
}

function Legend() {
  const t = useT();
  const items: Array<[string, MessageKey]> = [
    ['#fff', 'calendar.legendWorkday'],
    ['#f2f3f5', 'calendar.legendWeekend'],
    ['#fff1f0', 'calendar.legendHoliday'],
    ['#fff7e6', 'calendar.legendMakeUp'],
    ['#e6f4ff', 'calendar.legendOverrideWork'],
    ['#f9f0ff', 'calendar.legendOverrideOff'],
  ];
  return (
    <Flex gap={12} wrap style={{ marginTop: 12, fontSize: 12 }}>
      {items.map(([bg, key]) => (
        <span key={key}>
          <span className="cal-legend" style={{ background: bg }} />
          {t(key)}
        </span>
      ))}
      <span>
        <span className="cal-legend" style={{ boxShadow: 'inset 0 0 0 2px #1668dc' }} />
        {t('calendar.receptionDay')}
      </span>
    </Flex>
  );
}

function MonthGrid({ projectId }: { projectId: string }) {
  const t = useT();
  const [ym, setYm] = useState(chinaYearMonth);
  const month = useQuery({
    queryKey: ['calendar', 'month', projectId, ym.year, ym.month],
    queryFn: () => api.get<CalendarMonth>('/api/calendar/month', { projectId, year: ym.year, month: ym.month }),
  });
  const shift = (n: number) =>
    setYm(({ year, month: m }) => {
      const idx = year * 12 + (m - 1) + n;
      return { year: Math.floor(idx / 12), month: (idx % 12) + 1 };
    });
  const today = todayInChina();
  const days = month.data?.days ?? [];
  const lead = days.length ? mondayColumn(days[0].date) : 0;
  const workdays = days.filter((d) => d.working).length;

  return (
    <Card
      size="small"
      title={
        <Flex align="center" gap={8} wrap>
          <Button size="small" icon={<LeftOutlined />} onClick={() => shift(-1)} aria-label={t('calendar.prevMonth')} />
          <DatePicker
            picker="month"
            size="small"
            allowClear={false}
            value={dayjs(`${ym.year}-${String(ym.month).padStart(2, '0')}-01`)}
            onChange={(d) => d && setYm({ year: d.year(), month: d.month() + 1 })}
            format="YYYY-MM"
          />
          <Button size="small" icon={<RightOutlined />} onClick={() => shift(1)} aria-label={t('calendar.nextMonth')} />
          <Button size="small" onClick={() => setYm(chinaYearMonth())}>
            {t('calendar.thisMonth')}
          </Button>
        </Flex>
      }
      extra={month.data ? <Typography.Text type="secondary">{t('calendar.workdayCount', { n: workdays })}</Typography.Text> : null}
    >
      {month.isError ? <Alert type="error" showIcon title={errorText(month.error, t)} /> : null}
      {month.isPending ? (
        <Skeleton active />
      ) : (
        <>
          <div className="cal-grid" data-testid="calendar-grid">
            {WEEKDAYS.map((w) => (
              <div key={w} className="cal-head">
                {t(w)}
              </div>
            ))}
            {lead ? <div style={{ gridColumn: `span ${lead}` }} /> : null}
            {days.map((d) => (
              <DayCell key={d.date} d={d} receptionDay={month.data?.receptionDay ?? null} today={today} />
            ))}
          </div>
          <Legend />
          {month.data?.receptionDay ? (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('calendar.receptionDayIs', { date: month.data.receptionDay })}
            </Typography.Paragraph>
          ) : null}
        </>
      )}
    </Card>
  );
}

function Overrides({ projectId }: { projectId: string }) {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const report = useErrorReporter();
  const [form] = Form.useForm<{ date: Dayjs; kind: 'workday' | 'holiday'; note: string; scope: 'project' | 'all' }>();
  const [busy, setBusy] = useState(false);
  const overrides = useQuery({
    queryKey: ['calendar', 'overrides', projectId],
    queryFn: () => api.get<CalendarOverride[]>('/api/calendar/overrides', { projectId }),
  });
  const manage = can('calendar.manage');
  const refresh = () => qc.invalidateQueries({ queryKey: ['calendar'] });

  const add = async (v: { date: Dayjs; kind: 'workday' | 'holiday'; note: string; scope: 'project' | 'all' }) => {
    setBusy(true);
    try {
      await api.post('/api/calendar/overrides', {
        projectId: v.scope === 'all' ? null : projectId,
        date: v.date.format('YYYY-MM-DD'),
        kind: v.kind,
        note: v.note ?? '',
      });
      form.resetFields(['date', 'note']);
      await refresh();
    } catch (e) {
      report(e, { form });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    try {
      await api.delete(`/api/calendar/overrides/${id}`);
      await refresh();
    } catch (e) {
      report(e);
    }
  };

  return (
    <Card size="small" title={t('calendar.overrides')}>
      {manage ? (
        <Form
          form={form}
          layout="inline"
          onFinish={add}
          initialValues={{ kind: 'holiday', scope: 'project', note: '' }}
          style={{ marginBottom: 12, rowGap: 8 }}
        >
          <Form.Item name="date" rules={[{ required: true, message: t('form.required') }]}>
            <DatePicker placeholder={t('field.date')} />
          </Form.Item>
          <Form.Item name="kind">
            <Select
              style={{ width: 120 }}
              options={[
                { value: 'holiday', label: t('calendar.kind.holiday') },
                { value: 'workday', label: t('calendar.kind.workday') },
              ]}
            />
          </Form.Item>
          <Form.Item name="scope">
            <Select
              style={{ width: 130 }}
              options={[
                { value: 'project', label: t('calendar.scopeProject') },
                { value: 'all', label: t('calendar.scopeAll') },
              ]}
            />
          </Form.Item>
          <Form.Item name="note">
            <Input placeholder={t('field.note')} maxLength={100} style={{ width: 180 }} />
          </Form.Item>
          <Button htmlType="submit" type="primary" icon={<PlusOutlined />} loading={busy}>
            {t('common.add')}
          </Button>
        </Form>
      ) : null}
      {overrides.isError ? <Alert type="error" showIcon title={errorText(overrides.error, t)} /> : null}
      <Table<CalendarOverride>
        size="small"
        rowKey="id"
        loading={overrides.isPending}
        dataSource={overrides.data}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calendar.noOverrides')} /> }}
        columns={[
          { title: t('field.date'), dataIndex: 'date', width: 120 },
          {
            title: t('calendar.kindLabel'),
            dataIndex: 'kind',
            width: 110,
            render: (k: 'workday' | 'holiday') => <Tag color={k === 'holiday' ? 'purple' : 'blue'}>{t(`calendar.kind.${k}`)}</Tag>,
          },
          {
            title: t('calendar.scope'),
            dataIndex: 'projectId',
            width: 110,
            render: (p: string | null) => (p ? t('calendar.scopeProject') : t('calendar.scopeAll')),
          },
          { title: t('field.note'), dataIndex: 'note' },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 80,
                  render: (_: unknown, o: CalendarOverride) => (
                    <Popconfirm
                      title={t('calendar.removeConfirm', { date: o.date })}
                      okText={t('common.delete')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => remove(o.id)}
                    >
                      <Button size="small" type="link" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

type Interval = { range: [Dayjs, Dayjs] };

// A time picker needs a full date; any fixed day will do, only HH:mm is read back.
const toForm = (p: Project) => ({
  intervals: p.businessHours.map(([a, b]) => ({
    range: [dayjs(`2000-01-01T${a}`), dayjs(`2000-01-01T${b}`)] as [Dayjs, Dayjs],
  })),
});

function BusinessHours({ project }: { project: Project }) {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [form] = Form.useForm<{ intervals: Interval[] }>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    form.setFieldsValue(toForm(project));
  }, [project, form]);

  if (!can('calendar.manage')) {
    return (
      <Card size="small" title={t('calendar.businessHours')}>
        <Space wrap>
          {project.businessHours.map(([a, b]) => (
            <Tag key={a}>{`${a}–${b}`}</Tag>
          ))}
        </Space>
      </Card>
    );
  }

  const save = async (v: { intervals: Interval[] }) => {
    setBusy(true);
    try {
      await api.put(`/api/projects/${project.id}/business-hours`, {
        version: project.version,
        businessHours: v.intervals.map((i) => [i.range[0].format('HH:mm'), i.range[1].format('HH:mm')]),
      });
      message.success(t('common.saved'));
      await Promise.all([qc.invalidateQueries({ queryKey: keys.projects }), qc.invalidateQueries({ queryKey: ['calendar'] })]);
    } catch (e) {
      report(e, {
        form,
        onReload: async () => {
          const fresh = (
            await qc.fetchQuery({ queryKey: keys.projects, staleTime: 0, queryFn: () => api.get<Project[]>('/api/projects') })
          ).find((p) => p.id === project.id);
          if (fresh) form.setFieldsValue(toForm(fresh));
        },
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('calendar.businessHours')}>
      <Form form={form} onFinish={save} initialValues={toForm(project)}>
        <Form.List name="intervals">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Flex key={f.key} gap={8} align="baseline">
                  <Form.Item name={[f.name, 'range']} rules={[{ required: true, message: t('form.required') }]}>
                    <TimePicker.RangePicker format="HH:mm" minuteStep={5} order />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<MinusCircleOutlined />}
                    onClick={() => remove(f.name)}
                    aria-label={t('common.delete')}
                    disabled={fields.length <= 1}
                  />
                </Flex>
              ))}
              <Space>
                <Button icon={<PlusOutlined />} onClick={() => add()}>
                  {t('calendar.addInterval')}
                </Button>
                <Button type="primary" htmlType="submit" loading={busy}>
                  {t('common.save')}
                </Button>
              </Space>
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}

function DueCalculator({ projectId }: { projectId: string }) {
  const t = useT();
  const report = useErrorReporter();
  const [from, setFrom] = useState<Dayjs>(() => dayjs(formatDateTime(Date.now())));
  const [amount, setAmount] = useState<number | null>(24);
  const [unit, setUnit] = useState<'hours' | 'days'>('hours');
  const [due, setDue] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const compute = async () => {
    if (amount === null) return;
    setBusy(true);
    try {
      const r = await api.get<{ due: number }>('/api/calendar/compute', {
        projectId,
        // the picker shows China wall time, whatever the browser's own zone
        from: chinaEpoch(from.format('YYYY-MM-DD'), from.format('HH:mm')),
        [unit]: amount,
      });
      setDue(r.due);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('calendar.computeTitle')}>
      <Flex vertical gap={8}>
        <DatePicker
          showTime={{ format: 'HH:mm' }}
          format="YYYY-MM-DD HH:mm"
          value={from}
          allowClear={false}
          onChange={(d) => d && setFrom(d)}
          aria-label={t('calendar.computeFrom')}
        />
        <Space.Compact>
          <InputNumber min={0} max={10000} value={amount} onChange={setAmount} style={{ width: 120 }} />
          <Segmented<'hours' | 'days'>
            value={unit}
            onChange={setUnit}
            options={[
              { value: 'hours', label: t('calendar.workingHours') },
              { value: 'days', label: t('calendar.workingDays') },
            ]}
          />
        </Space.Compact>
        <Button type="primary" onClick={compute} loading={busy} data-testid="compute-due">
          {t('calendar.compute')}
        </Button>
        {due !== null ? (
          <Alert type="success" title={t('calendar.dueAt', { due: formatDateTime(due) })} data-testid="computed-due" />
        ) : null}
      </Flex>
    </Card>
  );
}

export default function CalendarPage() {
  const t = useT();
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const projectId = params.get('projectId') ?? projects.data?.[0]?.id;
  const project = projects.data?.find((p) => p.id === projectId);

  return (
    <div>
      <PageHeader
        title={t('calendar.title')}
        extra={<ProjectSelect value={projectId} onChange={(id) => id && setParams({ projectId: id }, { replace: true })} />}
      />
      {projects.isPending ? (
        <Skeleton active />
      ) : !projectId || !project ? (
        <Empty description={t('calendar.noProject')} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={15}>
            <MonthGrid key={projectId} projectId={projectId} />
            <div className="section">
              <Overrides projectId={projectId} />
            </div>
          </Col>
          <Col xs={24} xl={9}>
            <Flex vertical gap={16}>
              <BusinessHours project={project} />
              <DueCalculator projectId={projectId} />
            </Flex>
          </Col>
        </Row>
      )}
    </div>
  );
}
