import { LeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Skeleton } from 'antd';
import { Link, useParams } from 'react-router';
import { api } from '../../app/api';
import { PairTable, PrintedFormHead } from '../../app/components/printed-form';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { Incident } from './frontdesk-types';

/** R-X-3: the 突发事件处理记录表 as filed with the company's customer service center. */
export default function IncidentPrintPage() {
  const { id = '' } = useParams();
  const t = useT();
  const q = useQuery({ queryKey: ['incident', id], queryFn: () => api.get<Incident>(`/api/incidents/${id}`), staleTime: 0 });
  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const i = q.data;
  const dash = (v: string | null | undefined) => (v ? v : '—');
  const told = i.notified.map((n) => `${n.name}（${n.as}）`).join('、');
  return (
    <div className="work-order-page">
      <Flex className="no-print work-order-toolbar" justify="space-between" align="center" gap={8} wrap>
        <Link to={`/incidents?id=${i.id}`}>
          <LeftOutlined /> {i.number}
        </Link>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="incident-print">
          {t('incident.print')}
        </Button>
      </Flex>
      <div className="work-order wo-A4" data-testid="incident-form">
        <PrintedFormHead
          title={t('incident.formTitle', { project: i.projectName })}
          numberLabel={t('incident.number')}
          number={i.number}
          numberTestId="incident-form-number"
          dateLabel={t('incident.reportDue')}
          date={i.reportDueAt}
        />
        <PairTable>
          <tr>
            <th>{t('incident.classField')}</th>
            <td colSpan={3} data-testid="incident-form-class">
              {i.class} {t('incident.classSuffix')}：{t(`incident.classLabel.${i.class}`)}
            </td>
          </tr>
          <tr>
            <th>{t('incident.occurredAt')}</th>
            <td>{formatDateTime(i.occurredAt)}</td>
            <th>{t('incident.place')}</th>
            <td>{i.place}</td>
          </tr>
          <tr>
            <th>{t('incident.people')}</th>
            <td colSpan={3}>{i.people}</td>
          </tr>
          <tr>
            <th>{t('incident.description')}</th>
            <td colSpan={3} className="pre-wrap wo-tall">
              {i.description}
            </td>
          </tr>
          <tr>
            <th>{t('incident.notified')}</th>
            <td colSpan={3}>{told || t('incident.notifiedNobody')}</td>
          </tr>
          <tr>
            <th>{t('incident.steps')}</th>
            <td colSpan={3} className="wo-tall">
              {i.steps.length
                ? i.steps.map((s) => (
                    <div key={s.n} className="pre-wrap">
                      {s.n}. {formatDateTime(s.at)} {s.actorName}：
                      {s.correctsN !== null ? `${t('incident.corrects', { n: s.correctsN })} ` : ''}
                      {s.text}
                    </div>
                  ))
                : '—'}
            </td>
          </tr>
          <tr>
            <th>{t('incident.reportText')}</th>
            <td colSpan={3} className="pre-wrap wo-tall" data-testid="incident-form-report">
              {dash(i.report)}
            </td>
          </tr>
          <tr>
            <th>{t('incident.loggedBy')}</th>
            <td>{dash(i.reportedByName)}</td>
            <th>{t('incident.filledBy')}</th>
            <td>
              {i.reportSubmittedAt !== null ? `${dash(i.reportSubmittedByName)} ${formatDateTime(i.reportSubmittedAt)}` : '—'}
              {i.reportLate ? `（${t('incident.reportedLate')}）` : ''}
            </td>
          </tr>
          <tr>
            <th>{t('incident.typical')}</th>
            <td colSpan={3}>{i.isCase ? i.caseSummary : t('incident.notTypical')}</td>
          </tr>
        </PairTable>
        <div className="wo-footer">{t('incident.formFooter')}</div>
      </div>
    </div>
  );
}
