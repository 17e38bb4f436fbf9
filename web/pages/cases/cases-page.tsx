import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Drawer, Empty, Flex, Grid, Input, Select, Skeleton, Table, Typography } from 'antd';
import { type HTMLAttributes, type MouseEvent, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import type * as Cs from '../../../server/domains/complaints/cases.schema.ts';
import { useAddressParams } from '../../app/address-params';
import { api } from '../../app/api';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { usePagedList } from '../../app/data';
import { formatDate } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import { GradeTag } from './save-case-button';

export type CaseSummary = z.infer<typeof Cs.CaseSummary>;
export type ComplaintCase = z.infer<typeof Cs.CaseOut>;
type Grade = (typeof Cs.GRADES)[number];

const GRADES: Grade[] = ['general', 'significant', 'urgent'];

/** The sections of a case in reading order, as a training session goes through them. */
const SECTIONS = ['summary', 'handling', 'cause', 'preventive', 'lessons'] as const;

/**
 * 案例库 (R-CP-9, R-QT-3): closed complaints kept as training material. The search box, the grade
 * and the project live in the address, so a found case can be sent to a colleague as a link.
 */
export default function CasesPage() {
  const t = useT();
  const [params, set] = useAddressParams(['case']);
  const q = params.get('q') ?? '';
  const grade = (params.get('grade') as Grade | null) ?? undefined;
  const projectId = params.get('projectId') ?? undefined;
  const openId = params.get('case');
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const list = usePagedList<CaseSummary>(['cases'], '/api/cases', { q: q || undefined, grade, projectId, limit: 30 });

  return (
    <div>
      <PageHeader title={t('cases.title')} sub={t('cases.sub')} testId="cases-title" />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          enterButton
          placeholder={t('cases.searchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => set('q', v.trim() || undefined)}
          maxLength={100}
          style={{ width: 320 }}
          data-testid="case-search"
        />
        <Select
          style={{ minWidth: 130 }}
          value={grade ?? ''}
          onChange={(v: string) => set('grade', v || undefined)}
          options={[{ value: '', label: t('cases.allGrades') }, ...GRADES.map((g) => ({ value: g, label: t(`cases.grade.${g}`) }))]}
          data-testid="case-grade-filter"
        />
        <ProjectSelect value={projectId} emptyOption={t('common.allProjects')} onChange={(v) => set('projectId', v)} />
      </Flex>
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, t)} /> : null}
      <Table<CaseSummary>
        rowKey="id"
        size="middle"
        loading={list.isPending}
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 860 }}
        locale={{ emptyText: <Empty description={t('cases.empty')} /> }}
        rowClassName={() => 'clickable'}
        data-testid="case-list"
        onRow={(c) =>
          ({
            'data-testid': 'case-item',
            onClick: (e: MouseEvent) => {
              if ((e.target as HTMLElement).closest('a')) return;
              set('case', c.id);
            },
          }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('cases.col.title'),
            key: 'title',
            render: (_, c) => (
              <Flex vertical gap={2}>
                <Typography.Link onClick={() => set('case', c.id)} data-testid="case-open">
                  {c.title}
                </Typography.Link>
                <Typography.Text type="secondary" ellipsis style={{ maxWidth: 420 }}>
                  {c.excerpt}
                </Typography.Text>
              </Flex>
            ),
          },
          { title: t('cases.col.category'), dataIndex: 'category', width: 170, render: (v: string) => v || '—' },
          { title: t('cases.col.grade'), dataIndex: 'grade', width: 80, render: (g: Grade) => <GradeTag grade={g} /> },
          { title: t('cases.col.project'), dataIndex: 'projectName', width: 120 },
          { title: t('cases.col.createdAt'), dataIndex: 'createdAt', width: 110, render: (v: number) => formatDate(v) },
        ]}
      />
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />
      <CaseDrawer id={openId} onClose={() => set('case', undefined)} />
    </div>
  );
}

function CaseDrawer(props: { id: string | null; onClose(): void }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const one = useQuery({
    queryKey: ['case', props.id],
    queryFn: () => api.get<ComplaintCase>(`/api/cases/${props.id}`),
    enabled: !!props.id,
  });
  const c = one.data;
  return (
    <Drawer
      open={!!props.id}
      title={c?.title ?? ''}
      onClose={props.onClose}
      size={screens.md ? 720 : '100%'}
      destroyOnHidden
      data-testid="case-drawer"
    >
      {one.isError ? <Alert type="error" showIcon title={errorText(one.error, t)} /> : null}
      {one.isPending ? <Skeleton active /> : null}
      {c ? (
        <Flex vertical gap={16}>
          <Flex gap={8} wrap align="center">
            <GradeTag grade={c.grade} />
            <Typography.Text type="secondary">{t('cases.meta', { project: c.projectName, category: c.category || '—' })}</Typography.Text>
          </Flex>
          <Descriptions
            column={1}
            size="small"
            items={[
              {
                key: 'original',
                label: t('cases.original'),
                children: (
                  <Link to={`/requests/${c.requestId}`} data-testid="case-request-link">
                    {c.requestNumber}
                  </Link>
                ),
              },
              {
                key: 'by',
                label: t('cases.added'),
                children: t('cases.createdBy', { name: c.createdByName ?? '—', date: formatDate(c.createdAt) }),
              },
            ]}
          />
          {SECTIONS.map((s) => (
            <section key={s} data-testid={`case-section-${s}`}>
              <Typography.Title level={5}>{t(`cases.field.${s}`)}</Typography.Title>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
                {c[s] || <Typography.Text type="secondary">{t('cases.noLessons')}</Typography.Text>}
              </Typography.Paragraph>
            </section>
          ))}
        </Flex>
      ) : null}
    </Drawer>
  );
}
