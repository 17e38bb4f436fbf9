import { FileExcelOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, DatePicker, Drawer, Empty, Flex, Grid, Table, type TableColumnsType, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import type * as Cr from '../../../server/domains/complaints/reports.schema.ts';
import { useAddressParams } from '../../app/address-params';
import { api, withQuery } from '../../app/api';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { monthParam } from '../../app/components/report-header';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useTx } from '../../app/i18n';

type Report = z.infer<typeof Cr.ComplaintTable>;
type Figures = z.infer<typeof Cr.Figures>;
type Items = z.infer<typeof Cr.ItemsOut>;
type Figure = (typeof Cr.FIGURES)[number];
type Grade = (typeof Cr.GRADES)[number];

const GRADES: Grade[] = ['general', 'significant', 'urgent'];
/** The server's marker for "no category" in the drill-down query. */
const NO_CATEGORY = 'none';
/** Figures the server lists one row per callback, not per complaint. */
const PER_CALLBACK: Figure[] = ['callbacks', 'reopens'];

/**
 * Printed, the page is the paper form: landscape, the title with project and month, the
 * table alone. A plain style element (not hoisted) so the landscape page leaves with the page.
 */
const PRINT_CSS = `@media print {
  @page { size: A4 landscape; margin: 12mm 10mm; }
  .complaint-table-report a.ant-typography { color: inherit; font-size: inherit; }
  .complaint-table-report .ct-fraction { display: none; }
  .complaint-table-report .print-table table { table-layout: auto !important; width: 100% !important; }
  .complaint-table-report .print-table col { width: auto !important; }
  .complaint-table-report .ant-table-summary td { border: 1px solid #999; }
}`;

const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

/** What a drill-down shows: one figure, for everything shown or narrowed to a project, category or grade. */
interface Drill {
  figure: Figure;
  projectId?: string;
  categoryId?: string;
  grade?: Grade;
  where: string;
}

/** One line of the table: a category at one grade, or the total. */
interface Line {
  key: string;
  categoryId: string | null;
  name: string;
  grade: Grade | null;
  figures: Figures;
  /** Rows the category cell spans (0 = covered by the line above). */
  span: number;
  /** A line of the by-project table: its numbers open that project's complaints. */
  projectId?: string;
}

/** The project and month live in the address so a table can be bookmarked; no project = the whole company. */
function useSelection() {
  const [params, set] = useAddressParams<'projectId' | 'month'>();
  return { projectId: params.get('projectId') || undefined, month: monthParam(params), set };
}

/**
 * R-CP-9 / R-RE-2: 顾客投诉分类统计表, one project's or the whole company's month. Every number
 * opens the complaints behind it; printed it is the paper form sent up to the company.
 */
