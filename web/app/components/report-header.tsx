import { PrinterOutlined } from '@ant-design/icons';
import { Button, DatePicker } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useAddressParams } from '../address-params';
import { useProjects } from '../data';
import { formatMonth } from '../format';
import { useT } from '../i18n';
import { PageHeader } from './page-header';
import { ProjectSelect } from './pickers';

/**
 * The project and month a monthly report is for. They live in the address so a
 * report can be bookmarked or shared; without them it is this month of the first project.
 */
export function useReportMonth() {
  const projects = useProjects();
  const [params, set] = useAddressParams<'projectId' | 'month'>();
  const projectId = params.get('projectId') ?? projects.data?.[0]?.id;
  return { projects, projectId, month: monthParam(params), set };
}

/** The month in the address, or this month. */
export function monthParam(params: URLSearchParams): string {
  return /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? (params.get('month') as string) : formatMonth(Date.now());
}

/** The screen-only header of a monthly report: its project and month, and printing once it has loaded. */
export function ReportHeader(props: {
  title: ReactNode;
  sub: ReactNode;
  selection: ReturnType<typeof useReportMonth>;
  canPrint: boolean;
  printTestId?: string;
}) {
  const t = useT();
  const { projectId, month, set } = props.selection;
  return (
    <div className="no-print">
      <PageHeader
        title={props.title}
        sub={props.sub}
        extra={
          <>
            <ProjectSelect value={projectId} onChange={(id) => set('projectId', id)} />
            <DatePicker
              picker="month"
              allowClear={false}
              value={dayjs(`${month}-01`)}
              onChange={(d) => d && set('month', d.format('YYYY-MM'))}
            />
            <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!props.canPrint} data-testid={props.printTestId}>
              {t('common.print')}
            </Button>
          </>
        }
      />
    </div>
  );
}
