import { PlusOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Collapse,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Grid,
  Input,
  Radio,
  Segmented,
  Select,
  Skeleton,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAddressParams } from '../../app/address-params';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { ListStatus, LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { usePagedList, useProjects } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import { epochOf, pickerNow } from '../../app/picker-time';
import { INCIDENT_CLASSES, type Incident, type IncidentCase, type IncidentClass, type IncidentSummary } from './frontdesk-types';
import { AddStepForm, NotifiedList, StepList } from './record-parts';

const CLASS_COLOR: Record<IncidentClass, string> = { A: 'volcano', B: 'purple', C: 'geekblue' };

export function ClassTag({ cls }: { cls: IncidentClass }) {
  const t = useT();
  return <Tag color={CLASS_COLOR[cls]}>{t(`incident.class.${cls}`)}</Tag>;
}

/** Where the written report stands: due, overdue, filed, filed late. */
export function ReportState({ i }: { i: Pick<IncidentSummary, 'reportSubmittedAt' | 'reportDueAt' | 'overdue' | 'reportLate'> }) {
  const t = useT();
  if (i.reportSubmittedAt !== null)
    return <Tag color={i.reportLate ? 'orange' : 'green'}>{i.reportLate ? t('incident.reportedLate') : t('incident.reported')}</Tag>;
  return (
    <Tag color={i.overdue ? 'red' : 'blue'} data-testid={i.overdue ? 'incident-overdue' : undefined}>
      {i.overdue ? t('incident.overdue') : t('incident.dueAt', { at: formatDateTime(i.reportDueAt) })}
    </Tag>
  );
}

interface NewIncident {
  class: IncidentClass;
  occurredAt: Dayjs;
  place: string;
  people: string;
  description: string;
}

type Filter = 'all' | 'pending' | 'overdue';

/**
 * 办公区域突发事件 (R-FD-3): log an A/B/C incident (its owners are told at once), record the
 * handling, file the 突发事件处理记录表 within two working days, keep typical ones as cases.
 */
export default function IncidentsPage() {
  const t = useT();
  const qc = useQueryClient();
  const projects = useProjects();
  const [params, set] = useAddressParams(['id']);
  const projectId = params.get('projectId') ?? undefined;
  const cls = (params.get('class') as IncidentClass | null) ?? undefined;
  const filter = (params.get('filter') as Filter | null) ?? 'all';
  const tab = params.get('tab') ?? 'list';
  const openId = params.get('id');
  const [adding, setAdding] = useState(false);

  const list = usePagedList<IncidentSummary>(['incidents'], '/api/incidents', {
    projectId,
    class: cls,
    pending: filter === 'pending' ? 'true' : undefined,
    overdue: filter === 'overdue' ? 'true' : undefined,
    limit: 30,
  });
  const target = projectId ?? projects.data?.[0]?.id;

  const listTab = (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap>
        {(projects.data?.length ?? 0) > 1 ? (
          <ProjectSelect value={projectId} emptyOption={t('common.allProjects')} onChange={(v) => set('projectId', v)} />
        ) : null}
        <Select
          style={{ width: 150 }}
          value={cls ?? ''}
          onChange={(v: string) => set('class', v || undefined)}
          options={[
            { value: '', label: t('incident.allClasses') },
            ...INCIDENT_CLASSES.map((c) => ({ value: c, label: t(`incident.class.${c}`) })),
          ]}
          data-testid="incident-class-filter"
        />
        <Segmented<Filter>
          value={filter}
          onChange={(v) => set('filter', v === 'all' ? undefined : v)}
          options={[
            { value: 'all', label: t('incident.filter.all') },
            { value: 'pending', label: t('incident.filter.pending') },
            { value: 'overdue', label: t('incident.filter.overdue') },
          ]}
          data-testid="incident-filter"
        />
      </Flex>
      <ListStatus list={list} empty={t('incident.empty')} />
      {list.items.map((i) => (
        <Card
          key={i.id}
          size="small"
          hoverable
          onClick={() => set('id', i.id)}
          data-testid="incident-row"
          className={i.overdue ? 'tech-card-overdue' : undefined}
        >
          <Flex justify="space-between" gap={8} wrap>
            <div style={{ minWidth: 0 }}>
              <Flex gap={6} wrap align="center">
                <Typography.Text strong>{i.number}</Typography.Text>
                <ClassTag cls={i.class} />
                {i.isCase ? <Tag color="gold">{t('incident.typical')}</Tag> : null}
              </Flex>
              <div>
                {formatDateTime(i.occurredAt)} · {i.place} · {i.people}
              </div>
              <Typography.Text type="secondary" ellipsis style={{ maxWidth: 560 }}>
                {i.description}
              </Typography.Text>
            </div>
            <ReportState i={i} />
          </Flex>
        </Card>
      ))}
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />
    </Flex>
  );

  return (
    <div>
      <PageHeader
        title={t('incident.title')}
        sub={t('incident.sub')}
        testId="incidents-title"
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="incident-add">
            {t('incident.add')}
          </Button>
        }
      />
      <Collapse
        size="small"
        style={{ marginBottom: 12 }}
        items={[
          {
            key: 'guide',
            label: t('incident.guideTitle'),
            children: (
              <Flex vertical gap={8} data-testid="incident-guide">
                {INCIDENT_CLASSES.map((c) => (
                  <div key={c}>
                    <ClassTag cls={c} /> <Typography.Text strong>{t(`incident.classLabel.${c}`)}</Typography.Text>
                    <div className="small">{t(`incident.guide.${c}`)}</div>
                  </div>
                ))}
                <Typography.Text type="secondary" className="small">
                  {t('incident.guide.report')}
                </Typography.Text>
              </Flex>
            ),
          },
        ]}
      />
      <Tabs
        activeKey={tab}
        onChange={(k) => set('tab', k === 'list' ? undefined : k)}
        items={[
          { key: 'list', label: t('incident.tab.list'), children: listTab },
          { key: 'cases', label: t('incident.tab.cases'), children: <CasesTab /> },
        ]}
      />
      <IncidentDrawer id={openId} onClose={() => set('id', undefined)} />

      <FormModal<NewIncident>
        title={t('incident.add')}
        open={adding}
        onClose={() => setAdding(false)}
        initialValues={{ class: 'A', occurredAt: pickerNow() }}
        testId="incident-modal"
        onSubmit={async (v) => {
          if (!target) return;
          const created = await api.post<Incident>('/api/incidents', {
            projectId: target,
            class: v.class,
            occurredAt: epochOf(v.occurredAt),
            place: v.place.trim(),
            people: v.people.trim(),
            description: v.description.trim(),
          });
          await qc.invalidateQueries({ queryKey: ['incidents'] });
          set('id', created.id);
        }}
      >
        <Form.Item name="class" label={t('incident.classField')}>
          <Radio.Group data-testid="incident-class">
            <Flex vertical gap={4}>
              {INCIDENT_CLASSES.map((c) => (
                <Radio key={c} value={c}>
                  <strong>{c}</strong> {t(`incident.classLabel.${c}`)}
                  <div className="small muted">{t(`incident.notifies.${c}`)}</div>
                </Radio>
              ))}
            </Flex>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="occurredAt" label={t('incident.occurredAt')} rules={[{ required: true, message: t('form.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="place" label={t('incident.place')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={200} data-testid="incident-place" />
        </Form.Item>
        <Form.Item name="people" label={t('incident.people')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={500} placeholder={t('incident.peopleHint')} data-testid="incident-people" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('incident.description')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={4} maxLength={4000} showCount data-testid="incident-description" />
        </Form.Item>
      </FormModal>
    </div>
  );
}

function IncidentDrawer(props: { id: string | null; onClose(): void }) {
  const t = useT();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const [reporting, setReporting] = useState(false);
  const [marking, setMarking] = useState(false);
  const key = ['incident', props.id];
  const one = useQuery({
    queryKey: key,
    queryFn: () => api.get<Incident>(`/api/incidents/${props.id}`),
    enabled: !!props.id,
  });
  const i = one.data;
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: key });
    await qc.invalidateQueries({ queryKey: ['incidents'] });
  };
  return (
    <Drawer
      open={!!props.id}
      title={i ? `${i.number} · ${t(`incident.class.${i.class}`)}` : ''}
      onClose={props.onClose}
      size={screens.md ? 720 : '100%'}
      destroyOnHidden
      data-testid="incident-drawer"
      extra={
        i ? (
          <Link to={`/incidents/${i.id}/print`}>
            <Button icon={<PrinterOutlined />} data-testid="incident-print-link">
              {t('incident.printForm')}
            </Button>
          </Link>
        ) : null
      }
    >
      {one.isError ? <Alert type="error" showIcon title={errorText(one.error, t)} /> : null}
      {one.isPending && props.id ? <Skeleton active /> : null}
      {i ? (
        <Flex vertical gap={16}>
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'project', label: t('incident.project'), children: i.projectName },
              { key: 'class', label: t('incident.classField'), children: <>{t(`incident.classLabel.${i.class}`)}</> },
              { key: 'when', label: t('incident.occurredAt'), children: formatDateTime(i.occurredAt) },
              { key: 'place', label: t('incident.place'), children: i.place },
              { key: 'people', label: t('incident.people'), children: i.people },
              { key: 'what', label: t('incident.description'), children: <span className="pre-wrap">{i.description}</span> },
              { key: 'by', label: t('incident.loggedBy'), children: `${i.reportedByName ?? '—'} · ${formatDateTime(i.createdAt)}` },
              { key: 'told', label: t('incident.notified'), children: <NotifiedList notified={i.notified} /> },
              { key: 'report', label: t('incident.reportState'), children: <ReportState i={i} /> },
            ]}
          />
          <section>
            <Typography.Title level={5}>{t('incident.steps')}</Typography.Title>
            <StepList steps={i.steps} />
            {i.reportSubmittedAt === null ? (
              <AddStepForm path={`/api/incidents/${i.id}/steps`} maxN={i.steps.length} onDone={refresh} />
            ) : null}
          </section>
          <section data-testid="incident-report">
            <Typography.Title level={5}>{t('incident.reportTitle')}</Typography.Title>
            {i.reportSubmittedAt !== null ? (
              <>
                <Typography.Paragraph className="pre-wrap">{i.report}</Typography.Paragraph>
                <Typography.Text type="secondary" className="small">
                  {t('incident.reportedBy', { name: i.reportSubmittedByName ?? '—', at: formatDateTime(i.reportSubmittedAt) })}
                </Typography.Text>
              </>
            ) : (
              <Flex vertical gap={8} align="start">
                {i.overdueNotifiedAt ? (
                  <Alert type="error" showIcon title={t('incident.overdueReminded', { at: formatDateTime(i.overdueNotifiedAt) })} />
                ) : null}
                <Button type="primary" onClick={() => setReporting(true)} data-testid="incident-report-open">
                  {t('incident.submitReport')}
                </Button>
              </Flex>
            )}
          </section>
          {i.reportSubmittedAt !== null ? (
            <section data-testid="incident-case">
              <Typography.Title level={5}>{t('incident.caseTitle')}</Typography.Title>
              {i.isCase ? (
                <>
                  <Typography.Paragraph className="pre-wrap">{i.caseSummary}</Typography.Paragraph>
                  <Typography.Text type="secondary" className="small">
                    {t('incident.caseBy', { name: i.caseMarkedByName ?? '—', at: formatDateTime(i.caseMarkedAt) })}
                  </Typography.Text>
                </>
              ) : (
                <Button onClick={() => setMarking(true)} data-testid="incident-case-open">
                  {t('incident.markCase')}
                </Button>
              )}
            </section>
          ) : null}
        </Flex>
      ) : null}

      <FormModal<{ report: string }>
        title={t('incident.submitReport')}
        open={reporting && !!i}
        onClose={() => setReporting(false)}
        reload={async () => {
          await refresh();
          return {};
        }}
        testId="incident-report-modal"
        onSubmit={async (v) => {
          if (!i) return;
          await api.post(`/api/incidents/${i.id}/report`, { version: i.version, report: v.report.trim() });
          await refresh();
        }}
      >
        <Typography.Paragraph type="secondary">{t('incident.reportHint')}</Typography.Paragraph>
        <Form.Item
          name="report"
          label={t('incident.reportText')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={8} maxLength={8000} showCount data-testid="incident-report-text" />
        </Form.Item>
      </FormModal>

      <FormModal<{ summary: string }>
        title={t('incident.markCase')}
        open={marking && !!i}
        onClose={() => setMarking(false)}
        testId="incident-case-modal"
        onSubmit={async (v) => {
          if (!i) return;
          await api.post(`/api/incidents/${i.id}/case`, { version: i.version, summary: v.summary.trim() });
          await refresh();
          await qc.invalidateQueries({ queryKey: ['incident-cases'] });
        }}
      >
        <Typography.Paragraph type="secondary">{t('incident.caseHint')}</Typography.Paragraph>
        <Form.Item
          name="summary"
          label={t('incident.caseSummary')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={5} maxLength={2000} showCount data-testid="incident-case-summary" />
        </Form.Item>
      </FormModal>
    </Drawer>
  );
}

/** 典型事件 as training material: class, place and the lesson, searchable like the complaint case library. */
function CasesTab() {
  const t = useT();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const list = usePagedList<IncidentCase>(['incident-cases'], '/api/incident-cases', { q: q || undefined, limit: 30 });
  return (
    <Flex vertical gap={12}>
      <Input.Search
        allowClear
        enterButton
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(v) => setQ(v.trim())}
        placeholder={t('incident.caseSearch')}
        maxLength={100}
        style={{ maxWidth: 360 }}
        data-testid="incident-case-search"
      />
      <ListStatus list={list} empty={t('incident.noCases')} />
      {list.items.map((c) => (
        <Card key={c.id} size="small" data-testid="incident-case-row">
          <Flex gap={6} wrap align="center">
            <ClassTag cls={c.class} />
            <Typography.Text type="secondary">
              {c.projectName} · {c.place} · {formatDateTime(c.occurredAt)}
            </Typography.Text>
          </Flex>
          <Typography.Paragraph className="pre-wrap" style={{ margin: '6px 0 0' }}>
            {c.summary}
          </Typography.Paragraph>
        </Card>
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