export default function ComplaintTablePage() {
  const { t, tx } = useTx();
  const { projectId, month, set } = useSelection();
  const [drill, setDrill] = useState<Drill | null>(null);
  const report = useQuery({
    queryKey: ['report', 'complaints', projectId ?? '', month],
    queryFn: () => api.get<Report>('/api/reports/complaints', { projectId, month }),
  });
  const r = report.data;
  const gradeLabel = (g: Grade) => t(`complaint.grade.${g}` as MessageKey);
  const monthText = t('complaintReport.monthText', { year: month.slice(0, 4), month: Number(month.slice(5, 7)) });
  const scopeName = r ? (r.scope === 'company' ? t('complaintReport.company') : r.projectName) : '';

  /** A count that opens its list; zero stays plain text, there is nothing to open. */
  const open = (n: number, d: Omit<Drill, 'figure'>, figure: Figure, testId: string): ReactNode =>
    n ? (
      // A link, not a button: printed, it reads as plain text.
      <Typography.Link style={{ fontSize: 'inherit' }} onClick={() => setDrill({ ...d, figure })} data-testid={testId}>
        {n}
      </Typography.Link>
    ) : (
      <span data-testid={testId}>0</span>
    );

  const lines: Line[] = (r?.categories ?? []).flatMap((c) =>
    GRADES.map((g, i) => ({
      key: `${c.categoryId ?? NO_CATEGORY}-${g}`,
      categoryId: c.categoryId,
      name: c.name,
      grade: g,
      figures: c.grades[g],
      span: i === 0 ? GRADES.length : 0,
    })),
  );

  const where = (line: Line) => (line.grade ? `${line.name} · ${gradeLabel(line.grade)}` : line.name || t('complaintReport.total'));
  /** Which complaints a line's numbers open, and the test id prefix of its cells. */
  const target = (line: Line): { drill: Omit<Drill, 'figure'>; prefix: string } => {
    if (line.projectId) return { drill: { projectId: line.projectId, where: line.name }, prefix: `ct-project-${line.name}` };
    if (line.grade)
      return {
        drill: { categoryId: line.categoryId ?? NO_CATEGORY, grade: line.grade, where: where(line) },
        prefix: `ct-${line.name}-${line.grade}`,
      };
    return { drill: { where: where(line) }, prefix: 'ct-total' };
  };

  const count = (figure: Figure, key: keyof Figures, title: MessageKey): LeafColumn => ({
    title: t(title),
    key: figure,
    align: 'right',
    width: 72,
    render: (_: unknown, line: Line) => {
      const { drill, prefix } = target(line);
      return open(line.figures[key] as number, drill, figure, `${prefix}-${figure}`);
    },
  });
  /** A rate with its numerator and denominator, each opening its own list. */
  const rate = (
    key: 'responseRate' | 'satisfactionRate',
    num: [Figure, keyof Figures],
    den: [Figure, keyof Figures],
    title: MessageKey,
  ): LeafColumn => ({
    title: t(title),
    key,
    align: 'right',
    width: 96,
    render: (_: unknown, line: Line) => {
      const { drill, prefix } = target(line);
      const tag = key === 'responseRate' ? 'response-rate' : 'satisfaction-rate';
      return (
        <>
          <span data-testid={`${prefix}-${tag}`}>{percent(line.figures[key])}</span>
          {line.figures[den[1]] ? (
            <div className="ct-fraction">
              <Typography.Text type="secondary">
                {open(line.figures[num[1]] as number, drill, num[0], `${prefix}-${tag}-num`)}/
                {open(line.figures[den[1]] as number, drill, den[0], `${prefix}-${tag}-den`)}
              </Typography.Text>
            </div>
          ) : null}
        </>
      );
    },
  });

  const leaf = {
    total: count('total', 'total', 'complaintReport.col.total'),
    satisfied: count('satisfied', 'satisfied', 'complaintReport.col.satisfied'),
    noCallback: count('no_callback', 'noCallback', 'complaintReport.col.noCallback'),
    declined: count('declined', 'declined', 'complaintReport.col.declined'),
    closedOther: count('closed_other', 'closedOther', 'complaintReport.col.closedOther'),
    open: count('open', 'open', 'complaintReport.col.open'),
    onTime: count('on_time', 'onTime', 'complaintReport.col.onTime'),
    late: count('late', 'late', 'complaintReport.col.late'),
    responseRate: rate('responseRate', ['on_time', 'onTime'], ['measured', 'responseMeasured'], 'complaintReport.col.responseRate'),
    callbacks: count('callbacks', 'callbacks', 'complaintReport.col.callbacks'),
    satisfactionRate: rate(
      'satisfactionRate',
      ['satisfied', 'satisfied'],
      ['callbacks', 'callbacks'],
      'complaintReport.col.satisfactionRate',
    ),
    reopens: count('reopens', 'reopens', 'complaintReport.col.reopens'),
    reopened: count('reopened', 'reopened', 'complaintReport.col.reopened'),
  };
  /** The number columns in table order: the total row has one cell each. */
  const leaves: LeafColumn[] = Object.values(leaf);
  const figureColumns: TableColumnsType<Line> = [
    leaf.total,
    {
      title: t('complaintReport.col.outcome'),
      children: [leaf.satisfied, leaf.noCallback, leaf.declined, leaf.closedOther, leaf.open],
    },
    { title: t('complaintReport.col.response'), children: [leaf.onTime, leaf.late, leaf.responseRate] },
    { title: t('complaintReport.col.callback'), children: [leaf.callbacks, leaf.satisfactionRate] },
    { title: t('complaintReport.col.reopen'), children: [leaf.reopens, leaf.reopened] },
  ];

  const columns: TableColumnsType<Line> = [
    {
      title: t('complaintReport.col.category'),
      dataIndex: 'name',
      width: 110,
      onCell: (line) => ({ rowSpan: line.span }),
    },
    {
      title: t('complaintReport.col.grade'),
      dataIndex: 'grade',
      width: 64,
      render: (g: Grade) => gradeLabel(g),
    },
    ...figureColumns,
  ];
  const totalLine: Line | null = r ? { key: 'total', categoryId: null, name: '', grade: null, figures: r.totals, span: 1 } : null;
  const projectLines: Line[] = (r?.projects ?? []).map((p) => ({
    key: p.projectId,
    projectId: p.projectId,
    categoryId: null,
    name: p.projectName,
    grade: null,
    figures: p.figures,
    span: 1,
  }));
  const projectColumns: TableColumnsType<Line> = [
    { title: t('complaintReport.col.project'), dataIndex: 'name', width: 174 },
    ...figureColumns,
  ];

  const xlsxHref = withQuery('/api/reports/complaints.xlsx', { projectId, month });

  return (
    <div className="report complaint-table-report">
      <style>{PRINT_CSS}</style>
      <div className="no-print">
        <PageHeader
          title={t('complaintReport.title')}
          sub={t('complaintReport.sub')}
          extra={
            <>
              <span data-testid="ct-project">
                <ProjectSelect value={projectId} onChange={(id) => set('projectId', id)} emptyOption={t('complaintReport.company')} />
              </span>
              <DatePicker
                picker="month"
                allowClear={false}
                value={dayjs(`${month}-01`)}
                onChange={(d) => d && set('month', d.format('YYYY-MM'))}
                data-testid="ct-month"
              />
              <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!r} data-testid="ct-print">
                {t('common.print')}
              </Button>
              <Button icon={<FileExcelOutlined />} href={xlsxHref} download disabled={!r} data-testid="ct-excel">
                {t('complaintReport.excel')}
              </Button>
            </>
          }
        />
      </div>
      <div className="print-only">
        <h1 className="print-title">{t('complaintReport.title')}</h1>
        <p>{t('complaintReport.printSub', { project: scopeName, month: monthText })}</p>
      </div>
      {report.isError ? <Alert type="error" showIcon title={errorText(report.error, t)} /> : null}
      {r ? (
        <Flex className="no-print section" gap={8} wrap align="center">
          <Tag color="blue" data-testid="ct-scope">
            {scopeName}
          </Tag>
          <Typography.Text type="secondary">{monthText}</Typography.Text>
        </Flex>
      ) : null}
      <Table<Line>
        className="section print-table"
        rowKey="key"
        size="small"
        bordered
        loading={report.isPending}
        dataSource={lines}
        pagination={false}
        scroll={{ x: 1300 }}
        columns={columns}
        locale={{ emptyText: <Empty description={t('complaintReport.empty')} /> }}
        data-testid="complaint-table"
        summary={() =>
          totalLine ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                <strong>{t('complaintReport.total')}</strong>
              </Table.Summary.Cell>
              {leaves.map((c, i) => (
                <Table.Summary.Cell key={c.key} index={i + 2} align="right">
                  <strong>{c.render(undefined, totalLine)}</strong>
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          ) : null
        }
      />
      {r && r.scope === 'company' ? (
        <>
          <Typography.Title level={5} className="section">
            {t('complaintReport.byProject')}
          </Typography.Title>
          <Table<Line>
            className="print-table"
            rowKey="key"
            size="small"
            bordered
            dataSource={projectLines}
            pagination={false}
            scroll={{ x: 1300 }}
            columns={projectColumns}
            data-testid="ct-projects"
          />
        </>
      ) : null}
      <Typography.Paragraph type="secondary" className="section no-print">
        {t('complaintReport.definitions')}
      </Typography.Paragraph>
      {r ? (
        <Typography.Paragraph type="secondary" className="print-footer">
          {t('complaintReport.generatedAt', { at: formatDateTime(r.generatedAt) })}
        </Typography.Paragraph>
      ) : null}
      {drill ? <ItemsDrawer month={month} projectId={projectId} drill={drill} onClose={() => setDrill(null)} t={t} tx={tx} /> : null}
    </div>
  );
}

/** A column with a number cell: what the table, its total row and the by-project table share. */
type LeafColumn = {
  title: string;
  key: string;
  align: 'right';
  width: number;
  render: (v: unknown, line: Line) => ReactNode;
};

function ItemsDrawer(props: {
  month: string;
  projectId: string | undefined;
  drill: Drill;
  onClose: () => void;
  t: ReturnType<typeof useTx>['t'];
  tx: ReturnType<typeof useTx>['tx'];
}) {
  const { month, drill, t, tx } = props;
  const projectId = drill.projectId ?? props.projectId;
  const screens = Grid.useBreakpoint();
  const items = useQuery({
    queryKey: ['report', 'complaints', 'items', projectId ?? '', month, drill.figure, drill.categoryId ?? '', drill.grade ?? ''],
    queryFn: () =>
      api.get<Items>('/api/reports/complaints/items', {
        projectId,
        month,
        figure: drill.figure,
        categoryId: drill.categoryId,
        grade: drill.grade,
      }),
  });
  const o = items.data;
  const perCallback = PER_CALLBACK.includes(drill.figure);
  const title = `${t(`complaintReport.figure.${drill.figure}` as MessageKey)} · ${drill.where}`;
  type Item = Items['items'][number];
  const columns: TableColumnsType<Item> = [
    {
      title: t('request.number'),
      dataIndex: 'number',
      width: 130,
      render: (v: string, row) => (
        <Link to={`/requests/${row.id}`} className="request-number" data-testid="ct-item-link">
          {v}
        </Link>
      ),
    },
    ...(projectId ? [] : [{ title: t('complaintReport.col.project'), dataIndex: 'projectName', width: 100 }]),
    { title: t('complaintReport.col.createdAt'), dataIndex: 'createdAt', width: 140, render: (v: number) => formatDateTime(v) },
    { title: t('complaintReport.col.requester'), dataIndex: 'requesterName', width: 90 },
    { title: t('complaintReport.col.unit'), dataIndex: 'unit', width: 100 },
    { title: t('complaintReport.col.content'), dataIndex: 'content', width: 200 },
    { title: t('complaintReport.col.category'), dataIndex: 'category', width: 150, render: (v: string | null) => v ?? '—' },
    { title: t('complaintReport.col.grade'), dataIndex: 'grade', width: 64, render: (g: Grade) => t(`complaint.grade.${g}` as MessageKey) },
    {
      title: t('field.status'),
      dataIndex: 'statusLabel',
      width: 140,
      render: (v: string, row) => tx(`status.complaint.${row.status}`, v),
    },
    ...(perCallback
      ? [
          {
            title: t('complaintReport.col.callbackAt'),
            key: 'callbackAt',
            width: 140,
            render: (_: unknown, row: Item) => formatDateTime(row.callback?.at) || '—',
          },
          {
            title: t('complaintReport.col.callbackResult'),
            key: 'callbackResult',
            width: 200,
            render: (_: unknown, row: Item) => {
              const c = row.callback;
              if (!c) return '—';
              const how = c.method ? tx(`method.${c.method}`, c.method) : '';
              const result = t(c.satisfied ? 'complaintReport.callbackSatisfied' : 'complaintReport.callbackUnsatisfied');
              return `${how} ${result}${c.note ? `：${c.note}` : ''}`.trim();
            },
          },
        ]
      : [
          {
            title: t('complaintReport.col.closeReason'),
            dataIndex: 'closeReasonLabel',
            width: 170,
            render: (v: string, row: Item) => (row.closeReason ? tx(`complaintReport.closeReason.${row.closeReason}`, v) : '—'),
          },
          { title: t('complaintReport.col.reopens'), dataIndex: 'reopenCount', width: 80, align: 'right' as const },
        ]),
  ];
  return (
    <Drawer
      open
      title={o ? t('complaintReport.items', { figure: title, n: o.items.length }) : title}
      onClose={props.onClose}
      size={screens.md ? 960 : '100%'}
      destroyOnHidden
      data-testid="ct-drawer"
    >
      {items.isError ? <Alert type="error" showIcon title={errorText(items.error, t)} /> : null}
      {o?.truncated ? (
        <Alert type="info" showIcon title={t('complaintReport.truncated', { n: o.items.length })} className="section" />
      ) : null}
      <Table<Item>
        rowKey={(row, i) => (perCallback ? `${row.id}-${i}` : row.id)}
        size="small"
        loading={items.isPending}
        dataSource={o?.items}
        pagination={false}
        scroll={{ x: 1200 }}
        columns={columns}
        locale={{ emptyText: <Empty description={t('complaintReport.itemsEmpty')} /> }}
        data-testid="ct-items"
      />
    </Drawer>
  );
}
