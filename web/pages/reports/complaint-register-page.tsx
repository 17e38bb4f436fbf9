import { FileExcelOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, DatePicker, Empty, Table, type TableColumnsType, Typography } from 'antd';
import dayjs from 'dayjs';
import type { HTMLAttributes } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import type * as Cr from '../../../server/domains/complaints/reports.schema.ts';
import { useAddressParams } from '../../app/address-params';
import { api, withQuery } from '../../app/api';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { useProjects } from '../../app/data';
import { formatDateTime, todayInChina } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useTx } from '../../app/i18n';

type Register = z.infer<typeof Cr.RegisterOut>;
type Row = Register['rows'][number];

/**
 * Printed, the register is the paper form: landscape, every column squeezed onto the page width
 * (the screen's fixed column widths would run off it). Not hoisted, so it leaves with the page.
 */
const PRINT_CSS = `@media print {
  @page { size: A4 landscape; margin: 12mm 10mm; }
  .complaint-register-report .ant-table { font-size: 10px; }
  .complaint-register-report .print-table table { table-layout: auto !important; width: 100% !important; }
  .complaint-register-report .print-table col { width: auto !important; }
  .complaint-register-report .ant-table-summary td { border: 1px solid #999; }
}`;

const when = (ms: number | null) => (ms === null ? '' : formatDateTime(ms));

/** The project and day live in the address so a register can be bookmarked; by default today in the first project. */
function useSelection() {
  const projects = useProjects();
  const [params, set] = useAddressParams<'projectId' | 'date'>();
  const projectId = params.get('projectId') ?? projects.data?.[0]?.id;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? (params.get('date') as string) : todayInChina();
  return { projectId, date, set };
}

/** R-CP-9: 投诉登记表, every complaint registered in a project on one day, on screen, printed or as Excel. */
export default function ComplaintRegisterPage() {
  const { t, tx } = useTx();
  const { projectId, date, set } = useSelection();
  const report = useQuery({
    queryKey: ['report', 'complaint-register', projectId, date],
    queryFn: () => api.get<Register>('/api/reports/complaint-register', { projectId, date }),
    enabled: !!projectId,
  });
  const r = report.data;
  const xlsxHref = projectId ? withQuery('/api/reports/complaint-register.xlsx', { projectId, date }) : undefined;
  const dateText = t('complaintReport.dateText', {
    year: date.slice(0, 4),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  });

  const columns: TableColumnsType<Row> = [
    { title: t('complaintReport.col.seq'), dataIndex: 'seq', width: 50, align: 'right' },
    {
      title: t('request.number'),
      dataIndex: 'number',
      width: 125,
      render: (v: string, row) => (
        <Link to={`/requests/${row.id}`} className="request-number">
          {v}
        </Link>
      ),
    },
    { title: t('complaintReport.col.createdAt'), dataIndex: 'createdAt', width: 125, render: when },
    {
      title: t('complaintReport.col.channel'),
      dataIndex: 'channelLabel',
      width: 64,
      render: (v: string, row) => tx(`channel.${row.channel}`, v),
    },
    { title: t('complaintReport.col.requester'), dataIndex: 'requesterName', width: 80 },
    { title: t('complaintReport.col.unit'), dataIndex: 'unit', width: 90 },
    { title: t('complaintReport.col.phone'), dataIndex: 'requesterPhone', width: 115 },
    { title: t('complaintReport.col.content'), dataIndex: 'content', width: 200 },
    { title: t('complaintReport.col.category'), dataIndex: 'category', width: 130, render: (v: string | null) => v ?? '—' },
    {
      title: t('complaintReport.col.grade'),
      dataIndex: 'grade',
      width: 56,
      render: (g: string) => t(`complaint.grade.${g}` as MessageKey),
    },
    { title: t('complaintReport.col.department'), dataIndex: 'department', width: 90, render: (v: string | null) => v ?? '—' },
    { title: t('complaintReport.col.handler'), dataIndex: 'handler', width: 80, render: (v: string | null) => v ?? '—' },
    {
      title: t('field.status'),
      dataIndex: 'statusLabel',
      width: 120,
      render: (v: string, row) => tx(`status.complaint.${row.status}`, v),
    },
    { title: t('complaintReport.col.resolution'), dataIndex: 'resolution', width: 160 },
    { title: t('complaintReport.col.callbackOutcome'), dataIndex: 'outcome', width: 220 },
    { title: t('complaintReport.col.reopens'), dataIndex: 'reopenCount', width: 64, align: 'right' },
    { title: t('complaintReport.col.closedAt'), dataIndex: 'closedAt', width: 125, render: when },
  ];

  return (
    <div className="report complaint-register-report">
      <style>{PRINT_CSS}</style>
      <div className="no-print">
        <PageHeader
          title={t('complaintReport.register.title')}
          sub={t('complaintReport.register.sub')}
          extra={
            <>
              <ProjectSelect value={projectId} onChange={(id) => set('projectId', id)} />
              <DatePicker
                allowClear={false}
                value={dayjs(date)}
                onChange={(d) => d && set('date', d.format('YYYY-MM-DD'))}
                data-testid="cr-date"
              />
              <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!r} data-testid="cr-print">
                {t('common.print')}
              </Button>
              <Button icon={<FileExcelOutlined />} href={xlsxHref} download disabled={!r} data-testid="cr-excel">
                {t('complaintReport.excel')}
              </Button>
            </>
          }
        />
      </div>
      <div className="print-only">
        <h1 className="print-title">{t('complaintReport.register.title')}</h1>
        <p>{t('complaintReport.register.printSub', { project: r?.projectName ?? '', date: dateText })}</p>
      </div>
      {report.isError ? <Alert type="error" showIcon title={errorText(report.error, t)} /> : null}
      <Table<Row>
        className="section print-table"
        rowKey="id"
        size="small"
        bordered
        loading={report.isPending && !!projectId}
        dataSource={r?.rows}
        pagination={false}
        scroll={{ x: 2000 }}
        columns={columns}
        onRow={(row) => ({ 'data-testid': `cr-row-${row.number}` }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: <Empty description={t('complaintReport.register.empty')} /> }}
        data-testid="complaint-register"
        summary={() =>
          r?.rows.length ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                <strong>{t('complaintReport.total')}</strong>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} colSpan={columns.length - 2}>
                <span data-testid="cr-count">{t('complaintReport.register.count', { n: r.rows.length })}</span>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary" className="section no-print">
        {t('complaintReport.register.note')}
      </Typography.Paragraph>
    </div>
  );
}
